"""Writing results: time series as Parquet and CSV, and the manifest.

Files are written to a temporary name in the same folder and moved into place, so an interrupted
run never leaves a half-written file, and a file is only replaced once its successor is complete.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
import tempfile
from collections.abc import Mapping
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from sim.org.chart import chart_files

__all__ = [
    "file_digest",
    "TEMPORARY_SUFFIX",
    "atomic_write",
    "content_digest",
    "git_commit",
    "machine_record",
    "package_versions",
    "provenance",
    "runs_table",
    "scenario_record",
    "timeseries_long",
    "timeseries_table",
    "write_json",
    "write_table",
]

INTEGER_KPIS = ("step", "active_communities", "dormant_communities", "meetings",
                "standards_adopted", "standards_correct")


TEMPORARY_SUFFIX = ".tmp"
"""Temporaries are named ``.<final name>.<random>.tmp``; a killed write can leave one behind,
which the next command that claims the folder removes (:mod:`sim.experiments.folders`)."""


def atomic_write(path: Path, write: Any) -> None:
    """Write a file through a temporary file in the same folder, then move it into place.

    Args:
        path: Final path.
        write: Callable taking the temporary path and writing the content there.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX,
                                         dir=path.parent)
    os.close(handle)
    try:
        write(Path(temporary))
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes owner-only files
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    """The process's file-creation mask (read by setting and restoring it)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def timeseries_table(columns: Mapping[str, np.ndarray],
                     keys: Mapping[str, Any] | None = None) -> pa.Table:
    """Build the time-series table: key columns (scenario, seed, ...) then one column per KPI.

    Counts are stored as integers, everything else as float64.
    """
    length = len(next(iter(columns.values())))
    arrays: dict[str, pa.Array] = {}
    for name, value in (keys or {}).items():
        arrays[name] = pa.array([value] * length)
    for name, values in columns.items():
        if name in INTEGER_KPIS:
            arrays[name] = pa.array(values.astype(np.int64))
        else:
            arrays[name] = pa.array(values.astype(np.float64))
    return pa.table(arrays)


def write_table(table: pa.Table, path_without_suffix: Path, csv: bool = True) -> list[Path]:
    """Write a table as ``.parquet`` (and ``.csv``); return the paths written."""
    parquet = path_without_suffix.with_suffix(".parquet")
    atomic_write(parquet, lambda p: pq.write_table(table, p, compression="zstd"))
    written = [parquet]
    if csv:
        text = path_without_suffix.with_suffix(".csv")
        atomic_write(text, lambda p: pacsv.write_csv(table, p))
        written.append(text)
    return written


def content_digest(content: Mapping[str, Any]) -> str:
    """SHA-256 of a JSON-able description of what determines some results (keys sorted)."""
    text = json.dumps(content, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_digest(path: str | Path) -> str:
    """SHA-256 of a file's bytes, for manifests."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def write_json(data: Mapping[str, Any], path: Path) -> Path:
    """Write pretty, key-ordered JSON atomically."""
    text = json.dumps(data, indent=2, sort_keys=False, default=str) + "\n"
    atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))
    return path


def git_commit(cwd: Path | None = None) -> str | None:
    """The commit of the source tree (with ``-dirty`` if it has changes), or ``None``."""
    where = cwd or Path(__file__).resolve().parent
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=where, capture_output=True,
                                text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=where, capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return commit + ("-dirty" if dirty.strip() else "")


def package_versions() -> dict[str, str]:
    """Versions of Python and of the packages that shape results."""
    versions = {"python": platform.python_version()}
    for name in ("orglearn", "mesa", "numpy", "scipy", "pyarrow"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def machine_record() -> dict[str, Any]:
    """The CPU and the kernels numpy and BLAS picked for it, which set the results' last bits.

    Results are byte-identical on one machine; another CPU (with or without AVX-512, say) can
    change the last bit of a float (see :mod:`sim.experiments.equality`). Recorded next to the
    versions.
    """
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    from threadpoolctl import threadpool_info

    return {
        "architecture": platform.machine(),
        "processor": _processor_name(),
        "numpy_simd": [f for f in __cpu_dispatch__ if __cpu_features__.get(f)],
        "blas": [{k: lib.get(k) for k in ("internal_api", "version", "architecture")}
                 for lib in threadpool_info() if lib.get("user_api") == "blas"],
        "blas_environment": {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
                             if k in os.environ},
    }


def _processor_name() -> str:
    """The CPU's model name (from /proc/cpuinfo on Linux), or what the platform says."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def provenance() -> dict[str, Any]:
    """Where and when results were made: versions, machine, git commit, time (every manifest)."""
    return {"versions": package_versions(), "machine": machine_record(),
            "git_commit": git_commit(), "created_utc": now_utc()}


def now_utc() -> str:
    """Current time, ISO 8601 in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def runs_table(results: list[Any]) -> pa.Table:
    """One row per run: its keys, then its run KPIs (see :data:`sim.engine.metrics.RUN_KPIS`).

    Args:
        results: :class:`sim.experiments.tasks.RunResult` objects, in the order to store them.
    """
    rows = [{**r.task.keys(), **r.kpis} for r in results]
    columns = {name: [row[name] for row in rows] for name in rows[0]}
    return pa.table({name: pa.array(values) for name, values in columns.items()})


def timeseries_long(results: list[Any]) -> pa.Table:
    """One row per run and week: the run's keys, then the weekly KPIs."""
    tables = [timeseries_table(r.series, r.task.keys()) for r in results]
    return pa.concat_tables(tables, promote_options="default")


def scenario_record(params: Any, scenario_file: Path | None) -> dict[str, Any]:
    """The manifest's record of the scenario: its name, file and the file's SHA-256.

    With a client's organisation chart, also the organisation files and their SHA-256
    (``org_files``).
    """
    record = {"name": params.scenario.name,
              "file": str(scenario_file) if scenario_file else None,
              "sha256": file_digest(scenario_file) if scenario_file else None}
    if params.org.chart:
        record["org_files"] = chart_files(params.org)
    return record
