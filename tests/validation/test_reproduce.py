"""The committed validation results are what the engine computes today (first replications).

The committed results were computed on one machine; the tests run on another. The
Lazer & Friedman runs are checked twice: with every SIMD kernel numpy finds on this CPU, and with
the AVX-512 kernels switched off (``NPY_DISABLE_CPU_FEATURES``), so that the suite meets both kinds
of CPU of these machines whichever one it runs on; last-bit differences between the two must stay
within the tolerance of :mod:`sim.experiments.equality`.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.validation.helpers import ROOT

ORGLEARN = Path(sys.executable).with_name("orglearn")


WITHOUT_AVX512 = {"NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR"}


@pytest.mark.slow
@pytest.mark.parametrize("name, replications, env", [
    ("centola-2010", 4, {}), ("lazer-friedman-2007", 4, {}),
    ("lazer-friedman-2007", 4, WITHOUT_AVX512), ("march-1991-turnover", 1, {})])
def test_committed_validation_results_reproduce(name, replications, env):
    result = subprocess.run([str(ORGLEARN), "reproduce", f"experiments/validation/{name}.toml",
                             "--replications", str(replications), "--workers", "2"],
                            cwd=ROOT, capture_output=True, text=True, timeout=600,
                            env={**os.environ, **env})
    assert result.returncode == 0, result.stderr[-2000:]
    assert "reproduced" in result.stdout and "allowed: relative 1e-12" in result.stdout
