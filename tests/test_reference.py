"""Differential test: the engine against the per-agent reference model (:mod:`tests.reference`).

The engine (:class:`sim.engine.model.LearningModel`) and the reference
(:class:`tests.reference.ReferenceModel`) implement the same rules in two very different ways:
whole-array operations on named random streams, and one Mesa agent per person drawing from its
own generator. They cannot agree run for run, only in distribution. So for each *context* (a
parameter set and a strategy) both are run on the same organisations (seeds 1..50, 200 people,
26 weeks) and the distributions of a set of *statistics* of the runs are compared:

* the weekly KPIs of :data:`WEEKLY_KPIS` (the verdict's headline KPIs ``mean_knowledge``,
  ``error_rate``, ``contributing_share`` and ``voluntary_share``, and KPIs that depend on the
  other rules: awareness, participation, champions, codes, attendance, communities, dormancy,
  silos, standards, boundary spanners) at mid-run (week 13) and at the end (week 26);
* three whole-run KPIs (:data:`RUN_KPIS`): the headline ``time_to_50_voluntary`` (censored at
  27), the mean knowledge over weeks 1..26 and the mean attendance.

The contexts are the three supported strategies (``none``, ``org_wide_first``,
``small_groups_first``) with the default parameters, and the same three with
:data:`STRESSED` parameters, under which the rules that default runs of 26 weeks rarely reach
come into play: communities going dormant, members leaving them, dormant empty communities
closing and their slots being reused, the community capacity running out, sub-groups spinning
off, standards being adopted and taught to newcomers, frequent turnover and turbulence.

**The test.** For each statistic, a two-sample Kolmogorov-Smirnov test
(:func:`scipy.stats.ks_2samp`) of the 50 engine values against the 50 reference values, and a
check that the two means agree within :data:`Z_TOLERANCE` standard errors of their difference
(``sqrt(s_e^2 / 50 + s_r^2 / 50)``). The KS test sees any difference in shape; the mean check is
the more sensitive to a shift of the mean. Both are corrected together for multiple comparisons
(Bonferroni over every comparison in the file, :data:`COMPARISONS` of them): each KS p-value
must exceed ``ALPHA / COMPARISONS`` and each mean difference must be within ``Z_TOLERANCE =
z(1 - ALPHA / (2 COMPARISONS))`` standard errors (about 4.2), so that if the two
implementations agree, the whole file fails with probability at most ``ALPHA = 0.01`` (for
the mean check, as far as the normal approximation of a mean of 50 runs holds). Both samples
run on the same 50 organisations, so they are positively correlated; that only makes both
checks conservative (the variance the organisations cause cancels in the difference but is
still counted in the tolerance). Runs are deterministic for given seeds, so a pass or a
failure is reproducible; a change of the engine's random streams draws a new sample from the
same distribution.

Why these tolerances: the two implementations share no random numbers, so nothing tighter than
sampling error can be asked of them; a few standard errors, Bonferroni-corrected, is the
tolerance at which agreeing implementations fail once in a hundred reruns of the whole file,
not once in a few comparisons. The cost is resolution: with 50 runs a side, a statistic whose
mean shifts by about 0.85 of its standard deviation fails the mean check half the time (the KS
test needs a shift of about 1.3 standard deviations, but also sees changes of spread or shape).
A rule change of that size or larger in any compared statistic fails the test; a smaller one
does not reliably (doubling the peer learning rate moves knowledge at week 13 by about 0.9
standard deviations: at the limit of resolution).

**Power.** :func:`test_the_comparison_detects_a_perturbed_rule` runs the same comparison,
with the same thresholds, against a reference with one rule deliberately changed, and requires
it to fail: joining on a single engaged tie instead of the threshold share (complex contagion
made simple; it shows in ``voluntary_share``, a headline KPI), and colleagues who only lurk
sharing their beliefs at meetings like contributors (it shows in the silo index and knowledge).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pytest
from scipy import stats

from sim.engine.model import LearningModel
from sim.engine.params import Params
from sim.engine.rng import Streams
from sim.org.build import build_organisation
from sim.org.generator import Organisation
from tests.reference import UNSUPPORTED, Person, ReferenceModel
from tests.reference.agents import LURKER

PEOPLE = 200
WEEKS = 26
MID_WEEK = 13
SEEDS = tuple(range(1, 51))
STRATEGIES = ("none", "org_wide_first", "small_groups_first")

STRESSED: dict[str, object] = {
    "org.unofficial_groups": 3,
    "community.max_communities": 8,
    "community.energy_decay": 0.25,
    "community.facilitation_energy": 0.01,
    "community.dormancy_weeks": 3,
    "community.dormant_exit_rate": 0.3,
    "environment.turnover": 0.02,
    "environment.turbulence": 0.01,
    "knowledge.peer_learning_rate": 0.15,
    "participation.contribute_rate": 0.15,
    "standards.majority": 0.45,
    "strategy.org_wide_first.subgroup_demand": 2,
    "strategy.org_wide_first.wave_every": 4,
    "strategy.small_groups_first.pilot_groups": 2,
    "strategy.small_groups_first.wave_every": 3,
    "strategy.small_groups_first.momentum": 0.1,
}
"""Parameters under which dormancy, closing, slot reuse, a full community capacity, sub-groups
and standards all occur within 26 weeks."""

CONTEXTS: dict[str, dict[str, object]] = {
    **{f"default-{s}": {"strategy.name": s} for s in STRATEGIES},
    **{f"stressed-{s}": {**STRESSED, "strategy.name": s} for s in STRATEGIES},
}

WEEKLY_KPIS = (
    "mean_knowledge", "error_rate", "contributing_share", "voluntary_share",
    "participating_share", "aware_share", "champion_share", "division_knowledge_sd",
    "code_knowledge", "attending_share", "active_communities", "dormant_communities",
    "silo_index", "standards_adopted", "spanner_load",
)
RUN_KPIS = ("time_to_50_voluntary", "knowledge_mean", "value_immediate")
STATISTICS = (*(f"{k}@{w}" for w in (MID_WEEK, WEEKS) for k in WEEKLY_KPIS), *RUN_KPIS)

ALPHA = 0.01
COMPARISONS = 2 * len(CONTEXTS) * len(STATISTICS)
"""A KS test and a mean check per context and statistic."""
PER_COMPARISON = ALPHA / COMPARISONS
Z_TOLERANCE = float(stats.norm.isf(PER_COMPARISON / 2))


def params_of(context: str) -> Params:
    """The parameters of a context."""
    return Params().replace({"org.employees": PEOPLE, "run.steps": WEEKS, **CONTEXTS[context]})


def summarise(series: Mapping[str, np.ndarray]) -> dict[str, float]:
    """The compared statistics of one run, from its KPI time series (week 0 first).

    A silo index that is still undefined (no exchange yet) counts as -1.
    """
    out = {f"{k}@{w}": float(np.nan_to_num(series[k][w], nan=-1.0))
           for w in (MID_WEEK, WEEKS) for k in WEEKLY_KPIS}
    reached = np.flatnonzero(series["voluntary_share"] >= 0.5)
    out["time_to_50_voluntary"] = float(reached[0]) if reached.size else float(WEEKS + 1)
    out["knowledge_mean"] = float(np.mean(series["mean_knowledge"][1:]))
    out["value_immediate"] = float(np.mean(series["attending_share"][1:]))
    return out


def organisation(params: Params, seed: int) -> Organisation:
    """The organisation the engine builds for ``seed``."""
    return build_organisation(params.org, Streams(seed)["org"])


def engine_runs(context: str) -> list[dict[str, float]]:
    """The statistics of the engine's runs of a context, one per seed."""
    params = params_of(context)
    return [summarise(LearningModel(params, seed=s).run().timeseries()) for s in SEEDS]


