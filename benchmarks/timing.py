"""Helpers shared by the benchmark scripts: the machine line and a median wall time."""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable
from typing import Any


def machine() -> str:
    """Architecture, cores and Python version, for the first line of a benchmark's output."""
    return (f"{platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}")


def median_seconds(task: Callable[[int], Any], repeats: int) -> float:
    """Median wall time of ``task(seed)`` over seeds 1..repeats."""
    times = []
    for seed in range(1, repeats + 1):
        start = time.perf_counter()
        task(seed)
        times.append(time.perf_counter() - start)
    return statistics.median(times)
