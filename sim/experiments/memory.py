"""A run's peak memory, measured: one task executed in a fresh process.

:func:`measure_run_memory` is what the estimate of :func:`sim.engine.resources.estimate_run_memory`
is checked against (``benchmarks/bench_memory.py`` and the tests of the estimate).
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

__all__ = ["measure_run_memory"]

_MEASURE = """
import json, resource, sys, time
def peak():
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
from threadpoolctl import threadpool_limits
import sim.experiments.tasks
from sim.engine.metrics import run_summary
from sim.engine.model import LearningModel
from sim.engine.params import Params
baseline = peak()
params = Params().replace(json.loads(sys.argv[1]))
with threadpool_limits(limits=1, user_api="blas"):  # as sim.experiments.tasks.execute
    t0 = time.perf_counter()
    model = LearningModel(params)
    t1 = time.perf_counter()
    model.run()
    t2 = time.perf_counter()
    run_summary(model.timeseries(), model.state)
    t3 = time.perf_counter()
print(json.dumps({"peak": peak(), "baseline": baseline, "seconds": t3 - t0,
                  "setup": t1 - t0, "run": t2 - t1}))
"""
"""The child's program: import, note the baseline, do what ``sim.experiments.tasks.execute``
does for one run (build the model, run it, time series and run KPIs, BLAS at one thread) with
its set-up and run timed apart, print the peaks and times as JSON."""


def measure_run_memory(values: dict[str, Any], timeout: float = 600.0) -> dict[str, float]:
    """Run one task with these parameter values in a fresh process and measure its memory.

    The child imports :mod:`sim.experiments.tasks`, does what executing one task does (build the
    model, run it, time series, run KPIs) and reads its peak resident memory (``VmHWM`` in
    /proc/self/status, else ``ru_maxrss``).

    Args:
        values: Parameter values that differ from the schema defaults (dotted keys).
        timeout: Seconds the child may take.

    Returns:
        ``{"peak": bytes, "baseline": bytes after the imports, "seconds": the whole run,
        "setup": building the model, "run": its weeks}``.

    Raises:
        subprocess.CalledProcessError: If the child fails.
        subprocess.TimeoutExpired: If it takes longer than ``timeout``.
    """
    done = subprocess.run([sys.executable, "-c", _MEASURE, json.dumps(values)],
                          capture_output=True, text=True, check=True, timeout=timeout)
    return json.loads(done.stdout.strip().splitlines()[-1])
