"""Key performance indicators (KPIs), measured at the end of every step.

Membership is counted three ways: ``participating_share`` counts every member, however they
came to be one; ``voluntary_share`` only those with a membership they chose; ``enrolled_share``
those who are members only because they were enrolled compulsorily. Enrolment is not
engagement, so reports show it but never judge a strategy by it (:data:`HEADLINE_KPIS`).
Contribution is engagement whoever contributes: ``contributing_share`` counts an enrolled member
who contributes like any other contributor.

Each KPI is one number per week. :data:`KPIS` documents every KPI with its formula; the
per-division knowledge columns ``knowledge_div_<d>`` follow the fixed ones (preceded, in runs
with fast learners, by ``knowledge_fast_learners`` and ``knowledge_slow_learners``: the mean
knowledge of each group).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.engine.state import Engagement, State, Status

__all__ = ["DIVISION_SERIES", "HEADLINE_KPIS", "KPIS", "RUN_KPIS", "UNIT_BOUNDS", "Kpi",
           "Recorder", "RunKpi", "knowledge_scores", "measure", "run_summary"]

_INF = float("inf")

UNIT_BOUNDS: dict[str, tuple[float, float]] = {
    "share": (0.0, 1.0),
    "score": (-1.0, 1.0),
    "week": (0.0, _INF),
    "weeks": (0.0, _INF),
    "count": (0.0, _INF),
    "communities": (0.0, _INF),
}
"""The values a KPI of each unit can take, ``(lowest, highest)``: a share lies in [0, 1],
March's knowledge score in [-1, 1], weeks and counts are never negative (and have no upper
bound known here). A KPI whose range differs from its unit's gives its own (``possible``); a
unit not listed here puts no bound on its KPIs."""


def _bounds(possible: tuple[float, float] | None, unit: str) -> tuple[float, float]:
    """``possible`` if given, else the bounds of ``unit`` (none for a unit not listed)."""
    if possible is not None:
        return possible
    return UNIT_BOUNDS.get(unit, (-_INF, _INF))


@dataclass(frozen=True)
class Kpi:
    """A documented KPI.

    Attributes:
        name: Column name.
        formula: How it is computed, in words and symbols.
        unit: Unit of the value.
        possible: The lowest and highest value the KPI can take where they differ from those
            of its unit (:data:`UNIT_BOUNDS`); ``None`` takes the unit's. See :attr:`bounds`.
    """

    name: str
    formula: str
    unit: str
    possible: tuple[float, float] | None = None

    @property
    def bounds(self) -> tuple[float, float]:
        """``(lowest, highest)``: the values the KPI can take in any week; either may be infinite.

        Every value of the KPI lies within them, so the mean over replications does too: a
        confidence interval of the mean is clipped to them (a share's never reaches below 0 or
        above 100 %), and one of a difference between two values of the KPI to
        ``(lowest - highest, highest - lowest)``.
        """
        return _bounds(self.possible, self.unit)


KPIS: tuple[Kpi, ...] = (
    Kpi("step", "Week number; 0 is the state before the first step.", "week"),
    Kpi("aware_share", "Share of employees at 'aware' or above.", "share"),
    Kpi("participating_share", "Share of employees at 'lurker' or above (members of at least one "
        "community), compulsory enrolment included: voluntary_share + enrolled_share.", "share"),
    Kpi("voluntary_share", "Share of employees who are members of at least one community they "
        "joined by choice: accepted an invitation, joined on their own, or belong to an "
        "unofficial group.", "share"),
    Kpi("enrolled_share", "Share of employees who are members only through compulsory "
        "enrolment (no membership of their own choosing), whatever their rung.", "share"),
    Kpi("contributing_share", "Share of employees at 'contributor' or above.", "share"),
    Kpi("champion_share", "Share of employees at 'champion'.", "share"),
    Kpi("mean_knowledge", "Mean over employees of (1/m) sum_d belief_d * reality_d: correct minus "
        "wrong beliefs per dimension (March 1991's knowledge score), in [-1, 1].", "score"),
    Kpi("performance", "Expected share of correct actions: (correct beliefs + unknown/2) / m, "
        "averaged over employees; on an NK landscape, the mean normalised landscape score of "
        "the employees' beliefs (an unknown dimension read as -1).", "share"),
    Kpi("error_rate", "1 - performance: expected share of actions that are wrong.", "share"),
    # A standard deviation (ddof 0) of scores in [-1, 1]: never negative, at most 1.
    Kpi("division_knowledge_sd", "Standard deviation of the divisions' mean knowledge "
        "(inequality between divisions).", "score", possible=(0.0, 1.0)),
    Kpi("code_knowledge", "Mean over live communities of (1/m) sum_d code_d * reality_d; 0 when "
        "there is none.", "score"),
    Kpi("active_communities", "Communities that are active (big enough and not dormant).", "count"),
    Kpi("dormant_communities", "Communities that have gone dormant.", "count"),
    Kpi("meetings", "Community meetings scheduled this week (attendance is in "
        "attending_share).", "count"),
    Kpi("attending_share", "Share of employees who attended a community meeting this week.",
        "share"),
    Kpi("spanner_load", "Mean number of communities a boundary spanner belongs to (0 when there "
        "are no spanners).", "communities"),
    Kpi("silo_index", "Share of this week's person-to-person knowledge exchanges (work ties and "
        "meetings) between two people of the same division; empty weeks carry the last value.",
        "share"),
    Kpi("standards_adopted", "Cumulative number of practices that became standards.", "count"),
    Kpi("standards_correct", "Dimensions whose current standard matches reality.", "count"),
)


def knowledge_scores(beliefs: np.ndarray, reality: np.ndarray) -> np.ndarray:
    """March's knowledge score of each row: (correct - wrong) / m."""
    # In float32, exact for these small integers, and several times faster than in int32.
    right_minus_wrong = beliefs.astype(np.float32) @ reality.astype(np.float32)
    return right_minus_wrong.astype(np.float64) / beliefs.shape[1]


