"""Tests of the summary statistics, verdicts, figures and report of a strategy comparison.

The synthetic runs have a known truth: every KPI of a run is ``0.3 + shared_r + effect + noise``,
where ``shared_r`` is a per-replication effect common to all strategies (large variance, like the
luck that common random numbers share) and ``noise`` is small and independent.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from scipy import stats
from synthetic import make_manifest

from sim.engine.metrics import HEADLINE_KPIS, KPIS, RUN_KPIS
from sim.experiments.results import INTEGER_KPIS
from sim.experiments.statistics import share_better
from sim.report.folder import write_report
from sim.report.summary import beats_matrix, summarise, verdicts
from sim.report.text import ENROLMENT_NOTE, render_report

PNG = b"\x89PNG\r\n\x1a\n"
MANIFEST = make_manifest(
    command="compare", name="compare", reference="A",
    scenario={"name": "synthetic", "file": "scenarios/synthetic.toml"}, root_seed=7, steps=12,
    parameters={"org": {"employees": 321}},
    provenance={"versions": {"python": "3.12.1", "orglearn": "0.1.0"}, "git_commit": "abc123"},
    timings_s={"wall": 4.25})
BARE = make_manifest(command="compare", name="compare", reference="A", steps=12)




def make_runs(effects: dict[str, float], reps: int = 10, seed: int = 0, noise: float = 0.01,
              shared: float = 0.1, contexts: tuple[int, ...] = (0,)) -> pa.Table:
    """Runs where KPI = 0.3 + shared effect of the replication + strategy effect + noise."""
    rng = np.random.default_rng(seed)
    columns: dict[str, list] = {k: [] for k in ("experiment", "scenario", "context", "strategy",
                                                "replication", "seed")}
    values: list[np.ndarray] = []
    for context in contexts:
        common = rng.normal(0.0, shared, size=(reps, len(RUN_KPIS)))
        for strategy, effect in effects.items():
            values.append(0.3 + common + effect + rng.normal(0.0, noise, size=common.shape))
            for rep in range(reps):
                for key, value in zip(columns, ("exp", "synthetic", context, strategy, rep,
                                                1000 * context + rep), strict=True):
                    columns[key].append(value)
    matrix = np.vstack(values)
    table = {k: pa.array(v, pa.int64() if k in ("context", "replication", "seed") else None)
             for k, v in columns.items()}
    table |= {k.name: pa.array(matrix[:, i]) for i, k in enumerate(RUN_KPIS)}
    return pa.table(table | {"extra_parameter": pa.array([1.5] * matrix.shape[0])})


def make_timeseries(runs: pa.Table, steps: int = 12, seed: int = 1) -> pa.Table:
    """Weekly KPIs for every run: random walks in [0, 1], counts as integers."""
    rng = np.random.default_rng(seed)
    keys = ("experiment", "scenario", "context", "strategy", "replication", "seed")
    n_runs, n_steps = runs.num_rows, steps + 1
    data = {k: np.repeat(np.array(runs[k].to_pylist(), dtype=object), n_steps) for k in keys}
    data["step"] = np.tile(np.arange(n_steps), n_runs)
    for kpi in KPIS[1:]:
        walk = np.clip(np.cumsum(rng.uniform(0, 0.1, (n_runs, n_steps)), axis=1), 0, 1).ravel()
        data[kpi.name] = (walk * 10).astype(np.int64) if kpi.name in INTEGER_KPIS else walk
    data["silo_index"][::n_steps] = np.nan  # week 0 has no exchanges
    data["knowledge_div_0"] = rng.uniform(-1, 1, n_runs * n_steps)
    out = {k: pa.array(list(v)) if v.dtype == object else pa.array(v) for k, v in data.items()}
    return pa.table(out)


def rows(summary: pa.Table, kpi: str, context: int = 0) -> dict[str, dict]:
    return {r["strategy"]: r for r in summary.to_pylist()
            if r["kpi"] == kpi and r["context"] == context}


def column(runs: pa.Table, kpi: str, strategy: str, context: int = 0) -> np.ndarray:
    out = [r[kpi] for r in runs.select(["context", "strategy", kpi]).to_pylist()
           if r["strategy"] == strategy and r["context"] == context]
    return np.array(out)


@pytest.fixture(scope="module")
def runs() -> pa.Table:
    return make_runs({"none": -0.2, "A": 0.0, "B": 0.1})


@pytest.fixture(scope="module")
def summary(runs: pa.Table) -> pa.Table:
    return summarise(runs, "A")


def test_summary_has_one_row_per_kpi_and_strategy(summary: pa.Table) -> None:
    assert summary.num_rows == len(RUN_KPIS) * 3
    assert summary.column_names[:10] == ["context", "kpi", "label", "better", "strategy", "n",
                                         "mean", "sd", "ci_low", "ci_high"]
    assert {"diff_mean", "diff_sd", "diff_ci_low", "diff_ci_high", "p_beats_reference",
            "unpaired_ci_low", "unpaired_ci_high"} <= set(summary.column_names)


@pytest.mark.parametrize("kpi", ["reach_participating", "time_to_50", "lurker_share"])
def test_statistics_match_scipy(runs: pa.Table, summary: pa.Table, kpi: str) -> None:
    a, b = column(runs, kpi, "A"), column(runs, kpi, "B")
    row = rows(summary, kpi)["B"]
    assert row["n"] == 10
    assert row["mean"] == pytest.approx(b.mean(), rel=1e-12)
    assert row["sd"] == pytest.approx(b.std(ddof=1), rel=1e-12)
    low, high = stats.t.interval(0.95, 9, loc=b.mean(), scale=stats.sem(b))
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high), rel=1e-10)
    paired = stats.ttest_rel(b, a).confidence_interval(0.95)
    assert row["diff_mean"] == pytest.approx((b - a).mean(), rel=1e-10)
    assert row["diff_sd"] == pytest.approx((b - a).std(ddof=1), rel=1e-10)
    assert (row["diff_ci_low"], row["diff_ci_high"]) == pytest.approx(paired, rel=1e-10)
    welch = stats.ttest_ind(b, a, equal_var=False).confidence_interval(0.95)
    assert (row["unpaired_ci_low"], row["unpaired_ci_high"]) == pytest.approx(welch, rel=1e-10)


def test_pairing_is_narrower_and_covers_the_true_difference(summary: pa.Table) -> None:
    row = rows(summary, "reach_participating")["B"]
    assert row["diff_ci_low"] < 0.1 < row["diff_ci_high"]
    assert row["unpaired_ci_low"] < 0.1 < row["unpaired_ci_high"]
    paired = row["diff_ci_high"] - row["diff_ci_low"]
    unpaired = row["unpaired_ci_high"] - row["unpaired_ci_low"]
    assert paired < unpaired / 5  # shared effect sd 0.1 vs noise sd 0.01


def test_p_beats_respects_direction_and_reference(summary: pa.Table) -> None:
    assert rows(summary, "reach_participating")["B"]["p_beats_reference"] == 1.0  # higher
    assert rows(summary, "time_to_50")["B"]["p_beats_reference"] == 0.0  # lower: B is worse
    assert rows(summary, "time_to_50")["none"]["p_beats_reference"] == 1.0
    assert math.isnan(rows(summary, "lurker_share")["B"]["p_beats_reference"])  # better none
    reference = rows(summary, "reach_participating")["A"]
    assert all(math.isnan(reference[k]) for k in ("diff_mean", "diff_ci_low", "p_beats_reference",
                                                  "unpaired_ci_low"))


def test_share_better_counts_ties_as_half() -> None:
    assert share_better(np.array([1.0, 0.0, -1.0, 2.0]), "higher") == pytest.approx(2.5 / 4)
    assert share_better(np.array([1.0, 0.0, -1.0, 2.0]), "lower") == pytest.approx(1.5 / 4)
    assert math.isnan(share_better(np.array([]), "higher"))
    runs = make_runs({"A": 0.0, "B": 0.0}, noise=0.0)  # identical runs: every pair a tie
    assert rows(summarise(runs, "A"), "reach_participating")["B"]["p_beats_reference"] == 0.5


def test_nan_values_drop_their_pairs(runs: pa.Table) -> None:
    silo = np.array(runs["silo_index"].to_pylist())
    is_b = np.array(runs["strategy"].to_pylist()) == "B"
    rep = np.array(runs["replication"].to_pylist())
    silo[is_b & (rep < 3)] = np.nan
    table = runs.set_column(runs.column_names.index("silo_index"), "silo_index", pa.array(silo))
    row = rows(summarise(table, "A"), "silo_index")["B"]
    a, b = column(table, "silo_index", "A")[3:], column(table, "silo_index", "B")[3:]
    assert row["n"] == 7
    assert row["mean"] == pytest.approx(b.mean())
    assert (row["diff_ci_low"], row["diff_ci_high"]) == pytest.approx(
        stats.ttest_rel(b, a).confidence_interval(0.95))


def test_single_replication_gives_nan_intervals(tmp_path: Path) -> None:
    runs = make_runs({"A": 0.0, "B": 0.1}, reps=1)
    row = rows(summarise(runs, "A"), "reach_participating")["B"]
    assert row["n"] == 1 and math.isfinite(row["mean"]) and math.isfinite(row["diff_mean"])
    assert all(math.isnan(row[k]) for k in ("sd", "ci_low", "ci_high", "diff_ci_low",
                                            "unpaired_ci_high"))
    assert not any(v["clear"] for v in verdicts(summarise(runs, "A"), runs))
    paths = write_report(runs, make_timeseries(runs, steps=3), BARE, tmp_path)
    assert "no clear winner" in paths["report"].read_text(encoding="utf-8")


def test_bad_input_is_rejected(runs: pa.Table) -> None:
    with pytest.raises(ValueError, match="reference strategy 'nobody'"):
        summarise(runs, "nobody")
    with pytest.raises(ValueError, match="duplicate run"):
        summarise(pa.concat_tables([runs, runs.slice(0, 1)]), "A")
    with pytest.raises(ValueError, match="no better side"):
        beats_matrix(runs, "lurker_share")
    with pytest.raises(ValueError, match="unknown run KPI"):
        beats_matrix(runs, "nonsense")


def test_beats_matrix(runs: pa.Table) -> None:
    names, higher = beats_matrix(runs, "reach_participating")
    assert names == ["none", "A", "B"]
    np.testing.assert_array_equal(np.diag(higher), 0.5)
    np.testing.assert_allclose(higher + higher.T, 1.0)
    assert higher[2, 1] == 1.0 and higher[1, 0] == 1.0
    _, lower = beats_matrix(runs, "time_to_50")
    np.testing.assert_allclose(lower, higher.T)  # same values, opposite direction


def test_contexts_are_paired_separately() -> None:
    runs = make_runs({"A": 0.0, "B": 0.1}, contexts=(0, 1), shared=1.0)
    summary = summarise(runs, "A")
    assert set(summary["context"].to_pylist()) == {0, 1}
    for context in (0, 1):
        row = rows(summary, "knowledge_final", context)["B"]
        a, b = (column(runs, "knowledge_final", s, context) for s in "AB")
        assert row["diff_mean"] == pytest.approx((b - a).mean())
        assert row["diff_ci_low"] < 0.1 < row["diff_ci_high"]


def test_verdict_names_the_clear_winner(runs: pa.Table, summary: pa.Table) -> None:
    by_kpi = {v["kpi"]: v for v in verdicts(summary, runs)}
    assert set(by_kpi) == {k.name for k in HEADLINE_KPIS}
    reach = by_kpi["reach_voluntary"]
    assert (reach["best"], reach["runner_up"], reach["clear"]) == ("B", "A", True)
    assert reach["diff_ci_low"] < 0.1 < reach["diff_ci_high"]
    assert (reach["wins"], reach["n_pairs"], reach["p_beats"]) == (10, 10, 1.0)
    speed = by_kpi["time_to_50_voluntary"]  # lower is better: the lowest mean wins
    assert (speed["best"], speed["runner_up"], speed["clear"]) == ("none", "A", True)
    assert speed["diff_mean"] < 0


def test_verdict_leads_with_knowledge_then_errors_contribution_and_voluntary_reach(
        runs: pa.Table, summary: pa.Table) -> None:
    order = [v["kpi"] for v in verdicts(summary, runs)]
    assert order == ["knowledge_final", "error_rate_final", "reach_contributing",
                     "reach_voluntary", "time_to_50_voluntary"]
    text = render_report(runs, make_timeseries(runs), summary, verdicts(summary, runs), BARE)
    verdict = text.split("## Verdict\n\n", 1)[1].split("\n## ", 1)[0]
    assert verdict.startswith("On knowledge (March's score after 12 weeks, -1 to 1), **B** wins")
    positions = [verdict.index(f"On {phrase}") for phrase in (
        "knowledge", "errors", "contribution", "voluntary reach", "voluntary speed")]
    assert positions == sorted(positions)
    assert verdict.count("\n\n") == 4  # a short paragraph per headline KPI
    assert "On reach (share participating" not in verdict
    headline = text.split("## Headline KPIs\n\n", 1)[1]
    assert headline.startswith(ENROLMENT_NOTE + "\n\n### Knowledge (end)\n")


def test_no_strategy_wins_a_verdict_by_enrolling_people() -> None:
    """A strategy ahead only on enrolment (and reach that counts it) wins nothing."""
    runs = make_runs({"A": 0.0, "B": 0.0, "enrol": 0.0})
    is_enrol = np.array(runs["strategy"].to_pylist()) == "enrol"
    for kpi, shift in (("reach_participating", 0.5), ("reach_enrolled", 0.5),
                       ("time_to_50", -20.0), ("time_to_80", -20.0)):
        values = np.array(runs[kpi].to_pylist()) + shift * is_enrol
        runs = runs.set_column(runs.column_names.index(kpi), kpi, pa.array(values))
    summary = summarise(runs, "A")
    assert rows(summary, "reach_participating")["enrol"]["diff_ci_low"] > 0.4
    assert all(v["best"] != "enrol" or not v["clear"] for v in verdicts(summary, runs))
    text = render_report(runs, make_timeseries(runs), summary, verdicts(summary, runs), BARE)
    verdict = text.split("## Verdict\n\n", 1)[1].split("\n## ", 1)[0]
    assert "**enrol** wins" not in verdict
    other = text.split("## Other KPIs", 1)[1]
    assert "| Reach: enrolled only | none |" in other and "| Reach: participating |" in other


def test_near_tie_is_not_clear() -> None:
    runs = make_runs({"A": 0.0, "B": 0.001}, noise=0.05, seed=3)
    summary = summarise(runs, "A")
    reach = next(v for v in verdicts(summary, runs) if v["kpi"] == "reach_voluntary")
    assert reach["diff_ci_low"] < 0 < reach["diff_ci_high"]
    assert not reach["clear"]
    text = render_report(runs, make_timeseries(runs), summary, verdicts(summary, runs), BARE)
    assert ("On voluntary reach (share taking part by choice after 12 weeks) there is **no clear "
            "winner**") in text


def test_report_text(runs: pa.Table, summary: pa.Table) -> None:
    text = render_report(runs, make_timeseries(runs), summary, verdicts(summary, runs),
                         MANIFEST)
    assert text.startswith("# Strategy comparison: synthetic\n")
    assert ("On voluntary reach (share taking part by choice after 12 weeks), **B** wins with "
            in text)
    assert "did better in 10 of 10 replications" in text
    for needle in ("## Verdict", "### Reach: voluntary participation", "| B | ", "(reference)",
                   "90-9-1", "Nielsen (2006)", "Wenger, Trayner & de Laat", "× narrower",
                   "](figures/timeseries.png)", "](figures/paired_differences.png)",
                   "](figures/kpis.png)", "**Employees**: 321", "**Root seed**: 7",
                   "**Git commit**: abc123", "**Wall time**: 4.2 s", "python 3.12.1",
                   "**Replications**: 10 per strategy", "same seed"):
        assert needle in text, needle
    b = rows(summary, "reach_voluntary")["B"]
    assert f"{100 * b['mean']:.1f}% [{100 * b['ci_low']:.1f}–{100 * b['ci_high']:.1f}%]" in text
    assert f"{100 * b['diff_mean']:+.1f} points" in text


def test_report_warns_when_seeds_are_not_shared(runs: pa.Table, summary: pa.Table) -> None:
    seeds = pa.array(range(runs.num_rows), pa.int64())
    other = runs.set_column(runs.column_names.index("seed"), "seed", seeds)
    text = render_report(other, make_timeseries(runs), summary, [], BARE)
    assert "**Warning**: strategies did not share seeds" in text


@pytest.fixture(scope="module")
def written(runs: pa.Table, tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Path]]:
    timeseries = make_timeseries(runs)
    return [write_report(runs, timeseries, MANIFEST, tmp_path_factory.mktemp(f"r{i}"))
            for i in range(2)]


def test_write_report_creates_files(written: list[dict[str, Path]]) -> None:
    paths = written[0]
    assert set(paths) == {"summary", "timeseries", "paired_differences", "kpis", "report",
                          "html"}
    assert paths["summary"].name == "summary.csv" and paths["report"].name == "report.md"
    page = paths["html"].read_text()  # one file: every figure inside, nothing to fetch
    assert page.count('src="data:image/png;base64,') == 3 and 'src="figures/' not in page
    assert "http://" not in page and "https://" not in page
    for name in ("timeseries", "paired_differences", "kpis"):
        assert paths[name] == paths["report"].parent / "figures" / f"{name}.png"
        data = paths[name].read_bytes()
        assert data.startswith(PNG) and len(data) > 10_000
    header = paths["summary"].read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith('"context","kpi","label","better","strategy","n","mean"')


def test_write_report_is_byte_identical(written: list[dict[str, Path]]) -> None:
    first, second = written
    assert first["report"].parent != second["report"].parent
    for name, path in first.items():
        assert path.read_bytes() == second[name].read_bytes(), name
