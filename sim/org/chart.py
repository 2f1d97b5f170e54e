"""A client's organisation from its HR export: an employees CSV and, optionally, collaboration ties.

Files are UTF-8 (a byte-order mark, as Excel writes, is fine) with a header row; column names
are matched without regard to case or surrounding spaces, and other columns (names, e-mail
addresses, ...) are ignored — never read into the model.

* **Employees** (``org.chart``): ``id``; ``manager_id``, empty for people with no manager in
  the file; ``division``; optionally ``team`` (then every row needs one).
* **Collaboration ties** (``org.collaboration``, optional): ``a`` and ``b``, two employee ids;
  optionally ``weight``, the trust on the tie, in ``(0, 1]``. A pair listed more than once (both
  directions, say) is one tie and keeps its largest weight. Without the file, informal ties are
  generated as for the synthetic organisation (``org.informal_degree``, ``org.rewiring``,
  ``org.cross_division_share``); without a weight column, trust is drawn as for it.

**Pseudonymisation.** Ids and labels are used only to build the structure. Employees become the
indices ``0..n-1``, ordered by division (labels sorted), then top-down through the hierarchy
(people on one level by their manager's position, then by id), and divisions become
``0..D-1``: results hold indices and counts only, never an id, a label or another column. The
order of the rows does not matter. Manifests record the files' paths and SHA-256 digests.

**Formal ties.** Every reporting line is a tie, also one that crosses divisions; members of a
team (the ``team`` column, or else the direct reports of one manager) of at most
:data:`sim.org.generator.TEAM_TIES_MAX_SPAN` people are tied to each other, as in the synthetic
organisation. Boundary spanners and unofficial groups are picked as there
(:func:`sim.org.generator.assemble`).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np

from sim.errors import ScenarioError
from sim.org.generator import (
    TEAM_TIES_MAX_SPAN,
    TIE_REPORTING,
    TIE_TEAM,
    Organisation,
    assemble,
    hierarchy_depth,
)

__all__ = ["Chart", "ChartError", "build_from_chart", "chart_files", "read_chart",
           "read_collaboration"]

EMPLOYEE_COLUMNS = ("id", "manager_id", "division")
TIE_COLUMNS = ("a", "b")


class ChartError(ScenarioError):
    """An organisation file that cannot be used.

    The message is one line naming the file, the line, the column, the value and what is
    allowed.
    """


@dataclass(frozen=True, eq=False)
class Chart:
    """An employees file, pseudonymised: every array is indexed by the new employee index.

    Attributes:
        division: ``(n,)`` int64 division ``0..D-1``, non-decreasing (contiguous blocks).
        manager: ``(n,)`` int64 index of the line manager, ``-1`` for none.
        team: ``(n,)`` int64 team id (the index of the team's first member, or of the manager
            whose direct reports form the team).
        depth: ``(n,)`` int64 level in the hierarchy, 0 for people without a manager.
        index: Employee id -> index, to read collaboration ties (kept in memory only).
        team_column: Whether teams came from a ``team`` column.
    """

    division: np.ndarray
    manager: np.ndarray
    team: np.ndarray
    depth: np.ndarray
    index: Mapping[str, int]
    team_column: bool

    @property
    def n(self) -> int:
        """Number of employees."""
        return int(self.division.size)

    @property
    def n_divisions(self) -> int:
        """Number of divisions."""
        return int(self.division.max()) + 1


def read_chart(path: str | Path) -> Chart:
    """Read and check an employees file (cached while the file is unchanged).

    Raises:
        ChartError: On a missing column, an empty or repeated id, an unknown manager, a loop
            in the reporting lines, or fewer than two employees.
    """
    path = Path(path)
    stat = path.stat()
    return _read_chart(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _read_chart(path: str, _mtime: int, _size: int) -> Chart:
    rows, has_team = _rows(Path(path), EMPLOYEE_COLUMNS, ("team",))
    if len(rows) < 2:
        raise ChartError(f"{path}: {len(rows)} employees is not allowed; allowed: at least 2 "
                         "rows under the header")
    row_of: dict[str, int] = {}
    for line, row in rows:
        _required(path, line, "id", row["id"])
        _required(path, line, "division", row["division"])
        if has_team:
            _required(path, line, "team", row["team"])
        if row["id"] in row_of:
            raise ChartError(f"{path}: line {line}: id = {row['id']!r} is not allowed; "
                             f"allowed: an id not used before (line {rows[row_of[row['id']]][0]} "
                             "has it)")
        row_of[row["id"]] = len(row_of)
    manager = np.full(len(rows), -1, dtype=np.int64)
    for i, (line, row) in enumerate(rows):
        boss = row["manager_id"]
        if boss and boss not in row_of or boss == row["id"]:
            raise ChartError(f"{path}: line {line}: manager_id = {boss!r} is not allowed; "
                             "allowed: the id of another employee in the file, or empty for "
                             "someone with no manager")
        if boss:
            manager[i] = row_of[boss]
    depth = hierarchy_depth(manager)
    if (depth < 0).any():
        looped = min(rows[i][1]["id"] for i in np.flatnonzero(depth < 0))
        raise ChartError(f"{path}: manager_id: the reporting lines above id = {looped!r} form "
                         "a loop; allowed: a hierarchy in which every chain of managers ends "
                         "with someone who has none")
    ids = [row["id"] for _, row in rows]
    code = {label: i for i, label in enumerate(sorted({row["division"] for _, row in rows}))}
    division = np.array([code[row["division"]] for _, row in rows], dtype=np.int64)
    order = _hierarchy_order(ids, division, manager, depth)
    new = np.empty(len(rows), dtype=np.int64)
    new[order] = np.arange(len(rows))
    manager_new = np.where(manager[order] >= 0, new[np.maximum(manager[order], 0)], -1)
    if has_team:
        teams = [rows[i][1]["team"] for i in order]
        first: dict[str, int] = {}
        team = np.array([first.setdefault(t, k) for k, t in enumerate(teams)], dtype=np.int64)
    else:
        team = np.where(manager_new >= 0, manager_new, np.arange(len(rows)))
    index = {ids[i]: int(new[i]) for i in range(len(rows))}
    return Chart(division[order], manager_new, team, depth[order], index, has_team)


def read_collaboration(path: str | Path, chart: Chart
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Read and check a collaboration-ties file against a chart.

    Returns:
        ``(u, v, weight)``: employee indices of each listed tie and its trust (``None``
        without a weight column).

    Raises:
        ChartError: On a missing column, an unknown id, a tie of someone with themselves, or a
            weight that is not a number in ``(0, 1]``.
    """
    rows, has_weight = _rows(Path(path), TIE_COLUMNS, ("weight",))
    u = np.empty(len(rows), dtype=np.int64)
    v = np.empty(len(rows), dtype=np.int64)
    weight = np.empty(len(rows), dtype=np.float64)
    for k, (line, row) in enumerate(rows):
        for column, target in (("a", u), ("b", v)):
            if row[column] not in chart.index:
                raise ChartError(f"{path}: line {line}: {column} = {row[column]!r} is not "
                                 "allowed; allowed: an id from the employees file")
            target[k] = chart.index[row[column]]
        if u[k] == v[k]:
            raise ChartError(f"{path}: line {line}: b = {row['b']!r} is not allowed; allowed: "
                             "someone other than a (a tie joins two people)")
        if has_weight:
            weight[k] = _weight(path, line, row["weight"])
    return u, v, (weight if has_weight else None)


