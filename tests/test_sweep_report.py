"""Tests of the sweep report: winners per context, where they win, sensitivity, figures.

The synthetic runs have a known truth. In context ``c`` and replication ``r`` a KPI is
``base + shared[c, r] ± diff[c] / 2 + noise`` (``+`` for strategy A, ``-`` for B): ``shared`` is
large and common to both strategies (the luck that common random numbers share), ``noise`` is
small and independent, so the paired difference A − B is ``diff[c]`` up to the noise.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample
from synthetic import make_manifest

from sim.experiments.sampling import Sampler
from sim.report.contexts import paired_label, sensitivity, winners_by_context
from sim.report.folder import write_report
from sim.report.sweep import MAX_ROWS

PNG = b"\x89PNG\r\n\x1a\n"
X1, X2 = "participation.threshold_mean", "org.cross_division_share"
# The report names parameters by the schema's labels, not by their keys.
L1, L2 = "Mean adoption threshold", "Cross-division ties"
W1 = "mean adoption threshold"  # L1 inside a sentence
AXES = [(X1, (0.1, 0.3, 0.5)), (X2, (0.02, 0.1))]
KPIS = ("reach_participating", "time_to_50")
BASE = {"reach_participating": (0.5, 0.1), "time_to_50": (30.0, 5.0)}  # (base, shared sd)


KNOWN = {"description": "Start small or start wide?",
         "provenance": {"versions": {"python": "3.12"}, "git_commit": "abc123"},
         "timings_s": {"wall": 12.5}}
NO_SERIES = pa.table({"step": pa.array([], pa.int64())})


def write_sweep_report(runs: pa.Table, out: Path, **kwargs: object) -> dict[str, Path]:
    """The report folder of synthetic runs, through the one report entry point."""
    return write_report(runs, NO_SERIES, make_manifest(**({"kpis": KPIS} | kwargs)), out)


def make_runs(points: list[dict], diff: np.ndarray, reps: int = 10, seed: int = 0,
              noise: float = 0.005, kpis: tuple[str, ...] = KPIS) -> pa.Table:
    """Runs of A and B in every context; ``diff[c, k]`` is A − B of KPI ``k`` in context c."""
    rng = np.random.default_rng(seed)
    rows = []
    for c, point in enumerate(points):
        shared = rng.normal(0.0, 1.0, size=(reps, len(kpis)))
        for sign, strategy in ((1.0, "A"), (-1.0, "B")):
            for r in range(reps):
                row = {"experiment": "phase-test", "scenario": "synthetic", "context": c,
                       "strategy": strategy, "replication": r, "seed": 1000 * c + r, **point}
                for k, kpi in enumerate(kpis):
                    base, sd = BASE.get(kpi, (0.5, 0.1))
                    row[kpi] = (base + sd * shared[r, k] + sign * diff[c, k] / 2
                                + rng.normal(0.0, noise))
                rows.append(row)
    return pa.Table.from_pylist(rows)


def grid_points(axes: list[tuple[str, tuple]]) -> list[dict]:
    """The grid's contexts in design order (the first axis varies slowest)."""
    keys = [k for k, _ in axes]
    return [dict(zip(keys, p, strict=True)) for p in itertools.product(*(v for _, v in axes))]


def threshold_diff(points: list[dict]) -> np.ndarray:
    """A better where X1 >= 0.3: +0.2 reach and -2 weeks; the opposite elsewhere."""
    up = np.array([1.0 if p[X1] >= 0.3 else -1.0 for p in points])
    return np.column_stack([0.2 * up, -2.0 * up])


@pytest.fixture(scope="module")
def grid_runs() -> pa.Table:
    points = grid_points(AXES)
    return make_runs(points, threshold_diff(points))


