"""The run store: every finished run of a sweep, written to disk the moment it finishes.

A sweep's results folder holds ``store/``: ``experiment.json`` (which experiment, by the digest
of its files) and the finished runs, appended one by one to a journal as they arrive
(``runs-<n>.journal``, one journal per command that wrote to the store). A run's record is its
id, its weekly series and its row (keys, context, KPIs), each an Arrow IPC stream, written with
one ``write`` and flushed at once: an interrupted sweep, even a killed one, loses only the runs
in flight. A record cut short by a kill is incomplete and ignored when the journal is read, and
a command that continues the store starts a journal of its own. Appending costs a fraction of a
millisecond a run, where a file (or two) per run would cost several.

Stores of earlier versions hold a pair of files per run (``<run id>.timeseries.parquet`` then
``<run id>.run.parquet``); they are read too, so such a store can still be continued.

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
import struct
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

from sim.experiments.results import timeseries_table, write_json
from sim.experiments.tasks import RunResult, RunTask

__all__ = ["RunStore", "StoreError", "run_id"]

JOURNAL_GLOB = "runs-*.journal"
"""The journals of a store (``runs-0001.journal``, ...)."""
_HEADER = struct.Struct("<4s24sQQ")
"""A record's header: magic, run id (24 ASCII hex digits), lengths of its series and row."""
_MAGIC = b"RUN1"


class StoreError(ValueError):
    """A results folder that cannot be used as asked (exists without --resume, or changed)."""


def run_id(task: RunTask) -> str:
    """Content-addressed identifier of a run (24 hex digits)."""
    content = {"experiment": task.experiment, "context": task.context,
               "strategy": task.strategy, "replication": task.replication, "seed": task.seed,
               "values": dict(sorted(task.values.items()))}
    text = json.dumps(content, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


@dataclass(frozen=True)
class _Record:
    """Where a stored run's series and row lie in a journal."""

    path: Path
    series: tuple[int, int]
    row: tuple[int, int]


class RunStore:
    """The ``store/`` folder of a sweep's results.

    Saving opens a new journal on the first run saved; :meth:`close` (or leaving a ``with``
    block) closes it.

    Args:
        root: The results folder.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.folder = self.root / "store"
        self.header = self.folder / "experiment.json"
        self._journal: BinaryIO | None = None

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

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

    def close(self) -> None:
        """Close the journal being written, if any."""
        if self._journal is not None:
            self._journal.close()
            self._journal = None

    def discard(self) -> None:
        """Remove the store (once its runs are consolidated elsewhere)."""
        self.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def done(self) -> set[str]:
        """Ids of the runs stored as complete."""
        return set(self._records())

    def save(self, result: RunResult, context: Mapping[str, Any]) -> None:
        """Store one finished run: append its record (series and row) to the journal."""
        keys = result.task.keys()
        series = _ipc(timeseries_table(result.series, keys))
        row = {**keys, **context, **result.kpis, "run_seconds": result.seconds}
        table = _ipc(pa.table({k: pa.array([v]) for k, v in row.items()}))
        header = _HEADER.pack(_MAGIC, run_id(result.task).encode("ascii"), len(series),
                              len(table))
        journal = self._journal or self._new_journal()
        journal.write(b"".join((header, series, table)))
        journal.flush()

    def load(self, tasks: Iterable[RunTask]) -> tuple[pa.Table, pa.Table]:
        """The stored runs of ``tasks``, in task order: ``(runs, timeseries)``.

        The per-run wall time is dropped, so the tables depend only on what was computed.

        Raises:
            StoreError: If a task's run is missing.
        """
        records = self._records()
        contents: dict[Path, pa.Buffer] = {}
        runs, series = [], []
        for task in tasks:
            key = run_id(task)
            record = records.get(key)
            if record is None:
                raise StoreError(f"{self.root}: run {key} ({task.strategy}, context "
                                 f"{task.context}, replication {task.replication}) is missing")
            if isinstance(record, _Record):
                if record.path not in contents:
                    contents[record.path] = pa.py_buffer(record.path.read_bytes())
                run, weeks = _read_record(contents[record.path], record)
            else:
                run, weeks = pq.read_table(record), pq.read_table(
                    self.folder / f"{key}.timeseries.parquet")
            runs.append(run.drop_columns(["run_seconds"]))
            series.append(weeks)
        return (pa.concat_tables(runs, promote_options="default"),
                pa.concat_tables(series, promote_options="default"))

    def stored(self) -> tuple[pa.Table, pa.Table]:
        """Every complete run of the store, whatever the tasks: ``(runs, timeseries)``.

        The runs in the order they were stored (journal by journal), each row with its
        ``run_seconds``; for inspecting a store without its experiment.
        """
        runs, series = [], []
        contents: dict[Path, pa.Buffer] = {}
        for key, record in self._records().items():
            if isinstance(record, _Record):
                if record.path not in contents:
                    contents[record.path] = pa.py_buffer(record.path.read_bytes())
                run, weeks = _read_record(contents[record.path], record)
            else:
                run = pq.read_table(record)
                weeks = pq.read_table(self.folder / f"{key}.timeseries.parquet")
            runs.append(run)
            series.append(weeks)
        if not runs:
            return pa.table({}), pa.table({})
        return (pa.concat_tables(runs, promote_options="default"),
                pa.concat_tables(series, promote_options="default"))

    def _new_journal(self) -> BinaryIO:
        """Open a journal of this store's own: the next free ``runs-<n>.journal``."""
        self.folder.mkdir(parents=True, exist_ok=True)
        taken = [int(p.stem.removeprefix("runs-")) for p in self.folder.glob(JOURNAL_GLOB)
                 if p.stem.removeprefix("runs-").isdigit()]
        path = self.folder / f"runs-{max(taken, default=0) + 1:04d}.journal"
        self._journal = open(path, "xb")  # noqa: SIM115 - held open until close()
        return self._journal

    def _records(self) -> dict[str, _Record | Path]:
        """Every complete run: its journal record, or (older stores) its run file."""
        if not self.folder.exists():
            return {}
        found: dict[str, _Record | Path] = {
            p.name.removesuffix(".run.parquet"): p for p in self.folder.glob("*.run.parquet")}
        for path in sorted(self.folder.glob(JOURNAL_GLOB)):
            for key, record in _scan(path):
                found.setdefault(key, record)
        return found


def _ipc(table: pa.Table) -> bytes:
    """A table as one Arrow IPC stream (schema and data)."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _scan(path: Path) -> Iterator[tuple[str, _Record]]:
    """The complete records of a journal, read up to the first incomplete one."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError:
        return
    with handle:
        size = handle.seek(0, 2)
        position = 0
        while position + _HEADER.size <= size:
            handle.seek(position)
            magic, key, series, row = _HEADER.unpack(handle.read(_HEADER.size))
            start = position + _HEADER.size
            end = start + series + row
            if magic != _MAGIC or end > size:
                return
            yield key.decode("ascii"), _Record(path, (start, series), (start + series, row))
            position = end


def _read_record(content: pa.Buffer, record: _Record) -> tuple[pa.Table, pa.Table]:
    """A record's ``(row, series)`` tables, from its journal's content."""
    row = pa.ipc.open_stream(content.slice(*record.row)).read_all()
    series = pa.ipc.open_stream(content.slice(*record.series)).read_all()
    return row, series