def reference_runs(context: str, person: type[Person] = Person) -> list[dict[str, float]]:
    """The statistics of the reference's runs of a context, with people of class ``person``."""
    params = params_of(context)
    model = type(f"ReferenceWith{person.__name__}", (ReferenceModel,), {"person_class": person})
    return [summarise(model(params, s, org=organisation(params, s)).run().timeseries())
            for s in SEEDS]


@dataclass(frozen=True)
class Comparison:
    """One statistic of one context, compared between two samples of runs."""

    context: str
    statistic: str
    ks_p: float
    engine_mean: float
    reference_mean: float
    z: float

    @property
    def ks_fails(self) -> bool:
        """The distributions differ at the corrected level."""
        return self.ks_p < PER_COMPARISON

    @property
    def mean_fails(self) -> bool:
        """The means differ by more than :data:`Z_TOLERANCE` standard errors."""
        return abs(self.z) > Z_TOLERANCE

    @property
    def fails(self) -> bool:
        """Either check fails."""
        return self.ks_fails or self.mean_fails

    def __str__(self) -> str:
        return (f"{self.context} {self.statistic}: engine mean {self.engine_mean:.4g}, "
                f"reference mean {self.reference_mean:.4g}, z {self.z:+.2f} (tolerance "
                f"{Z_TOLERANCE:.2f}), KS p {self.ks_p:.2g} (threshold {PER_COMPARISON:.2g})")


