"""The model's own parameters, and the assembly of the parameter schema.

Every parameter of the model is declared once. This module declares the model's own sections
(``scenario``, ``run``, ``org``, ``culture``, ``participation``, ``community``, ``knowledge``,
``environment``, ``standards`` and the ``strategy`` parameters every strategy shares), each with
its default, type, range, unit, help text and, where the number comes from a paper, its source.
Each rollout strategy declares its own parameters, the section ``strategy.<name>``, beside its
class (:attr:`sim.engine.strategies.Strategy.parameters`). :func:`assemble` puts the two
together: :data:`SCHEMA` is the model's parameters, then ``strategy.name``, whose choices are the
registered strategies, then the ``strategy`` parameters they share, then each registered
strategy's own parameters, in registry order.

Time is measured in weeks: one model step is one week.
"""

from __future__ import annotations

from collections.abc import Mapping

from sim.engine.fields import (
    PATH,
    PATH_HELP,
    SAFE_NAME,
    SAFE_NAME_HELP,
    Param,
    Plausible,
    param,
    per_employees,
)
from sim.engine.strategies import STRATEGIES, Strategy

__all__ = ["MODEL", "SCHEMA", "SHARED", "assemble", "strategy_choice"]

P = param

MODEL: tuple[Param, ...] = (
    # --- scenario: names only -----------------------------------------------------------------
    P("scenario", "name", "default", "Short name of the scenario, used in output folders.",
      pattern=SAFE_NAME, pattern_help=SAFE_NAME_HELP),
    P("scenario", "description", "", "One or two sentences on what the scenario represents."),
    # --- run ----------------------------------------------------------------------------------
    P("run", "steps", 104, "Number of weeks to simulate.", unit="weeks", low=1, high=5200),
    P("run", "seed", 1, "Root seed; every random stream of a run is derived from it.",
      unit="", low=0, high=2**63 - 1),
    P("run", "division_series", False, "Also record each division's aware, participating, "
      "voluntary and contributing shares every week (columns <kpi>_div_<d>, beside "
      "knowledge_div_<d>); a calibration to per-division observations turns it on."),
    # --- org: a client's organisation chart, or the synthetic organisation ----------------------
    P("org", "chart", "", "Employees CSV of a real organisation (columns id, manager_id, "
      "division, optional team), relative to the scenario file; empty builds the synthetic "
      "organisation below. With a chart, employees and divisions are taken from the file "
      "(leave them out).",
      unit="path", pattern=PATH, pattern_help=PATH_HELP),
    P("org", "collaboration", "", "Collaboration-ties CSV for the chart's informal ties "
      "(columns a, b, optional weight: a trust in (0, 1] or a count of e-mails, meetings or "
      "messages), relative to the scenario file; empty generates them as for the synthetic "
      "organisation.", unit="path", pattern=PATH, pattern_help=PATH_HELP),
    P("org", "collaboration_weight", "auto", "What the weight column of org.collaboration "
      "holds: 'trust' in (0, 1]; a 'count' (e-mails, meetings, ...), mapped to trust by "
      "org.count_saturation; 'binary' (the weights are ignored: a listed pair is a tie, its "
      "trust drawn as for the synthetic organisation); 'auto' tells them apart from the "
      "values (no weight column or one value throughout: binary; whole numbers with one "
      "above 1: count; else trust) and says which it took.",
      choices=("auto", "trust", "count", "binary")),
    P("org", "collaboration_merge", "auto", "How the weights of a pair listed more than once "
      "(in both directions, say) are combined: 'sum' or 'max'; 'auto' sums counts and takes "
      "the largest trust.", choices=("auto", "sum", "max")),
    P("org", "count_saturation", 0.9, "Counts: the quantile of the file's (merged) counts at "
      "and above which a tie has full trust; below it, trust = log(1 + count) / log(1 + that "
      "quantile's count), so trust grows with the count but ever more slowly.",
      unit="quantile", low=0.01, high=1.0),
    P("org", "employees", 1000, "Number of employees.", unit="people", low=2, high=2_000_000),
    P("org", "divisions", 5, "Number of divisions (business units).", unit="divisions",
      low=1, high=1000),
    P("org", "span_of_control", 7, "Direct reports per manager; a team is a manager and their "
      "direct reports.", unit="people", low=1, high=100),
    P("org", "informal_degree", 6, "Mean number of informal (collaboration) ties per employee; "
      "an even number, as in a Watts-Strogatz ring (capped at the division size - 1, so a large "
      "value gives a fully mixed division).", unit="ties", low=0, high=100_000,
      source="Watts & Strogatz (1998), Nature 393"),
    P("org", "informal_network", "small_world", "Layout of the informal ties in each division: "
      "'small_world' (a ring lattice in hierarchy order with rewiring; Watts & Strogatz 1998) "
      "or 'random' (Erdos-Renyi: informal_degree x size / 2 ties between uniformly random "
      "pairs, so degrees are Poisson; Watts 2002).", choices=("small_world", "random"),
      source="Watts & Strogatz (1998), Nature 393; Watts (2002), PNAS 99(9)"),
    P("org", "formal_ties", True, "Whether reporting lines and teams are ties too (false: "
      "informal ties only, e.g. to study a pure ring lattice, random or fully mixed network; "
      "the hierarchy still exists for strategies that use it)."),
    P("org", "rewiring", 0.1, "Probability that an informal tie is rewired to a random colleague "
      "of the same division (small-world shortcuts).", unit="probability", low=0.0, high=1.0,
      source="Watts & Strogatz (1998), Nature 393"),
    P("org", "cross_division_share", 0.1, "Share of informal ties that cross division "
      "boundaries.", unit="share", low=0.0, high=1.0, label="Cross-division ties",
      plausible=Plausible(0.02, 0.4, "From siloed firms to ones where a third or more of the "
                          "informal network spans units (Kleinbaum, Stuart & Tushman 2013, "
                          "Organization Science 24(5), e-mail networks of a large firm).")),
    P("org", "trust_mean", 0.6, "Mean trust on a tie (tie weight); drawn from a Beta "
      "distribution; 1 gives every tie full trust.", unit="0-1", low=0.01, high=1.0,
      label="Mean trust on a tie",
      plausible=Plausible(0.4, 0.8, "Average trust between colleagues is rarely measured; "
                          "the range spans low- to high-trust workplaces around the default.")),
    P("org", "trust_concentration", 10.0, "Concentration (a + b) of the Beta distribution of "
      "trust; higher means less spread.", unit="", low=0.1, high=1000.0),
    P("org", "formal_trust_bonus", 0.2, "Trust added to reporting-line and team ties "
      "(capped at 1).", unit="0-1", low=0.0, high=1.0),
    P("org", "boundary_spanner_share", 0.03, "Share of employees given the boundary-spanner "
      "role, picked by structural position (most other divisions reached, then most "
      "cross-division ties).", unit="share",
      low=0.0, high=0.5, source="Burt (2004), AJS 110(2)"),
    P("org", "unofficial_groups", 5, "Number of existing unofficial groups (e.g. chat "
      "channels) at the start.", unit="groups", low=0, high=1000,
      scaled=per_employees(5, 0, "community.max_communities", " (about 5% of the people in "
                           "groups of 5-15)")),
    P("org", "unofficial_group_size_min", 5, "Smallest unofficial group.", unit="people",
      low=2, high=10_000),
    P("org", "unofficial_group_size_max", 15, "Largest unofficial group.", unit="people",
      low=2, high=10_000),
    P("org", "unofficial_energy_min", 0.2, "Lowest starting energy of an unofficial group.",
      unit="0-1", low=0.0, high=1.0),
    P("org", "unofficial_energy_max", 0.8, "Highest starting energy of an unofficial group.",
      unit="0-1", low=0.0, high=1.0),
    # --- culture ------------------------------------------------------------------------------
    P("culture", "psychological_safety", 0.6, "How safe people feel to speak up, ask and admit "
      "mistakes; scales peer learning, contributing and experimenting.", unit="0-1",
      low=0.0, high=1.0, source="Edmondson (1999), ASQ 44",
      plausible=Plausible(0.3, 0.9, "Team psychological safety varies widely between teams "
                          "of one firm (Edmondson 1999, ASQ 44); a client's survey, if any, "
                          "narrows it.")),
    P("culture", "competitiveness", 0.2, "How individualistic and competitive the culture is; "
      "reduces sharing on work ties and contributing in communities.", unit="0-1",
      low=0.0, high=1.0,
      plausible=Plausible(0.0, 0.5, "From cooperative cultures to ones where colleagues "
                          "compete for credit; more than half would stop most sharing.")),
    P("culture", "recognition", 0.5, "How much contributions are credited (the 'credit' of the "
      "7Cs); raises motivation of contributors.", unit="0-1", low=0.0, high=1.0,
      source="Lancaster (2024), Organizational Learning Communities"),
    # --- participation: the engagement ladder ---------------------------------------------------
    P("participation", "contagion", "threshold", "Form of the joining rule: 'linear' (simple "
      "contagion, Bass-like hazard) or 'threshold' (complex contagion, Granovetter/Watts).",
      choices=("linear", "threshold"),
      source="Bass (1969); Granovetter (1978); Watts (2002)"),
    P("participation", "awareness_rate", 0.02, "Weekly chance that an unaware employee hears of "
      "the learning network through official communications (only while an official, "
      "non-dormant community exists); word of mouth works regardless.",
      unit="per week", low=0.0, high=1.0),
    P("participation", "word_of_mouth", 0.3, "Weekly chance of becoming aware, multiplied by the "
      "trust-weighted share of one's ties who take part by choice or contribute (not those only "
      "enrolled compulsorily).", unit="per week", low=0.0, high=1.0,
      plausible=Plausible(0.1, 0.6, "How strongly engaged colleagues spread the word is "
                          "seldom known; the range halves and doubles the default.")),
    P("participation", "spontaneous_join_rate", 0.002, "Weekly chance that an aware employee "
      "joins on their own (Bass innovation coefficient p).", unit="per week", low=0.0, high=1.0,
      source="Bass (1969), Management Science 15(5)"),
    P("participation", "imitation_rate", 0.1, "Linear contagion: weekly joining chance per unit "
      "of the share of one's ties who take part by choice or contribute (Bass imitation "
      "coefficient q).", unit="per week",
      low=0.0, high=1.0, source="Bass (1969), Management Science 15(5)"),
    P("participation", "threshold_type", "fraction", "Threshold contagion: whether thresholds "
      "are a share of one's ties ('fraction', Watts 2002) or a number of ties ('count', "
      "Centola & Macy 2007).", choices=("fraction", "count"),
      source="Watts (2002), PNAS 99(9); Centola & Macy (2007), AJS 113(3)"),
    P("participation", "threshold_mean", 0.3, "Threshold contagion: mean threshold (a share of "
      "ties, or a number of ties when threshold_type is 'count').", unit="share or ties",
      low=0.0, high=1000.0, source="Watts (2002), PNAS 99(9)",
      label="Mean adoption threshold",
      plausible=Plausible(0.1, 0.5, "Adoption thresholds as shares of one's ties: Watts "
                          "(2002) studies 0.1-0.3; above a half, one needs most of one's ties "
                          "engaged first (complex contagion, Centola & Macy 2007).")),
    P("participation", "threshold_sd", 0.1, "Threshold contagion: standard deviation of "
      "thresholds across people (normal, clipped at 0).", unit="share or ties",
      low=0.0, high=1000.0),
    P("participation", "join_rate", 0.1, "Threshold contagion: weekly chance of joining once "
      "one's threshold is met.", unit="per week", low=0.0, high=1.0),
    P("participation", "invitation_acceptance", 0.15, "Chance that an employee accepts a "
      "general invitation (an announcement to many) in the week it is made.",
      unit="probability", low=0.0, high=1.0, label="Response to general invitations",
      plausible=Plausible(0.05, 0.3, "Response to an organisation-wide call to join: from a "
                          "few percent (mass e-mail) to about a third (a visible sponsor).")),
    P("participation", "personal_acceptance", 0.5, "Chance that an employee accepts a personal "
      "invitation from a colleague (a pilot group's founder, a boundary spanner) in the week it "
      "is made.", unit="probability", low=0.0, high=1.0,
      source="Kim et al. (2015), Lancet 386: nominated-friend targeting"),
    P("participation", "attendance_motivation", 0.5, "How much a member's effective motivation "
      "decides whether they attend a meeting: P(attend) = 1 - w (1 - motivation (1 - fatigue)); "
      "0 means everyone always attends.", unit="weight", low=0.0, high=1.0),
    P("participation", "official_pull", 0.05, "Weight with which an open official community "
      "draws a joiner who has no tie to its members, relative to one tie of full trust to a "
      "member.", unit="ties", low=0.0, high=100.0),
    P("participation", "max_memberships", 2, "Most communities an ordinary employee belongs to "
      "at once.", unit="communities", low=1, high=100),
    P("participation", "spanner_max_memberships", 3, "Most communities a boundary spanner "
      "belongs to at once.", unit="communities", low=1, high=100),
    P("participation", "initial_motivation", 0.6, "Mean motivation to take part in learning "
      "(Beta distributed across people).", unit="0-1", low=0.01, high=0.99),
    P("participation", "motivation_concentration", 10.0, "Concentration (a + b) of the Beta "
      "distribution of motivation across people, newcomers' included; higher means less "
      "spread around initial_motivation.", unit="", low=0.1, high=1000.0),
    P("participation", "contribute_rate", 0.04, "Weekly chance that a lurker starts "
      "contributing at full effective motivation, safety and energy with no competition; scaled "
      "by motivation x (1 - fatigue) x safety x (1 - competitiveness) x (0.5 + energy/2).",
      unit="per week", low=0.0, high=1.0),
    P("participation", "champion_rate", 0.02, "Weekly chance that a contributor becomes a "
      "champion at full effective motivation (motivation x (1 - fatigue)) and full "
      "recognition; scaled by both.", unit="per week", low=0.0, high=1.0),
    P("participation", "lapse_rate", 0.05, "Weekly chance that a contributor or champion with no "
      "effective motivation steps back one rung; scaled by 1 - motivation x (1 - fatigue).",
      unit="per week", low=0.0, high=1.0),
    P("participation", "dropout_rate", 0.04, "Weekly chance that a participant with no "
      "effective motivation (motivation x (1 - fatigue) = 0) leaves their communities; scaled "
      "by 1 - motivation x (1 - fatigue).", unit="per week", low=0.0, high=1.0),
    P("participation", "fatigue_per_meeting", 0.1, "Fatigue added by each meeting attended.",
      unit="0-1", low=0.0, high=1.0),
    P("participation", "fatigue_recovery", 0.15, "Share of fatigue that wears off each week.",
      unit="per week", low=0.0, high=1.0),
    P("participation", "recognition_gain", 0.02, "Share of the gap to full motivation a "
      "contributor closes per week at full recognition: gain x recognition x (1 - motivation).",
      unit="per week", low=0.0, high=1.0),
    P("participation", "compulsory", False, "Whether the official communities a strategy "
      "launches enrol the people it invites ('a box to check') instead of letting them accept; "
      "compulsory enrolment ignores the membership cap (leader_cascade is always compulsory)."),
    P("participation", "compulsion_penalty", 0.5, "Share of motivation lost by someone enrolled "
      "compulsorily.", unit="share", low=0.0, high=1.0,
      source="Wenger, McDermott & Snyder (2002), Cultivating Communities of Practice"),
    # --- community: groups, energy and cadence --------------------------------------------------
    P("community", "cadence", 2, "Weeks between meetings of an official community.",
      unit="weeks", low=1, high=52, source="Lancaster (2024): cadence, one of the 7Cs"),
    P("community", "unofficial_cadence", 1, "Weeks between gatherings of an unofficial group.",
      unit="weeks", low=1, high=52),
    P("community", "energy_gain", 1.0, "Energy added per meeting by contributions, times the "
      "share of members who contribute (champions count double).", unit="per meeting",
      low=0.0, high=10.0),
    P("community", "energy_decay", 0.05, "Share of energy lost each week.", unit="per week",
      low=0.0, high=1.0, label="Community energy lost a week",
      plausible=Plausible(0.02, 0.15, "How fast a community's momentum fades without new "
                          "contributions: a half-life of about a month to most of a year.")),
    P("community", "facilitation_energy", 0.03, "Energy facilitation adds each week to a "
      "community that is fully covered (see hours_per_member); scaled by the coverage.",
      unit="per week", low=0.0, high=1.0),
    P("community", "hours_per_member", 0.25, "Facilitator hours per member and week for full "
      "coverage; coverage = min(1, hours / (members x hours_per_member)), so a fixed budget is "
      "spread thinner over a larger community.", unit="hours per member and week",
      low=0.001, high=100.0),
    P("community", "loafing_size", 150, "Community size at which the chance of starting to "
      "contribute is halved (social loafing: the larger the group, the less each member "
      "feels their contribution matters); the chance is scaled by 1 / (1 + members / "
      "loafing_size).", unit="people", low=1, high=1_000_000,
      source="Karau & Williams (1993), JPSP 65(4); Latane, Williams & Harkins (1979)"),
    P("community", "min_members", 3, "Members a community needs before it meets.",
      unit="people", low=1, high=1000),
    P("community", "dormancy_threshold", 0.05, "Energy below which a community starts to go "
      "dormant.", unit="0-1", low=0.0, high=1.0),
    P("community", "dormancy_weeks", 8, "Consecutive weeks below the threshold after which a "
      "community is dormant; dormant communities do not meet.", unit="weeks", low=1, high=520),
    P("community", "dormant_exit_rate", 0.1, "Weekly chance that a member leaves a dormant "
      "community.", unit="per week", low=0.0, high=1.0),
    P("community", "max_communities", 64, "Most communities that can exist at once (unofficial "
      "groups included).", unit="communities", low=1, high=10_000),
    # --- knowledge: March (1991) beliefs ----------------------------------------------------------
    P("knowledge", "dimensions", 30, "Number of practice dimensions (m) of reality.",
      unit="dimensions", low=1, high=1000, source="March (1991), Organization Science 2(1), p. 74"),
    P("knowledge", "socialisation_rate", 0.1, "p1: per dimension and week with a meeting, "
      "chance that a member's belief moves one step toward their community's code (weeks "
      "without one: times reading_socialisation).", unit="probability",
      low=0.0, high=1.0, source="March (1991), Organization Science 2(1), p. 74"),
    P("knowledge", "fast_learner_share", 0.0, "Share of each division's positions held by fast "
      "learners, who socialise at fast_socialisation_rate instead of socialisation_rate "
      "(rounded to a whole number per division).", unit="share", low=0.0, high=1.0,
      source="March (1991), Organization Science 2(1), Figs. 2-3"),
    P("knowledge", "fast_socialisation_rate", 0.9, "p1 of the fast learners.",
      unit="probability", low=0.0, high=1.0,
      source="March (1991), Organization Science 2(1), Figs. 2-3"),
    P("knowledge", "reading_socialisation", 0.5, "Socialisation in a week without a meeting "
      "(reading the repository), relative to a week with one.", unit="share",
      low=0.0, high=1.0),
    P("knowledge", "code_learning_rate", 0.5, "p2: chance base for the code adopting the "
      "majority belief of its superior contributors, 1 - (1 - p2)^k.", unit="probability",
      low=0.0, high=1.0, source="March (1991), Organization Science 2(1), p. 74"),
    P("knowledge", "code_learns_from", "contributors", "Who can teach a community's code: its "
      "'contributors' (contributors and champions) or all its 'members' (March's setting).",
      choices=("contributors", "members"), source="March (1991), Organization Science 2(1)"),
    P("knowledge", "peer_learning_rate", 0.05, "Per dimension and week, chance of moving one "
      "step toward a better-performing colleague's belief; scaled by trust x safety x "
      "(1 - competitiveness).",
      unit="probability", low=0.0, high=1.0,
      source="Miller, Zhao & Calantone (2006), AMJ 49(4)"),
    P("knowledge", "meeting_learning_rate", 0.2, "Per dimension and meeting, chance of moving "
      "one step toward the belief of a better-performing contributor met there; scaled by "
      "safety.",
      unit="probability", low=0.0, high=1.0),
    P("knowledge", "exploration_rate", 0.02, "Weekly chance that an employee runs an experiment "
      "on one practice dimension, at full psychological safety (scaled by safety).",
      unit="per week", low=0.0, high=1.0),
    P("knowledge", "evaluation_accuracy", 0.7, "Chance that an experiment's evaluation reveals "
      "the right answer on its dimension.", unit="probability", low=0.0, high=1.0),
    P("knowledge", "initial_beliefs", "march", "Starting beliefs: 'march' draws -1, 0 or +1 "
      "per dimension with equal chance (March 1991); 'definite' draws -1 or +1 (everyone starts "
      "with a full practice, as in NK search models).", choices=("march", "definite"),
      source="March (1991), Organization Science 2(1), p. 74"),
    P("knowledge", "peer_choice", "trust", "Whom people look at on their work ties: one "
      "colleague picked in proportion to 'trust', or the 'best' scorer among all their ties "
      "(Lazer & Friedman 2007).", choices=("trust", "best"),
      source="Lazer & Friedman (2007), ASQ 52(4)"),
    P("knowledge", "belief_update", "step", "How a belief moves toward a source: one 'step' "
      "per week (-1 -> 0 -> +1, March's original program) or a 'jump' to the source's value "
      "(copying).", choices=("step", "jump")),
    P("knowledge", "explore_when", "always", "When people experiment: 'always' (with "
      "exploration_rate each week) or only when 'stuck', in weeks they saw no better colleague "
      "(Lazer & Friedman 2007).", choices=("always", "stuck"),
      source="Lazer & Friedman (2007), ASQ 52(4)"),
    P("knowledge", "landscape", "additive", "How a practice scores: 'additive', each dimension "
      "right or wrong on its own (March 1991), or 'nk', dimensions interact on an NK landscape "
      "over the m dimensions (at most 24), reality being its best practice.",
      choices=("additive", "nk"), source="Kauffman (1993); Levinthal (1997), Mgmt Sci 43(7)"),
    P("knowledge", "nk_interactions", 5, "K: other dimensions each dimension's contribution "
      "depends on (nk landscape only).", unit="dimensions", low=0, high=29,
      source="Lazer & Friedman (2007), ASQ 52(4)"),
    P("knowledge", "nk_exponent", 8.0, "Power applied to the normalised NK score "
      "(score / maximum)^exponent (nk landscape only).", unit="", low=1.0, high=100.0,
      source="Lazer & Friedman (2007), ASQ 52(4)"),
    # --- environment: March (1991) turnover and turbulence ---------------------------------------
    P("environment", "turnover", 0.002, "p3: weekly chance that an employee leaves and is "
      "replaced by a newcomer with random beliefs (0.002 is about 10% a year).",
      unit="per week", low=0.0, high=1.0, source="March (1991), Organization Science 2(1), p. 79"),
    P("environment", "turbulence", 0.002, "p4: weekly chance that each dimension of reality "
      "flips (knowledge's shelf life).", unit="per week", low=0.0, high=1.0,
      source="March (1991), Organization Science 2(1), p. 80"),
    # --- standards: innovations that spread become standards -------------------------------------
    P("standards", "division_share", 0.6, "Share of divisions in which a practice must be held "
      "by a majority (and by more divisions than the opposite practice) before it becomes a "
      "standard.", unit="share", low=0.0, high=1.0),
    P("standards", "majority", 0.5, "Share of a division's employees that holding a practice "
      "must exceed for it to count as that division's.", unit="share", low=0.0, high=1.0),
    P("standards", "formal_learning_rate", 0.01, "Per dimension and week, chance that an "
      "employee's belief moves one step toward a standard (procedures, training).",
      unit="probability", low=0.0, high=1.0),
    P("standards", "onboarding", 0.5, "Chance that a newcomer starts with the standard on each "
      "standardised dimension.", unit="probability", low=0.0, high=1.0),
)
"""The model's own parameters, section by section."""

