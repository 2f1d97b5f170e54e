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
the schema keys that drive it:

* **fixed**: the interpreter with numpy, scipy, pandas and mesa imported
  (``import sim.engine.model``), and what a small run adds to it;
* **employees**: one Mesa agent per employee, the per-person arrays, and the per-person vectors
  a step computes;
* **ties**: the organisation's ties at the peak of building it (generated pairs, merged and
  sorted, mirrored into three sparse matrices), which is also more than the ties held during the
  run plus the per-step temporaries of picking a colleague on them;
* **beliefs**: beliefs and this week's actions, ``(n, m)`` int8 each, and the ``(n, m)``
  temporaries of the knowledge-exchange phase;
* **per-step random draws**: the largest block of uniform numbers a phase draws at once, as
  float64: ``(4, n, m)`` in knowledge exchange, ``(n, C)`` in participation, ``(C, m)`` in code
  learning;
* **community memberships**: the ``(n, C)`` membership matrix and the ``(n, k)`` temporaries of
  joining and attendance, ``k`` being the communities in use (the unofficial groups plus what
  the strategy can have opened by the last week);
* **division one-hot**: the ``(D, n)`` float64 matrix with which standards count the practices
  of each division every week;
* **NK landscape** (``knowledge.landscape = "nk"``): the contribution table, ``N x 2^(K+1)``
  float64, the enumeration of all ``2^N`` practices in chunks of ``2^20``, and the
  ``(n, N, K + 1)`` int64 temporaries of scoring every employee's practice every week;
* **KPI recorder**: one row of Python floats per week, a column per KPI and division.

Each term is the component at its own peak. Those peaks do not all fall at the same moment (the
ties peak while the organisation is built, the random draws of knowledge exchange and of
participation in different phases of a step), so the sum is above the true peak: for the
configurations of ``benchmarks/bench_memory.py``, from 1,000 to 100,000 employees, the estimate
was 1.10 to 1.40 times the measured peak resident memory (``VmHWM``).

For a client's organisation chart (``org.chart``), ``org.employees`` and ``org.divisions`` have
been set from the chart when the scenario was loaded, but the division sizes, the teams and the
number of collaboration ties (``org.collaboration``) are not known without reading the files: the
estimate then assumes the largest division the counts allow, teams of the widest span that gets
team ties (:data:`sim.org.generator.TEAM_TIES_MAX_SPAN`) and ``org.informal_degree``
collaboration ties per person, as the synthetic organisation would generate them.
"""

from __future__ import annotations

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

# The constants below were measured by benchmarks/bench_memory.py: peak resident memory (VmHWM)
# of one run of 3 weeks in a fresh process, the difference between two configurations that
# differ in one key giving the bytes per unit; the split of a phase's temporaries between terms
# comes from tracemalloc peaks of each phase of a step. Python 3.12, numpy 2.5.5, scipy 1.18.1,
# mesa 3.5.1, x86-64 Linux. Each constant is set a little above what was measured.

FIXED_BYTES = 168 * MiB
"""Measured: 150 MiB after ``import sim.experiments.tasks``, 155 MiB at the end of a 1,000-person
run."""
EMPLOYEE_BYTES = 700
"""Per employee: a Mesa agent (about 300 B), per-person arrays, per-step vectors. Measured:
569 B (100,000 against 1,000 employees, without ties, 1 dimension, 2 community slots)."""
RAW_EDGE_BYTES = 70
"""Per tie generated before duplicates are merged (informal and formal). Fitted with
:data:`PAIR_BYTES` to 145 B per tie when every generated tie is a distinct pair (100,000
employees, informal_degree 200 against 6) and 74 B per generated tie when most are duplicates
(random ties, 2,000 employees in 10 divisions, informal_degree 5,000 against 6)."""
PAIR_BYTES = 90
"""Per distinct pair of colleagues with a tie, at the peak of building the ties (see
:data:`RAW_EDGE_BYTES`)."""
BELIEF_BYTES = 16
"""Per employee and dimension: beliefs, actions and knowledge-exchange temporaries. With the
exchange phase's draws (:data:`EXCHANGE_DRAWS` x :data:`DRAW_BYTES`), 48 B; measured: 42 B at
50,000 and 45 B at 10,000 employees (1,000 against 30 dimensions)."""
DRAW_BYTES = 8
"""Per uniform random number drawn (float64)."""
EXCHANGE_DRAWS = 4
"""Uniform numbers per employee and dimension drawn at once in knowledge exchange."""
MEMBERSHIP_SLOT_BYTES = 6
"""Per employee and community slot: the membership and enrolment matrices and their boolean
temporaries (the chosen memberships among them). With the participation phase's draws
(:data:`DRAW_BYTES`), 14 B; measured before the enrolment matrix: 10.1 B (100,000 employees,
max_communities 500 against 64), to which it adds one byte and one temporary."""
MEMBERSHIP_IN_USE_BYTES = 28
"""Per employee and community in use: exposure, weights and their cumulative sums. Measured:
25.2 B (20,000 employees in 200 divisions, division_networks with 205 communities in use against
org_wide_first with 6)."""
ONE_HOT_BYTES = 8
"""Per employee and division: the float64 one-hot matrix of the standards phase. Measured: 7.1 B
(50,000 employees in 1,000 against 5 divisions)."""
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
Measured: 124 B (2,000 employees in 1,000 divisions, 520 against 3 weeks)."""
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

        Example: ``about 597 GiB, 596 GiB of it for ties (org.employees,
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
    estimate comes to measured peaks).

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
    slots = int(c.max_communities)
    in_use = _communities_in_use(params)
    raw_edges, pairs = _tie_counts(params)
    terms = [
        MemoryTerm(FIXED_TERM, (), FIXED_BYTES),
        MemoryTerm("employees (agents and per-person arrays)", ("org.employees",),
                   EMPLOYEE_BYTES * n),
        MemoryTerm("ties", ("org.employees", "org.informal_degree"),
                   RAW_EDGE_BYTES * raw_edges + PAIR_BYTES * pairs),
        MemoryTerm("beliefs", ("org.employees", "knowledge.dimensions"), BELIEF_BYTES * n * m),
        MemoryTerm("per-step random draws",
                   ("org.employees", "knowledge.dimensions", "community.max_communities"),
                   DRAW_BYTES * max(EXCHANGE_DRAWS * n * m, n * slots, slots * m)),
        MemoryTerm("community memberships", ("org.employees", "community.max_communities"),
                   MEMBERSHIP_SLOT_BYTES * n * slots + MEMBERSHIP_IN_USE_BYTES * n * in_use
                   + _group_bytes(params)),
        MemoryTerm("division one-hot (standards)", ("org.employees", "org.divisions"),
                   ONE_HOT_BYTES * divisions * n),
    ]
    if k.landscape == "nk":
        terms.append(MemoryTerm("NK landscape", ("knowledge.dimensions",
                                                 "knowledge.nk_interactions", "org.employees"),
                                _nk_bytes(n, slots, m, int(k.nk_interactions))))
    weeks = int(params.run.steps) + 1
    terms.append(MemoryTerm("KPI recorder", ("run.steps", "org.divisions"),
                            weeks * (KPI_BYTES * FIXED_KPIS + DIVISION_KPI_BYTES * divisions)))
    return MemoryEstimate(tuple(terms))


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
