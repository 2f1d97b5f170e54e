"""The observed-data file a client gives for calibration: one row per observed week.

A consultant calibrates the model to a client's weekly evidence (collaboration platform,
learning system, survey waves). :func:`read_observed` reads it as a CSV export
(:func:`sim.org.csv_export.read_export`: encodings, byte-order marks, delimiters, ``sep=``
lines and header names as HR systems and spreadsheets write them) and checks every cell.

Columns:

* ``week`` (required): a whole number ``>= 0``; week 0 is the state before the first simulated
  week. With ``steps``, at most the number of weeks the scenario simulates. Each week at most
  once; rows may come in any order.
* The observables of :data:`OBSERVABLES` (at least one): shares from 0 to 1 (also as a
  percentage, ``45%``), the knowledge score from -1 to 1, the count ``active_members``, a
  whole number from 0 (at most the number of employees, with ``employees``). An empty cell is
  a value not observed. In files not separated by commas, a number may have a decimal comma
  (``0,45``).
* ``sample_size`` (optional): the survey respondents that week, a whole number ``>= 1``; empty
  for a week whose values were measured rather than surveyed (platform counts beside survey
  waves), stored as 0.

* ``division`` (optional): the division a row observes, one of the organisation's division
  names (a chart's division labels; ``1`` to ``D`` for the synthetic organisation), or empty for
  the whole organisation. Each division's rows are a series of their own (each week at most once
  per division); ``error_rate`` is observed for the whole organisation only.

A row without any observed value is skipped. The file needs at least two observed values in
all. Per-team observations are not supported: a ``team`` column is refused. Every error is one
line naming the file, the line, the column, the value and what is allowed.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sim.errors import ScenarioError, one_line, shown
from sim.org.csv_export import HEADER_ALIASES, ChartError, CsvExport, read_export

__all__ = ["OBSERVABLES", "Observable", "Observed", "ObservedError", "read_observed"]


class ObservedError(ScenarioError):
    """An observed-data file that cannot be used.

    The message is one line naming the file, the line, the column, the value and what is
    allowed.
    """


@dataclass(frozen=True)
class Observable:
    """What a column of the observed-data file may hold.

    Attributes:
        name: The column's role (a key of :data:`~sim.org.csv_export.HEADER_ALIASES`).
        label: A short label for tables and figures.
        kind: ``"share"`` (0 to 1), ``"score"`` (-1 to 1) or ``"count"`` (people).
        low: The smallest value allowed.
        high: The largest value allowed (``inf`` for a count: the organisation's size bounds
            it).
        kpi: The simulated weekly KPI it is compared with.
        times_employees: Whether it is compared with ``kpi`` times the number of employees.
        help: What the column holds, for the consultant.
    """

    name: str
    label: str
    kind: str
    low: float
    high: float
    kpi: str
    times_employees: bool = False
    help: str = ""


def _share(name: str, label: str, help_text: str) -> Observable:
    return Observable(name, label, "share", 0.0, 1.0, name, help=help_text)


OBSERVABLES: dict[str, Observable] = {o.name: o for o in (
    _share("aware_share", "aware", "Share of employees aware of the communities (a survey "
           "question, or platform visitors)."),
    _share("participating_share", "participating", "Share of employees who are members of at "
           "least one community, compulsory enrolment included."),
    _share("voluntary_share", "voluntary", "Share of employees who are members of a community "
           "by their own choice."),
    _share("contributing_share", "contributing", "Share of employees who contribute (post, "
           "answer, share) in a community."),
    Observable("mean_knowledge", "mean knowledge (-1..1)", "score", -1.0, 1.0, "mean_knowledge",
               help="Mean knowledge score, correct minus wrong answers per question, from -1 "
                    "to 1 (a knowledge test)."),
    _share("error_rate", "error rate", "Share of actions that are wrong (error or rework "
           "rate)."),
    Observable("active_members", "active members", "count", 0.0, math.inf,
               "participating_share", times_employees=True,
               help="Number of people taking part in the communities that week (weekly active "
                    "members on the platform)."),
)}
"""The observables a column may hold, by column role."""

_COLUMNS = (*OBSERVABLES, "sample_size")
_GROUPS = ("division", "team")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")
_PERCENT = re.compile(r"(.*?)\s*%")
_WHOLE = re.compile(r"\d+")
_INT64_MAX = int(np.iinfo(np.int64).max)


@dataclass(frozen=True, eq=False)
class Observed:
    """The observations of one file, by week.

    Attributes:
        path: The file, as named in messages.
        sha256: The SHA-256 digest of the file's bytes.
        weeks: ``(w,)`` int64 observed weeks, ascending, each once.
        values: ``{observable: (w,) float64}`` for each observable column of the file (in the
            order of :data:`OBSERVABLES`); NaN where the row left the cell empty.
        sample_size: ``(w,)`` int64 survey respondents per week (0 for a week not surveyed),
            or ``None`` without a ``sample_size`` column.
        notices: Things worth knowing about how the file was written (e.g. read as
            Windows-1252).
        divisions: Each observed division's rows, by division name, as observations of their
            own (in the organisation's division order); the fields above are then the rows
            without a division (``weeks`` may be empty).
    """

    path: str
    sha256: str
    weeks: np.ndarray
    values: dict[str, np.ndarray]
    sample_size: np.ndarray | None
    notices: tuple[str, ...] = ()
    divisions: dict[str, Observed] = field(default_factory=dict)

    def groups(self) -> list[tuple[str | None, Observed]]:
        """``(division, observations)``: the whole organisation's (None), then each division's."""
        whole = [(None, self)] if self.weeks.size else []
        return whole + list(self.divisions.items())

    def last_week(self) -> int:
        """The last observed week, whole organisation or division."""
        return max(int(obs.weeks[-1]) for _, obs in self.groups())

    def count(self) -> int:
        """The number of observed values (non-empty cells of observable columns)."""
        own = int(sum(np.count_nonzero(~np.isnan(v)) for v in self.values.values()))
        return own + sum(obs.count() for obs in self.divisions.values())


def read_observed(path: str | Path, *, steps: int | None = None, employees: int | None = None,
                  divisions: Sequence[str] | None = None) -> Observed:
    """Read and check an observed-data file.

    Args:
        path: The file.
        steps: Weeks the scenario simulates; later weeks are refused.
        employees: People in the organisation; more active members or respondents are refused.
        divisions: The organisation's division names, for a ``division`` column (any name is
            taken without them).

    Returns:
        The observations, sorted by week.

    Raises:
        ObservedError: On a file that cannot be read, is empty, binary or a workbook, lacks the
            week column or every observable column, has a division or team column, a cell that
            its column does not allow, a week given twice or later than ``steps``, or fewer than
            two observed values.
    """
    path = str(path)
    export = _export(path)
    _refuse_teams(export)
    columns = [name for name in OBSERVABLES if name in export.present]
    if not columns:
        raise _error(f"{path}: no column of observed values; allowed: a week column and at least "
                     f"one of {', '.join(OBSERVABLES)} (or other names, e.g. "
                     f"{_alias_examples()})")
    rows = [(line, row) for line, row in export.rows if any(row[c] for c in columns)]
    _enough(path, rows, {c: np.array([math.nan if not row[c] else 0.0 for _, row in rows])
                         for c in columns})
    grouped = _by_division(path, rows, divisions) if "division" in export.present else {
        None: rows}
    parsed = {name: _parse(path, group, columns, export, steps, employees)
              for name, group in grouped.items()}
    whole = parsed.pop(None, None) or _parse(path, [], columns, export, steps, employees)
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return Observed(path, digest, *whole, export.format.notices,
                    {name: Observed(path, digest, *parts) for name, parts in parsed.items()})


def _parse(path: str, rows: Sequence[tuple[int, dict[str, str]]], columns: list[str],
           export: CsvExport, steps: int | None,
           employees: int | None) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray | None]:
    """One series' weeks, values and sample sizes, sorted by week."""
    decimal_comma = export.format.delimiter != ","
    weeks = _weeks(path, rows, steps)
    values = {c: _values(path, rows, OBSERVABLES[c], employees, decimal_comma) for c in columns}
    sizes = (_sample_sizes(path, rows, employees)
             if "sample_size" in export.present else None)
    order = np.argsort(weeks, kind="stable")
    return (weeks[order], {c: v[order] for c, v in values.items()},
            None if sizes is None else sizes[order])