def table_rows(text: str, header_start: str) -> list[list[str]]:
    """Cells of the first Markdown table whose header starts with ``header_start``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| " + header_start))
    out = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        out.append([c.strip() for c in line.strip("|").split("|")])
    return out


# ----------------------------------------------------------------------------- winners


def test_winners_by_context_finds_every_cell(grid_runs: pa.Table) -> None:
    for kpi, margin in (("reach_participating", 0.2), ("time_to_50", -2.0)):
        table = winners_by_context(grid_runs, kpi)
        assert table.num_rows == 6
        assert {X1, X2} <= set(table.column_names)
        for row in table.to_pylist():
            expected = "A" if row[X1] >= 0.3 else "B"
            assert row["best"] == expected
            assert row["runner_up"] == ({"A", "B"} - {expected}).pop()
            assert row["clear"] is True
            assert row["diff_mean"] == pytest.approx(margin, abs=0.01)
            assert row["diff_ci_low"] <= row["diff_mean"] <= row["diff_ci_high"]
            assert row["p_beats"] == 1.0
            assert row["n_pairs"] == 10


def test_winners_by_context_is_nan_safe() -> None:
    points = grid_points(AXES)
    runs = make_runs(points, threshold_diff(points), reps=5)
    kpi = runs["reach_participating"].to_numpy().copy()
    context = runs["context"].to_numpy()
    strategy = np.array(runs["strategy"].to_pylist())
    replication = runs["replication"].to_numpy()
    kpi[(context == 0) & (strategy == "A") & (replication == 0)] = np.nan  # one pair lost
    kpi[(context == 1) & (strategy == "B")] = np.nan  # no runner-up
    kpi[context == 2] = np.nan  # no values at all
    runs = runs.set_column(runs.schema.get_field_index("reach_participating"),
                           "reach_participating", pa.array(kpi))
    rows = winners_by_context(runs, "reach_participating").to_pylist()
    assert rows[0]["best"] == "B" and rows[0]["n_pairs"] == 4 and rows[0]["clear"]
    assert rows[1]["best"] == "A" and rows[1]["runner_up"] is None
    assert not rows[1]["clear"] and np.isnan(rows[1]["diff_mean"])
    assert rows[2]["best"] is None and not rows[2]["clear"]
    assert rows[3]["best"] == "A" and rows[3]["clear"]


def test_winners_by_context_subset_and_errors(grid_runs: pa.Table) -> None:
    only_a = winners_by_context(grid_runs, "reach_participating", ["A"])
    assert set(only_a["best"].to_pylist()) == {"A"}
    assert set(only_a["runner_up"].to_pylist()) == {None}
    with pytest.raises(ValueError, match="unknown run KPI"):
        winners_by_context(grid_runs, "no_such_kpi")
    with pytest.raises(ValueError, match="not a column"):
        winners_by_context(grid_runs, "knowledge_final")
    no_side = grid_runs.append_column("lurker_share", grid_runs["reach_participating"])
    with pytest.raises(ValueError, match="no better side"):
        winners_by_context(no_side, "lurker_share")


# ----------------------------------------------------------------------------- grid report


def test_grid_report_names_the_winner_of_each_cell(grid_runs: pa.Table,
                                                   tmp_path: Path) -> None:
    kwargs = {"reference": "B", "kpis": [*KPIS, "lurker_share", "knowledge_final"],
              "design": "grid", "axes": AXES, **KNOWN}
    paths = write_sweep_report(grid_runs, tmp_path / "a", **kwargs)
    assert {"summary", "winners", "phase_diagram", "report"} <= set(paths)
    assert "sensitivity" not in paths and not (tmp_path / "a" / "sensitivity.csv").exists()
    text = paths["report"].read_text(encoding="utf-8")
    assert text.startswith("# Sweep: phase-test\n")
    # Raw keys appear only where the run is described for reproduction.
    readable = text.split("## How this was run")[0]
    assert X1 not in readable and X2 not in readable
    rows = table_rows(text, f"{L2} ↓ / {L1} →")
    assert [r[0] for r in rows] == ["0.02", "0.1"]
    for row in rows:
        assert re.fullmatch(r"B \+(19\.\d|20\.\d) pts", row[1])
        assert all(re.fullmatch(r"A \+(19\.\d|20\.\d) pts", cell) for cell in row[2:])
    weeks = table_rows(text.split("### Weeks to 50%")[1], f"{L2} ↓")
    assert all(re.fullmatch(r"B -(1\.9|2\.0|2\.1) weeks", row[1]) for row in weeks)
    assert all(cell.startswith("A -") for row in weeks for cell in row[2:])
    assert (f"`A` wins clearly in 4 of 6 contexts, all with {W1} ≥ 0.3; `B` wins clearly "
            f"in 2, all with {W1} ≤ 0.1; every context has a clear winner.") in text
    assert "`lurker_share` has no better side" in text
    assert "`knowledge_final` is not in these results." in text
    for line in ("- **Scenario**: synthetic", "- **Design**: grid: Mean adoption threshold "
                 "(`participation.threshold_mean`) ∈ {0.1, 0.3, 0.5} × Cross-division ties "
                 "(`org.cross_division_share`) ∈ {0.02, 0.1}\n",
                 "- **Root seed**: 2026", "- **Git commit**: abc123", "- **Wall time**: 12.5 s",
                 "- **Replications**: 10", "common random numbers"):
        assert line in text
    summary = pacsv.read_csv(paths["summary"])
    assert summary.num_rows == 6 * len(KPIS) * 2
    assert pacsv.read_csv(paths["winners"]).num_rows == 6 * len(KPIS)
    png = paths["phase_diagram"].read_bytes()
    assert png.startswith(PNG)
    again = write_sweep_report(grid_runs, tmp_path / "b", **kwargs)
    assert again["phase_diagram"].read_bytes() == png
    assert again["report"].read_text(encoding="utf-8") == text


def test_grid_report_marks_unclear_and_missing_cells(tmp_path: Path) -> None:
    points = grid_points(AXES)
    diff = threshold_diff(points)
    diff[3] = 0.0  # X1 = 0.3, X2 = 0.1: no difference at all
    runs = make_runs(points, diff, reps=6, noise=0.0)
    reach = runs["reach_participating"].to_numpy().copy()
    reach[runs["context"].to_numpy() == 5] = np.nan  # X1 = 0.5, X2 = 0.1: no values
    runs = runs.set_column(runs.schema.get_field_index("reach_participating"),
                           "reach_participating", pa.array(reach))
    paths = write_sweep_report(runs, tmp_path, reference="B",
                               kpis=["reach_participating"], design="grid", axes=AXES)
    text = paths["report"].read_text(encoding="utf-8")
    rows = table_rows(text, f"{L2} ↓")
    assert rows[1][2] == "— (no clear winner)" and rows[1][3] == "n/a"
    assert rows[0][3].startswith("A +")
    assert (f"`A` wins clearly in 2 of 6 contexts, all with {W1} ≥ 0.3; `B` wins clearly in "
            f"2, all with {W1} ≤ 0.1; 2 contexts have no clear winner.") in text
    assert paths["phase_diagram"].read_bytes().startswith(PNG)
    assert "# Sweep: phase-test" in text


def test_regions_state_no_bound_that_does_not_separate(tmp_path: Path) -> None:
    points = grid_points(AXES)
    up = np.array([-1.0 if p[X1] == 0.3 else 1.0 for p in points])  # A wins at both ends
    runs = make_runs(points, np.column_stack([0.2 * up, -2.0 * up]), reps=5)
    text = write_sweep_report(runs, tmp_path, reference="B",
                              kpis=["reach_participating"], design="grid",
                              axes=AXES)["report"].read_text(encoding="utf-8")
    assert ("`A` wins clearly in 4 of 6 contexts; `B` wins clearly in 2; every context has a "
            "clear winner.") in text


def test_one_axis_draws_lines_and_lists_contexts(tmp_path: Path) -> None:
    axes = AXES[:1]
    points = grid_points(axes)
    runs = make_runs(points, threshold_diff(points), reps=5)
    paths = write_sweep_report(runs, tmp_path, reference="B", kpis=list(KPIS),
                               design="grid", axes=axes, **KNOWN)
    assert "phase_diagram" not in paths
    assert paths["sweep_lines"].name == "sweep_lines.png"
    assert paths["sweep_lines"].read_bytes().startswith(PNG)
    text = paths["report"].read_text(encoding="utf-8")
    rows = table_rows(text, "Context")
    assert [(r[0], r[1], r[2]) for r in rows] == [("0", "0.1", "B"), ("1", "0.3", "A"),
                                                  ("2", "0.5", "A")]
    assert f"`A` wins clearly in 2 of 3 contexts, all with {W1} ≥ 0.3" in text
    assert "![KPIs along the sweep" in text


def test_many_axes_skip_the_phase_figure_and_cap_the_table(tmp_path: Path) -> None:
    axes = [(X1, (0.1, 0.2, 0.3, 0.4)), (X2, (0.02, 0.05, 0.1, 0.2)),
            ("org.divisions", (4, 8))]
    points = grid_points(axes)
    runs = make_runs(points, threshold_diff(points), reps=3, kpis=("reach_participating",))
    paths = write_sweep_report(runs, tmp_path, reference="B",
                               kpis=["reach_participating"], design="grid", axes=axes)
    assert not any(k in paths for k in ("phase_diagram", "sweep_lines", "sensitivity_figure"))
    text = paths["report"].read_text(encoding="utf-8")
    assert len(table_rows(text, "Context")) == MAX_ROWS
    assert f"{32 - MAX_ROWS} more contexts are not shown" in text
    assert f"`A` wins clearly in 16 of 32 contexts, all with {W1} ≥ 0.3" in text
    assert "## Figures" not in text


# ----------------------------------------------------------------------------- sensitivity

PROBLEM = {"num_vars": 3, "names": ["x0", "x1", "x2"], "bounds": [[0.0, 1.0]] * 3}


def sampled_runs(design_matrix: np.ndarray) -> pa.Table:
    """B's KPI is driven by x2; the difference A − B by x0 (x1 matters a little)."""
    x0, x1, x2 = design_matrix.T
    diff = 0.5 * x0 + 0.03 * x1 - 0.25
    points = [{"x0": a, "x1": b, "x2": c} for a, b, c in design_matrix]
    runs = make_runs(points, diff[:, None], reps=3, kpis=("reach_participating",))
    # Shift both strategies so that B = base + shared + 0.4 x2 and A = B + diff.
    shift = (0.4 * x2 + diff / 2)[runs["context"].to_numpy()]
    values = runs["reach_participating"].to_numpy() + shift
    return runs.set_column(runs.schema.get_field_index("reach_participating"),
                           "reach_participating", pa.array(values))