SHARED: tuple[Param, ...] = (
    # --- strategy: the rollout lever, shared by every strategy ----------------------------------
    P("strategy", "launch_week", 1, "Week in which the strategy launches its first communities.",
      unit="week", low=1, high=5200),
    P("strategy", "facilitation_hours", 20.0, "Facilitator hours per week, the budget every "
      "strategy shares out over its live official communities (evenly).", unit="hours per week",
      low=0.0, high=10_000.0),
)
"""The ``strategy`` parameters every strategy reads (after ``strategy.name``)."""

DEFAULT_STRATEGY = "org_wide_first"
"""The strategy a scenario runs unless it names another."""


def strategy_choice(names: tuple[str, ...]) -> Param:
    """The parameter ``strategy.name``, whose choices are the given strategy names.

    Args:
        names: Names of the registered strategies, in registry order.
    """
    return P("strategy", "name", DEFAULT_STRATEGY,
             "Rollout strategy (see `orglearn list strategies`).", choices=names)


def assemble(strategies: Mapping[str, type[Strategy]]) -> tuple[Param, ...]:
    """The parameter schema for a registry of strategies.

    Args:
        strategies: Strategy classes by registered name, in registry order.

    Returns:
        :data:`MODEL`, ``strategy.name`` with the registry's names as choices, :data:`SHARED`,
        then each strategy's :attr:`~sim.engine.strategies.Strategy.parameters` in registry
        order.

    Raises:
        ValueError: If a strategy declares a parameter outside its section ``strategy.<name>``,
            if a key is declared twice, or if the registry lacks the default strategy.
    """
    if DEFAULT_STRATEGY not in strategies:
        raise ValueError(f"the default strategy {DEFAULT_STRATEGY!r} is not registered")
    own: list[Param] = []
    for name, cls in strategies.items():
        wrong = [p.key for p in cls.parameters if p.section != f"strategy.{name}"]
        if wrong:
            raise ValueError(f"strategy {name!r} declares {wrong[0]}, outside its section "
                             f"strategy.{name}")
        own.extend(cls.parameters)
    schema = (*MODEL, strategy_choice(tuple(strategies)), *SHARED, *own)
    seen: set[str] = set()
    for p in schema:
        if p.key in seen:
            raise ValueError(f"parameter {p.key} is declared twice")
        seen.add(p.key)
    return schema


SCHEMA: tuple[Param, ...] = assemble(STRATEGIES)
"""Every parameter of the model: the model's own and the registered strategies'."""
