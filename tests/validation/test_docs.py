"""docs/validation.md shows the committed results: every claim with a source and our number."""

import importlib.util

from tests.validation.helpers import ROOT


def load_table_script():
    path = ROOT / "scripts" / "write-validation-table.py"
    spec = importlib.util.spec_from_file_location("write_validation_table", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_documented_claims_are_the_committed_ones():
    script = load_table_script()
    doc = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    assert f"{script.START}\n{script.table()}\n{script.END}" in doc


def test_every_claim_has_a_source_a_measured_number_and_passes():
    script = load_table_script()
    rows = script.table().splitlines()[2:]
    assert len(rows) >= 20
    names = {row.split("`")[1] for row in rows}
    assert names == set(script.VALIDATIONS)
    for row in rows:
        cells = [cell.strip() for cell in row.strip().strip("|").split(" | ")]
        assert len(cells) == 6, row
        _, source, claim, ours, tolerance, result = cells
        assert source and claim and tolerance, row
        assert any(ch.isdigit() for ch in ours), row
        assert result == "pass", row
