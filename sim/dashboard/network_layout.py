"""Where the organisation's people are drawn, and which ties: worked out once per organisation.

:func:`compute_layout` never depends on the state of a run, so that from one week to the next
only the colours move:

* **Divisions** are discs of area proportional to their headcount, placed on a circle (up to
  :data:`CIRCLE_MAX` divisions) or on a grid, never overlapping.
* **Inside a division**, teams are the units of the layout: a seeded force-directed
  (Fruchterman-Reingold) layout of the division's teams, tied wherever two members of two
  teams have a tie, places the teams, and each team's members sit on a small sunflower around
  their team's place (managers, who come first in the index order, at the middle). Where a
  division has more than :data:`UNITS_MAX` teams, teams are merged into their managers' teams
  until it has fewer (or, without a usable hierarchy, into blocks of consecutive people).
* **Ties drawn**: every reporting line, plus the ties that cross divisions (an evenly spaced
  subset of at most :data:`CROSS_LINKS_MAX` or ``n / 8``, whichever is more). Team ties and
  informal ties inside a division are not drawn: the picture stays readable and a frame light.

Above :data:`AGGREGATE_ABOVE` people no one is placed on their own: the picture is then a grid
of divisions (columns) by engagement rungs (rows, :func:`aggregated_geometry`).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.spatial import cKDTree

from sim.dashboard.network_style import N_RUNGS
from sim.org.generator import TIE_REPORTING, Organisation

__all__ = [
    "AGGREGATE_ABOVE",
    "CIRCLE_MAX",
    "CROSS_LINKS_MAX",
    "GAP",
    "ROW",
    "UNIT",
    "UNITS_MAX",
    "Layout",
    "aggregated_geometry",
    "compute_layout",
    "option_xy",
    "sunflower",
]


AGGREGATE_ABOVE = 2000
"""Largest organisation drawn person by person; above it the aggregated view is drawn."""

CIRCLE_MAX = 8
"""Most divisions placed on a circle; more go on a grid."""

UNITS_MAX = 300
"""Most units (teams) one force-directed layout places; networkx's dense solver is fast there."""

CROSS_LINKS_MAX = 120
"""Cross-division ties drawn at least (if there are so many); ``n / 8`` when that is more."""

GAP = 0.35
"""Space between two division discs, in radii of the largest division."""

_ITERATIONS = 50
"""Iterations of each force-directed layout."""

UNIT = 1000
"""Coordinates of the per-person option are the layout's in integer thousandths (of the largest
division's radius: well under a pixel); integers go to JSON twice as fast as floats."""
_GOLDEN_ANGLE = math.pi * (3.0 - math.sqrt(5.0))

ROW = 0.6
"""Distance between two engagement rows of the aggregated view (columns are 1 apart)."""


@dataclass(frozen=True, eq=False, repr=False)
class Layout:
    """Where everyone is drawn, and which ties: computed once per organisation.

    Coordinates are in units of the largest division's radius, y pointing up (the ECharts
    option flips it, as screens count y downwards).

    Attributes:
        n: Number of people of the organisation it was computed for.
        n_divisions: Number of divisions.
        seed: The seed it was computed with.
        aggregated: Whether the organisation is drawn aggregated (``n > AGGREGATE_ABOVE``);
            then ``xy`` is ``None`` and no tie is drawn.
        xy: ``(n, 2)`` float64 position of each person, or ``None``.
        centres: ``(D, 2)`` float64: centre of each division's disc; in the aggregated view,
            the foot of its column.
        radius: ``(D,)`` float64 radius of each division's disc (0.5, half a column, when
            aggregated).
        links: ``(E, 2)`` int32 endpoints of the ties drawn, smaller index first, sorted.
        cross: ``(E,)`` bool, whether each drawn tie crosses divisions.
        label_person: ``(D,)`` int64, the person at the top of each division (-1 when
            aggregated).
        spanners: Indices of the boundary spanners.
        option_x: Each person's x in the per-person ECharts option (:func:`option_xy`); empty
            when aggregated.
        option_y: Each person's y there.
        option_names: Each person's tooltip there (who, and in which division).
        option_ties: The data of the ECharts ``lines`` series of the ties drawn inside
            divisions, then of those across them, as JSON text (each option gets a fresh copy:
            ``json.loads`` makes one about three times faster than building the lists).
    """

    n: int
    n_divisions: int
    seed: int
    aggregated: bool
    xy: np.ndarray | None
    centres: np.ndarray
    radius: np.ndarray
    links: np.ndarray
    cross: np.ndarray
    label_person: np.ndarray
    spanners: tuple[int, ...]
    option_x: tuple[int, ...] = field(default=(), repr=False)
    option_y: tuple[int, ...] = field(default=(), repr=False)
    option_names: tuple[str, ...] = field(default=(), repr=False)
    option_ties: tuple[str, str] = field(default=("[]", "[]"), repr=False)

    def __repr__(self) -> str:
        view = "aggregated" if self.aggregated else f"{self.links.shape[0]} ties drawn"
        return f"Layout(n={self.n}, divisions={self.n_divisions}, seed={self.seed}, {view})"


