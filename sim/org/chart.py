"""A client's organisation from its HR export: an employees CSV and, optionally, collaboration ties.

Files come as HR systems and spreadsheets write them (:mod:`sim.org.csv_export` reads them):

* **Encoding**: UTF-8, with or without the byte-order mark Excel writes; UTF-16 (or UTF-32)
  with a byte-order mark, as Excel's "Unicode text"; a file that is not valid UTF-8 is read as
  Windows-1252, with a notice (save it as "CSV UTF-8" to be sure of accented names). Excel
  workbooks (``.xlsx``, ``.xls``) and other binary files are refused by name, as are empty
  files and (for employees) a header without rows.
* **Delimiter**: comma, semicolon, tab or pipe, whichever splits the header row into the most
  known columns (a first line ``sep=;`` names it). In files not separated by commas, a weight
  may have a decimal comma (``0,5``).
* **Header row**: column names are matched without regard to case, spaces, underscores,
  hyphens or dots, and go by the names of :data:`sim.org.csv_export.HEADER_ALIASES`
  (``Employee ID``, ``Reports To``, ``Department``, ``Source``, ``E-mails``, ...). Two columns
  that mean the same are refused; other columns (names, e-mail addresses, ...) are ignored —
  never read into the model.

Columns:

* **Employees** (``org.chart``): ``id``; ``manager_id``, empty for people with no manager in
  the file (nobody may have one: a flat organisation); ``division``; optionally ``team`` (then
  every row needs one).
* **Collaboration ties** (``org.collaboration``, optional): ``a`` and ``b``, two employee ids;
  optionally ``weight``: a trust in ``(0, 1]``, or a count of e-mails, meetings or messages
  (``org.collaboration_weight``, detected from the values by default). Rows of one pair, in
  either direction, are one tie (``org.collaboration_merge``: counts summed, the largest trust
  kept); counts of 0 are dropped and counts become trust by a monotone, saturating map
  (``org.count_saturation``); without weights (or with one value throughout), trust is drawn as
  for the synthetic organisation. :mod:`sim.org.collaboration` has the details. Without the
  file, informal ties are generated as for the synthetic organisation
  (``org.informal_degree``, ``org.rewiring``, ``org.cross_division_share``).

**Pseudonymisation.** Ids and labels are used only to build the structure. Employees become the
indices ``0..n-1``, ordered by division (labels sorted), then top-down through the hierarchy
(people on one level by their manager's position, then by id), and divisions become
``0..D-1``: results hold indices and counts only, never an id, a label or another column. The
order of the rows does not matter. Manifests record the files' paths and SHA-256 digests;
:mod:`sim.org.summary` says what was read, in counts.

**Formal ties.** Every reporting line is a tie, also one that crosses divisions; members of a
team (the ``team`` column, or else the direct reports of one manager) of at most
:data:`sim.org.generator.TEAM_TIES_MAX_SPAN` people are tied to each other, as in the synthetic
organisation. Boundary spanners and unofficial groups are picked as there
(:func:`sim.org.generator.assemble`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np

from sim.org.collaboration import Collaboration, collaboration_ties
from sim.org.csv_export import ChartError, ExportFormat, read_export
from sim.org.generator import (
    TEAM_TIES_MAX_SPAN,
    TIE_REPORTING,
    TIE_TEAM,
    Organisation,
    assemble,
    hierarchy_depth,
)

__all__ = ["Chart", "ChartError", "build_from_chart", "chart_files", "collaboration_settings",
           "read_chart", "read_collaboration"]

EMPLOYEE_COLUMNS = ("id", "manager_id", "division")
TIE_COLUMNS = ("a", "b")


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
        format: How the file was written (encoding, delimiter, notices).
        division_names: The division column's labels; division ``d`` is the ``d``-th in
            sorted order.
    """

    division: np.ndarray
    manager: np.ndarray
    team: np.ndarray
    depth: np.ndarray
    index: Mapping[str, int]
    team_column: bool
    format: ExportFormat | None = None
    division_names: tuple[str, ...] = ()

    @property
    def n(self) -> int:
        """Number of employees."""
        return int(self.division.size)

    @property
    def n_divisions(self) -> int:
        """Number of divisions."""
        return int(self.division.max()) + 1

    @property
    def division_sizes(self) -> np.ndarray:
        """``(D,)`` number of employees in each division."""
        return np.bincount(self.division)

    @property
    def direct_reports(self) -> np.ndarray:
        """``(n,)`` number of direct reports of each employee."""
        return np.bincount(self.manager[self.manager >= 0], minlength=self.n)

    @property
    def n_with_manager(self) -> int:
        """People who have a manager in the file (0 in a flat organisation)."""
        return int((self.manager >= 0).sum())

    @property
    def n_managers(self) -> int:
        """People with at least one direct report."""
        return int((self.direct_reports > 0).sum())

    @property
    def levels(self) -> int:
        """Levels of the hierarchy: 1 + the longest chain of reporting lines (1 if flat)."""
        return int(self.depth.max()) + 1

    @property
    def span_mean(self) -> float:
        """Mean number of direct reports of a manager (0 without managers)."""
        reports = self.direct_reports
        return float(reports[reports > 0].mean()) if self.n_managers else 0.0

    @property
    def span_max(self) -> int:
        """Largest number of direct reports of one manager."""
        return int(self.direct_reports.max())

    @property
    def n_teams(self) -> int:
        """Teams: labels of the ``team`` column, else managers (their direct reports)."""
        return int(np.unique(self.team).size) if self.team_column else self.n_managers


