"""The memory estimate of a run: against measured peaks, monotone, instant on absurd values."""

import os
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engine.params import SCHEMA, Params
from sim.engine.resources import (
    CANDIDATE_BYTES,
    FIXED_BYTES,
    FIXED_TERM,
    MEMORY_LIMIT_ENV,
    MemoryEstimate,
    MemoryTerm,
    available_memory,
    estimate_run_memory,
    format_bytes,
)
from sim.experiments.memory import measure_run_memory

GiB = 2**30

UPPER = 2.0
"""The estimate is at least the measured peak and at most this many times it. In
benchmarks/bench_memory.py the estimate was 1.03 to 1.38 times the measured peak for every
configuration from 1,000 to 1,000,000 employees, and 1.05 to 1.09 for the four below."""


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmHWM")
@pytest.mark.parametrize("values", [
    {"org.employees": 10_000},
    {"org.employees": 10_000, "org.informal_degree": 50},
    {"org.employees": 10_000, "knowledge.dimensions": 200},
    {"org.employees": 20_000, "community.max_communities": 500},
], ids=["default-10k", "degree-50", "dimensions-200", "communities-500"])
def test_the_estimate_brackets_the_measured_peak_of_a_run(values):
    values = {**values, "run.steps": 3}
    estimate = estimate_run_memory(Params().replace(values)).total
    peak = measure_run_memory(values, timeout=120)["peak"]
    assert peak <= estimate <= UPPER * peak, (format_bytes(estimate), format_bytes(peak))


def total(**changes) -> int:
    return estimate_run_memory(Params().replace(
        {k.replace("__", "."): v for k, v in changes.items()})).total


def term(estimate: MemoryEstimate, name: str) -> MemoryTerm:
    return next(t for t in estimate.terms if t.name == name)


@pytest.mark.parametrize("key, values", [
    ("org.employees", [5, 10, 999, 1_000, 1_001, 5_000, 20_000, 200_000, 2_000_000]),
    ("org.informal_degree", [0, 2, 6, 50, 198, 200, 202, 5_000, 100_000]),
    ("knowledge.dimensions", [1, 2, 30, 200, 1_000]),
    ("community.max_communities", [6, 7, 64, 500, 10_000]),
    ("participation.max_memberships", [1, 2, 3, 4, 20, 100]),
    ("run.steps", [1, 8, 104, 5_200]),
])
@pytest.mark.parametrize("network", ["small_world", "random"])
def test_the_estimate_grows_with_each_size_parameter(key, values, network):
    base = {"org.employees": 1_000, "org.informal_network": network}
    totals = [estimate_run_memory(Params().replace({**base, key: v})).total for v in values]
    assert totals == sorted(totals)
    assert totals[-1] > totals[0]


def test_the_nk_estimate_grows_with_dimensions_and_interactions():
    nk = {"knowledge.landscape": "nk", "environment.turbulence": 0.0,
          "knowledge.nk_interactions": 2}
    by_dimensions = [total(**{**nk, "knowledge.dimensions": m}) for m in (3, 10, 20, 21, 24)]
    assert by_dimensions == sorted(by_dimensions)
    by_k = [total(**{**nk, "knowledge.dimensions": 24, "knowledge.nk_interactions": k})
            for k in (0, 5, 15, 23)]
    assert by_k == sorted(by_k)
    # The contribution table alone, 24 x 2^24 float64, is 3 GiB at K = 23 (1.5 KiB at K = 0).
    assert by_k[-1] - by_k[0] > 2.99 * GiB


@settings(max_examples=200, deadline=None)
@given(employees=st.integers(2, 2_000_000), divisions=st.integers(1, 1_000),
       half_degree=st.integers(0, 50_000), dimensions=st.integers(1, 1_000),
       slots=st.integers(6, 10_000), network=st.sampled_from(["small_world", "random"]),
       strategy=st.sampled_from([p.choices for p in SCHEMA if p.key == "strategy.name"][0]),
       key=st.sampled_from(["org.employees", "org.informal_degree", "knowledge.dimensions",
                            "community.max_communities", "participation.max_memberships",
                            "run.steps"]),
       step=st.integers(1, 5_000))
