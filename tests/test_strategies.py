"""Tests of the rollout strategies (:mod:`sim.engine.strategies`).

Most checks look at the state *right after the strategy phase* of a step (phase 1), before
turnover and the participation phase can change memberships or awareness in the same week. A
small spy wraps ``model.strategy.act`` and copies the arrays it needs after every call.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from sim.engine.model import LearningModel
from sim.engine.params import SCHEMA, Params, iter_params, lookup
from sim.engine.state import BY_TIES, ORG_WIDE, Engagement, Status
from sim.engine.strategies import (
    STRATEGIES,
    BoundarySpannersFirst,
    CoOptExisting,
    DivisionNetworks,
    LeaderCascade,
    OrgWideFirst,
    SmallGroupsFirst,
    Strategy,
    describe,
    make_strategy,
)
from sim.errors import ParameterError

SMALL = {"org.employees": 300, "org.divisions": 4,
         # the scaled parameters at their 1,000-person values, which these tests count on
         "org.unofficial_groups": 5, "strategy.small_groups_first.pilot_groups": 4,
         "strategy.small_groups_first.pilot_size": 12}
ACTIVE = [name for name in STRATEGIES if name != "none"]
WITHOUT_PARAMETERS = {"none", "division_networks"}


def make_params(strategy: str, updates: dict | None = None) -> Params:
    return Params().replace({**SMALL, "strategy.name": strategy, **(updates or {})})


def make_model(strategy: str, updates: dict | None = None, seed: int = 1) -> LearningModel:
    return LearningModel(make_params(strategy, updates), seed=seed)


@dataclass
class Snap:
    """Copies of the state arrays right after the strategy phase of one week."""

    week: int
    members: np.ndarray
    engagement: np.ndarray
    motivation: np.ndarray
    compulsory_people: np.ndarray
    used: np.ndarray
    official: np.ndarray
    compulsory: np.ndarray
    scope: np.ndarray
    status: np.ndarray
    energy: np.ndarray
    hours: np.ndarray

    @property
    def official_slots(self) -> np.ndarray:
        return self.used & self.official


def take(model: LearningModel) -> Snap:
    e, c = model.state.employees, model.state.communities
    return Snap(model.steps, c.members.copy(), e.engagement.copy(), e.motivation.copy(),
                e.compulsory.copy(), c.used.copy(), c.official.copy(), c.compulsory.copy(),
                c.scope.copy(), c.status.copy(), c.energy.copy(), c.hours.copy())


def spy(model: LearningModel) -> list[Snap]:
    """Record a :class:`Snap` right after every call of the strategy (phase 1 of a step)."""
    snaps: list[Snap] = []
    act = model.strategy.act

    def recording_act(m: LearningModel, rng: np.random.Generator) -> None:
        act(m, rng)
        snaps.append(take(m))

    model.strategy.act = recording_act
    return snaps


def neighbours(model: LearningModel, people: np.ndarray) -> np.ndarray:
    """Mask of everyone with a tie to one of ``people`` (from the organisation's tie matrix)."""
    ties = model.org.ties.tocsr()
    mask = np.zeros(model.org.n, bool)
    for i in people:
        mask[ties.indices[ties.indptr[i]:ties.indptr[i + 1]]] = True
    return mask


def official_members(members: np.ndarray, used: np.ndarray, official: np.ndarray) -> np.ndarray:
    return (members & (used & official)[None, :]).any(axis=1)


# --- 1. registry ------------------------------------------------------------------------------


def test_schema_choices_equal_the_registry():
    choices = lookup("strategy.name", "test").choices
    assert set(choices) == set(STRATEGIES)
    assert len(choices) == len(STRATEGIES)
    assert lookup("strategy.name", "test").default in STRATEGIES
    with pytest.raises(ParameterError):
        Params().replace({"strategy.name": "no_such_strategy"})


def test_registry_classes_and_names():
    assert STRATEGIES == {
        "none": Strategy,
        "small_groups_first": SmallGroupsFirst,
        "division_networks": DivisionNetworks,
        "org_wide_first": OrgWideFirst,
        "co_opt_existing": CoOptExisting,
        "boundary_spanners_first": BoundarySpannersFirst,
        "leader_cascade": LeaderCascade,
    }
    for name, cls in STRATEGIES.items():
        assert cls.name == name
        strategy = make_strategy(make_params(name))
        assert type(strategy) is cls


@pytest.mark.parametrize("name", list(STRATEGIES))
def test_every_strategy_has_a_one_line_summary_and_a_docstring(name):
    cls = STRATEGIES[name]
    assert cls.summary.strip() and "\n" not in cls.summary
    assert cls.summary == cls.summary.strip()
    assert cls.__doc__ and cls.__doc__.strip()
    if cls is not Strategy:
        assert cls.summary != Strategy.summary
        assert "summary" in vars(cls) and "__doc__" in vars(cls) and vars(cls)["__doc__"]


def test_describe_lists_each_strategys_schema_section():
    rows = describe()
    assert [row[0] for row in rows] == list(STRATEGIES)
    for name, summary, lines in rows:
        assert summary == STRATEGIES[name].summary
        params = list(iter_params(f"strategy.{name}"))
        assert params == list(STRATEGIES[name].parameters)
        assert lines == [f"{p.name} = {p.default!r}: {p.help}" for p in params]
        assert len(lines) == len(params)
        if name in WITHOUT_PARAMETERS:
            assert lines == []
        else:
            assert lines, f"{name} has no parameters"


def test_each_strategy_declares_its_parameters_once_in_its_class():
    for name, cls in STRATEGIES.items():
        if cls.parameters:
            assert "parameters" in vars(cls), f"{name} inherits another strategy's parameters"
        assert all(p.section == f"strategy.{name}" for p in cls.parameters), name
        assert tuple(iter_params(f"strategy.{name}")) == cls.parameters, name
        assert (not cls.parameters) == (name in WITHOUT_PARAMETERS), name


def test_strategies_import_the_declarations_but_not_the_schema():
    # sim.engine.parameters imports this module to build the schema; an import back would be
    # a circle. Imports inside ``if TYPE_CHECKING:`` are for type hints only.
    import ast
    import inspect

    import sim.engine.strategies as module

    tree = ast.parse(inspect.getsource(module))
    hinted = [child for node in ast.walk(tree)
              if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING"
              for child in ast.walk(node) if isinstance(child, ast.ImportFrom)]
    runtime = {node.module for node in ast.walk(tree)
               if isinstance(node, ast.ImportFrom) and node not in hinted}
    assert "sim.engine.fields" in runtime
    assert not runtime & {"sim.engine.params", "sim.engine.parameters", "sim.engine.model"}
    assert "sim.engine.params" in {node.module for node in hinted}


def test_every_strategy_section_belongs_to_a_registered_strategy():
    nested = {p.section for p in SCHEMA if p.section.startswith("strategy.")}
    assert {s.removeprefix("strategy.") for s in nested} == set(ACTIVE) - WITHOUT_PARAMETERS


@pytest.mark.parametrize("name", list(STRATEGIES))
def test_strategy_reads_its_own_section(name):
    params = make_params(name)
    strategy = make_strategy(params)
    expected = {p.name: p.default for p in iter_params(f"strategy.{name}")}
    if name in WITHOUT_PARAMETERS:
        assert strategy.p is None
    else:
        assert dict(strategy.p) == expected == dict(params.section(f"strategy.{name}"))


# --- 2. budget fairness -----------------------------------------------------------------------


@pytest.mark.parametrize("name", list(STRATEGIES))
def test_budget_is_shared_evenly_over_live_official_communities(name):
    budget = 13.0
    model = make_model(name, {"strategy.facilitation_hours": budget,
                              "strategy.small_groups_first.wave_every": 3,
                              "strategy.small_groups_first.momentum": 0.0,
                              "strategy.org_wide_first.wave_every": 2,
                              "strategy.org_wide_first.subgroup_demand": 2}, seed=4)
    snaps = spy(model)
    for _ in range(30):
        model.step()
        c = model.state.communities
        assert c.hours.sum() <= budget + 1e-9  # also at the end of the week
    assert len(snaps) == 30
    for s in snaps:
        assert s.hours.sum() <= budget + 1e-9, s.week
        assert (s.hours >= 0).all()
        live = s.used & s.official & (s.status != Status.DORMANT) & s.members.any(axis=0)
        assert (s.hours[~live] == 0).all(), s.week
        if name == "none":
            assert not live.any()
            assert (s.hours == 0).all()
        elif live.any():
            np.testing.assert_allclose(s.hours[live], budget / live.sum())
            assert s.hours.sum() == pytest.approx(budget)


@pytest.mark.parametrize("name", ACTIVE)
def test_zero_budget_allocates_nothing(name):
    model = make_model(name, {"strategy.facilitation_hours": 0.0})
    snaps = spy(model)
    model.run(5)
    assert all((s.hours == 0).all() for s in snaps)


# --- 3. launching -----------------------------------------------------------------------------


def test_none_launches_no_official_community():
    model = make_model("none", {"environment.turnover": 0.02}, seed=2)
    snaps = spy(model)
    used_before = model.state.communities.used.copy()
    for _ in range(30):
        model.step()
        assert not (model.state.communities.used & model.state.communities.official).any()
    assert not any(s.official_slots.any() for s in snaps)
    # The control opens nothing at all: only the organisation's unofficial groups exist.
    assert not (model.state.communities.used & ~used_before).any()


@pytest.mark.parametrize("name", ACTIVE)
@pytest.mark.parametrize("seed", [1, 2])
def test_active_strategy_has_an_official_community_after_launch(name, seed):
    model = make_model(name, seed=seed)
    snaps = spy(model)
    model.step()
    assert snaps[0].week == 1
    assert snaps[0].official_slots.any()
    c = model.state.communities
    assert (c.used & c.official).any()


@pytest.mark.parametrize("name", ACTIVE)
def test_nothing_is_launched_before_the_launch_week(name):
    model = make_model(name, {"strategy.launch_week": 4}, seed=3)
    snaps = spy(model)
    model.run(4)
    assert [s.week for s in snaps] == [1, 2, 3, 4]
    for s in snaps[:3]:
        assert not s.official_slots.any()
        assert (s.hours == 0).all()
    assert snaps[3].official_slots.any()


# --- 4. small_groups_first --------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_small_groups_pilots(seed):
    pilots = 6
    model = make_model("small_groups_first",
                       {"strategy.small_groups_first.pilot_groups": pilots}, seed=seed)
    e = model.state.employees
    d_count = model.org.n_divisions
    motivation0 = e.motivation.copy()
    snaps = spy(model)
    model.step()
    s = snaps[0]
    groups = np.flatnonzero(s.official_slots)  # launched in slot order = launch order
    assert groups.size == pilots
    division = e.division
    earlier = np.zeros(model.org.n, bool)
    for g, k in enumerate(groups):
        d = g % d_count
        assert s.scope[k] == d >= 0
        assert not s.compulsory[k]
        members = np.flatnonzero(s.members[:, k])
        assert members.size > 0
        assert (division[members] == d).all()
        assert members.size <= model.params["strategy.small_groups_first.pilot_size"]
        candidates = np.flatnonzero((division == d) & ~earlier)
        pilot_seed = candidates[np.argmax(motivation0[candidates])]
        assert s.members[pilot_seed, k], f"pilot {g} lacks its seed {pilot_seed}"
        assert s.engagement[pilot_seed] >= Engagement.LURKER
        earlier |= s.members[:, k]
    # Pilots do not overlap.
    assert (s.members[:, groups].sum(axis=1) <= 1).all()
    # Later weeks: a division's group only ever has members of that division.
    for _ in range(20):
        model.step()
        c = model.state.communities
        for k in np.flatnonzero(c.used & c.official):
            assert c.scope[k] >= 0
            assert (division[c.members[:, k]] == c.scope[k]).all()


@pytest.mark.parametrize("max_groups", [20, 6])
@pytest.mark.parametrize("seed", [1, 2])
def test_small_groups_wave_spins_off_groups_with_momentum(max_groups, seed):
    sp = {"strategy.small_groups_first.pilot_groups": 4,
          "strategy.small_groups_first.wave_every": 8,
          "strategy.small_groups_first.momentum": 0.9,
          "strategy.small_groups_first.max_groups": max_groups}
    model = make_model("small_groups_first", sp, seed=seed)
    c = model.state.communities
    model.run(1)
    pilots = np.flatnonzero(c.used & c.official)
    assert pilots.size == 4
    # Between waves, nothing spins off even at full energy.
    model.run(3)
    c.energy[c.used & c.official] = 1.0
    model.step()
    assert (c.used & c.official).sum() == 4
    model.run(3)  # weeks 6..8
    assert model.steps == 8
    live = c.used & c.official & (c.status != Status.DORMANT)
    assert live.sum() == 4
    c.energy[c.used & c.official] = 1.0
    before = c.used & c.official
    model.step()  # week 9 = launch week + wave_every
    official = c.used & c.official
    new = np.flatnonzero(official & ~before)
    assert official.sum() == min(8, max_groups)
    assert official.sum() <= max_groups
    division = model.state.employees.division
    for k in new:
        assert 0 <= c.scope[k] < model.org.n_divisions
        assert (division[c.members[:, k]] == c.scope[k]).all()


def test_small_groups_without_momentum_no_spin_off():
    sp = {"strategy.small_groups_first.wave_every": 2,
          "strategy.small_groups_first.momentum": 1.0}
    model = make_model("small_groups_first", sp, seed=5)
    model.run(1)
    c = model.state.communities
    for _ in range(8):
        c.energy[c.used & c.official] = np.minimum(c.energy[c.used & c.official], 0.5)
        model.step()
        assert (c.used & c.official).sum() == 4


def test_small_groups_never_exceed_max_groups():
    sp = {"strategy.small_groups_first.pilot_groups": 4,
          "strategy.small_groups_first.wave_every": 2,
          "strategy.small_groups_first.momentum": 0.0,
          "strategy.small_groups_first.max_groups": 7}
    model = make_model("small_groups_first", sp, seed=6)
    c = model.state.communities
    counts = []
    for _ in range(30):
        model.step()
        counts.append(int((c.used & c.official).sum()))
    assert max(counts) == 7
    assert all(n <= 7 for n in counts)


def test_small_groups_pilots_respect_max_groups():
    sp = {"strategy.small_groups_first.pilot_groups": 4,
          "strategy.small_groups_first.max_groups": 2}
    model = make_model("small_groups_first", sp, seed=1)
    model.step()
    c = model.state.communities
    assert (c.used & c.official).sum() <= 2


def test_small_groups_pilot_seeds_are_people_with_room_to_join():
    updates = {"participation.max_memberships": 1, "org.unofficial_groups": 40,
               "org.unofficial_group_size_min": 10}
    model = make_model("small_groups_first", updates, seed=1)
    e, c = model.state.employees, model.state.communities
    motivation0 = e.motivation.copy()
    room = c.members.sum(axis=1) < e.max_memberships
    snaps = spy(model)
    model.step()
    s = snaps[0]
    for g, k in enumerate(np.flatnonzero(s.official_slots)):
        d = g % model.org.n_divisions
        candidates = np.flatnonzero((e.division == d) & room)
        pilot_seed = candidates[np.argmax(motivation0[candidates])]
        assert s.members[pilot_seed, k], f"pilot {g} lacks its seed {pilot_seed}"
    assert c.size[np.flatnonzero(c.used & c.official)].min() > 0


# --- 5. org_wide_first ------------------------------------------------------------------------


def test_org_wide_launch_makes_everyone_aware_and_some_accept():
    p_accept = Params().participation.invitation_acceptance
    total, n_total = 0, 0
    for seed in (1, 2, 3):
        model = make_model("org_wide_first", {"org.unofficial_groups": 0,
                                              "environment.turnover": 0.0}, seed=seed)
        assert (model.state.employees.engagement == Engagement.UNAWARE).all()
        snaps = spy(model)
        model.step()
        s = snaps[0]
        official = np.flatnonzero(s.official_slots)
        assert official.size == 1
        net = official[0]
        assert s.scope[net] == ORG_WIDE and not s.compulsory[net]
        assert net == model.strategy.network
        assert (s.engagement >= Engagement.AWARE).all()
        assert (model.state.employees.engagement >= Engagement.AWARE).all()
        assert (s.engagement[s.members[:, net]] >= Engagement.LURKER).all()
        total += int(s.members[:, net].sum())
        n_total += model.org.n
    sd = np.sqrt(n_total * p_accept * (1 - p_accept))
    assert abs(total - n_total * p_accept) < 4 * sd


def test_org_wide_compulsory_enrols_everyone():
    model = make_model("org_wide_first", {"participation.compulsory": True}, seed=1)
    snaps = spy(model)
    model.step()
    s = snaps[0]
    net = model.strategy.network
    assert s.compulsory[net]
    assert s.members[:, net].all()
    assert s.compulsory_people.all()


def _force_demand(model: LearningModel, division: int) -> int:
    """Make the network's members of ``division`` contributors and everyone else's below."""
    e, c = model.state.employees, model.state.communities
    in_net = c.members[:, model.strategy.network]
    mine = in_net & (e.division == division)
    e.engagement[mine] = np.maximum(e.engagement[mine], Engagement.CONTRIBUTOR)
    others = in_net & (e.division != division) & (e.engagement >= Engagement.CONTRIBUTOR)
    e.engagement[others] = Engagement.LURKER
    return int(mine.sum())


@pytest.mark.parametrize("seed", [1, 2])
def test_org_wide_subgroup_on_demand_once_per_division(seed):
    updates = {"strategy.org_wide_first.subgroup_demand": 5,
               "strategy.org_wide_first.wave_every": 8,
               "participation.invitation_acceptance": 0.5,
               "org.unofficial_groups": 0}
    model = make_model("org_wide_first", updates, seed=seed)
    c, e = model.state.communities, model.state.employees
    snaps = spy(model)
    model.run(4)
    # Not a wave week: no sub-group even with demand.
    _force_demand(model, 0)
    model.step()
    assert (c.used & c.official).sum() == 1
    model.run(3)
    assert model.steps == 8
    net = model.strategy.network
    assert _force_demand(model, 0) >= 5
    in_net_div0 = c.members[:, net] & (e.division == 0)
    model.step()  # week 9: launch week + wave_every
    s = snaps[-1]
    subs = np.flatnonzero(s.official_slots & (s.scope >= 0))
    assert subs.size == 1
    sub = subs[0]
    assert s.scope[sub] == 0
    members = s.members[:, sub]
    assert members.any()
    assert not (members & ~in_net_div0).any(), "only the network's division-0 members invited"
    # The next wave: demand again, but division 0 already has its sub-group.
    model.run(7)
    assert model.steps == 16
    assert c.used[sub] and c.scope[sub] == 0
    assert _force_demand(model, 0) >= 5
    model.step()
    assert ((c.used & c.official & (c.scope == 0)).sum()) == 1
    assert not (c.used & c.official & (c.scope > 0)).any()


# --- 6. co_opt_existing -----------------------------------------------------------------------


def _expected_co_opted(model: LearningModel, k: int) -> np.ndarray:
    c = model.state.communities
    candidates = np.flatnonzero(c.used & ~c.official & (c.scope == BY_TIES)
                                & (c.status != Status.DORMANT))
    order = sorted(candidates, key=lambda i: (-c.energy[i], i))
    return np.sort(np.array(order[:k], dtype=int))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_co_opt_brings_in_the_most_energetic_groups_under_an_umbrella(seed):
    updates = {"strategy.co_opt_existing.groups": 3, "org.unofficial_groups": 6,
               "participation.invitation_acceptance": 0.5}
    model = make_model("co_opt_existing", updates, seed=seed)
    c = model.state.communities
    chosen = _expected_co_opted(model, 3)
    assert chosen.size == 3
    members_before = c.members.copy()
    snaps = spy(model)
    model.step()
    s = snaps[0]
    co_opted = np.flatnonzero(s.official_slots & (s.scope == BY_TIES))
    assert np.array_equal(co_opted, chosen)
    umbrellas = np.flatnonzero(s.official_slots & (s.scope == ORG_WIDE))
    assert umbrellas.size == 1
    net = umbrellas[0]
    in_chosen = members_before[:, chosen].any(axis=1)
    joined = s.members[:, net]
    assert joined.any()
    assert not (joined & ~in_chosen).any(), "only co-opted groups' members are invited"
    # Nobody outside the co-opted groups was made aware by the strategy.
    assert (s.engagement[~in_chosen & ~members_before.any(axis=1)] == Engagement.UNAWARE).all()


def test_co_opt_without_umbrella_has_no_org_wide_community():
    updates = {"strategy.co_opt_existing.umbrella": False, "strategy.co_opt_existing.groups": 2}
    model = make_model("co_opt_existing", updates, seed=2)
    chosen = _expected_co_opted(model, 2)
    c = model.state.communities
    for _ in range(15):
        model.step()
        assert not (c.used & (c.scope == ORG_WIDE)).any()
        official = np.flatnonzero(c.used & c.official)
        assert set(official.tolist()) <= set(chosen.tolist())
    assert model.steps == 15


def test_co_opt_more_groups_than_exist_takes_them_all():
    updates = {"strategy.co_opt_existing.groups": 50, "org.unofficial_groups": 4}
    model = make_model("co_opt_existing", updates, seed=3)
    chosen = _expected_co_opted(model, 50)
    snaps = spy(model)
    model.step()
    assert np.array_equal(np.flatnonzero(snaps[0].official_slots & (snaps[0].scope == BY_TIES)),
                          chosen)


# --- 7. boundary_spanners_first ---------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2])
def test_boundary_spanners_first_invites_spanners_then_their_colleagues(seed):
    updates = {"org.boundary_spanner_share": 0.05, "environment.turnover": 0.0,
               "strategy.boundary_spanners_first.wave_every": 4}
    model = make_model("boundary_spanners_first", updates, seed=seed)
    e, c = model.state.employees, model.state.communities
    spanner = e.is_spanner.copy()
    assert spanner.any()
    snaps = spy(model)
    model.step()
    s = snaps[0]
    net = model.strategy.network
    assert s.official_slots[net] and s.scope[net] == ORG_WIDE
    assert s.members[:, net].any()
    assert spanner[s.members[:, net]].all(), "only spanners are in the network at launch"
    assert (s.engagement[spanner] >= Engagement.AWARE).all()
    # Weeks 2-4 are not waves: the strategy phase changes no membership.
    for _ in range(3):
        before = c.members.copy()
        model.step()
        assert np.array_equal(snaps[-1].members, before)
    # Week 5 is the first wave.
    assert model.steps == 4
    carriers = np.flatnonzero(spanner & e.participating)
    assert carriers.size > 0
    before = c.members.copy()
    invited = neighbours(model, carriers) & ~official_members(before, c.used, c.official)
    model.step()
    s = snaps[-1]
    assert (s.engagement[invited] >= Engagement.AWARE).all()
    newcomers = s.members[:, net] & ~before[:, net]
    assert newcomers.any()
    assert not (newcomers & ~invited).any()
    assert (newcomers & ~spanner).any(), "non-spanner colleagues joined at the wave"


# --- 8. leader_cascade ------------------------------------------------------------------------


def _levels(manager: np.ndarray) -> np.ndarray:
    depth = np.full(manager.size, -1)
    depth[manager < 0] = 0
    for level in range(manager.size):
        reports = (depth < 0) & (manager >= 0)
        reports &= np.isin(manager, np.flatnonzero(depth == level))
        if not reports.any():
            break
        depth[reports] = level + 1
    return depth


@pytest.mark.parametrize("seed", [1, 2])
def test_leader_cascade_enrols_heads_then_level_by_level(seed):
    updates = {"environment.turnover": 0.0, "strategy.leader_cascade.cascade_every": 4}
    penalty = Params().participation.compulsion_penalty
    control = make_model("none", updates, seed=seed)
    model = make_model("leader_cascade", updates, seed=seed)
    assert np.array_equal(model.state.employees.motivation, control.state.employees.motivation)
    motivation0 = control.state.employees.motivation.copy()
    manager = model.org.manager
    level = _levels(manager)
    heads = manager == -1
    assert heads.sum() == model.org.n_divisions and (level >= 0).all()
    c = model.state.communities
    snaps = spy(model)
    model.step()
    s = snaps[0]
    net = model.strategy.network
    assert s.compulsory[net] and s.official_slots[net] and s.scope[net] == ORG_WIDE
    assert np.array_equal(s.members[:, net], heads), "at launch the heads exactly"
    np.testing.assert_allclose(s.motivation[heads], motivation0[heads] * (1 - penalty))
    np.testing.assert_allclose(s.motivation[~heads], motivation0[~heads])
    assert s.compulsory_people[heads].all() and not s.compulsory_people[~heads].any()
    for week in range(2, 14):
        before_members = c.members[:, net].copy()
        before_motivation = model.state.employees.motivation.copy()
        model.step()
        s = snaps[-1]
        assert s.week == week
        weeks_since = week - 1
        enrolled = s.members[:, net] & ~before_members
        if weeks_since % 4:
            assert not enrolled.any(), f"week {week} is not a cascade step"
            continue
        lvl = weeks_since // 4
        assert s.members[level == lvl, net].all(), f"level {lvl} enrolled in week {week}"
        assert (level[enrolled] == lvl).all()
        np.testing.assert_allclose(s.motivation[enrolled],
                                   before_motivation[enrolled] * (1 - penalty))
        assert s.compulsory_people[enrolled].all()
        if lvl == 1:
            direct_reports = np.isin(manager, np.flatnonzero(heads))
            assert np.array_equal(level == 1, direct_reports)
            assert s.members[heads | direct_reports, net].all()


def test_leader_cascade_compulsory_members_stay():
    model = make_model("leader_cascade", {"environment.turnover": 0.0}, seed=3)
    snaps = spy(model)
    c = model.state.communities
    for _ in range(30):
        model.step()
        s = snaps[-1]
        net = model.strategy.network
        assert c.members[s.compulsory_people & s.members[:, net], net].all()


def test_leader_cascade_reaches_everyone_without_voluntary_dropout():
    updates = {"environment.turnover": 0.0, "participation.dropout_rate": 0.0,
               "strategy.leader_cascade.cascade_every": 2}
    model = make_model("leader_cascade", updates, seed=1)
    depth = int(_levels(model.org.manager).max())
    model.run(1 + 2 * depth)
    c = model.state.communities
    assert c.members[:, model.strategy.network].all()


def test_leader_cascade_eventually_everyone_is_a_member_and_nobody_drops_out():
    model = make_model("leader_cascade", {"environment.turnover": 0.0}, seed=0)
    depth = int(_levels(model.org.manager).max())
    c = model.state.communities
    model.run(1 + 4 * depth)
    net = model.strategy.network
    for _ in range(30):
        model.step()
        assert c.members[:, net].all(), f"week {model.steps}: not everyone is a member"


# --- 9. common random numbers -----------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 7])
def test_same_seed_same_organisation_and_initial_state_across_strategies(seed):
    models = {name: make_model(name, {"environment.turnover": 0.02}, seed=seed)
              for name in STRATEGIES}
    ref = models["none"]
    for name, model in models.items():
        assert (model.org.ties != ref.org.ties).nnz == 0, name
        assert np.array_equal(model.org.manager, ref.org.manager)
        assert np.array_equal(model.org.is_spanner, ref.org.is_spanner)
        assert len(model.org.groups) == len(ref.org.groups)
        assert all(np.array_equal(a, b) for a, b in zip(model.org.groups, ref.org.groups,
                                                        strict=True))
        e, r = model.state.employees, ref.state.employees
        assert np.array_equal(e.beliefs, r.beliefs), name
        assert np.array_equal(e.motivation, r.motivation), name
        assert np.array_equal(e.threshold, r.threshold), name
        assert np.array_equal(e.engagement, r.engagement), name
        assert np.array_equal(model.state.communities.members, ref.state.communities.members)
        assert np.array_equal(model.state.communities.energy, ref.state.communities.energy)
        assert np.array_equal(model.state.world.reality, ref.state.world.reality)
    # Turnover and turbulence draw from their own streams: the same people leave.
    for model in models.values():
        model.run(10)
    for name, model in models.items():
        assert np.array_equal(model.state.employees.person_id,
                              ref.state.employees.person_id), name
        assert np.array_equal(model.state.world.reality, ref.state.world.reality), name
    assert ref.state.world.next_person_id > ref.org.n


# --- 10. reach ------------------------------------------------------------------------------


def test_none_reaches_fewer_people_than_every_active_strategy():
    reach = {}
    for name in STRATEGIES:
        shares = []
        for seed in (1, 2, 3):
            params = Params().replace({"org.employees": 500, "org.divisions": 4,
                                       "strategy.name": name})
            model = LearningModel(params, seed=seed).run(52)
            shares.append(model.timeseries()["participating_share"][-1])
        reach[name] = float(np.mean(shares))
    for name in ACTIVE:
        assert reach["none"] < reach[name], reach


def test_division_networks_gives_each_division_its_own_community():
    model = make_model("division_networks", {"participation.compulsory": True,
                                             "environment.turnover": 0.0})
    model.step()
    c, division = model.state.communities, model.state.employees.division
    official = np.flatnonzero(c.used & c.official)
    assert sorted(c.scope[official].tolist()) == list(range(model.org.n_divisions))
    for k in official:
        members = np.flatnonzero(c.members[:, k])
        assert (division[members] == c.scope[k]).all()
        assert members.size == (division == c.scope[k]).sum()  # compulsory: all enrolled
