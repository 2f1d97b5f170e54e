"""The numpy arrays that hold the state of a run.

All state of a run lives here, in plain arrays indexed by employee (``n``), community (``C``,
a fixed capacity) and practice dimension (``m``). Mechanisms read and write these arrays in
whole-array operations; Mesa agents (:mod:`sim.engine.agents`) are thin views onto rows of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from sim.engine.landscape import NKLandscape
from sim.engine.mechanisms.sampling import TieSampler
from sim.engine.memberships import Memberships
from sim.engine.rng import Streams
from sim.org.generator import Organisation

if TYPE_CHECKING:
    from sim.engine.params import Params

__all__ = [
    "Communities",
    "Employees",
    "Engagement",
    "State",
    "Status",
    "Week",
    "World",
    "pick_fast_learners",
    "random_beliefs",
]

ORG_WIDE = -1
"""Scope of a community open to every division."""
BY_TIES = -2
"""Scope of an unofficial group: open to whoever has a tie to a member."""


class Engagement(IntEnum):
    """Rungs of the engagement ladder (legitimate peripheral participation, Lave & Wenger 1991)."""

    UNAWARE = 0
    AWARE = 1
    LURKER = 2
    CONTRIBUTOR = 3
    CHAMPION = 4

    def __str__(self) -> str:
        return self.name.lower()


class Status(IntEnum):
    """Life-cycle status of a community."""

    FORMING = 0
    """Fewer members than ``community.min_members``: it does not meet yet."""
    ACTIVE = 1
    DORMANT = 2
    """Energy stayed below the dormancy threshold too long: it no longer meets."""

    def __str__(self) -> str:
        return self.name.lower()


def random_beliefs(rng: np.random.Generator, rows: int, m: int,
                   kind: str = "march") -> np.ndarray:
    """Starting beliefs (also of newcomers).

    Args:
        rng: Random stream.
        rows: Number of people.
        m: Number of dimensions.
        kind: ``"march"``: each dimension -1, 0 or +1 with equal chance (March 1991, p. 74);
            ``"definite"``: -1 or +1 with equal chance.
    """
    if kind == "definite":
        return (2 * rng.integers(0, 2, size=(rows, m), dtype=np.int8) - 1).astype(np.int8)
    return rng.integers(-1, 2, size=(rows, m), dtype=np.int8)


def pick_fast_learners(division: np.ndarray, share: float,
                       rng: np.random.Generator) -> np.ndarray:
    """Positions of the fast learners: ``round(share * size)`` picked at random in each division.

    An exact count per division, as in March's (1991, Fig. 2) organisations with a given number
    of fast learners among 50.
    """
    order = rng.permutation(division.size)  # one draw whatever the divisions
    by_division = order[np.argsort(division[order], kind="stable")]
    sizes = np.bincount(division)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    counts = np.floor(share * sizes + 0.5).astype(np.int64)
    rank = np.arange(division.size) - np.repeat(starts, sizes)
    return np.sort(by_division[rank < np.repeat(counts, sizes)])


def draw_motivation(rng: np.random.Generator, size: int, mean: float,
                    concentration: float) -> np.ndarray:
    """Motivation to take part, Beta distributed with the given mean and concentration.

    Args:
        rng: Random stream.
        size: Number of people.
        mean: Mean motivation, ``participation.initial_motivation``.
        concentration: ``a + b`` of the Beta distribution,
            ``participation.motivation_concentration``; higher means less spread.
    """
    return rng.beta(mean * concentration, (1.0 - mean) * concentration, size=size)


def draw_thresholds(rng: np.random.Generator, size: int, mean: float, sd: float) -> np.ndarray:
    """Joining thresholds, normal with the given mean and sd, clipped at zero (Watts 2002)."""
    return np.clip(rng.normal(mean, sd, size=size), 0.0, None)


@dataclass
class Employees:
    """Per-employee state; row ``i`` belongs to the employee at position ``i``.

    A position keeps its index for the whole run; when someone leaves (turnover) a newcomer takes
    the position with a new ``person_id`` and fresh state.
    """

    division: np.ndarray
    is_spanner: np.ndarray
    beliefs: np.ndarray
    engagement: np.ndarray
    motivation: np.ndarray
    fatigue: np.ndarray
    threshold: np.ndarray
    compulsory: np.ndarray
    person_id: np.ndarray
    max_memberships: np.ndarray
    fast_learner: np.ndarray
    """Positions held by fast learners, who socialise at ``knowledge.fast_socialisation_rate``
    instead of ``knowledge.socialisation_rate`` (March 1991, Figs. 2-3)."""

    @property
    def n(self) -> int:
        """Number of employees."""
        return len(self.division)

    @property
    def participating(self) -> np.ndarray:
        """Boolean mask of employees at lurker or above."""
        return self.engagement >= Engagement.LURKER


@dataclass
class Communities:
    """Per-community state, in arrays of a fixed capacity; ``used`` marks the live slots."""

    used: np.ndarray
    official: np.ndarray
    compulsory: np.ndarray
    scope: np.ndarray
    cadence: np.ndarray
    created: np.ndarray
    energy: np.ndarray
    hours: np.ndarray
    """Facilitator hours per week allocated by the strategy, ``(C,)``."""
    status: np.ndarray
    low_weeks: np.ndarray
    code: np.ndarray
    memberships: Memberships
    """Who belongs to which community, and which memberships came from compulsory enrolment
    (a membership that is not enrolled was chosen: an invitation accepted, a community joined
    on one's own, an unofficial group); see :mod:`sim.engine.memberships`."""

    @classmethod
    def empty(cls, n: int, capacity: int, m: int, width: int = 2) -> Communities:
        """Allocate arrays for ``capacity`` communities, none of them in use.

        Args:
            n: Number of employees.
            capacity: Most communities at once.
            m: Practice dimensions (the codes' length).
            width: Memberships per person to make room for at first (the largest cap).
        """
        return cls(
            used=np.zeros(capacity, bool),
            official=np.zeros(capacity, bool),
            compulsory=np.zeros(capacity, bool),
            scope=np.full(capacity, BY_TIES, np.int32),
            cadence=np.ones(capacity, np.int32),
            created=np.zeros(capacity, np.int32),
            energy=np.zeros(capacity),
            hours=np.zeros(capacity),
            status=np.full(capacity, Status.FORMING, np.int8),
            low_weeks=np.zeros(capacity, np.int32),
            code=np.zeros((capacity, m), np.int8),
            memberships=Memberships(n, capacity, width),
        )

    @property
    def capacity(self) -> int:
        """Most communities that can exist."""
        return len(self.used)

    @property
    def size(self) -> np.ndarray:
        """Members per community, ``(C,)`` (kept up to date by :class:`Memberships`)."""
        view = self.memberships.size.view()
        view.flags.writeable = False
        return view

    @property
    def members(self) -> np.ndarray:
        """The membership matrix, ``(n, C)`` booleans.

        A read-only copy built on each access, for display and tests; mechanisms use
        :attr:`memberships`.
        """
        return _read_only(self.memberships.dense())

    @property
    def enrolled(self) -> np.ndarray:
        """Memberships that came from compulsory enrolment, ``(n, C)`` booleans.

        A read-only copy, as :attr:`members`.
        """
        return _read_only(self.memberships.dense(enrolled_only=True))

    @property
    def live(self) -> np.ndarray:
        """Communities in use and not dormant."""
        return self.used & (self.status != Status.DORMANT)

    @property
    def chosen(self) -> np.ndarray:
        """Memberships taken by choice, ``(n, C)``: members not enrolled compulsorily.

        A read-only copy, as :attr:`members`.
        """
        return _read_only(self.members > self.enrolled)


def _read_only(array: np.ndarray) -> np.ndarray:
    """Mark an array read-only and return it (so that writing to a copy fails loudly)."""
    array.flags.writeable = False
    return array


@dataclass
class World:
    """Organisation-wide state: reality, standards and counters."""

    reality: np.ndarray
    """The true best practice on each dimension, ``(m,)`` in {-1, +1} (March 1991); on an NK
    landscape, the landscape's global optimum."""
    standards: np.ndarray
    """The organisation's standard on each dimension, ``(m,)`` in {-1, 0, +1}; 0 = none."""
    standards_adopted: int = 0
    next_person_id: int = 0
    landscape: NKLandscape | None = None
    """The NK landscape practices score on, or ``None`` for March's additive scoring."""

    def score(self, practices: np.ndarray) -> np.ndarray:
        """Score of each row of practices (actions, beliefs or codes), ``(rows,)``.

        Additive (March 1991): ``sum(row * reality)``, right minus wrong, a 0 counting 0, as
        int32. NK landscape: the normalised landscape score in [0, 1], a 0 read as -1.
        """
        if self.landscape is not None:
            return self.landscape.score(practices)
        # In float32, exact for these small integers, and several times faster than in int32.
        return (practices.astype(np.float32) @ self.reality.astype(np.float32)).astype(np.int32)


@dataclass
class Week:
    """Scratch values of the current step, shared between its phases and read by the metrics."""

    primary: np.ndarray
    """Community each participant turns to this week (meets with, or reads), or -1."""
    attending: np.ndarray
    """Community each employee meets with this week, or -1."""
    meets: np.ndarray
    """Communities that meet this week, ``(C,)``."""
    actions: np.ndarray
    """What each employee did on each dimension this week, ``(n, m)`` in {-1, +1}: the belief,
    or a coin flip where it is 0 (March 1991)."""
    score: np.ndarray
    """Score of this week's actions, ``(n,)`` (see :meth:`World.score`)."""
    saw_better: np.ndarray
    """Whether each employee saw a better-scoring colleague on their work ties this week."""
    contributions: np.ndarray
    """Contributions made at each community's meeting this week, ``(C,)``."""
    exchanges_within: int = 0
    """Knowledge exchanges between two people of the same division this week."""
    exchanges_total: int = 0
    """All knowledge exchanges between two people this week."""

    @classmethod
    def empty(cls, n: int, capacity: int, m: int) -> Week:
        """A week in which nothing has happened yet."""
        return cls(
            actions=np.zeros((n, m), np.int8),
            primary=np.full(n, -1, np.int32),
            attending=np.full(n, -1, np.int32),
            meets=np.zeros(capacity, bool),
            score=np.zeros(n, np.int32),
            saw_better=np.zeros(n, bool),
            contributions=np.zeros(capacity),
        )


@dataclass
class State:
    """Everything that changes during a run, plus the (fixed) tie matrix it runs on."""

    employees: Employees
    communities: Communities
    world: World
    ties: sp.csr_array
    """Trust-weighted ties, ``(n, n)``, symmetric."""
    week: Week = field(init=False)
    tie_strength: np.ndarray = field(init=False)
    """Sum of trust over each employee's ties, ``(n,)``."""
    tie_sampler: TieSampler = field(init=False)
    """Picks a colleague on a work tie in proportion to trust (its sums computed once)."""
    division_members: sp.csr_array = field(init=False)
    """``(D, n)`` float32 one-hot of the divisions (positions keep their division), for sums
    per division as one sparse product."""
    step: int = 0

    def __post_init__(self) -> None:
        self.week = Week.empty(self.employees.n, self.communities.capacity,
                               self.employees.beliefs.shape[1])
        self._adjacency: sp.csr_array | None = None
        self.tie_strength = np.asarray(self.ties.sum(axis=1)).ravel()
        self.tie_sampler = TieSampler(self.ties)
        division, n = self.employees.division, self.employees.n
        self.division_members = sp.csr_array(
            (np.ones(n, np.float32), (division, np.arange(n))),
            shape=(int(division.max(initial=0)) + 1, n))

    @property
    def adjacency(self) -> sp.csr_array:
        """The same ties with weight 1, for counting ties.

        Made on first use: only a threshold on the number of engaged ties needs it.
        """
        if self._adjacency is None:
            self._adjacency = sp.csr_array(
                (np.ones(self.ties.data.size, np.float32), self.ties.indices, self.ties.indptr),
                shape=self.ties.shape)
        return self._adjacency

    @classmethod
    def initial(cls, org: Organisation, params: Params, streams: Streams) -> State:
        """Build the state at week 0 for an organisation.

        Args:
            org: The organisation (divisions, ties, spanners).
            params: Model parameters.
            streams: The run's random streams; ``"init"`` draws the people and reality,
                ``"learners"`` picks the fast learners, ``"landscape"`` draws an NK landscape
                (each only when needed).
        """
        n, m = org.n, params.knowledge.dimensions
        pp, kp = params.participation, params.knowledge
        rng = streams["init"]
        employees = Employees(
            division=org.division.astype(np.int32),
            is_spanner=org.is_spanner.copy(),
            beliefs=random_beliefs(rng, n, m, kp.initial_beliefs),
            engagement=np.zeros(n, np.int8),
            motivation=draw_motivation(rng, n, pp.initial_motivation,
                                       pp.motivation_concentration),
            fatigue=np.zeros(n),
            threshold=draw_thresholds(rng, n, pp.threshold_mean, pp.threshold_sd),
            compulsory=np.zeros(n, bool),
            person_id=np.arange(n, dtype=np.int64),
            max_memberships=np.where(org.is_spanner, pp.spanner_max_memberships,
                                     pp.max_memberships).astype(np.int32),
            fast_learner=np.zeros(n, bool),
        )
        if kp.fast_learner_share > 0:
            fast = pick_fast_learners(org.division, kp.fast_learner_share, streams["learners"])
            employees.fast_learner[fast] = True
        world = World(
            reality=rng.choice(np.array([-1, 1], np.int8), size=m),
            standards=np.zeros(m, np.int8),
            next_person_id=n,
        )
        if kp.landscape == "nk":
            world.landscape = NKLandscape.generate(m, kp.nk_interactions, streams["landscape"],
                                                   kp.nk_exponent)
            world.reality = world.landscape.optimum.copy()
        communities = Communities.empty(n, params.community.max_communities, m,
                                        width=int(employees.max_memberships.max(initial=1)))
        return cls(employees, communities, world, org.ties.tocsr())