def test_raising_one_size_never_lowers_the_estimate(employees, divisions, half_degree,
                                                    dimensions, slots, network, strategy, key,
                                                    step):
    values = {**Params().values, "org.employees": employees,
              "org.divisions": min(divisions, employees), "org.informal_degree": 2 * half_degree,
              "org.informal_network": network, "knowledge.dimensions": dimensions,
              "community.max_communities": slots, "strategy.name": strategy}
    high = {p.key: p.high for p in SCHEMA}[key]
    raised = {**values, key: min(high, values[key] + 2 * step)}
    assert (estimate_run_memory(Params(raised)).total
            >= estimate_run_memory(Params(values)).total)


def schema_maxima(**choices) -> Params:
    """Every number at its schema maximum (relations between parameters left unchecked)."""
    values = {p.key: (p.kind(p.high) if p.kind in (int, float) else p.default) for p in SCHEMA}
    values.update({k.replace("__", "."): v for k, v in choices.items()})
    return Params(values)


def fastest_of(repeats: int, params: Params) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        estimate_run_memory(params)
        times.append(time.perf_counter() - started)
    return min(times)


@pytest.mark.parametrize("params", [
    Params().replace({"org.employees": 200_000, "org.informal_degree": 100_000}),
    Params().replace({"org.employees": 200_000, "org.informal_degree": 100_000,
                      "org.informal_network": "random"}),
    schema_maxima(),
    schema_maxima(org__informal_network="random", knowledge__landscape="nk",
                  strategy__name="small_groups_first"),
    schema_maxima(org__chart="employees.csv", strategy__name="division_networks"),
], ids=["degree-100000", "degree-100000-random", "maxima", "maxima-nk-random", "maxima-chart"])
def test_absurd_values_are_estimated_at_once_and_far_above_a_machine(params):
    assert fastest_of(20, params) < 1e-3
    assert estimate_run_memory(params).total > 20 * GiB


def test_the_largest_term_of_a_huge_informal_degree_names_its_keys():
    params = Params().replace({"org.employees": 200_000, "org.informal_degree": 100_000})
    largest = estimate_run_memory(params).largest()
    assert largest.name == "ties"
    assert largest.keys == ("org.employees", "org.informal_degree")
    assert largest.bytes > 20 * GiB


@pytest.mark.parametrize("changes, name, key", [
    ({"org.employees": 200_000, "knowledge.dimensions": 1_000}, "beliefs",
     "knowledge.dimensions"),
    ({"org.employees": 200_000, "knowledge.dimensions": 1_000,
      "standards.formal_learning_rate": 1.0}, "knowledge-exchange candidates",
     "standards.formal_learning_rate"),
    ({"org.employees": 200_000, "knowledge.dimensions": 1_000,
      "knowledge.fast_learner_share": 0.1}, "knowledge-exchange candidates",
     "knowledge.fast_socialisation_rate"),
    ({"org.employees": 200_000, "participation.max_memberships": 100},
     "community memberships", "participation.max_memberships"),
    ({"org.employees": 100_000, "org.divisions": 1_000, "strategy.name": "division_networks",
      "community.max_communities": 2_000}, "community memberships",
     "community.max_communities"),
    ({"knowledge.dimensions": 1_000, "community.max_communities": 10_000}, "community codes",
     "community.max_communities"),
    ({"org.employees": 2_000, "org.divisions": 1_000, "run.steps": 5_200}, "KPI recorder",
     "org.divisions"),
    ({"knowledge.landscape": "nk", "knowledge.dimensions": 24, "knowledge.nk_interactions": 23,
      "environment.turbulence": 0.0}, "NK landscape", "knowledge.nk_interactions"),
])
def test_the_largest_term_follows_the_parameter_that_explodes(changes, name, key):
    largest = estimate_run_memory(Params().replace(changes)).largest()
    assert largest.name == name
    assert key in largest.keys