def _by_division(path: str, rows: Sequence[tuple[int, dict[str, str]]],
                 divisions: Sequence[str] | None) -> dict[str | None, list]:
    """The rows by division name (None: the whole organisation), in division order.

    Raises:
        ObservedError: For a division the organisation does not have, or an error rate given
            for a division.
    """
    known = {name.casefold(): name for name in divisions} if divisions is not None else None
    grouped: dict[str | None, list] = {}
    for line, row in rows:
        label = row["division"] or None
        if label is not None and known is not None:
            if label.casefold() not in known:
                raise _bad(path, line, "division", row["division"],
                           f"one of the organisation's divisions ({', '.join(divisions)}), or "
                           "empty for the whole organisation")
            label = known[label.casefold()]
        if label is not None and row.get("error_rate"):
            raise _bad(path, line, "error_rate", row["error_rate"],
                       "an error rate of the whole organisation only (leave division empty "
                       "on its rows)")
        grouped.setdefault(label, []).append((line, row))
    order = {name: i for i, name in enumerate(divisions or sorted(k for k in grouped if k))}
    return dict(sorted(grouped.items(), key=lambda item: -1 if item[0] is None
                       else order.get(item[0], len(order))))


# --- the file -----------------------------------------------------------------------------------


def _error(message: str) -> ObservedError:
    return ObservedError(one_line(message))