def compare(context: str, engine: list[dict[str, float]],
            reference: list[dict[str, float]]) -> list[Comparison]:
    """Compare every statistic of two samples of runs of a context."""
    out = []
    for statistic in STATISTICS:
        a = np.array([run[statistic] for run in engine])
        b = np.array([run[statistic] for run in reference])
        with warnings.catch_warnings():  # exact p-values fall back to asymptotic ones on ties
            warnings.simplefilter("ignore", RuntimeWarning)
            p = float(stats.ks_2samp(a, b).pvalue)
        difference = float(b.mean() - a.mean())
        se = math.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
        z = difference / se if se > 0 else (0.0 if difference == 0 else math.inf)
        out.append(Comparison(context, statistic, p, float(a.mean()), float(b.mean()), z))
    return out


class Samples:
    """Runs of each context, made on first use and kept for the module."""

    def __init__(self) -> None:
        self._engine: dict[str, list[dict[str, float]]] = {}
        self._reference: dict[tuple[str, type[Person]], list[dict[str, float]]] = {}

    def engine(self, context: str) -> list[dict[str, float]]:
        """The engine's runs of ``context``."""
        if context not in self._engine:
            self._engine[context] = engine_runs(context)
        return self._engine[context]

    def reference(self, context: str, person: type[Person] = Person) -> list[dict[str, float]]:
        """The reference's runs of ``context`` with people of class ``person``."""
        if (context, person) not in self._reference:
            self._reference[context, person] = reference_runs(context, person)
        return self._reference[context, person]


@pytest.fixture(scope="module")
def samples() -> Samples:
    return Samples()


# --- the differential test -------------------------------------------------------------------


@pytest.mark.parametrize("context", list(CONTEXTS))
def test_reference_agrees_with_engine(samples: Samples, context: str) -> None:
    comparisons = compare(context, samples.engine(context), samples.reference(context))
    failures = [c for c in comparisons if c.fails]
    assert not failures, "the reference and the engine differ:\n" + "\n".join(map(str, failures))


# --- the power check: a perturbed rule must be detected ---------------------------------------


class JoinOnAnyEngagedTie(Person):
    """Perturbed: one engaged tie is enough to join at ``join_rate`` (no threshold share)."""

    def joining_hazard(self, share: float, count: int) -> float:
        pp = self.model.pp
        return min(1.0, pp.spontaneous_join_rate + pp.join_rate * (count > 0))


class EveryoneSharesAtMeetings(Person):
    """Perturbed: lurkers share their beliefs at meetings like contributors."""

    def shares_at_meetings(self) -> bool:
        return self.participating


@pytest.mark.parametrize("person", [JoinOnAnyEngagedTie, EveryoneSharesAtMeetings],
                         ids=lambda cls: cls.__name__)
def test_the_comparison_detects_a_perturbed_rule(samples: Samples, person: type[Person]) -> None:
    context = "default-org_wide_first"
    comparisons = compare(context, samples.engine(context), samples.reference(context, person))
    detected = [c for c in comparisons if c.fails]
    assert detected, ("a reference with a perturbed rule passed the comparison; smallest KS p "
                      f"{min(c.ks_p for c in comparisons):.2g}, largest |z| "
                      f"{max(abs(c.z) for c in comparisons):.2f}")


