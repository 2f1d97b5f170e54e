"""The results viewer's library side: opening committed and broken results folders."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from sim.dashboard.results_view import (
    ResultsError,
    cell_text,
    find_results,
    open_results,
)
from sim.experiments.folders import LOCK_NAME, locked
from sim.experiments.manifest import Manifest

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "results"
DEFAULT = RESULTS / "default"
PHASE = RESULTS / "phase-diagram"


def csv_rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.stat().st_size)
            for p in folder.rglob("*")}


def copy_results(source: Path, target: Path) -> Path:
    """A copy of a results folder without its (large, unread) Parquet tables."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.parquet", LOCK_NAME))
    return target


def raises_naming(folder: Path, *words: str) -> str:
    with pytest.raises(ResultsError) as info:
        open_results(folder)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{folder}: ")
    for word in words:
        assert word in message
    return message


# ----------------------------------------------------------------------------- committed folders


def test_default_opens_as_a_compare():
    folder = open_results(DEFAULT)
    manifest = json.loads((DEFAULT / "manifest.json").read_text(encoding="utf-8"))
    assert folder.kind == "compare"
    assert folder.title == "default"
    assert folder.path == DEFAULT
    assert folder.manifest == Manifest.from_json(manifest, "manifest.json")
    assert folder.manifest.strategies == manifest["strategies"]
    assert folder.manifest.replications == manifest["replications"] == 20
    assert folder.manifest.runs == 20 * len(manifest["strategies"])
    assert folder.manifest.root_seed == manifest["root_seed"]
    assert folder.manifest.provenance["created_utc"] == manifest["provenance"]["created_utc"]
    assert folder.report_markdown == (DEFAULT / "report.md").read_text(encoding="utf-8")


def test_default_verdict_is_plain_sentences_on_strategies_and_kpis():
    verdict = open_results(DEFAULT).verdict
    assert len(verdict) >= 5  # one per headline KPI, then start small or start wide
    text = " ".join(verdict)
    assert text.startswith("On knowledge")  # the verdict leads with what was learnt
    assert "voluntary reach" in text and "small_groups_first" in text
    assert "boundary_spanners_first" in text  # the winner on voluntary reach
    assert any(s.startswith("Paired over the same replications") for s in verdict)
    for sentence in verdict:
        assert sentence.endswith(".")
        assert not any(mark in sentence for mark in ("|", "**", "`", "#", "\n"))


def test_default_summary_table_is_summary_csv():
    folder = open_results(DEFAULT)
    with (DEFAULT / "summary.csv").open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert folder.summary_file == "summary.csv"
    assert folder.summary_header == tuple(header)
    assert len(folder.summary_rows) == csv_rows(DEFAULT / "summary.csv") > 0
    row = dict(zip(folder.summary_header, folder.summary_rows[0], strict=True))
    assert row["strategy"] == "none" and row["n"] == 20 and isinstance(row["mean"], float)
    assert row["diff_mean"] is None  # the reference's difference from itself (NaN in the file)


def test_default_lists_every_figure_on_disk_with_a_plain_caption():
    figures = open_results(DEFAULT).figures
    on_disk = set((DEFAULT / "figures").glob("*.png"))
    assert on_disk and {path for _, path in figures} == on_disk
    assert figures[0] == ("Weekly KPIs", DEFAULT / "figures" / "timeseries.png")
    for caption, _ in figures:
        assert caption and "_" not in caption and not caption.endswith(".png")


def test_phase_diagram_opens_as_a_sweep_with_its_figure_and_winners():
    folder = open_results(PHASE)
    assert folder.kind == "sweep"
    assert folder.title == "phase-diagram"
    assert folder.manifest.design == "grid"
    assert len(folder.manifest.contexts) == 12
    assert folder.manifest.runs == 480
    assert ("Phase diagram", PHASE / "figures" / "phase_diagram.png") in folder.figures
    assert folder.summary_file == "winners.csv"
    assert len(folder.summary_rows) == csv_rows(PHASE / "winners.csv") > 0
    assert "best" in folder.summary_header and "clear" in folder.summary_header
    assert any("small_groups_first wins clearly" in s for s in folder.verdict)
    assert all(not any(m in s for m in ("|", "**", "`")) for s in folder.verdict)


def test_a_validation_sweep_reports_its_claims():
    folder = open_results(RESULTS / "validation" / "bass-1969")
    assert folder.kind == "sweep"
    assert folder.validation_markdown is not None
    assert folder.verdict[-1].startswith("Validation against published results:")
    # One strategy: no strategy can win, so no "wins clearly" sentences.
    assert not any("wins clearly" in s for s in folder.verdict)