@pytest.fixture(scope="module", params=["sobol", "morris"])
def sampled(request: pytest.FixtureRequest) -> tuple[str, np.ndarray, pa.Table]:
    design = request.param
    matrix = (sobol_sample.sample(PROBLEM, 32, calc_second_order=False, seed=1)
              if design == "sobol" else
              morris_sample.sample(PROBLEM, 12, num_levels=4, seed=1))
    return design, matrix, sampled_runs(matrix)


def sampler(design: str) -> Sampler:
    return Sampler.from_problem(design, PROBLEM, 32, 1)


def test_sensitivity_finds_the_dominant_uncertainty(sampled: tuple) -> None:
    design, matrix, runs = sampled
    measure = "ST" if design == "sobol" else "mu_star"
    pair = paired_label("A", "B")
    assert pair == "A − B"
    diff = sensitivity(runs, "reach_participating", sampler(design), matrix, "A", "B")
    alone = sensitivity(runs, "reach_participating", sampler(design), matrix, "B")
    assert diff.column_names[:3] == ["kpi", "strategy", "name"]
    assert diff["name"].to_pylist() == PROBLEM["names"]
    assert set(diff["strategy"].to_pylist()) == {pair}
    assert int(np.argmax(diff[measure].to_numpy())) == 0
    assert int(np.argmax(alone[measure].to_numpy())) == 2
    if design == "sobol":
        assert diff["ST"][0].as_py() > 0.8 and diff["ST"][2].as_py() < 0.05
        assert set(diff.column_names[3:]) == {"S1", "S1_conf", "ST", "ST_conf"}
    else:
        assert diff["mu_star"][0].as_py() == pytest.approx(0.5, abs=0.05)
        assert set(diff.column_names[3:]) == {"mu", "mu_star", "sigma", "mu_star_conf"}
    again = sensitivity(runs, "reach_participating", sampler(design), matrix, "A", "B")
    assert again.equals(diff)