def test_a_perturbed_headline_kpi_is_detected(samples: Samples) -> None:
    context = "default-org_wide_first"
    comparisons = compare(context, samples.engine(context),
                          samples.reference(context, JoinOnAnyEngagedTie))
    headline = {c.statistic: c for c in comparisons}
    assert headline[f"voluntary_share@{WEEKS}"].ks_fails
    assert headline[f"voluntary_share@{WEEKS}"].mean_fails


# --- the reference itself ------------------------------------------------------------------------


def small(**updates: object) -> Params:
    return Params().replace({"org.employees": 60, "org.divisions": 3, "run.steps": 6,
                             **{k.replace("__", "."): v for k, v in updates.items()}})


def test_reference_has_the_engine_kpis_and_week_zero_row() -> None:
    params = small(strategy__name="org_wide_first")
    engine = LearningModel(params, seed=3).run().timeseries()
    reference = ReferenceModel(params, 3).run().timeseries()
    assert list(reference) == list(engine)
    for kpi, values in reference.items():
        assert values.shape == (params.run.steps + 1,), kpi
    assert reference["step"].tolist() == list(range(params.run.steps + 1))
    assert reference["meetings"][0] == 0 and reference["attending_share"][0] == 0
    assert np.isnan(reference["silo_index"][0])


def test_reference_runs_on_the_engines_organisation() -> None:
    params = small()
    engine = LearningModel(params, seed=5)
    reference = ReferenceModel(params, 5)
    ties = engine.org.ties
    for person in reference.people:
        row = slice(ties.indptr[person.index], ties.indptr[person.index + 1])
        assert [c.index for c in person.colleagues] == ties.indices[row].tolist()
        assert person.trust == ties.data[row].tolist()
        assert person.division == engine.org.division[person.index]
    assert [sorted(p.index for p in c.members) for c in reference.communities()] == [
        sorted(g.tolist()) for g in engine.org.groups]


def test_reference_is_reproducible_and_runs_the_default_weeks() -> None:
    params = small(strategy__name="small_groups_first")
    first = ReferenceModel(params, 11).run().timeseries()
    second = ReferenceModel(params, 11).run().timeseries()
    assert first.keys() == second.keys()
    for kpi in first:
        np.testing.assert_array_equal(first[kpi], second[kpi])
    assert first["step"][-1] == params.run.steps


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_participants_are_exactly_the_members(strategy: str) -> None:
    model = ReferenceModel(small(strategy__name=strategy, run__steps=20), 2).run()
    for person in model.people:
        assert (person.engagement >= LURKER) == bool(person.communities)
        assert len(person.communities) <= person.max_memberships
        assert all(person in c.members for c in person.communities)
    for community in model.communities():
        assert all(community in p.communities for p in community.members)


OTHER_VALUES: dict[str, object] = {
    "participation.contagion": "linear",
    "participation.threshold_type": "count",
    "participation.compulsory": True,
    "knowledge.fast_learner_share": 0.2,
    "knowledge.code_learns_from": "members",
    "knowledge.initial_beliefs": "definite",
    "knowledge.peer_choice": "best",
    "knowledge.belief_update": "jump",
    "knowledge.explore_when": "stuck",
}


def test_every_unsupported_parameter_is_tried() -> None:
    assert {k for k, _, _ in UNSUPPORTED} == {*OTHER_VALUES, "knowledge.landscape"}


@pytest.mark.parametrize("key", list(OTHER_VALUES))
def test_unsupported_mechanisms_are_refused(key: str) -> None:
    params = small().replace({key: OTHER_VALUES[key]})
    with pytest.raises(NotImplementedError, match=key):
        ReferenceModel(params, 1)


def test_nk_landscapes_are_refused() -> None:
    params = small().replace({"knowledge.landscape": "nk", "knowledge.dimensions": 10,
                              "environment.turbulence": 0.0})
    with pytest.raises(NotImplementedError, match="knowledge.landscape"):
        ReferenceModel(params, 1)


@pytest.mark.parametrize("strategy", ["division_networks", "co_opt_existing",
                                      "boundary_spanners_first", "leader_cascade"])
def test_unsupported_strategies_are_refused(strategy: str) -> None:
    with pytest.raises(NotImplementedError, match=strategy):
        ReferenceModel(small(strategy__name=strategy), 1)