def _bad(path: str, line: int, column: str, text: str, allowed: str) -> ObservedError:
    return _error(f"{path}: line {line}: {column} = {shown(text)} is not allowed; allowed: "
                  f"{allowed}")


def _export(path: str) -> CsvExport:
    """The file's rows by role; the reader's errors become :class:`ObservedError`.

    The file is read with the division and team columns too, to refuse them; if that fails, the
    message is that of a reading without them (which does not offer them as allowed columns),
    unless only they made it fail (two columns that both mean division).
    """
    try:
        return read_export(path, ("week",), (*_COLUMNS, *_GROUPS), row_is="observed week")
    except ChartError as failure:
        first = failure
    try:
        read_export(path, ("week",), _COLUMNS, row_is="observed week")
    except ChartError as failure:
        raise _error(str(failure)) from None
    raise _error(str(first)) from None


def _refuse_teams(export: CsvExport) -> None:
    """Refuse a team column, naming its first non-empty cell."""
    if "team" not in export.present:
        return
    line, row = next(((n, r) for n, r in export.rows if r["team"]), export.rows[0])
    raise _bad(export.path, line, "team", row["team"],
               "whole-organisation or per-division values: per-team observations are not "
               "supported yet (remove or rename the team column)")


def _alias_examples() -> str:
    return ", ".join(repr(HEADER_ALIASES[name][2]) for name in ("aware_share",
                                                                 "participating_share"))


def _enough(path: str, rows: Sequence[tuple[int, dict[str, str]]],
            values: dict[str, np.ndarray]) -> None:
    """Refuse a file with fewer than two observed values."""
    count = sum(int(np.count_nonzero(~np.isnan(v))) for v in values.values())
    if count >= 2:
        return
    where = ""
    if rows:
        line, row = rows[0]
        column = next(c for c in values if row[c])
        where = f" (line {line}: {column} = {shown(row[column])})"
    raise _error(f"{path}: {count} observed value(s){where} is not allowed; allowed: at least 2 "
                 "observed values (non-empty cells of the observed columns)")


# --- cells --------------------------------------------------------------------------------------