def test_a_thousand_divisions_or_community_slots_need_little_per_person():
    # The divisions' one-hot is sparse, a float32 and an int32 per person whatever the number of
    # divisions (a dense float64 one would take 8 KB per person for 1,000); memberships are a
    # few slots per person, not a column per community (10 KB per person for 10,000).
    n = 200_000
    divisions = estimate_run_memory(Params().replace({"org.employees": n, "org.divisions": 1_000}))
    assert term(divisions, "divisions (one-hot and sums of standards)").bytes < 16 * n
    assert divisions.total < FIXED_BYTES + 2_000 * n
    slots = estimate_run_memory(Params().replace({
        "org.employees": n, "community.max_communities": 10_000, "org.unofficial_groups": 5}))
    assert term(slots, "community memberships").bytes < 1_000 * n
    assert slots.total < FIXED_BYTES + 2_000 * n


def test_memberships_follow_the_communities_in_use_not_the_capacity():
    def at(slots: int) -> MemoryEstimate:
        return estimate_run_memory(Params().replace({
            "org.employees": 200_000, "org.unofficial_groups": 5,
            "community.max_communities": slots}))

    small, large = at(64), at(10_000)
    assert term(small, "community memberships") == term(large, "community memberships")
    assert term(large, "community codes").bytes > term(small, "community codes").bytes


def test_wider_membership_rows_and_compulsory_enrolment_cost_memberships():
    def memberships(**changes) -> int:
        values = {"org.employees": 100_000, **{k.replace("__", "."): v
                                               for k, v in changes.items()}}
        return term(estimate_run_memory(Params().replace(values)), "community memberships").bytes

    base = memberships()
    assert memberships(participation__spanner_max_memberships=50) > base
    assert memberships(participation__spanner_max_memberships=50,
                       org__boundary_spanner_share=0.0) <= base  # no spanner has that cap
    assert memberships(participation__compulsory=True) > base  # rows may widen past the cap
    assert memberships(strategy__name="leader_cascade") > base  # always compulsory
    assert memberships(participation__spontaneous_join_rate=1.0) > base  # more joiners a week


@pytest.mark.parametrize("key, context, channel", [
    ("knowledge.peer_learning_rate", {"culture.psychological_safety": 1.0,
                                      "culture.competitiveness": 0.0}, None),
    ("knowledge.meeting_learning_rate", {"culture.psychological_safety": 1.0}, None),
    ("knowledge.socialisation_rate", {}, None),
    ("knowledge.fast_socialisation_rate", {"knowledge.fast_learner_share": 0.5}, None),
    ("standards.formal_learning_rate", {}, None),
    ("culture.psychological_safety", {"knowledge.meeting_learning_rate": 1.0},
     "knowledge.meeting_learning_rate"),
])
def test_the_candidates_follow_the_largest_chance_of_a_channel(key, context, channel):
    n, m = 10_000, 200
    base = {"org.employees": n, "knowledge.dimensions": m, **context}
    estimates = [estimate_run_memory(Params().replace({**base, key: chance}))
                 for chance in (0.0, 0.01, 0.12, 0.5, 0.99, 1.0)]
    candidates = [term(e, "knowledge-exchange candidates").bytes for e in estimates]
    assert candidates == sorted(candidates) and candidates[0] < candidates[-1]
    assert candidates[-1] == CANDIDATE_BYTES * n * m  # a chance of 1: every entry
    assert (channel or key) in term(estimates[-1], "knowledge-exchange candidates").keys


