"""Starting the dashboard: bad input is one line and exit code 2, before anything is served."""

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from sim.dashboard.presets import find_presets
from sim.dashboard.server import DashboardError, bind

ROOT = Path(__file__).resolve().parents[2]


def orglearn(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim.cli", "dashboard", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("orglearn: error: "), result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    return lines[0]


def test_a_port_in_use_is_one_line():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(DashboardError, match=f"--port: {port} on 127.0.0.1 is in use"):
            bind("127.0.0.1", port)
        line = one_line_error(orglearn("--port", str(port)))
    assert f"--port: {port} on 127.0.0.1 is in use" in line


def test_a_bad_scenario_is_one_line(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[org]\nemployees = -3\n")
    line = one_line_error(orglearn(str(bad)))
    assert str(bad) in line and "org.employees = -3" in line


def test_a_folder_that_holds_no_results_is_one_line(tmp_path):
    line = one_line_error(orglearn("--results", str(tmp_path)))
    assert str(tmp_path) in line


def test_an_unknown_host_is_one_line():
    line = one_line_error(orglearn("--host", "no-such-host.invalid"))
    assert "--host" in line


def test_a_port_out_of_range_is_one_line():
    assert "--port: 70000" in one_line_error(orglearn("--port", "70000"))


def test_presets_are_the_scenario_files_with_the_command_lines_first():
    extra = ROOT / "scenarios" / "client-example.toml"
    presets = find_presets(extra, ROOT / "scenarios")
    names = [p.name for p in presets]
    assert names[0] == "client-example" and "default" in names
    assert len(names) == len(set(names)) == len(list((ROOT / "scenarios").glob("*.toml")))
    assert presets[0].load().org.chart  # the client's chart is read as the CLI reads it
