"""How much memory one run needs, estimated from its parameters before anything is allocated.

Some parameter combinations pass validation but cannot be allocated: ``org.employees = 200000``
with ``org.informal_degree = 100000`` asks for billions of ties. :func:`estimate_run_memory`
turns a :class:`~sim.engine.params.Params` into an upper-ish estimate of the peak resident memory of
one run (:func:`sim.experiments.tasks.execute` of one task: build the model, run it, read its time
series and run KPIs), by arithmetic on the parameter values alone, so that the command line can
refuse such input with one line before allocating anything. :func:`available_memory` (from
:mod:`sim.engine.memory_limit`) says how much this process may plan to use and
:func:`format_bytes` (from :mod:`sim.engine.byte_sizes`) writes sizes for people; both are
re-exported here, with :data:`MEMORY_LIMIT_ENV`. A run's memory is measured by
:func:`sim.experiments.memory.measure_run_memory`.

The estimate is a sum of :class:`MemoryTerm`, one per component of the run's memory, each with
the schema keys that drive it (``n`` employees, ``m`` dimensions, ``C`` community slots, ``D``
divisions):

* **fixed**: the interpreter with numpy, scipy, pandas and mesa imported
  (``import sim.engine.model``), and what a small run adds to it;
* **employees**: the per-person arrays of the state and of the organisation, and the per-person
  vectors a step computes (participation draws ``(5, n)`` uniform numbers at once). The Mesa
  employee agents are not counted: a run never creates them (``LearningModel.employees`` makes
  them on first use);
* **ties**: the ties the run holds (the trust matrix, with the tie types and informal flags
  sharing its structure, and the tie sampler's float32 share per tie; the weight-1 matrix when
  threshold contagion counts ties; the sort of every tie when everyone copies their best
  colleague), or, when building them needs more, what building them needs beyond the rest of the
  run. The organisation is built, and the temporaries of building it (the generated pairs,
  merged and sorted, mirrored into the sparse matrix) are freed, before the run allocates
  anything else, so the two peaks do not add up: the estimate is the fixed term plus the larger
  of the building's peak and the run's;
* **beliefs**: beliefs and this week's actions, ``(n, m)`` int8 each, and the largest ``(n, m)``
  temporaries of a phase besides the exchange's candidates: the two float32 copies with which
  standards sum beliefs per division (metrics and scoring make one; knowledge exchange's byte
  field, masks and proposals are smaller);
* **knowledge-exchange candidates**: each of the four channels of knowledge exchange (work ties,
  meetings, codes, standards) draws one ``(n, m)`` byte field at a time and works on the entries
  whose byte is below ``256 x`` the channel's largest chance
  (:func:`sim.engine.mechanisms.sampling.sparse_uniforms`), with a flat index (int64), a value
  (float64), a row and the like per candidate. The estimate takes the channel with the largest
  chance, from the parameters: ``peer_learning_rate x psychological_safety x (1 -
  competitiveness)`` (trust is at most 1), ``meeting_learning_rate x psychological_safety``,
  ``socialisation_rate`` (``fast_socialisation_rate`` if larger, with fast learners) and
  ``standards.formal_learning_rate``, and every row learning on it: with the default chances
  12 % of the entries are candidates, with a chance of 1 every entry;
* **community memberships**: the ``(n, width)`` community slots and enrolment flags, ``width``
  being the largest membership cap (doubled where compulsory enrolment, which ignores the cap,
  can widen the rows), with the ``(n, width)`` look-ups of choosing the community to turn to;
  the temporaries of joining, for the most joiners a week can have (``n`` times the largest
  joining hazard): the slots at the other end of each joiner's ties, and the ``(joiners, k)``
  exposure, masks and weights, ``k`` being the communities in use (the unofficial groups plus
  what the strategy can have opened by the last week); and the unofficial groups' member lists;
* **community codes**: the ``(C, m)`` codes, with the uniform numbers and margins of code
  learning, and a Mesa agent per community in use;
* **divisions**: the sparse ``(D, n)`` one-hot with which standards sum beliefs per division
  (a float32 and an int32 per person, whatever ``D``) and the ``(D, m)`` float32 sums, shares
  and practices;
* **NK landscape** (``knowledge.landscape = "nk"``): the contribution table, ``N x 2^(K+1)``
  float64, the enumeration of all ``2^N`` practices in chunks of ``2^20``, and the
  ``(n, N, K + 1)`` int64 temporaries of scoring every employee's practice every week;
* **KPI recorder**: one row of Python floats per week, a column per KPI and division.

Each term is the component at its own peak. Those peaks do not all fall at the same moment
(the standards' float32 copies and the exchange's candidates come in different phases of a
step, the joiners' temporaries in another), so the sum is above the true peak: for the
configurations of ``benchmarks/bench_memory.py``, from 1,000 to 1,000,000 employees, the
estimate was 1.03 to 1.38 times the measured peak resident memory (``VmHWM``), the most above
it with many dimensions or with many joiners at once. Two bounds can be far above a run's own
peak: a channel's chance of 1 counts every entry as a candidate though only its learners' rows
are read (with ``meeting_learning_rate = 1``, the attendees who met a better contributor: the
estimate was 3.8 times the peak of 200,000 employees without ties and with 200 dimensions), and
the joiners are as many as the largest hazard allows (with membership caps of 100 and the
default joining, 2.1 times the peak of 100,000 employees).

For a client's organisation chart (``org.chart``), ``org.employees`` and ``org.divisions`` have
been set from the chart when the scenario was loaded, but the division sizes, the teams and the
number of collaboration ties (``org.collaboration``) are not known without reading the files: the
estimate then assumes the largest division the counts allow, teams of the widest span that gets
team ties (:data:`sim.org.generator.TEAM_TIES_MAX_SPAN`) and ``org.informal_degree``
collaboration ties per person, as the synthetic organisation would generate them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.engine.byte_sizes import MiB, format_bytes
from sim.engine.memory_limit import MEMORY_LIMIT_ENV, available_memory
from sim.engine.params import Params
from sim.org.generator import TEAM_TIES_MAX_SPAN

__all__ = [
    "FIXED_TERM",
    "MEMORY_LIMIT_ENV",
    "MemoryEstimate",
    "MemoryTerm",
    "available_memory",
    "estimate_run_memory",
    "format_bytes",
]

FIXED_TERM = "fixed (interpreter, numpy, mesa)"
"""Name of the term that does not depend on the parameters."""

# The constants below were measured by benchmarks/bench_memory.py and
# sim.experiments.memory.measure_run_memory: peak resident memory (VmHWM) of one run of 3 weeks
# in a fresh process, the difference between two configurations that differ in one key giving
# the bytes per unit (for the employees and the beliefs mostly without ties:
# org.informal_degree = 0 and org.formal_ties = false); where a phase's temporaries are split
# between terms, the split comes from the arrays the code allocates and tracemalloc peaks of the
# phase. Python 3.12.1, numpy 2.5.5, scipy 1.18.1, pandas 3.1.1, mesa 3.5.1, x86-64 Linux
# (glibc). Each constant is set a little above what was measured.

FIXED_BYTES = 164 * MiB
"""Measured: 151 to 152 MiB after ``import sim.experiments.tasks``, 154 MiB at the end of a
2-person run of 1 week, 155 MiB at the end of a 1,000-person run of 3 weeks."""
EMPLOYEE_BYTES = 220
"""Per employee: the state's and the organisation's per-person arrays (float64 motivation,
fatigue and thresholds, int64 person ids, divisions, managers, teams, engagement, ...), the tie
sampler's and tie sums' per-person arrays, and the per-person vectors of a step (the ``(5, n)``
uniform numbers of participation, the chances computed from them, the ``n`` uniform numbers
drawn for each dormant community in turn). Measured: 303 B per person in all (1,000,000 against
1,000 employees, without ties, 1 dimension, 3 membership slots), of which about 220 B are left
once the slots (3 x 21 B), the one-hot (8 B) and one dimension of beliefs (13 B) are taken
out."""
RAW_EDGE_BYTES = 74
"""Per tie generated before duplicates are merged (informal and formal), at the peak of building
the ties. Fitted with :data:`PAIR_BYTES` and :data:`BUILD_PERSON_BYTES`: 128 to 132 B per tie
when every generated tie is a distinct pair (100,000 employees, informal_degree from 20 to 400;
1,562 B per person in all for 14 generated ties per person at 1,000,000 employees and degree
20) and 72 B per generated tie when most are duplicates (random ties, 2,000 employees in 10
divisions, informal_degree 20,000 against 5,000)."""
PAIR_BYTES = 60
"""Per distinct pair of colleagues with a tie, at the peak of building the ties (see
:data:`RAW_EDGE_BYTES`)."""
BUILD_PERSON_BYTES = 50
"""Per employee, at the peak of building the ties: divisions, positions, managers and teams of
the organisation being built (int64 while it is)."""
HELD_PAIR_BYTES = 36
"""Per distinct pair, held during the run: two entries of the trust matrix (float64 weight,
int32 index), the tie type (int8) and informal flag (bool) on the same structure, and the
sampler's float32 share. Measured: 165 B per person after building the organisation
(tracemalloc, 100,000 default employees, 5.3 distinct pairs per person), and 164 B per person of
peak resident memory (31 B per pair) at 1,000,000 default employees against the same without
ties."""
BEST_PAIR_BYTES = 60
"""Per distinct pair, the sort of every tie by row and colleague's score when everyone copies
their best colleague (``knowledge.peer_choice = "best"``). Measured (tracemalloc): 28 B per tie
entry, two entries a pair."""
ADJACENCY_PAIR_BYTES = 8
"""Per distinct pair, the weight-1 matrix (float32 per entry, sharing the ties' structure) made
when threshold contagion counts ties (``participation.threshold_type = "count"``)."""
BELIEF_BYTES = 10
"""Per employee and dimension: beliefs and actions (int8 each) and the standards' two float32
copies of the beliefs. With the knowledge-exchange candidates at the default chances
(:data:`CANDIDATE_BYTES` x 31/256), 15.3 B; measured: 10.4 B (200,000 employees without ties, 200
against 30 dimensions), 13.1 B (the same, 30 against 1), 13.5 B (100,000 default employees, 200
against 30), 14.6 B (2,000 employees, 1,000 dimensions) and 10.3 B (200,000 employees, 1,000
dimensions)."""
CANDIDATE_BYTES = 44
"""Per candidate entry of a knowledge-exchange channel (flat index and its row, int64; value,
float64; the counter-based stream's uint64 words; hits and moves). Measured with every entry a
candidate (200,000 employees without ties, 200 against 1 dimension): 40 B on top of the byte
field (44.5 B per entry in all) when the standards channel has ``formal_learning_rate = 1`` (23.5
B per entry at 0.5), 42 B when every employee learns from a code at ``socialisation_rate = 1``
(compulsory enrolment; 42 B per candidate at 0.9)."""
FIELD_LEVELS = 256
"""Values of a byte of the exchange's field: an entry is a candidate when its byte is below
``ceil(256 x chance)`` (as in :func:`sim.engine.mechanisms.sampling.sparse_uniforms`)."""
SLOT_BYTES = 22
"""Per employee and membership slot: the community index (int32) and enrolment flag (bool), and
the ``(n, width)`` look-ups of choosing the community to turn to (float64 weights, the members'
rows of them, cumulative sums). Measured: 20.8 B (100,000 employees, all enrolled, membership
caps 100 against 2) and 13.3 B when few are members."""
EXPOSURE_SLOT_BYTES = 21
"""Per tie of a joiner and membership slot: the communities at the other end (int32), their
columns among the communities in use (int64), the mask and the flat cells (int64) of summing
exposure. Measured: about 20 B (100,000 employees all joining in the same week, membership
caps 100: 2.0 GiB above the same run with the default joining)."""
JOIN_COL_BYTES = 29
"""Per joiner and community in use: exposure (float64), openness and findability masks, weights
and their cumulative sums (float64). Measured: 27.9 B (10,000 employees in 1,000 division
networks, everyone joining against nobody)."""
ONE_HOT_BYTES = 8
"""Per employee: the sparse one-hot of the divisions (a float32 value and an int32 column)."""
DIVISION_SUM_BYTES = 24
"""Per division and dimension: the float32 sums of beliefs and of their squares, the shares
believing +1 and -1 and the practice held. Measured: 19.8 B (2,000 employees, 1,000 dimensions,
1,000 against 5 divisions)."""
CODE_BYTES = 17
"""Per community slot and dimension: the code (int8), the uniform numbers code learning draws
(float64) and the margins of the superior groups' votes (float64). Measured: 7.6 B (2,000
employees, 1,000 dimensions, max_communities 10,000 against 64: few communities meet, so most
pages of the margins are never written)."""
COMMUNITY_BYTES = 1024
"""Per community in use: its Mesa agent and the model's entry for it."""
DRAW_BYTES = 8
"""Per uniform random number drawn, or number summed (float64)."""
NK_SCORE_BYTES = 8
"""Per employee, dimension and dependency (K + 1) when scoring on an NK landscape (int64)."""
NK_SCORE_ROW_BYTES = 32
"""Per employee and dimension when scoring on an NK landscape (bits, states, contributions).
With :data:`NK_SCORE_BYTES`, 38.4 MB for 10,000 employees, N = 24, K = 15; measured
(tracemalloc): 34.8 MB."""
NK_CHUNK = 1 << 20
"""Practices enumerated at once to find an NK landscape's optimum (as in sim.engine.landscape)."""
NK_BIT_BYTES = 4
"""Per enumerated practice and dimension: its bit (int32), in this chunk and the one before."""
NK_CHUNK_BYTES = 40
"""Per enumerated practice: indices, raw scores and states. With :data:`NK_BIT_BYTES`, 126 MB
for N = 20 and 243 MB for N = 24; measured (tracemalloc): 109 MB and 222 MB."""
KPI_BYTES = 80
"""Per week and fixed KPI: a Python float in the recorder's row, and its column (measured with
tracemalloc: 72 B in the row)."""
DIVISION_KPI_BYTES = 140
"""Per week and division: the same, with the row's own ``knowledge_div_<d>`` key string.
Measured: 132 B (2,000 employees in 1,000 divisions, 520 against 3 weeks)."""
FIXED_KPIS = 22
"""KPIs per week besides the per-division ones (20, and 2 more with fast learners)."""


@dataclass(frozen=True)
class MemoryTerm:
    """One component of a run's peak memory.

    Attributes:
        name: What the memory holds, e.g. ``"ties"``.
        keys: The dotted schema keys that drive it, e.g. ``("org.employees",
            "org.informal_degree")``; empty for the fixed term.
        bytes: Estimated bytes at the component's peak.
    """

    name: str
    keys: tuple[str, ...]
    bytes: int


@dataclass(frozen=True)
class MemoryEstimate:
    """The estimated peak memory of one run, as a sum of terms.

    Attributes:
        terms: The components, the fixed term first.
    """

    terms: tuple[MemoryTerm, ...]

    @property
    def total(self) -> int:
        """Estimated peak resident memory of the run, in bytes."""
        return sum(term.bytes for term in self.terms)

    def largest(self) -> MemoryTerm:
        """The term with the most bytes, leaving out the fixed term (the first on a tie)."""
        variable = [term for term in self.terms if term.name != FIXED_TERM]
        return max(variable, key=lambda term: term.bytes)

    def describe(self) -> str:
        """One line: the total and the largest term with its keys, e.g. for an error message.

        Example: ``about 499 GiB, 451 GiB of it for ties (org.employees,
        org.informal_degree)``.
        """
        big = self.largest()
        keys = f" ({', '.join(big.keys)})" if big.keys else ""
        return (f"about {format_bytes(self.total)}, {format_bytes(big.bytes)} of it for "
                f"{big.name}{keys}")


def estimate_run_memory(params: Params) -> MemoryEstimate:
    """Estimate the peak resident memory of one run with these parameters.

    Pure arithmetic on the parameter values: nothing is allocated and no organisation is built,
    so it takes microseconds whatever the values. The estimate is upper-ish: each component is
    counted at its own peak (see the module docstring for the components and how close the
    estimate comes to measured peaks), except that building the ties and running the model do
    not add up (the ties term is what the building needs beyond the rest of the run, when that
    is more than the ties the run holds).

    With a client's organisation chart (``org.chart``), ``org.employees`` and ``org.divisions``
    are the chart's; the number of collaboration ties is taken as unknown and estimated from
    ``org.informal_degree`` as for the synthetic organisation, with the largest division the
    counts allow and teams of :data:`sim.org.generator.TEAM_TIES_MAX_SPAN`.

    Args:
        params: The run's parameters (validated or not; only numbers are read).

    Returns:
        The estimate, term by term.
    """
    o, k, c = params.org, params.knowledge, params.community
    n, divisions, m = int(o.employees), max(1, int(o.divisions)), int(k.dimensions)
    capacity = int(c.max_communities)
    in_use = _communities_in_use(params)
    raw_edges, pairs = _tie_counts(params)
    width, cap_key = _membership_width(params)
    channel, chance = _largest_chance(params)
    cut = min(FIELD_LEVELS, math.ceil(max(chance, 0.0) * FIELD_LEVELS))
    candidates = -(-n * m * cut // FIELD_LEVELS)
    rest = [
        MemoryTerm("employees (per-person arrays)", ("org.employees",), EMPLOYEE_BYTES * n),
        MemoryTerm("beliefs", ("org.employees", "knowledge.dimensions"), BELIEF_BYTES * n * m),
        MemoryTerm("knowledge-exchange candidates",
                   ("org.employees", "knowledge.dimensions", channel),
                   CANDIDATE_BYTES * candidates),
        MemoryTerm("community memberships",
                   ("org.employees", cap_key, "community.max_communities"),
                   SLOT_BYTES * n * width
                   + _joining_bytes(params, n, pairs, width, in_use) + _group_bytes(params)),
        MemoryTerm("community codes", ("community.max_communities", "knowledge.dimensions"),
                   CODE_BYTES * capacity * m + COMMUNITY_BYTES * in_use),
        MemoryTerm("divisions (one-hot and sums of standards)",
                   ("org.employees", "org.divisions", "knowledge.dimensions"),
                   ONE_HOT_BYTES * n + DIVISION_SUM_BYTES * divisions * m),
    ]
    if k.landscape == "nk":
        rest.append(MemoryTerm("NK landscape", ("knowledge.dimensions",
                                                "knowledge.nk_interactions", "org.employees"),
                               _nk_bytes(n, capacity, m, int(k.nk_interactions))))
    weeks = int(params.run.steps) + 1
    rest.append(MemoryTerm("KPI recorder", ("run.steps", "org.divisions"),
                           weeks * (KPI_BYTES * FIXED_KPIS + DIVISION_KPI_BYTES * divisions)))
    build = RAW_EDGE_BYTES * raw_edges + PAIR_BYTES * pairs + BUILD_PERSON_BYTES * n
    ties = MemoryTerm("ties", ("org.employees", "org.informal_degree"),
                      max(_held_tie_bytes(params, pairs),
                          build - sum(term.bytes for term in rest)))
    return MemoryEstimate((MemoryTerm(FIXED_TERM, (), FIXED_BYTES), rest[0], ties, *rest[1:]))


def _held_tie_bytes(params: Params, pairs: int) -> int:
    """Bytes of the ties the run holds.

    With the sort of every tie for ``knowledge.peer_choice = "best"``, and the weight-1 matrix
    when thresholds count ties.
    """
    per_pair = HELD_PAIR_BYTES
    if params.knowledge.peer_choice == "best":
        per_pair += BEST_PAIR_BYTES
    pp = params.participation
    if pp.contagion == "threshold" and pp.threshold_type == "count":
        per_pair += ADJACENCY_PAIR_BYTES
    return per_pair * pairs


def _largest_chance(params: Params) -> tuple[str, float]:
    """The knowledge-exchange channel with the largest chance per entry: its key and chance.

    The chances are upper bounds that do not depend on the state, as
    :func:`sim.engine.mechanisms.exchange.exchange_step` computes them (trust at most 1).
    """
    k, culture = params.knowledge, params.culture
    safety = float(culture.psychological_safety)
    social_key, social = "knowledge.socialisation_rate", float(k.socialisation_rate)
    if float(k.fast_learner_share) > 0 and float(k.fast_socialisation_rate) > social:
        social_key, social = "knowledge.fast_socialisation_rate", float(k.fast_socialisation_rate)
    channels = (
        ("knowledge.peer_learning_rate",
         float(k.peer_learning_rate) * safety * (1.0 - float(culture.competitiveness))),
        ("knowledge.meeting_learning_rate", float(k.meeting_learning_rate) * safety),
        (social_key, social),
        ("standards.formal_learning_rate", float(params.standards.formal_learning_rate)),
    )
    return max(channels, key=lambda channel: channel[1])


def _membership_width(params: Params) -> tuple[int, str]:
    """Membership slots per person, and the key of the cap that sets them.

    The largest cap (boundary spanners' when there are spanners), doubled where compulsory
    enrolment can pass the cap and widen the rows (:class:`sim.engine.memberships.Memberships`
    widens by doubling).
    """
    pp = params.participation
    width, key = int(pp.max_memberships), "participation.max_memberships"
    if float(params.org.boundary_spanner_share) > 0 and int(pp.spanner_max_memberships) > width:
        width, key = int(pp.spanner_max_memberships), "participation.spanner_max_memberships"
    if pp.compulsory or params.strategy.name == "leader_cascade":
        width = 2 * max(width, 2)
    return max(1, width), key


def _joining_hazard(params: Params) -> float:
    """The largest weekly chance of joining (all ties engaged, every threshold met)."""
    pp = params.participation
    rise = pp.imitation_rate if pp.contagion == "linear" else pp.join_rate
    return min(1.0, max(0.0, float(pp.spontaneous_join_rate) + float(rise)))


def _joining_bytes(params: Params, n: int, pairs: int, width: int, in_use: int) -> int:
    """Temporaries of choosing where this week's joiners go, for the most joiners a week can have.

    Exposure first reads the slots at the other end of every joiner's ties, then the choice
    weighs ``(joiners, in_use)`` arrays; the two do not overlap.
    """
    hazard = _joining_hazard(params)
    joiners = math.ceil(n * hazard)
    joiner_ties = math.ceil(2 * pairs * hazard)  # tie entries: each pair twice
    exposure = EXPOSURE_SLOT_BYTES * joiner_ties * width + DRAW_BYTES * joiners * in_use
    choice = max(JOIN_COL_BYTES, width + 1) * joiners * in_use
    return max(exposure, choice)


def _division_sizes(n: int, divisions: int) -> tuple[tuple[int, int], ...]:
    """``(size, count)`` of the synthetic divisions: sizes differ by at most one."""
    q, r = divmod(n, divisions)
    return tuple((size, count) for size, count in ((q + 1, r), (q, divisions - r))
                 if count and size)


def _tie_counts(params: Params) -> tuple[int, int]:
    """Ties generated before merging (informal and formal), and distinct pairs with a tie."""
    o = params.org
    n, divisions, degree = int(o.employees), max(1, int(o.divisions)), int(o.informal_degree)
    span = int(o.span_of_control)
    if o.chart:  # division sizes unknown: the largest division the counts allow
        largest = max(1, n - divisions + 1)
        if o.informal_network == "random":
            informal = -(-n * degree // 2)
        else:
            informal = n * min(degree // 2, largest // 2)
        within = largest * (largest - 1) // 2
        reporting, teams = n, n * (TEAM_TIES_MAX_SPAN - 1) // 2
    else:
        sizes = _division_sizes(n, divisions)
        informal = sum(count * _informal_edges(size, degree, o.informal_network)
                       for size, count in sizes)
        within = sum(count * size * (size - 1) // 2 for size, count in sizes)
        reporting = n - divisions
        teams = sum(count * _team_pairs(size, span) for size, count in sizes)
    formal = reporting + teams
    moved = round(float(o.cross_division_share) * informal) if divisions > 1 else 0
    distinct_informal = min(informal, within + moved)
    merged = (distinct_informal + formal) if o.formal_ties else distinct_informal
    pairs = min(merged, n * (n - 1) // 2)
    return informal + formal, pairs


def _informal_edges(size: int, degree: int, network: str) -> int:
    """Informal ties generated in a division of ``size`` (as in :mod:`sim.org.generator`)."""
    if size < 2:
        return 0
    if network == "random":
        return round(size * degree / 2)
    if degree >= size - 1:
        half = size // 2
    else:
        half = min(degree, (size - 1) // 2 * 2) // 2
    return size * half


def _team_pairs(size: int, span: int) -> int:
    """Team ties in a division of ``size``: pairs of direct reports of one manager."""
    if span > TEAM_TIES_MAX_SPAN or size < 2:
        return 0
    full, rest = divmod(size - 1, span)
    return full * span * (span - 1) // 2 + rest * (rest - 1) // 2


def _communities_in_use(params: Params) -> int:
    """Most communities in use at once: the unofficial groups and the strategy's, by the end."""
    s, slots = params.strategy, int(params.community.max_communities)
    groups, divisions = int(params.org.unofficial_groups), max(1, int(params.org.divisions))
    steps, launch, name = int(params.run.steps), int(s.launch_week), s.name
    if steps < launch:
        return min(slots, groups)
    after = steps - launch

    def waves(section: str) -> int:
        return after // max(1, int(params[f"strategy.{section}.wave_every"]))

    if name == "none":
        official = 0
    elif name == "small_groups_first":
        top = int(params["strategy.small_groups_first.max_groups"])
        pilots = min(int(params["strategy.small_groups_first.pilot_groups"]), top)
        official = min(top, pilots << min(waves("small_groups_first"), 30))
    elif name == "division_networks":
        official = divisions
    elif name == "org_wide_first":
        official = 1 + (divisions if waves("org_wide_first") else 0)
    elif name == "co_opt_existing":
        official = 1 if params["strategy.co_opt_existing.umbrella"] else 0
    elif name in ("boundary_spanners_first", "leader_cascade"):
        official = 1
    else:  # a strategy this estimate does not know: it may fill every slot
        official = slots
    return min(slots, groups + official)


def _group_bytes(params: Params) -> int:
    """The unofficial groups' member lists (int32, and int64 while they are grown)."""
    o = params.org
    size = min(int(o.unofficial_group_size_max), int(o.employees))
    return 12 * int(o.unofficial_groups) * size


def _nk_bytes(n: int, slots: int, m: int, interactions: int) -> int:
    """An NK landscape: contributions, the enumeration of its optimum, and weekly scoring."""
    contributions = DRAW_BYTES * m * (1 << (interactions + 1))
    chunk_bits = NK_CHUNK.bit_length() - 1
    chunk = 1 << min(m, chunk_bits)
    lists = 2 if m > chunk_bits else 1  # with several chunks, the last one's bits linger
    enumeration = chunk * (NK_BIT_BYTES * lists * m + NK_CHUNK_BYTES)
    rows = max(n, slots)
    scoring = rows * m * (NK_SCORE_BYTES * (interactions + 1) + NK_SCORE_ROW_BYTES)
    return contributions + max(enumeration, scoring)