def test_find_results_lists_the_committed_folders():
    found = find_results(RESULTS)
    assert DEFAULT in found and PHASE in found
    assert RESULTS / "validation" / "march-1991" in found
    assert found == sorted(found)
    assert all(p / "figures" not in found for p in found)


def test_opening_writes_nothing_and_needs_no_lock(tmp_path):
    before = snapshot(DEFAULT)
    open_results(DEFAULT)
    find_results(RESULTS)
    assert snapshot(DEFAULT) == before
    copy = copy_results(DEFAULT, tmp_path / "default")
    with locked(copy):  # a command is writing it: reading still works
        assert open_results(copy).kind == "compare"


def test_cell_text():
    assert cell_text(None) == "—"
    assert cell_text(0.10935000000000002) == "0.1094"
    assert cell_text(20) == "20"
    assert cell_text(True) == "yes"
    assert cell_text("org_wide_first") == "org_wide_first"


# ----------------------------------------------------------------------------- bad folders


def test_missing_folder(tmp_path):
    raises_naming(tmp_path / "nowhere", "no such folder", "orglearn compare or orglearn sweep")


def test_a_file_is_not_a_folder(tmp_path):
    path = tmp_path / "report.md"
    path.write_text("# not a folder\n", encoding="utf-8")
    raises_naming(path, "not a folder")


def test_empty_folder(tmp_path):
    raises_naming(tmp_path, "no manifest.json", "orglearn compare or orglearn sweep")


def test_bad_json_manifest(tmp_path):
    (tmp_path / "manifest.json").write_text('{"command": "compare",\n', encoding="utf-8")
    raises_naming(tmp_path, "manifest.json", "not valid JSON")


def test_manifest_that_is_not_an_object(tmp_path):
    (tmp_path / "manifest.json").write_text("[1, 2]\n", encoding="utf-8")
    raises_naming(tmp_path, "manifest.json", "not an object")


def test_manifest_of_another_command(tmp_path):
    (tmp_path / "manifest.json").write_text('{"command": "run"}\n', encoding="utf-8")
    raises_naming(tmp_path, "orglearn run", "orglearn compare or orglearn sweep")


def test_manifest_of_another_schema_version(tmp_path):
    data = json.loads((DEFAULT / "manifest.json").read_text(encoding="utf-8"))
    (tmp_path / "manifest.json").write_text(json.dumps({**data, "schema_version": 0}),
                                            encoding="utf-8")
    message = raises_naming(tmp_path, "manifest.json", "schema_version = 0", "regenerate")
    assert "\n" not in message


def test_manifest_without_a_required_key(tmp_path):
    data = json.loads((DEFAULT / "manifest.json").read_text(encoding="utf-8"))
    del data["strategies"]
    (tmp_path / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    raises_naming(tmp_path, "manifest.json", "'strategies' is missing")


def test_interrupted_run_store_without_final_tables(tmp_path):
    store = tmp_path / "store"
    store.mkdir()
    (store / "experiment.json").write_text(json.dumps({
        "name": "compare scenarios/default.toml", "command": "compare", "digest": "abc",
        "source": "scenarios/default.toml"}), encoding="utf-8")
    (store / "0123456789abcdef01234567.run.parquet").write_bytes(b"PAR1")
    message = raises_naming(tmp_path, "unfinished", "orglearn compare of scenarios/default.toml",
                            "--resume")
    assert "no final tables" in message


def test_finished_folder_without_its_report(tmp_path):
    copy = copy_results(DEFAULT, tmp_path / "default")
    (copy / "report.md").unlink()
    raises_naming(copy, "no report.md")


def test_finished_folder_with_a_ragged_summary(tmp_path):
    copy = copy_results(DEFAULT, tmp_path / "default")
    with (copy / "summary.csv").open("a", encoding="utf-8") as handle:
        handle.write("0,1,2\n")
    raises_naming(copy, "summary.csv", "line")


def test_find_results_skips_bad_and_replaced_folders(tmp_path):
    copy_results(PHASE, tmp_path / "sweeps" / "phase")
    copy_results(PHASE, tmp_path / "sweeps" / "phase.replaced-20261203T120000Z")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "manifest.json").write_text("not json", encoding="utf-8")
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    assert find_results(tmp_path) == [tmp_path / "sweeps" / "phase"]
    assert find_results(tmp_path / "nowhere") == []
    assert find_results(tmp_path, depth=1) == []
