"""The committed validation results are what the engine computes today (first replications)."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.validation.helpers import ROOT

ORGLEARN = Path(sys.executable).with_name("orglearn")


@pytest.mark.parametrize("name, replications", [
    ("centola-2010", 4), ("lazer-friedman-2007", 4), ("march-1991-turnover", 1)])
def test_committed_validation_results_reproduce(name, replications):
    result = subprocess.run([str(ORGLEARN), "reproduce", f"experiments/validation/{name}.toml",
                             "--replications", str(replications), "--workers", "2"],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "identical" in result.stdout