def compute_layout(org: Organisation, seed: int) -> Layout:
    """Work out where each person of ``org`` is drawn, and which ties.

    Call it once per organisation and keep the result (the positions never depend on the state
    of a run). The same organisation and seed always give the same layout; nothing outside
    (no global random state) is read or changed.

    Measured on a 2-core machine: 0.03 s for 1,000 people in 5 divisions, 0.07 s for 2,000 in
    5, 0.2-0.3 s for 2,000 in one division (:data:`UNITS_MAX` caps each force-directed layout;
    without it, 2,000 people in one division take over 10 s); above :data:`AGGREGATE_ABOVE`
    people it only places the division columns (microseconds).

    Args:
        org: The organisation.
        seed: Seed of the force-directed layouts (e.g. the model's seed).

    Returns:
        The layout.
    """
    n, n_div = org.n, org.n_divisions
    spanners = tuple(np.flatnonzero(org.is_spanner).tolist())
    if n > AGGREGATE_ABOVE:
        return Layout(
            n=n, n_divisions=n_div, seed=int(seed), aggregated=True, xy=None,
            centres=np.column_stack([np.arange(n_div, dtype=np.float64), np.zeros(n_div)]),
            radius=np.full(n_div, 0.5), links=np.zeros((0, 2), np.int32),
            cross=np.zeros(0, bool), label_person=np.full(n_div, -1, np.int64),
            spanners=spanners)
    sizes = np.bincount(org.division, minlength=n_div)
    radius = np.sqrt(sizes / max(int(sizes.max()), 1))
    centres = _division_centres(n_div)
    seeds = np.random.SeedSequence(int(seed)).generate_state(max(n_div, 1)).tolist()
    xy = np.zeros((n, 2))
    label_person = np.zeros(n_div, np.int64)
    for d in range(n_div):
        people = np.flatnonzero(org.division == d)
        if people.size == 0:
            continue
        xy[people] = centres[d] + radius[d] * _division_disc(org, people, int(seeds[d]))
        label_person[d] = people[int(np.argmax(xy[people, 1]))]
    links, cross = _drawn_ties(org)
    place = option_xy(xy)
    is_spanner = org.is_spanner.tolist()
    names = tuple(f"Person {i}{' (boundary spanner)' if s else ''}, division {d}"
                  for i, (d, s) in enumerate(zip(org.division.tolist(), is_spanner,
                                                 strict=True)))
    ends = place[links].tolist()  # [[x1, y1], [x2, y2]] of each tie drawn
    ties = tuple(json.dumps([{"coords": e} for e, c in zip(ends, cross.tolist(), strict=True)
                             if c == across], separators=(",", ":"), allow_nan=False)
                 for across in (False, True))
    for array in (xy, centres, radius, links, cross, label_person):
        array.flags.writeable = False
    return Layout(n=n, n_divisions=n_div, seed=int(seed), aggregated=False, xy=xy,
                  centres=centres, radius=radius, links=links, cross=cross,
                  label_person=label_person, spanners=spanners,
                  option_x=tuple(place[:, 0].tolist()), option_y=tuple(place[:, 1].tolist()),
                  option_names=names, option_ties=ties)


