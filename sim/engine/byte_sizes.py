"""Sizes in bytes: the binary units, sizes written for people, and sizes read from text.

:func:`format_bytes` writes a size as ``512 MiB``; :func:`parse_size` reads ``8GiB``,
``512MiB``, ``2e9`` or ``1.5 GB`` back (units kB, MB, GB, TB are powers of 1000; KiB, MiB, GiB,
TiB powers of 1024).
"""

from __future__ import annotations

import math
import re

__all__ = ["GiB", "KiB", "MiB", "TiB", "format_bytes", "parse_size"]

KiB, MiB, GiB, TiB = 1 << 10, 1 << 20, 1 << 30, 1 << 40

_UNITS = {"": 1, "b": 1, "k": 10**3, "kb": 10**3, "m": 10**6, "mb": 10**6, "g": 10**9,
          "gb": 10**9, "t": 10**12, "tb": 10**12, "ki": KiB, "kib": KiB, "mi": MiB, "mib": MiB,
          "gi": GiB, "gib": GiB, "ti": TiB, "tib": TiB}
_SIZE = re.compile(r"\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*([A-Za-z]*)\s*")


def parse_size(text: str) -> int | None:
    """Bytes in a size such as ``8GiB``, ``512MiB``, ``2e9`` or ``1.5 GB``.

    Args:
        text: A number with an optional unit (B, kB, MB, GB, TB, KiB, MiB, GiB, TiB; any case),
            spaces around it allowed.

    Returns:
        The whole bytes, or ``None`` if the text is not a size of at least 1 byte.
    """
    match = _SIZE.fullmatch(text)
    unit = _UNITS.get(match.group(2).lower()) if match else None
    value = float(match.group(1)) * unit if match and unit is not None else math.nan
    return int(value) if 1 <= value < math.inf else None


def format_bytes(n: int) -> str:
    """A size for people, in powers of 1024: ``512 B``, ``512 MiB``, ``29.8 GiB``.

    Three significant digits at most: no decimal from 100 up, one below (bytes are whole).
    """
    sign, value = ("-" if n < 0 else ""), abs(int(n))
    if value < KiB:
        return f"{sign}{value} B"
    units = ("KiB", "MiB", "GiB", "TiB", "PiB", "EiB")
    for power, unit in enumerate(units, start=1):
        scaled = value / 1024**power
        text = f"{scaled:.0f}" if scaled >= 99.95 else f"{scaled:.1f}"
        if float(text) < 1024 or unit == units[-1]:
            break
    return f"{sign}{text} {unit}"