def test_with_the_default_chances_31_entries_in_256_are_candidates():
    # The meetings' 0.2 x psychological safety 0.6 = 0.12 is the largest default chance: the
    # entries whose byte is below ceil(0.12 x 256) = 31 are candidates.
    n, m = 10_000, 200
    estimate = estimate_run_memory(Params().replace({"org.employees": n,
                                                     "knowledge.dimensions": m}))
    candidates = term(estimate, "knowledge-exchange candidates")
    assert candidates.bytes == CANDIDATE_BYTES * -(-n * m * 31 // 256)
    assert candidates.keys[-1] == "knowledge.meeting_learning_rate"
    assert candidates.bytes < term(estimate, "beliefs").bytes


def test_building_the_ties_and_running_the_model_do_not_add_up():
    # Building 100,000 people's ties at degree 200 needs more than the run that follows (see
    # the module docstring): more dimensions leave the estimate as it is until the run's own
    # peak passes the building's.
    def estimate(dimensions: int) -> MemoryEstimate:
        return estimate_run_memory(Params().replace({
            "org.employees": 100_000, "org.informal_degree": 200,
            "knowledge.dimensions": dimensions}))

    few, more, most = estimate(1), estimate(100), estimate(1_000)
    assert few.total == more.total
    assert few.largest().name == more.largest().name == "ties"
    grown = term(most, "beliefs").bytes - term(few, "beliefs").bytes
    assert few.total < most.total < few.total + grown


def test_terms_add_up_and_the_fixed_term_is_never_the_largest():
    estimate = estimate_run_memory(Params().replace({"org.employees": 2, "org.divisions": 1}))
    assert estimate.total == sum(term.bytes for term in estimate.terms)
    assert estimate.terms[0].name == FIXED_TERM and estimate.terms[0].keys == ()
    assert estimate.largest().name != FIXED_TERM
    assert all(isinstance(term.bytes, int) and term.bytes >= 0 for term in estimate.terms)
    line = estimate_run_memory(Params().replace({"org.employees": 200_000,
                                                 "org.informal_degree": 100_000})).describe()
    assert line.startswith("about ") and "ties (org.employees, org.informal_degree)" in line
    assert "\n" not in line


def test_a_chart_is_estimated_no_lower_than_the_synthetic_organisation_of_its_size():
    for changes in ({"org.employees": 5_000, "org.divisions": 7},
                    {"org.employees": 5_000, "org.divisions": 7, "org.informal_degree": 800},
                    {"org.employees": 300, "org.divisions": 3, "org.informal_degree": 500,
                     "org.informal_network": "random"}):
        synthetic = Params().replace(changes)
        chart = Params({**synthetic.values, "org.chart": "employees.csv"})
        assert estimate_run_memory(chart).total >= estimate_run_memory(synthetic).total


def test_the_dataclasses_are_frozen():
    term = MemoryTerm("ties", ("org.employees",), 1)
    with pytest.raises(AttributeError):
        term.bytes = 2
    with pytest.raises(AttributeError):
        MemoryEstimate((term,)).terms = ()


@pytest.mark.parametrize("text, expected", [
    ("8GiB", 8 * GiB), ("512MiB", 512 * 2**20), ("2e9", 2_000_000_000), ("1.5 GB", 1.5e9),
    ("64kib", 65_536), ("4096", 4096), (" 3 TiB ", 3 * 2**40), ("1g", 10**9),
])
def test_the_memory_limit_variable_is_honoured(monkeypatch, text, expected):
    monkeypatch.setenv(MEMORY_LIMIT_ENV, text)
    assert available_memory() == int(expected)


@pytest.mark.parametrize("text", ["lots", "-1GiB", "0", "8 parsecs", "1e400", "GiB", "nan",
                                  "1.5.2G", "0.5"])
def test_a_bad_memory_limit_is_refused_in_one_line(monkeypatch, text):
    monkeypatch.setenv(MEMORY_LIMIT_ENV, text)
    with pytest.raises(ValueError) as error:
        available_memory()
    message = str(error.value)
    assert MEMORY_LIMIT_ENV in message and "\n" not in message and "8GiB" in message


def test_without_the_variable_the_machine_says_how_much_is_available(monkeypatch):
    monkeypatch.delenv(MEMORY_LIMIT_ENV, raising=False)
    available = available_memory()
    assert available > 0
    assert available <= os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "  ")  # empty: as if unset
    assert available_memory() > 0


@pytest.mark.parametrize("n, text", [
    (0, "0 B"), (1023, "1023 B"), (1024, "1.0 KiB"), (1536, "1.5 KiB"),
    (512 * 2**20, "512 MiB"), (int(29.8 * GiB), "29.8 GiB"), (100 * GiB, "100 GiB"),
    (1023 * 2**20 + 2**19 + 2**18, "1.0 GiB"), (int(99.96 * 2**20), "100 MiB"),
    (5 * 2**50, "5.0 PiB"), (-2048, "-2.0 KiB"),
])
def test_format_bytes(n, text):
    assert format_bytes(n) == text
