"""Comparing results tables: exactly on one machine, within rounding across machines.

The same seed, code and package versions give byte-identical results on one machine, whether
the runs are done serially, in processes or on Dask. Across machines they need not: numpy picks
SIMD kernels for the CPU it runs on (with or without AVX-512, say), and a sum taken in another
order can differ in its last bit. So results are compared as follows:

* integers, text, booleans and the seeds: exactly;
* floating-point numbers: equal when ``|a - b| <= max(RELATIVE_TOLERANCE * max(|a|, |b|),
  ABSOLUTE_TOLERANCE)``, NaN equal to NaN and an infinity to the same infinity. The relative
  tolerance, 1e-12, is about 4,500 units in the last place of a double: far above the rounding
  of a different summation order over the model's few thousand terms (seen: 3.3e-16), far
  below any change of the model's behaviour (a KPI moves by at least 1/n, 1e-6 for a million
  people). The absolute floor, 1e-14, serves values near zero, such as a mean belief that
  cancels to almost nothing: their last-bit error is relative to the summands (of order one),
  not to the result.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

__all__ = ["ABSOLUTE_TOLERANCE", "RELATIVE_TOLERANCE", "Gap", "compare_tables"]

RELATIVE_TOLERANCE = 1e-12
ABSOLUTE_TOLERANCE = 1e-14


@dataclass(frozen=True)
class Gap:
    """The largest difference seen between two floating-point columns.

    Attributes:
        absolute: Largest ``|a - b|`` (0 when the columns are identical).
        relative: The same difference relative to ``max(|a|, |b|)`` there.
        where: ``table.column`` of that difference, or ``""`` if there was none.
    """

    absolute: float = 0.0
    relative: float = 0.0
    where: str = ""

    def widest(self, other: Gap) -> Gap:
        """The larger of two gaps."""
        return other if other.absolute > self.absolute else self

    def describe(self) -> str:
        """One phrase, e.g. ``largest float difference 3.3e-16 (relative 6.6e-16) in ...``."""
        if not self.where:
            return "floats identical"
        return (f"largest float difference {self.absolute:.2g} (relative {self.relative:.2g}) "
                f"in {self.where}")


def _float_gap(old: np.ndarray, new: np.ndarray) -> tuple[bool, float, float]:
    """Whether two float arrays agree within tolerance; the largest gap, absolute and relative."""
    equal = (old == new) | (np.isnan(old) & np.isnan(new))
    finite = np.isfinite(old) & np.isfinite(new) & ~equal
    if not finite.any():
        return bool(equal.all()), 0.0, 0.0
    a, b = old[finite], new[finite]
    difference = np.abs(a - b)
    scale = np.maximum(np.abs(a), np.abs(b))
    within = difference <= np.maximum(RELATIVE_TOLERANCE * scale, ABSOLUTE_TOLERANCE)
    ok = bool(within.all()) and int(finite.sum() + equal.sum()) == old.size
    i = int(np.argmax(difference))
    return ok, float(difference[i]), float(difference[i] / scale[i]) if scale[i] else 0.0


def compare_tables(name: str, old: pa.Table, new: pa.Table) -> tuple[list[str], Gap]:
    """Compare a committed table with a new one, column by column.

    Args:
        name: The table's name in messages (``runs``, ``timeseries``).
        old: The committed table.
        new: The table computed now.

    Returns:
        ``(problems, gap)``: one short line per difference beyond tolerance (empty when the
        tables agree), and the largest floating-point difference seen.
    """
    if old.num_rows != new.num_rows:
        return [f"{name}: {old.num_rows} committed rows, {new.num_rows} now"], Gap()
    if old.column_names != new.column_names:
        return [f"{name}: columns differ"], Gap()
    problems, gap = [], Gap()
    for column in new.column_names:
        a, b = old[column], new[column]
        if pa.types.is_floating(a.type) and pa.types.is_floating(b.type):
            ok, absolute, relative = _float_gap(
                a.to_numpy().astype(np.float64), b.to_numpy().astype(np.float64))
            if absolute:
                gap = gap.widest(Gap(absolute, relative, f"{name}.{column}"))
            if not ok:
                problems.append(f"{name}: column {column!r} differs by up to {absolute:.3g} "
                                f"(relative {relative:.3g}; allowed: relative "
                                f"{RELATIVE_TOLERANCE:g})")
        elif not a.equals(b):
            problems.append(f"{name}: column {column!r} differs")
    return problems, gap
