"""How much memory this process may plan to use: the environment's say, else the machine's.

:func:`available_memory` reads ``ORGLEARN_MEMORY_LIMIT`` (:data:`MEMORY_LIMIT_ENV`) when it is
set, else ``MemAvailable`` from /proc/meminfo or the physical memory, capped by the limit of the
process's cgroup (v2 ``memory.max`` or v1 ``memory.limit_in_bytes``, its own cgroup's and those
above it).
"""

from __future__ import annotations

import os
from pathlib import Path

from sim.engine.byte_sizes import KiB, parse_size

__all__ = ["MEMORY_LIMIT_ENV", "available_memory"]

MEMORY_LIMIT_ENV = "ORGLEARN_MEMORY_LIMIT"
"""Environment variable that sets the memory a process may plan to use (e.g. ``8GiB``)."""

_UNLIMITED = 1 << 60
"""cgroup v1 writes 'no limit' as a number close to 2^63; anything this large is no limit."""


def _limit_from(text: str) -> int:
    """Bytes in the value of :data:`MEMORY_LIMIT_ENV`.

    Raises:
        ValueError: With a one-line message, if the text is not a positive size.
    """
    value = parse_size(text)
    if value is None:
        shown = text if len(text) <= 40 else text[:37] + "..."
        raise ValueError(f"{MEMORY_LIMIT_ENV} = {shown!r} is not allowed; allowed: a memory "
                         "size of at least 1 byte, a number with an optional unit "
                         "(B, kB, MB, GB, TB, KiB, MiB, GiB, TiB), e.g. 8GiB, 512MiB or 2e9")
    return value


def _read(path: str) -> str | None:
    """The stripped text of a file, or ``None`` if it cannot be read."""
    try:
        return Path(path).read_text().strip()
    except OSError:
        return None


def _meminfo_available() -> int | None:
    """``MemAvailable`` from /proc/meminfo, in bytes."""
    text = _read("/proc/meminfo")
    for line in (text or "").splitlines():
        if line.startswith("MemAvailable:"):
            fields = line.split()
            if len(fields) >= 2 and fields[1].isdigit():
                return int(fields[1]) * KiB
    return None


def _physical_memory() -> int | None:
    """Physical memory from ``os.sysconf``, in bytes."""
    try:
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None
    return pages * size if pages > 0 and size > 0 else None


def _cgroup_files() -> list[Path]:
    """Files that may hold this process's cgroup memory limit, its own cgroup's and above."""
    root = Path("/sys/fs/cgroup")
    files = [root / "memory.max", root / "memory" / "memory.limit_in_bytes"]
    for line in (_read("/proc/self/cgroup") or "").splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3 or not parts[2].startswith("/"):
            continue
        if parts[1] == "":  # cgroup v2: a limit anywhere above applies too
            folder, name = root / parts[2].lstrip("/"), "memory.max"
            top = root
        elif "memory" in parts[1].split(","):
            folder, name = root / "memory" / parts[2].lstrip("/"), "memory.limit_in_bytes"
            top = root / "memory"
        else:
            continue
        while folder != top and top in folder.parents:
            files.append(folder / name)
            folder = folder.parent
    return files


def _cgroup_limit() -> int | None:
    """The memory limit of this process's cgroup (v2 ``memory.max``, or v1), if it has one."""
    limits = []
    for path in _cgroup_files():
        text = _read(str(path))
        if text and text.isdigit() and int(text) < _UNLIMITED:
            limits.append(int(text))
    return min(limits) if limits else None


def available_memory() -> int:
    """Bytes this process may plan to use.

    The environment variable ``ORGLEARN_MEMORY_LIMIT`` when it is set and not empty (e.g. ``8GiB``,
    ``512MiB``, ``2e9``; units kB, MB, GB, TB are powers of 1000, KiB, MiB, GiB, TiB powers of
    1024). Otherwise ``MemAvailable`` from /proc/meminfo, else the physical memory
    (``os.sysconf``); or the limit of the process's cgroup if that is smaller
    (``/sys/fs/cgroup/memory.max`` unless it is ``max``, the same file of the process's own
    cgroup and the cgroups above it, or cgroup v1's ``memory.limit_in_bytes``).

    Raises:
        ValueError: If ``ORGLEARN_MEMORY_LIMIT`` is set to something that is not a size; the
            message is one line.
    """
    text = os.environ.get(MEMORY_LIMIT_ENV, "")
    if text.strip():
        return _limit_from(text)
    system = _meminfo_available() or _physical_memory()
    limits = [x for x in (system, _cgroup_limit()) if x]
    return min(limits) if limits else 0