def _share(mask: np.ndarray) -> float:
    """The share of true entries: ``mask.mean()``, to the bit, at a fraction of its cost."""
    return np.count_nonzero(mask) / mask.size if mask.size else float("nan")


DIVISION_SERIES = ("aware_share", "participating_share", "voluntary_share",
                   "contributing_share")
"""The shares recorded per division as ``<kpi>_div_<d>`` when ``run.division_series`` is on."""


def measure(state: State, previous_silo: float = float("nan"),
            division_series: bool = False) -> dict[str, float]:
    """Measure every KPI on the current state.

    Args:
        state: Run state at the end of a step.
        previous_silo: Last week's silo index, carried over when no exchange happened.
        division_series: Also measure :data:`DIVISION_SERIES` per division.

    Returns:
        Mapping from KPI name to value, fixed KPIs first, then ``knowledge_div_<d>`` (and with
        ``division_series``, ``<kpi>_div_<d>`` per share of :data:`DIVISION_SERIES`).
    """
    e, c, world, week = state.employees, state.communities, state.world, state.week
    n, m = e.beliefs.shape
    knowledge = knowledge_scores(e.beliefs, world.reality)
    if world.landscape is None:
        # (correct + unknown / 2) / m, an unknown dimension counting half (a coin flip); since
        # correct - wrong = m * knowledge and correct + wrong + unknown = m, that is
        # (1 + knowledge) / 2.
        performance = float((1.0 + knowledge.mean()) / 2.0)
    else:
        performance = float(world.landscape.score(e.beliefs).mean())
    n_div = int(e.division.max()) + 1
    by_division = np.bincount(e.division, weights=knowledge, minlength=n_div) / np.bincount(
        e.division, minlength=n_div)
    live = c.live
    code_knowledge = (float(knowledge_scores(c.code[live], world.reality).mean())
                      if live.any() else 0.0)
    silo = (week.exchanges_within / week.exchanges_total if week.exchanges_total
            else previous_silo)
    voluntary = c.memberships.chosen_any()
    enrolled = (c.memberships.count > 0) & ~voluntary
    values = {
        "step": float(state.step),
        "aware_share": _share(e.engagement >= Engagement.AWARE),
        "participating_share": _share(e.engagement >= Engagement.LURKER),
        "voluntary_share": _share(voluntary),
        "enrolled_share": _share(enrolled),
        "contributing_share": _share(e.engagement >= Engagement.CONTRIBUTOR),
        "champion_share": _share(e.engagement == Engagement.CHAMPION),
        "mean_knowledge": float(knowledge.mean()),
        "performance": performance,
        "error_rate": 1.0 - performance,
        "division_knowledge_sd": float(by_division.std()),
        "code_knowledge": code_knowledge,
        "active_communities": float((c.used & (c.status == Status.ACTIVE)).sum()),
        "dormant_communities": float((c.used & (c.status == Status.DORMANT)).sum()),
        "meetings": float(week.meets.sum()),
        "attending_share": _share(week.attending >= 0),
        "spanner_load": float(c.memberships.count[e.is_spanner].mean()) if e.is_spanner.any()
        else 0.0,
        "silo_index": float(silo),
        "standards_adopted": float(world.standards_adopted),
        "standards_correct": float((world.standards == world.reality).sum()),
    }
    if e.fast_learner.any():  # March (1991, Fig. 3): fast and slow learners apart
        for name, group in (("fast", e.fast_learner), ("slow", ~e.fast_learner)):
            values[f"knowledge_{name}_learners"] = (float(knowledge[group].mean())
                                                   if group.any() else float("nan"))
    values.update({f"knowledge_div_{d}": float(k) for d, k in enumerate(by_division)})
    if division_series:
        sizes = np.maximum(np.bincount(e.division, minlength=n_div), 1)
        members = {"aware_share": e.engagement >= Engagement.AWARE,
                   "participating_share": e.engagement >= Engagement.LURKER,
                   "voluntary_share": voluntary,
                   "contributing_share": e.engagement >= Engagement.CONTRIBUTOR}
        for name in DIVISION_SERIES:
            shares = np.bincount(e.division, weights=members[name], minlength=n_div) / sizes
            values.update({f"{name}_div_{d}": float(v) for d, v in enumerate(shares)})
    return values


