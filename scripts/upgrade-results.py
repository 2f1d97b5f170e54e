"""Bring committed results folders to the current manifest schema, without re-running them.

For each folder: the experiment is rebuilt from its file as it is now (an experiment file, or for
a comparison the scenario file with the strategies and replications its runs hold), the new
manifest is made from it, keeping the old manifest's record of how the runs were made (versions,
machine, git commit, creation time, executor, workers, timings), and the report and validation
are rewritten from the stored runs. ``runs.parquet`` and ``timeseries.parquet`` are not touched;
``orglearn reproduce`` checks that the current code still makes them.

    python scripts/upgrade-results.py results/default results/phase-diagram results/validation/*
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import pyarrow.parquet as pq

from sim.config.experiment_file import load_experiment
from sim.config.scenario import load_scenario
from sim.experiments.design import Experiment
from sim.experiments.manifest import Manifest
from sim.workflow import finish

ROOT = Path(__file__).resolve().parents[1]


def experiment_of(folder: Path, old: dict) -> Experiment:
    """The experiment that made the folder's runs, as its files define it now."""
    if old.get("command") == "compare":
        scenario = Path(old["scenario"]["file"])
        runs = pq.read_table(folder / "runs.parquet", columns=["strategy", "replication"])
        strategies = list(dict.fromkeys(runs["strategy"].to_pylist()))
        replications = len(set(runs["replication"].to_pylist()))
        return Experiment.comparison(load_scenario(scenario), strategies, replications,
                                     reference=old["reference"], scenario_file=scenario)
    return load_experiment(Path((old.get("experiment") or old["experiment_file"])["file"]))


def upgrade(folder: Path) -> None:
    """Write the folder's manifest in the current schema and rewrite its report."""
    old = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    experiment = experiment_of(folder, old)
    runs = pq.read_table(folder / "runs.parquet")
    series = pq.read_table(folder / "timeseries.parquet")
    provenance = old.get("provenance") or {k: old[k] for k in
                                           ("versions", "machine", "git_commit", "created_utc")
                                           if k in old}
    timings = dict(old.get("timings_s") or {})
    timings.setdefault("mean_run", None)
    manifest = Manifest.of(experiment, replications=experiment.replications,
                           runs=runs.num_rows, contexts=experiment.contexts(),
                           executor=old.get("executor", "local"),
                           workers=old.get("workers", 1),
                           resumed_runs=old.get("resumed_runs", 0), timings_s=timings)
    manifest = replace(manifest, provenance=provenance)
    manifest.write(folder)
    written = finish(runs, series, manifest, folder)
    print(f"{folder}: manifest schema {manifest.schema_version}; wrote "
          + ", ".join(sorted(p.name for p in written.values())))


if __name__ == "__main__":
    for name in sys.argv[1:]:
        upgrade(Path(name))