def test_sensitivity_is_nan_safe_and_checks_its_input(sampled: tuple) -> None:
    design, matrix, runs = sampled
    values = runs["reach_participating"].to_numpy().copy()
    values[runs["context"].to_numpy() == 3] = np.nan
    holed = runs.set_column(runs.schema.get_field_index("reach_participating"),
                            "reach_participating", pa.array(values))
    out = sensitivity(holed, "reach_participating", sampler(design), matrix, "A", "B")
    assert out.num_rows == 3 and all(np.isnan(out.column(c).to_numpy()).all()
                                     for c in out.column_names[3:])
    flat = runs.set_column(runs.schema.get_field_index("reach_participating"),
                           "reach_participating", pa.array(np.full(runs.num_rows, 0.5)))
    out = sensitivity(flat, "reach_participating", sampler(design), matrix, "A")
    assert out.num_rows == 3  # no variation: NaN (Sobol') or zero effects (Morris), no error
    with pytest.raises(ValueError, match="unknown strategy"):
        sensitivity(runs, "reach_participating", sampler(design), matrix, "C")
    with pytest.raises(ValueError, match="sobol or morris"):
        sensitivity(runs, "reach_participating", sampler("lhs"), matrix, "A")


def test_sampled_report_says_what_drives_the_verdict(sampled: tuple, tmp_path: Path) -> None:
    design, matrix, runs = sampled
    kwargs = {"reference": "B", "kpis": ["reach_participating"], "design": design,
              "problem": PROBLEM, "design_matrix": matrix, **KNOWN}
    paths = write_sweep_report(runs, tmp_path / "a", **kwargs)
    table = pacsv.read_csv(paths["sensitivity"])
    assert set(table["strategy"].to_pylist()) == {"A − B", "A", "B"}
    text = paths["report"].read_text(encoding="utf-8")
    assert "## What drives the verdict" in text
    assert "**Reach: participating**: `A − B` depends most on x0 (" in text
    assert (f"- **Design**: {design}: `x0` in [0, 1], `x1` in [0, 1], `x2` in [0, 1] (base "
            "sample size 32)") in text
    assert len(table_rows(text, "Context")) == MAX_ROWS
    png = paths["sensitivity_figure"].read_bytes()
    assert paths["sensitivity_figure"].name == "sensitivity.png" and png.startswith(PNG)
    again = write_sweep_report(runs, tmp_path / "b", **kwargs)
    assert again["sensitivity_figure"].read_bytes() == png
    assert again["report"].read_text(encoding="utf-8") == text
