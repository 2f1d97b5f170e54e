"""Paired comparison of strategies on one scenario: the library behind ``orglearn compare``.

Every run is stored the moment it finishes (:mod:`sim.experiments.store`), so an interrupted comparison
keeps its finished runs and ``resume`` continues it; once all runs are in, the consolidated
tables, the manifest and the report are written and the store is removed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from sim.engine.limits import check_run_memory, check_runs
from sim.engine.params import Params
from sim.experiments.executors import run_tasks
from sim.experiments.folders import claim_results
from sim.experiments.results import (
    content_digest,
    provenance,
    scenario_record,
    write_json,
    write_table,
)
from sim.experiments.store import RunStore, run_id
from sim.experiments.tasks import comparison_tasks
from sim.org.chart import chart_files

__all__ = ["Comparison", "compare", "comparison_digest"]


@dataclass
class Comparison:
    """The stored outcome of a comparison.

    Attributes:
        runs: One row per run (keys and run KPIs).
        timeseries: One row per run and week.
        manifest: What was run, with what, by which version, how long it took.
        files: Paths written, by name.
        skipped: Runs found already stored (resumed).
        moved_aside: Where earlier results in the folder were moved (``force``), if anywhere.
    """

    runs: pa.Table
    timeseries: pa.Table
    manifest: dict
    files: dict[str, Path]
    skipped: int = 0
    moved_aside: Path | None = None


def comparison_digest(params: Params, strategies: list[str], replications: int) -> str:
    """Digest of everything that determines a comparison's runs (to guard ``resume``)."""
    return content_digest({"parameters": params.nested(), "strategies": strategies,
                           "replications": replications,
                           "org_files": chart_files(params.org)})  # content, not only names


def compare(params: Params, strategies: list[str], replications: int, out: Path, *,
            reference: str, workers: int = 1, scenario_file: Path | None = None,
            show_progress: bool | None = None, resume: bool = False,
            force: bool = False) -> Comparison:
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
        resume: Continue an interrupted comparison whose finished runs are stored in ``out``.
        force: Move other results in ``out`` aside instead of refusing
            (:func:`sim.experiments.folders.claim_results`).

    Raises:
        sim.experiments.folders.ResultsFolderError: If ``out`` cannot be written, holds other results, or
            holds stored runs and ``resume`` is false.
    """
    from sim.report.summary import write_report  # matplotlib is only needed once results exist

    check_runs("orglearn compare", "--replications", replications,
               len(strategies) * replications,
               f"{len(strategies)} strategies x {replications:,} replications",
               steps=params.run.steps)
    check_run_memory(str(scenario_file or params.scenario.name), [params], workers)
    digest = comparison_digest(params, strategies, replications)
    with claim_results(out, command="compare", digest=digest, resume=resume, force=force) as claim:
        started = time.perf_counter()
        store = RunStore(out)
        source = str(scenario_file) if scenario_file else params.scenario.name
        store.open(f"compare {source}", digest, source, "compare")
        tasks = comparison_tasks(params, strategies, replications)
        done = store.done()
        todo = [t for t in tasks if run_id(t) not in done]
        results = run_tasks(todo, workers, show_progress=show_progress,
                            on_result=lambda r: store.save(r, {}),
                            description=f"{params.scenario.name}: {len(todo)} runs")
        wall = time.perf_counter() - started
        runs, series = store.load(tasks)
        files = {"runs": write_table(runs, out / "runs", csv=False)[0],
                 "timeseries": write_table(series, out / "timeseries", csv=False)[0]}
        manifest = {
            "command": "compare",
            "digest": digest,
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
            **provenance(),
            "workers": workers,
            "resumed_runs": len(tasks) - len(todo),
            "timings_s": {"wall": round(wall, 3),
                          "mean_run": (round(sum(r.seconds for r in results) / len(results), 4)
                                       if results else None)},
        }
        files["manifest"] = write_json(manifest, out / "manifest.json")
        files.update(write_report(runs, series, manifest, out, reference))
        store.discard()
    return Comparison(runs, series, manifest, files, len(tasks) - len(todo), claim.moved_aside)
