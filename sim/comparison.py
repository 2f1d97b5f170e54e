"""Paired comparison of strategies on one scenario: the library behind ``orglearn compare``."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from sim.executors import run_tasks
from sim.experiment import comparison_tasks
from sim.params import Params
from sim.results import (
    git_commit,
    now_utc,
    package_versions,
    runs_table,
    scenario_record,
    timeseries_long,
    write_json,
    write_table,
)

__all__ = ["Comparison", "compare"]


@dataclass
class Comparison:
    """The stored outcome of a comparison.

    Attributes:
        runs: One row per run (keys and run KPIs).
        timeseries: One row per run and week.
        manifest: What was run, with what, by which version, how long it took.
        files: Paths written, by name.
    """

    runs: pa.Table
    timeseries: pa.Table
    manifest: dict
    files: dict[str, Path]


def compare(params: Params, strategies: list[str], replications: int, out: Path, *,
            reference: str, workers: int = 1, scenario_file: Path | None = None,
            show_progress: bool | None = None) -> Comparison:
    """Run every strategy on the same replication seeds and write the results folder.

    Args:
        params: The scenario's parameters; ``run.seed`` is the root seed.
        strategies: Strategy names, in the order to report them.
        replications: Replications per strategy.
        out: Results folder (created if needed).
        reference: Strategy the paired differences are taken against.
        workers: Local processes.
        scenario_file: Scenario file, recorded in the manifest.
        show_progress: Progress bar; by default only on a terminal.
    """
    from sim.report import write_report  # matplotlib is only needed once results exist

    started = time.perf_counter()
    tasks = comparison_tasks(params, strategies, replications)
    results = run_tasks(tasks, workers, show_progress=show_progress,
                        description=f"{params.scenario.name}: {len(tasks)} runs")
    wall = time.perf_counter() - started
    runs, series = runs_table(results), timeseries_long(results)
    files = {"runs": write_table(runs, out / "runs", csv=False)[0],
             "timeseries": write_table(series, out / "timeseries", csv=False)[0]}
    manifest = {
        "command": "compare",
        "scenario": scenario_record(params, scenario_file),
        "strategies": strategies,
        "reference": reference,
        "replications": replications,
        "root_seed": params.run.seed,
        "seeds": sorted({t.seed for t in tasks}, key=[t.seed for t in tasks].index),
        "seed_rule": "seed of replication r = derive_seed(root_seed, context=0, r), "
                     "the same for every strategy (common random numbers)",
        "steps": params.run.steps,
        "parameters": params.nested(),
        "versions": package_versions(),
        "git_commit": git_commit(),
        "created_utc": now_utc(),
        "workers": workers,
        "timings_s": {"wall": round(wall, 3),
                      "mean_run": round(sum(r.seconds for r in results) / len(results), 4)},
    }
    files["manifest"] = write_json(manifest, out / "manifest.json")
    files.update(write_report(runs, series, manifest, out, reference))
    return Comparison(runs, series, manifest, files)
