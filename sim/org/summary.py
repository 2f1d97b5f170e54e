"""What a client's export holds, in counts: the summary to check before running on it.

:func:`summarise` (from the ``org`` parameter section) and :func:`summarise_files` (from the two
paths and the weight settings) read the files as a run does and return an :class:`OrgSummary`:
people and divisions, reporting lines and span of control, teams, how each file was written
(delimiter, encoding, notices), and what became of the collaboration rows (pairs kept, rows
merged and dropped, the weight kind and whether it was detected, isolated people, ties across
divisions). :meth:`OrgSummary.lines` renders it as about fifteen short lines for a terminal.

The summary is pseudonymised like the results: it holds counts and shares only, never an id, a
name, a label or a header from the files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.org.chart import Chart, collaboration_settings, read_chart, read_collaboration
from sim.org.collaboration import Collaboration
from sim.org.csv_export import ExportFormat

__all__ = ["CollaborationSummary", "FileSummary", "OrgSummary", "counted", "summarise",
           "summarise_files"]


@dataclass(frozen=True)
class FileSummary:
    """How one file was written.

    Attributes:
        rows: Data rows read (blank lines left out).
        delimiter: ``"comma"``, ``"semicolon"``, ``"tab"`` or ``"pipe"``.
        encoding: ``"UTF-8"``, ``"UTF-8 with BOM"``, ``"UTF-16"``, ``"UTF-32"`` or
            ``"Windows-1252"``.
        notices: What is worth knowing but did not stop the file being read.
    """

    rows: int
    delimiter: str
    encoding: str
    notices: tuple[str, ...]

    @classmethod
    def of(cls, rows: int, form: ExportFormat | None) -> FileSummary:
        """The summary of a file of ``rows`` data rows written as ``form``."""
        form = form or ExportFormat("UTF-8", ",")
        return cls(rows, form.delimiter_name, form.encoding, form.notices)

    def text(self) -> str:
        """``"2,341 rows, semicolon-separated, Windows-1252"``."""
        return f"{counted(self.rows, 'row')}, {self.delimiter}-separated, {self.encoding}"


@dataclass(frozen=True)
class CollaborationSummary:
    """What became of the collaboration file's rows.

    Attributes:
        file: How the file was written, and its rows.
        pairs: Ties kept, one per pair of people.
        merged: Rows whose pair another row already had (in either direction).
        dropped: Rows left out (counts of 0).
        weight: ``"trust"``, ``"count"`` or ``"binary"``.
        detected: Whether ``weight`` was detected from the values (else set).
        merge: How rows of one pair were combined: ``"sum"``, ``"max"`` or ``"presence"``.
        saturation_count: Counts: the count from which a tie has full trust.
        isolated: People with no collaboration tie.
        cross_division_share: Share of the ties that join two divisions (0 without ties).
    """

    file: FileSummary
    pairs: int
    merged: int
    dropped: int
    weight: str
    detected: bool
    merge: str
    saturation_count: float | None
    isolated: int
    cross_division_share: float


@dataclass(frozen=True)
class OrgSummary:
    """A client's organisation as read from its files, in counts only.

    Attributes:
        people: Employees.
        divisions: Divisions.
        division_min: People in the smallest division.
        division_max: People in the largest division.
        with_manager: People with a manager in the file.
        managers: People with at least one direct report.
        levels: Levels of the hierarchy (1 if nobody has a manager).
        span_mean: Mean direct reports per manager (0 without managers).
        span_max: Most direct reports of one manager.
        teams: Teams (``team`` column labels, else managers with their direct reports).
        team_column: Whether teams came from a ``team`` column.
        employees: How the employees file was written.
        collaboration: The collaboration file, ``None`` if there is none (informal ties are
            then generated).
    """

    people: int
    divisions: int
    division_min: int
    division_max: int
    with_manager: int
    managers: int
    levels: int
    span_mean: float
    span_max: int
    teams: int
    team_column: bool
    employees: FileSummary
    collaboration: CollaborationSummary | None

    def lines(self) -> list[str]:
        """The summary as short lines of plain text, one screen of a terminal."""
        sizes = (f"{self.division_min:,}" if self.division_min == self.division_max
                 else f"{self.division_min:,}–{self.division_max:,}")
        out = [f"employees: {self.employees.text()}",
               *(f"  notice: {n}" for n in self.employees.notices),
               f"people: {self.people:,} in {counted(self.divisions, 'division')} "
               f"({sizes} each)"]
        if not self.with_manager:
            out.append(f"reporting lines: none ({_people(self.people)}, 0 managers)")
        else:
            out.append(f"reporting lines: {_people(self.with_manager)} with a manager, "
                       f"{counted(self.managers, 'manager')}, {counted(self.levels, 'level')}")
            out.append(f"span of control: {self.span_mean:.1f} direct reports on average, "
                       f"at most {self.span_max:,}")
        if self.team_column:
            out.append(f"teams: {self.teams:,} (from the team column)")
        elif self.managers:
            out.append(f"teams: {self.teams:,} (direct reports of a manager)")
        else:
            out.append("teams: none (no team column and no managers)")
        c = self.collaboration
        if c is None:
            out.append("collaboration: no file (informal ties generated)")
            return out
        out.append(f"collaboration: {c.file.text()}")
        out.extend(f"  notice: {n}" for n in c.file.notices)
        how = "detected" if c.detected else "set"
        weight = f"weight: {c.weight} ({how})"
        if c.weight == "count" and c.saturation_count is not None and c.pairs:
            weight += f"; full trust from a count of {c.saturation_count:,.4g}"
        out.append(weight)
        merged = (f"{counted(c.merged, 'repeated row')} merged" if c.merge == "presence"
                  else f"{counted(c.merged, 'row')} merged by {c.merge}")
        dropped = f", {c.dropped:,} dropped: count 0" if c.dropped else ""
        out.append(f"ties: {counted(c.pairs, 'pair')} ({merged}{dropped})")
        out.append(f"people without a tie: {c.isolated:,}")
        if c.pairs:
            out.append(f"{100 * c.cross_division_share:.0f}% of ties cross divisions")
        return out

    def render(self) -> str:
        """:meth:`lines` joined, with a final line break."""
        return "\n".join(self.lines()) + "\n"


def summarise(org: Any) -> OrgSummary:
    """The summary of the files the ``org`` parameter section names.

    Raises:
        ValueError: If ``org.chart`` names no file (a synthetic organisation).
        sim.org.chart.ChartError: If a file cannot be used.
    """
    if not org.chart:
        raise ValueError("org.chart names no file: the organisation is synthetic")
    return summarise_files(org.chart, org.collaboration or None, **collaboration_settings(org))


def summarise_files(chart: str | Path, collaboration: str | Path | None = None, *,
                    weight: str = "auto", merge: str = "auto",
                    saturation: float = 0.9) -> OrgSummary:
    """The summary of an employees file and, optionally, a collaboration file.

    Args:
        chart: The employees file (``org.chart``).
        collaboration: The collaboration file (``org.collaboration``), or ``None``.
        weight: ``org.collaboration_weight``.
        merge: ``org.collaboration_merge``.
        saturation: ``org.count_saturation``.

    Raises:
        sim.org.chart.ChartError: If a file cannot be used.
    """
    people = read_chart(chart)
    ties = None
    if collaboration is not None:
        ties = read_collaboration(collaboration, people, weight=weight, merge=merge,
                                  saturation=saturation)
    sizes = people.division_sizes
    return OrgSummary(
        people=people.n, divisions=people.n_divisions, division_min=int(sizes.min()),
        division_max=int(sizes.max()), with_manager=people.n_with_manager,
        managers=people.n_managers, levels=people.levels, span_mean=people.span_mean,
        span_max=people.span_max, teams=people.n_teams, team_column=people.team_column,
        employees=FileSummary.of(people.n, people.format),
        collaboration=None if ties is None else _collaboration(people, ties))


def _collaboration(chart: Chart, ties: Collaboration) -> CollaborationSummary:
    tied = np.zeros(chart.n, dtype=bool)
    tied[ties.u] = tied[ties.v] = True
    across = float((chart.division[ties.u] != chart.division[ties.v]).mean()) \
        if ties.pairs else 0.0
    return CollaborationSummary(
        file=FileSummary.of(ties.rows, ties.format), pairs=ties.pairs, merged=ties.merged,
        dropped=ties.dropped, weight=ties.kind, detected=ties.detected, merge=ties.merge,
        saturation_count=ties.saturation_count, isolated=int((~tied).sum()),
        cross_division_share=across)


def counted(n: int, noun: str) -> str:
    """``"1 division"``, ``"5 divisions"``, ``"2,341 rows"``."""
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _people(n: int) -> str:
    """``"1 person"``, ``"156 people"``."""
    return f"{n:,} " + ("person" if n == 1 else "people")