@dataclass
class Recorder:
    """Collects the KPIs of every step into columns.

    Mesa's ``DataCollector`` would call one reporter function per KPI and hand back a pandas
    table; here :func:`measure` computes every KPI in one pass over the state arrays (several
    KPIs share their intermediate sums), and the columns come back as numpy arrays, which is
    what the results writers and the reports take. So the model records with this instead.
    """

    rows: list[dict[str, float]] = field(default_factory=list)
    division_series: bool = False

    def record(self, state: State) -> dict[str, float]:
        """Measure the state and append the row; return it."""
        previous = self.rows[-1]["silo_index"] if self.rows else float("nan")
        row = measure(state, previous, self.division_series)
        self.rows.append(row)
        return row

    def columns(self) -> dict[str, np.ndarray]:
        """The time series as ``{kpi: (steps + 1,) array}``, in column order."""
        if not self.rows:
            return {}
        return {k: np.array([r[k] for r in self.rows]) for k in self.rows[0]}


@dataclass(frozen=True)
class RunKpi:
    """A KPI of a whole run: one number per run, compared across strategies.

    Attributes:
        name: Column name in ``runs.parquet``.
        label: Short label for tables and figures.
        formula: How it is computed from the weekly KPIs or the final state.
        unit: Unit of the value.
        better: ``"higher"``, ``"lower"`` or ``"none"`` (descriptive only).
        headline: Whether the verdict judges it; reports lead with the headline KPIs, in the
            order of :data:`RUN_KPIS` (:data:`HEADLINE_KPIS`).
        possible: The lowest and highest value the KPI can take where they differ from those
            of its unit (:data:`UNIT_BOUNDS`); ``None`` takes the unit's. See :attr:`bounds`.
    """

    name: str
    label: str
    formula: str
    unit: str
    better: str = "higher"
    headline: bool = False
    possible: tuple[float, float] | None = None

    @property
    def bounds(self) -> tuple[float, float]:
        """``(lowest, highest)``: the values the KPI can take in any run; either may be infinite.

        Every run's value lies within them, so the mean over runs does too: a confidence
        interval of the mean is clipped to them, and one of a (paired) difference between two
        runs' values to ``(lowest - highest, highest - lowest)``.
        """
        return _bounds(self.possible, self.unit)


