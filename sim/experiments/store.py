"""The run store: every finished run of a sweep, written to disk the moment it finishes.

A sweep's results folder holds ``store/``: ``experiment.json`` (which experiment, by the digest
of its files) and, per finished run, ``<run id>.timeseries.parquet`` then ``<run id>.run.parquet``,
each written atomically (temporary file, then rename). The run file is written last, so its
presence means the run is complete: an interrupted sweep loses only the runs in flight.

``orglearn compare`` uses the same store while it runs and removes it once the consolidated
tables are written, so an interrupted comparison can be continued with ``--resume`` too.

A run id is content-addressed: a hash of everything that determines the run (its parameter
values, seed included, its strategy label, context and replication). Resuming skips the runs
whose ids are already stored; a store written for other settings is refused when the folder is
claimed (:mod:`sim.experiments.folders`).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from sim.experiments.results import atomic_write, timeseries_table, write_json
from sim.experiments.tasks import RunResult, RunTask

__all__ = ["RunStore", "StoreError", "run_id"]


class StoreError(ValueError):
    """A results folder that cannot be used as asked (exists without --resume, or changed)."""


def run_id(task: RunTask) -> str:
    """Content-addressed identifier of a run (24 hex digits)."""
    content = {"experiment": task.experiment, "context": task.context,
               "strategy": task.strategy, "replication": task.replication, "seed": task.seed,
               "values": dict(sorted(task.values.items()))}
    text = json.dumps(content, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


class RunStore:
    """The ``store/`` folder of a sweep's results.

    Args:
        root: The results folder.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.folder = self.root / "store"
        self.header = self.folder / "experiment.json"

    def open(self, name: str, digest: str, source: str, command: str) -> None:
        """Create the store's header if it has none (a resumed store keeps its own).

        Whether the folder's stored runs may be used (same command and digest, ``--resume``)
        is decided before, when the folder is claimed
        (:func:`sim.experiments.folders.claim_results`).

        Args:
            name: Experiment name.
            digest: Digest of what determines the runs.
            source: The experiment or scenario file, for messages.
            command: The command writing the store (``sweep`` or ``compare``).
        """
        if not self.header.exists():
            write_json({"name": name, "command": command, "digest": digest, "source": source},
                       self.header)

    def discard(self) -> None:
        """Remove the store (once its runs are consolidated elsewhere)."""
        shutil.rmtree(self.folder, ignore_errors=True)

    def done(self) -> set[str]:
        """Ids of the runs stored as complete."""
        if not self.folder.exists():
            return set()
        return {p.name.removesuffix(".run.parquet") for p in self.folder.glob("*.run.parquet")}

    def save(self, result: RunResult, context: Mapping[str, Any]) -> None:
        """Store one finished run: its weekly series, then its row (keys, context, KPIs)."""
        key = run_id(result.task)
        keys = result.task.keys()
        series = timeseries_table(result.series, keys)
        row = {**keys, **context, **result.kpis, "run_seconds": result.seconds}
        table = pa.table({k: pa.array([v]) for k, v in row.items()})
        self.folder.mkdir(parents=True, exist_ok=True)
        atomic_write(self.folder / f"{key}.timeseries.parquet",
                     lambda p: pq.write_table(series, p, compression="zstd"))
        atomic_write(self.folder / f"{key}.run.parquet", lambda p: pq.write_table(table, p))

    def load(self, tasks: Iterable[RunTask]) -> tuple[pa.Table, pa.Table]:
        """The stored runs of ``tasks``, in task order: ``(runs, timeseries)``.

        The per-run wall time is dropped, so the tables depend only on what was computed.

        Raises:
            StoreError: If a task's run is missing.
        """
        runs, series = [], []
        for task in tasks:
            key = run_id(task)
            path = self.folder / f"{key}.run.parquet"
            if not path.exists():
                raise StoreError(f"{self.root}: run {key} ({task.strategy}, context "
                                 f"{task.context}, replication {task.replication}) is missing")
            runs.append(pq.read_table(path).drop_columns(["run_seconds"]))
            series.append(pq.read_table(self.folder / f"{key}.timeseries.parquet"))
        return (pa.concat_tables(runs, promote_options="default"),
                pa.concat_tables(series, promote_options="default"))