def build_from_chart(org: Any, rng: np.random.Generator) -> Organisation:
    """The organisation of ``org.chart`` (and ``org.collaboration``), for the model.

    Args:
        org: The ``org`` parameter section.
        rng: The only source of randomness (informal ties if generated, trust, spanners,
            unofficial groups).
    """
    chart = read_chart(org.chart)
    formal = _formal_ties(chart)
    if not org.collaboration:
        return assemble(org, chart.division, chart.manager, chart.team, formal, rng)
    u, v, weight = read_collaboration(org.collaboration, chart)
    return assemble(org, chart.division, chart.manager, chart.team, formal, rng,
                    informal_pairs=(u, v), informal_trust=weight)


def chart_files(org: Any) -> dict[str, str]:
    """The organisation files named by ``org`` and their SHA-256 (none for a synthetic one)."""
    files = [name for name in (org.chart, org.collaboration) if name]
    return {name: hashlib.sha256(Path(name).read_bytes()).hexdigest() for name in files}


# --- reading ------------------------------------------------------------------------------------


def _rows(path: Path, required: tuple[str, ...], optional: tuple[str, ...]
          ) -> tuple[list[tuple[int, dict[str, str]]], bool]:
    """The data rows of a CSV file as ``(line number, {column: stripped text})``.

    Returns:
        The rows and whether the (first) optional column is present.
    """
    reader = csv.reader(io.StringIO(_text(path), newline=""))
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        missing = [c for c in required if c not in header]
        if missing:
            raise ChartError(f"{path}: column {missing[0]!r} is missing; allowed: a header "
                             f"row with {', '.join(required)}"
                             + (f" and optionally {', '.join(optional)}" if optional else ""))
        wanted = [c for c in (*required, *optional) if c in header]
        where = {c: header.index(c) for c in wanted}
        rows = []
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue  # blank line
            cells = record + [""] * (len(header) - len(record))
            rows.append((reader.line_num, {c: cells[i].strip() for c, i in where.items()}))
    except csv.Error as error:
        raise ChartError(f"{path}: line {reader.line_num}: {error}; allowed: comma-separated "
                         "values") from None
    return rows, bool(optional) and optional[0] in header