def _weeks(path: str, rows: Sequence[tuple[int, dict[str, str]]],
           steps: int | None) -> np.ndarray:
    """The rows' weeks; refused if not whole, negative, later than ``steps`` or repeated."""
    high = _INT64_MAX if steps is None else steps
    allowed = (f"a whole number from 0 to {steps} (the scenario simulates {steps} weeks)"
               if steps is not None else "a whole number >= 0 (0 is the state before the "
               "first simulated week)")
    first: dict[int, int] = {}
    weeks = np.empty(len(rows), dtype=np.int64)
    for k, (line, row) in enumerate(rows):
        week = _whole(row["week"], high)
        if week is None:
            raise _bad(path, line, "week", row["week"], allowed)
        if week in first:
            raise _bad(path, line, "week", row["week"],
                       f"a week not given before (line {first[week]} has week {week})")
        first[week] = line
        weeks[k] = week
    return weeks


def _values(path: str, rows: Sequence[tuple[int, dict[str, str]]], observable: Observable,
            employees: int | None, decimal_comma: bool) -> np.ndarray:
    """One observable's values per row, NaN for an empty cell; refused outside its bounds."""
    allowed = _allowed(observable, employees)
    out = np.full(len(rows), np.nan)
    for k, (line, row) in enumerate(rows):
        text = row[observable.name]
        if not text:
            continue
        value = _cell(text, observable, employees, decimal_comma)
        if value is None:
            raise _bad(path, line, observable.name, text, allowed)
        out[k] = value
    return out


def _cell(text: str, observable: Observable, employees: int | None,
          decimal_comma: bool) -> float | None:
    """A non-empty cell's value, or ``None`` if the observable does not allow it."""
    if observable.kind == "count":
        count = _whole(text, _INT64_MAX if employees is None else employees)
        return None if count is None else float(count)
    value = _number(text, decimal_comma, percent=observable.kind == "share")
    if value is None or not observable.low <= value <= observable.high:
        return None
    return value


def _allowed(observable: Observable, employees: int | None) -> str:
    """What a cell of the observable may hold, for a message."""
    if observable.kind == "share":
        return "a number from 0 to 1, or a percentage such as 45%"
    if observable.kind == "score":
        return f"a number from {observable.low:g} to {observable.high:g}"
    if employees is None:
        return "a whole number >= 0 of people"
    return (f"a whole number of people from 0 to {employees} (the organisation has "
            f"{employees} employees)")


def _sample_sizes(path: str, rows: Sequence[tuple[int, dict[str, str]]],
                  employees: int | None) -> np.ndarray:
    """The survey respondents per row, 0 where the cell is empty (values measured, not surveyed).

    Refused if not whole, 0, or above ``employees``.
    """
    allowed = ("a whole number >= 1 of survey respondents" if employees is None else
               f"a whole number of survey respondents from 1 to {employees} (the organisation "
               f"has {employees} employees)")
    sizes = np.empty(len(rows), dtype=np.int64)
    for k, (line, row) in enumerate(rows):
        if not row["sample_size"]:
            sizes[k] = 0  # a week of platform counts beside the survey waves
            continue
        size = _whole(row["sample_size"], _INT64_MAX if employees is None else employees)
        if size is None or size < 1:
            raise _bad(path, line, "sample_size", row["sample_size"],
                       f"{allowed}, or empty for values measured rather than surveyed")
        sizes[k] = size
    return sizes


def _whole(text: str, high: int) -> int | None:
    """``text`` as a whole number from 0 to ``high`` (digits only), or ``None``."""
    if not _WHOLE.fullmatch(text):
        return None
    value = int(text)
    return value if value <= high else None


def _number(text: str, decimal_comma: bool, *, percent: bool) -> float | None:
    """``text`` as a finite number (a percentage as a fraction, if allowed), or ``None``."""
    divisor = 1.0
    match = _PERCENT.fullmatch(text)
    if match is not None:
        if not percent:
            return None
        text, divisor = match.group(1), 100.0
    if decimal_comma and _DECIMAL_COMMA.fullmatch(text):
        text = text.replace(",", ".")
    if not _NUMBER.fullmatch(text):
        return None
    value = float(text) / divisor
    return value if math.isfinite(value) else None
