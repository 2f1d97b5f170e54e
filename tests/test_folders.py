"""Results folders: nothing is lost, two processes never both pass the check, no strays."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from sim.engine.params import Params
from sim.experiments.folders import ResultsFolderError, check_writable, claim_results, folder_owner
from sim.experiments.runner import run_scenario
from sim.workflow import compare

ROOT = Path(__file__).resolve().parents[1]
ORGLEARN = Path(sys.executable).with_name("orglearn")
SMALL = Params().replace({"org.employees": 120, "org.divisions": 2, "run.steps": 4})
PAIR = ["none", "org_wide_first"]


def comparison(out: Path, replications: int = 3, **options):
    return compare(SMALL, PAIR, replications, out, reference="none", show_progress=False,
                   **options)


def contents(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != ".orglearn.lock"}


def test_a_second_comparison_with_other_settings_keeps_the_first(tmp_path):
    out = tmp_path / "out"
    comparison(out, replications=3)
    before = contents(out)
    with pytest.raises(ResultsFolderError, match="other settings.*--force"):
        comparison(out, replications=2)
    assert contents(out) == before
    assert pq.read_table(out / "runs.parquet").num_rows == 6


def test_a_run_into_a_comparison_folder_is_refused_before_it_runs(tmp_path):
    out = tmp_path / "out"
    comparison(out)
    before = contents(out)
    with pytest.raises(ResultsFolderError, match="another command"):
        run_scenario(SMALL, out)
    assert contents(out) == before


def test_the_same_comparison_again_rewrites_its_folder(tmp_path):
    out = tmp_path / "out"
    first = comparison(out)
    again = comparison(out)
    assert again.files["runs"].read_bytes() == first.files["runs"].read_bytes()
    assert again.moved_aside is None


def test_force_moves_the_old_results_aside_intact(tmp_path):
    out = tmp_path / "out"
    comparison(out, replications=3)
    before = contents(out)
    result = comparison(out, replications=2, force=True)
    assert result.moved_aside is not None and result.moved_aside.parent == tmp_path
    assert result.moved_aside.name.startswith("out.replaced-")
    assert contents(result.moved_aside) == before
    assert pq.read_table(out / "runs.parquet").num_rows == 4


def test_a_folder_of_other_files_is_refused_even_with_force(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ResultsFolderError, match="did not write.*notes.txt"):
        run_scenario(SMALL, tmp_path, force=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_an_interrupted_comparison_needs_resume(tmp_path):
    out = tmp_path / "out"
    with claim_results(out, command="compare", digest="d"):
        pass
    store = out / "store"
    store.mkdir()
    (store / "experiment.json").write_text('{"name": "compare x", "command": "compare", '
                                           '"digest": "d", "source": "x.toml"}')
    with pytest.raises(ResultsFolderError, match="interrupted.*--resume"):
        with claim_results(out, command="compare", digest="d"):
            pass
    with claim_results(out, command="compare", digest="d", resume=True) as claim:
        assert claim.moved_aside is None
    with pytest.raises(ResultsFolderError, match="different version of x.toml"):
        with claim_results(out, command="compare", digest="other", resume=True):
            pass
    assert folder_owner(out).interrupted


def test_a_folder_being_written_is_refused(tmp_path):
    with claim_results(tmp_path / "out", command="run", digest="d"):
        with pytest.raises(ResultsFolderError, match=rf"another orglearn process \(pid "
                                                     rf"{os.getpid()}\) is writing it"):
            with claim_results(tmp_path / "out", command="run", digest="d"):
                pass
    with claim_results(tmp_path / "out", command="run", digest="d"):
        pass  # the lock ends with the command


CLAIMANT = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from sim.experiments.folders import ResultsFolderError, claim_results
    out = Path(sys.argv[1])
    sys.stdin.readline()  # every claimant starts at the same moment
    try:
        with claim_results(out, command="sweep", digest=sys.argv[2]):
            if not (out / "mine").exists():
                (out / "mine").write_text(sys.argv[2])
                time.sleep(0.5)
                (out / "mine").unlink()
                (out / "store").mkdir()
                (out / "store" / "experiment.json").write_text(
                    '{"command": "sweep", "digest": "%s"}' % sys.argv[2])
            print("claimed")
    except ResultsFolderError as error:
        print("refused", error)
""")


@pytest.mark.slow
def test_processes_started_at_once_never_both_pass(tmp_path):
    """Two sweeps of different experiments into one folder, released at the same instant."""
    for trial in range(6):
        out = tmp_path / f"out{trial}"
        processes = [subprocess.Popen([sys.executable, "-c", CLAIMANT, str(out), digest],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                      cwd=ROOT)
                     for digest in ("a", "b")]
        for p in processes:  # wait for both to have imported, then release both
            p.stdin.write("\n")
        for p in processes:
            p.stdin.close()
        outputs = [p.stdout.read() for p in processes]
        assert [p.wait(timeout=60) for p in processes] == [0, 0]
        assert sorted(o.split()[0] for o in outputs) == ["claimed", "refused"], outputs


def test_stray_temporaries_of_a_killed_write_are_cleared(tmp_path):
    out = tmp_path / "out"
    comparison(out)
    stray = [out / ".runs.parquet.k3j2.tmp", out / "figures" / ".kpis.png.x9.tmp"]
    for path in stray:
        path.write_bytes(b"half")
    with claim_results(out, command="compare", digest=folder_owner(out).digest) as claim:
        assert claim.cleared == 2
    assert not any(p.exists() for p in stray)


def test_a_path_through_a_file_is_refused(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(ResultsFolderError, match="is not a folder"):
        check_writable(tmp_path / "file" / "out")