def read_chart(path: str | Path) -> Chart:
    """Read and check an employees file (cached while the file is unchanged).

    Raises:
        ChartError: On a file that is empty, binary or a workbook, a missing column, two
            columns for one, an empty or repeated id, an unknown manager, a loop in the
            reporting lines, or fewer than two employees.
    """
    path = Path(path)
    stat = path.stat()
    return _read_chart(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _read_chart(path: str, _mtime: int, _size: int) -> Chart:
    export = read_export(path, EMPLOYEE_COLUMNS, ("team",), row_is="employee")
    rows, has_team = export.rows, "team" in export.present
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
    labels = tuple(sorted({row["division"] for _, row in rows}))
    code = {label: i for i, label in enumerate(labels)}
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
    return Chart(division[order], manager_new, team, depth[order], index, has_team,
                 export.format, labels)


def read_collaboration(path: str | Path, chart: Chart, *, weight: str = "auto",
                       merge: str = "auto", saturation: float = 0.9) -> Collaboration:
    """Read and check a collaboration-ties file against a chart, one tie per pair.

    Args:
        path: The file.
        chart: The employees it refers to.
        weight: ``org.collaboration_weight``.
        merge: ``org.collaboration_merge``.
        saturation: ``org.count_saturation``.

    Returns:
        The ties: employee indices, trust, weight kind, counts of rows, and how the file was
        written.

    Raises:
        ChartError: On a file that is empty, binary or a workbook, a missing column, two
            columns for one, an unknown id, a tie of someone with themselves, or a weight the
            weight kind does not allow.
    """
    export = read_export(path, TIE_COLUMNS, ("weight",), row_is="collaboration tie",
                         allow_no_rows=True)
    rows = export.rows
    u = np.empty(len(rows), dtype=np.int64)
    v = np.empty(len(rows), dtype=np.int64)
    for k, (line, row) in enumerate(rows):
        for column, target in (("a", u), ("b", v)):
            if row[column] not in chart.index:
                raise ChartError(f"{path}: line {line}: {column} = {row[column]!r} is not "
                                 "allowed; allowed: an id from the employees file")
            target[k] = chart.index[row[column]]
        if u[k] == v[k]:
            raise ChartError(f"{path}: line {line}: b = {row['b']!r} is not allowed; allowed: "
                             "someone other than a (a tie joins two people)")
    weights = [row["weight"] for _, row in rows] if "weight" in export.present else None
    ties = collaboration_ties(chart.n, u, v, weights, [line for line, _ in rows], str(path),
                              weight=weight, merge=merge, saturation=saturation,
                              decimal_comma=export.format.delimiter != ",")
    return replace(ties, format=export.format)


def collaboration_settings(org: Any) -> dict[str, Any]:
    """The keyword arguments of :func:`read_collaboration` that the ``org`` section sets."""
    return {"weight": getattr(org, "collaboration_weight", "auto"),
            "merge": getattr(org, "collaboration_merge", "auto"),
            "saturation": float(getattr(org, "count_saturation", 0.9))}


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
    ties = read_collaboration(org.collaboration, chart, **collaboration_settings(org))
    return assemble(org, chart.division, chart.manager, chart.team, formal, rng,
                    informal_pairs=(ties.u, ties.v), informal_trust=ties.trust)


def chart_files(org: Any) -> dict[str, str]:
    """The organisation files named by ``org`` and their SHA-256 (none for a synthetic one)."""
    files = [name for name in (org.chart, org.collaboration) if name]
    return {name: hashlib.sha256(Path(name).read_bytes()).hexdigest() for name in files}


# --- checking -----------------------------------------------------------------------------------


def _required(path: str, line: int, column: str, value: str) -> None:
    if not value:
        raise ChartError(f"{path}: line {line}: {column} = '' is not allowed; allowed: a "
                         "non-empty value")


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
