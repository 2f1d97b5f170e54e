"""How numbers, intervals and tables look in reports: one format per unit.

Shares are shown in per cent (differences in points), scores with three decimals, weeks and
other quantities with one; intervals as ``76.9–78.7%`` or ``+53.1 to +56.9``.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["amount", "format_change", "format_level", "format_number", "format_span",
           "format_value", "is_number", "margin", "markdown_table", "percent", "table_row"]


def format_number(x: float, unit: str, signed: bool = False) -> str:
    """A number in its unit's format: shares in %, scores with 3 decimals, others with 1."""
    if x is None or not math.isfinite(x):
        return "n/a"
    scale, digits = (100.0, 1) if unit == "share" else (1.0, 3 if unit == "score" else 1)
    return f"{x * scale:{'+' if signed else ''}.{digits}f}"


def format_value(x: float, unit: str) -> str:
    """A value: ``77.8%``, ``0.512``, ``31.0``."""
    text = format_number(x, unit)
    return text + "%" if unit == "share" and text != "n/a" else text


def format_change(x: float, unit: str) -> str:
    """A difference: ``+55.0 points``, ``-3.2 weeks``, ``+0.120``."""
    text = format_number(x, unit, signed=True)
    suffix = {"share": " points", "weeks": " weeks"}.get(unit, "")
    return text + suffix if text != "n/a" else text


def format_span(low: float, high: float, unit: str, signed: bool = False) -> str:
    """An interval: ``76.9–78.7%``, or ``+53.1 to +56.9`` for differences and negatives."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return "n/a"
    if signed or low < 0:
        return f"{format_number(low, unit, signed)} to {format_number(high, unit, signed)}"
    return f"{format_number(low, unit)}–{format_value(high, unit)}"


def table_row(*cells: str) -> str:
    """One Markdown table row."""
    return "| " + " | ".join(cells) + " |"


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table."""
    return "\n".join([table_row(*header), table_row(*["---"] * len(header))]
                     + [table_row(*r) for r in rows])


def margin(x: float, unit: str) -> str:
    """A short signed margin: ``+8.3 pts``, ``-3.2 weeks``, ``+0.120``."""
    return format_change(x, unit).replace(" points", " pts")


def format_level(value: Any) -> str:
    """A parameter value for text: floats with up to 4 significant digits."""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def is_number(value: Any) -> bool:
    """Whether a value is a finite real number (booleans are not)."""
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value))


def amount(x: float, unit: str) -> str:
    """An unsigned amount in its unit: ``8.3 pts``, ``3.2 weeks``, ``0.120``."""
    text = format_number(x, unit)
    return text + {"share": " pts", "weeks": " weeks"}.get(unit, "") if text != "n/a" else text


def percent(p: float) -> str:
    """A probability as a whole per cent: ``83%``; ``n/a`` when undefined."""
    return f"{100 * p:.0f}%" if p is not None and math.isfinite(p) else "n/a"
