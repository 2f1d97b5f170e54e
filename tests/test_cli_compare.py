"""`orglearn compare` and `orglearn list strategies` from the command line (in process)."""

from pathlib import Path

import pytest

from sim.cli import main
from sim.strategies import STRATEGIES

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = str(ROOT / "scenarios" / "default.toml")


def run_cli(args, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    captured = capsys.readouterr()
    return exit_info.value.code, captured.out, captured.err


@pytest.mark.parametrize("args, fragment", [
    (["--strategies", "none,start_small"], "--strategies: 'start_small' is not a strategy"),
    (["--replications", "1"], "--replications: 1 is not allowed; allowed: an integer >= 2"),
    (["--workers", "0"], "--workers: 0 is not allowed"),
    (["--strategies", "none,org_wide_first", "--reference", "leader_cascade"],
     "--reference: 'leader_cascade' is not among the compared strategies"),
    (["--set", "org.employes=5"], "--set: org.employes = '5' is not allowed"),
])
def test_bad_compare_input_exits_2_with_one_line(args, fragment, capsys, tmp_path):
    out = tmp_path / "never"
    code, _, err = run_cli(["compare", DEFAULT, "--out", str(out), *args], capsys)
    assert code == 2
    assert err.count("\n") == 1 and fragment in err and "Traceback" not in err
    assert not out.exists()


def test_compare_prints_a_verdict_per_headline_kpi(capsys, tmp_path):
    code, out, _ = run_cli(["compare", DEFAULT, "--strategies", "none,org_wide_first",
                            "--replications", "2", "--workers", "1", "--set",
                            "org.employees=150", "--steps", "12", "--out", str(tmp_path)],
                           capsys)
    assert code == 0
    verdict_lines = [line for line in out.splitlines() if line.startswith("- On ")]
    assert len(verdict_lines) == 5
    assert "report: " in out and (tmp_path / "report.md").exists()


def test_list_strategies_shows_summaries_and_parameters(capsys):
    code, out, _ = run_cli(["list", "strategies"], capsys)
    assert code == 0
    for name in STRATEGIES:
        assert any(line.startswith(name) for line in out.splitlines())
    assert "pilot_groups = 4" in out and "cascade_every = 4" in out