RUN_KPIS: tuple[RunKpi, ...] = (
    # The headline KPIs first, in the order reports take them (HEADLINE_KPIS): what the
    # organisation learnt (knowledge, errors), then contribution, then participation by choice.
    RunKpi("knowledge_final", "Knowledge (end)", "mean_knowledge in the last week (March's "
           "score, -1..1).", "score", headline=True),
    RunKpi("error_rate_final", "Error rate (end)", "error_rate in the last week.", "share",
           better="lower", headline=True),
    RunKpi("reach_contributing", "Reach: contributing", "contributing_share in the last week "
           "(contributors however they joined: contribution is engagement).", "share",
           headline=True),
    RunKpi("reach_voluntary", "Reach: voluntary participation", "voluntary_share in the last "
           "week: members of a community they joined by choice.", "share", headline=True),
    RunKpi("time_to_50_voluntary", "Weeks to 50% voluntary participation", "First week with "
           "voluntary_share >= 0.5; runs that never get there count as steps + 1 (censored).",
           "weeks", better="lower", headline=True),
    # Shown, not judged by the verdict.
    RunKpi("knowledge_mean", "Knowledge (average over run)", "Mean of mean_knowledge over weeks "
           "1..T: knowledge accumulated along the way.", "score"),
    RunKpi("performance_final", "Performance (end)", "performance in the last week; with "
           "additive scoring it equals 0.5 + knowledge/2 because actions on unknown dimensions "
           "are guesses.", "share"),
    RunKpi("reach_participating", "Reach: participating", "participating_share in the last "
           "week (compulsory enrolment included).", "share"),
    RunKpi("reach_enrolled", "Reach: enrolled only", "enrolled_share in the last week: members "
           "only through compulsory enrolment (membership is not engagement).", "share",
           better="none"),
    RunKpi("reach_aware", "Reach: aware", "aware_share in the last week.", "share"),
    RunKpi("time_to_50", "Weeks to 50% participating", "First week with participating_share >= "
           "0.5 (compulsory enrolment included); runs that never get there count as steps + 1 "
           "(censored).", "weeks", better="lower"),
    RunKpi("time_to_80", "Weeks to 80% participating", "First week with participating_share >= "
           "0.8; censored at steps + 1.", "weeks", better="lower"),
    # A standard deviation (ddof 0) of scores in [-1, 1]: never negative, at most 1.
    RunKpi("division_inequality", "Inequality between divisions", "division_knowledge_sd in the "
           "last week.", "score", better="lower", possible=(0.0, 1.0)),
    RunKpi("silo_index", "Silo index", "Mean of the weekly silo_index over the run (weeks "
           "before the first exchange left out; later empty weeks carry the last value).",
           "share", better="lower"),
    RunKpi("standards_adopted", "Standards adopted", "standards_adopted in the last week.",
           "count"),
    RunKpi("lurker_share", "Lurkers among participants", "Lurkers / participants in the last "
           "week (90-9-1 pattern: 0.90; Nielsen 2006).", "share", better="none"),
    RunKpi("contributor_share", "Contributors among participants", "Contributors / "
           "participants in the last week (90-9-1: 0.09).", "share", better="none"),
    RunKpi("champion_share", "Champions among participants", "Champions / participants in the "
           "last week (90-9-1: 0.01).", "share", better="none"),
    RunKpi("value_immediate", "Immediate value", "Mean weekly attending_share: the activity "
           "and interaction people get (Wenger, Trayner & de Laat 2011, cycle 1).", "share"),
    RunKpi("value_potential", "Potential value", "code_knowledge in the last week: knowledge "
           "capital stored in the communities' repositories (cycle 2).", "score"),
    RunKpi("value_applied", "Applied value", "Mean knowledge of participants minus that of "
           "non-participants in the last week: practice changed by taking part (cycle 3); 0 "
           "if either group is empty.", "score", possible=(-2.0, 2.0)),
    RunKpi("value_realised", "Realised value", "error_rate in week 0 minus error_rate in the "
           "last week: performance improvement (cycle 4).", "share",
           possible=(-1.0, 1.0)),
    RunKpi("value_reframing", "Reframing value", "standards_correct in the last week: practices "
           "the organisation has redefined as its standards, correctly (cycle 5).", "count"),
    RunKpi("spanner_load", "Boundary-spanner load", "spanner_load in the last week: communities "
           "per boundary spanner.", "communities", better="none"),
)

