"""The one manifest of compare and sweep: written, read back, and refused when of another kind."""

import json

import pytest
from synthetic import make_manifest

from sim.experiments.manifest import SCHEMA_VERSION, ManifestError, read_manifest


def test_a_written_manifest_reads_back_equal(tmp_path):
    manifest = make_manifest(kpis=["reach_participating"], contrast=["A", "B"],
                             timings_s={"wall": 1.5, "mean_run": None})
    path = manifest.write(tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert next(iter(data)) == "schema_version" and data["schema_version"] == SCHEMA_VERSION
    assert read_manifest(tmp_path) == manifest
    assert read_manifest(tmp_path).wall_seconds == 1.5


@pytest.mark.parametrize("change, needle", [
    (lambda d: d.pop("schema_version"), "schema_version = None is not allowed"),
    (lambda d: d.update(schema_version=0), "schema_version = 0 is not allowed"),
    (lambda d: d.pop("reference"), "key 'reference' is missing"),
])
def test_a_manifest_of_another_kind_is_refused_in_one_line(tmp_path, change, needle):
    data = make_manifest().to_json()
    change(data)
    (tmp_path / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ManifestError, match=needle) as error:
        read_manifest(tmp_path)
    assert "\n" not in str(error.value) and "regenerate" in str(error.value)


def test_a_folder_without_a_readable_manifest_is_refused(tmp_path):
    with pytest.raises(ManifestError, match="no manifest.json"):
        read_manifest(tmp_path)
    (tmp_path / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ManifestError, match="cannot be read as JSON"):
        read_manifest(tmp_path)