def _division_centres(n_div: int) -> np.ndarray:
    """Centres of ``n_div`` discs of radius at most 1, at least ``2 + GAP`` apart."""
    if n_div <= 1:
        return np.zeros((max(n_div, 0), 2))
    spacing = 2.0 + GAP
    if n_div <= CIRCLE_MAX:
        ring = spacing / 2.0 / math.sin(math.pi / n_div)
        angle = math.pi / 2.0 - 2.0 * math.pi * np.arange(n_div) / n_div  # clockwise from top
        return np.column_stack([ring * np.cos(angle), ring * np.sin(angle)])
    cols = math.ceil(math.sqrt(n_div))
    index = np.arange(n_div)
    return np.column_stack([(index % cols) * spacing, -(index // cols) * spacing])


def _division_disc(org: Organisation, people: np.ndarray, seed: int) -> np.ndarray:
    """Positions of one division's people in the unit disc around 0.

    Args:
        org: The organisation.
        people: Sorted indices of the division's people.
        seed: Seed of the force-directed layout of the division's units.

    Returns:
        ``(len(people), 2)`` positions, all within distance 1 of the origin.
    """
    unit = _units(org, people)
    count = np.bincount(unit)
    n_units = count.size
    sub = sp.coo_array(org.ties[people][:, people])
    a, b = unit[sub.row], unit[sub.col]
    keep = a < b
    pairs = np.unique(a[keep] * n_units + b[keep])
    place = np.zeros((n_units, 2))
    step = 1.0 / math.sqrt(people.size)  # one unit: its sunflower fills the disc
    if n_units > 1:
        graph = nx.Graph()
        graph.add_nodes_from(range(n_units))
        graph.add_edges_from(zip((pairs // n_units).tolist(), (pairs % n_units).tolist(),
                                 strict=True))
        pos = nx.spring_layout(graph, seed=seed, iterations=_ITERATIONS, method="force")
        place = np.array([pos[u] for u in range(n_units)], dtype=np.float64)
        # each unit's members on a sunflower of area proportional to the unit's size
        nearest = float(np.median(cKDTree(place).query(place, k=2)[0][:, 1]))
        if nearest > 0:
            step = 0.45 * nearest / math.sqrt(float(np.median(count)))
    order = np.argsort(unit, kind="stable")
    rank = np.empty(people.size, np.int64)
    rank[order] = np.arange(people.size) - np.repeat(np.cumsum(count) - count, count)
    xy = place[unit] + step * sunflower(rank)
    # centre, scale the bulk into the disc, pull stragglers onto its rim
    xy -= xy.mean(axis=0)
    distance = np.hypot(xy[:, 0], xy[:, 1])
    bulk = float(np.percentile(distance, 95)) if people.size > 1 else 0.0
    if bulk > 0:
        xy *= 0.9 / bulk
        distance *= 0.9 / bulk
    far = distance > 1.0
    xy[far] /= distance[far, None]
    return xy


def _units(org: Organisation, people: np.ndarray) -> np.ndarray:
    """The unit of each of a division's people: ``0..U-1``, at most :data:`UNITS_MAX` units.

    Units are teams (``org.team``); while there are too many, each team is merged into its
    manager's team; if that no longer shrinks the count by a quarter (a chain of command, or no
    hierarchy), the people are cut into :data:`UNITS_MAX` blocks in index order instead.
    """
    unit = org.team[people].astype(np.int64)
    count = np.unique(unit).size
    while count > UNITS_MAX:
        parent = org.team[unit].astype(np.int64)
        merged = np.unique(parent).size
        if merged > 0.75 * count:
            unit = np.arange(people.size) * UNITS_MAX // people.size
            break
        unit, count = parent, merged
    return np.unique(unit, return_inverse=True)[1].astype(np.int64)


def sunflower(rank: np.ndarray) -> np.ndarray:
    """Vogel's sunflower: point ``k`` at radius ``sqrt(k + 0.5)``, golden angle apart."""
    radius = np.sqrt(rank + 0.5)
    angle = rank * _GOLDEN_ANGLE
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])


def _drawn_ties(org: Organisation) -> tuple[np.ndarray, np.ndarray]:
    """The ties drawn: every reporting line plus an evenly spaced subset of the cross ties.

    Returns:
        ``(links, cross)``: ``(E, 2)`` int32 endpoints (smaller first, sorted) and whether each
        crosses divisions.
    """
    ties = org.tie_type
    rows = np.repeat(np.arange(org.n), np.diff(ties.indptr))
    cols = np.asarray(ties.indices, dtype=np.int64)
    upper = rows < cols
    rows, cols, code = rows[upper], cols[upper], np.asarray(ties.data)[upper]
    crosses = org.division[rows] != org.division[cols]
    reporting = np.flatnonzero(code == TIE_REPORTING)
    others = np.flatnonzero(crosses & (code != TIE_REPORTING))
    cap = max(CROSS_LINKS_MAX, org.n // 8)
    if others.size > cap:
        others = others[np.unique(np.linspace(0, others.size - 1, cap).astype(np.int64))]
    chosen = np.union1d(reporting, others)
    links = np.column_stack([rows[chosen], cols[chosen]]).astype(np.int32).reshape(-1, 2)
    return links, crosses[chosen]


def option_xy(points: np.ndarray) -> np.ndarray:
    """Layout coordinates to the per-person option's: integer thousandths (:data:`UNIT`)."""
    return np.rint(np.asarray(points, dtype=np.float64) * UNIT).astype(np.int64)


def aggregated_geometry(n_div: int, n_live: int) -> tuple[np.ndarray, float, np.ndarray]:
    """Cell positions ``(D, 5, 2)``, the headers' height and the communities' places."""
    col = np.arange(n_div, dtype=np.float64)
    cells = np.stack(np.broadcast_arrays(col[:, None], np.arange(N_RUNGS) * ROW), axis=-1)
    header = N_RUNGS * ROW
    left, right = (-0.5, n_div - 0.5)
    xs = (np.linspace(left, right, n_live + 2)[1:-1] if n_live else np.zeros(0))
    communities = np.column_stack([xs, np.full(n_live, header + 1.5 * ROW)])
    return cells, header, communities