HEADLINE_KPIS: tuple[RunKpi, ...] = tuple(k for k in RUN_KPIS if k.headline)
"""The KPIs a verdict judges, in the order reports give them: knowledge and error rate first
(what the organisation learnt, and what it cares about: fewer errors), then contribution, then
voluntary reach and how fast it came. Reach including compulsory enrolment
(``reach_participating``, ``time_to_50``) is shown but not judged: enrolment is not engagement.
Every headline KPI has a better side."""


def _first_week(series: np.ndarray, level: float) -> float:
    """First index where ``series >= level``; ``len(series)`` (censored) if never."""
    hit = np.flatnonzero(series >= level)
    return float(hit[0]) if hit.size else float(len(series))


def run_summary(columns: dict[str, np.ndarray], state: State) -> dict[str, float]:
    """The run KPIs (:data:`RUN_KPIS`, in its order) of a finished run.

    Args:
        columns: The weekly KPI time series of the run (week 0 first).
        state: The final state.
    """
    last = {k: float(v[-1]) for k, v in columns.items()}
    e = state.employees
    participants = e.participating
    n_part = int(participants.sum())
    rung = e.engagement[participants]
    knowledge = knowledge_scores(e.beliefs, state.world.reality)
    applied = (float(knowledge[participants].mean() - knowledge[~participants].mean())
               if 0 < n_part < e.n else 0.0)
    silo = columns["silo_index"][1:]
    silo = silo[~np.isnan(silo)]
    values = {
        "reach_participating": last["participating_share"],
        "reach_voluntary": last["voluntary_share"],
        "reach_enrolled": last["enrolled_share"],
        "reach_aware": last["aware_share"],
        "reach_contributing": last["contributing_share"],
        "time_to_50": _first_week(columns["participating_share"], 0.5),
        "time_to_50_voluntary": _first_week(columns["voluntary_share"], 0.5),
        "time_to_80": _first_week(columns["participating_share"], 0.8),
        "knowledge_final": last["mean_knowledge"],
        "knowledge_mean": float(columns["mean_knowledge"][1:].mean()),
        "performance_final": last["performance"],
        "error_rate_final": last["error_rate"],
        "division_inequality": last["division_knowledge_sd"],
        "silo_index": float(silo.mean()) if silo.size else float("nan"),
        "standards_adopted": last["standards_adopted"],
        "lurker_share": float((rung == Engagement.LURKER).mean()) if n_part else 0.0,
        "contributor_share": float((rung == Engagement.CONTRIBUTOR).mean()) if n_part else 0.0,
        "champion_share": float((rung == Engagement.CHAMPION).mean()) if n_part else 0.0,
        "value_immediate": float(columns["attending_share"][1:].mean()),
        "value_potential": last["code_knowledge"],
        "value_applied": applied,
        "value_realised": float(columns["error_rate"][0] - columns["error_rate"][-1]),
        "value_reframing": last["standards_correct"],
        "spanner_load": last["spanner_load"],
    }
    return {k.name: values[k.name] for k in RUN_KPIS}