def _text(path: Path) -> str:
    """The file's text: UTF-8, after a byte-order mark if there is one.

    Raises:
        ChartError: If the file cannot be read or is not UTF-8; the message gives the line and
            the offset in the file of the first byte that is not.
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ChartError(f"{path}: cannot be read ({error.strerror}); allowed: a readable "
                         "CSV file") from None
    body = data.removeprefix(codecs.BOM_UTF8)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        at = len(data) - len(body) + error.start
        line = len(re.split(rb"\r\n|\r|\n", body[:error.start]))
        raise ChartError(f"{path}: line {line}: byte {at} = 0x{data[at]:02x} is not allowed; "
                         "allowed: UTF-8 text (from Excel: save as 'CSV UTF-8')") from None


def _required(path: str, line: int, column: str, value: str) -> None:
    if not value:
        raise ChartError(f"{path}: line {line}: {column} = '' is not allowed; allowed: a "
                         "non-empty value")


def _weight(path: str | Path, line: int, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0.0 < value <= 1.0:
        raise ChartError(f"{path}: line {line}: weight = {text!r} is not allowed; allowed: a "
                         "number in (0, 1], the trust on the tie")
    return value


# --- structure ----------------------------------------------------------------------------------


def _hierarchy_order(ids: list[str], division: np.ndarray, manager: np.ndarray,
                     depth: np.ndarray) -> np.ndarray:
    """Rows in the model's order: by division, then level, then manager's rank, then id.

    Ranks are given level by level, so the people under one manager are neighbours in the
    order, as in the synthetic organisation.
    """
    rank = np.zeros(len(ids), dtype=np.int64)
    given = 0
    for level in range(int(depth.max()) + 1):
        people = np.flatnonzero(depth == level).tolist()
        people.sort(key=lambda i: (int(division[i]), int(rank[manager[i]]) if manager[i] >= 0
                                   else -1, ids[i]))
        rank[people] = np.arange(given, given + len(people))
        given += len(people)
    return np.lexsort((rank, depth, division))


def _formal_ties(chart: Chart) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Reporting lines, and team ties inside teams of at most TEAM_TIES_MAX_SPAN people.

    Without a team column a team is the direct reports of one manager (its members are tied to
    each other; the manager is tied to each of them by the reporting line).
    """
    person = np.arange(chart.n)
    report = chart.manager >= 0
    u, v = [chart.manager[report]], [person[report]]
    code = [np.full(int(report.sum()), TIE_REPORTING, np.int8)]
    members = person if chart.team_column else person[report]
    key = chart.team[members] if chart.team_column else chart.manager[members]
    order = np.argsort(key, kind="stable")
    members, key = members[order], key[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    ends = np.r_[starts[1:], key.size]
    pairs = [pair for s, e in zip(starts.tolist(), ends.tolist(), strict=True)
             if e - s <= TEAM_TIES_MAX_SPAN for pair in combinations(members[s:e].tolist(), 2)]
    if pairs:
        a, b = np.array(pairs, dtype=np.int64).T
        u.append(a)
        v.append(b)
        code.append(np.full(a.size, TIE_TEAM, np.int8))
    return np.concatenate(u), np.concatenate(v), np.concatenate(code)
