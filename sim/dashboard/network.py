"""The organisation drawn as a network: who is engaged, what they know, where communities sit.

Three renderings of one picture, like the race's charts (:mod:`sim.dashboard.charts`):
:func:`network_option` is the ECharts option the browser draws for the current week,
:func:`network_figure` the same picture as a matplotlib figure (the PNG export), and
:func:`network_table` the data behind it (the CSV export).

Where people are drawn is worked out once per organisation by :func:`compute_layout` and never
changes during a run, so that from one week to the next only the colours move:

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

Above :data:`AGGREGATE_ABOVE` people no one is drawn on their own: the picture is then a grid of
divisions (columns) by engagement rungs (rows), each cell sized by its headcount, with the live
communities above it, linked to the divisions their members come from.

Divisions are numbered from 0, as in every other result of the library (``knowledge_div_0``).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

import matplotlib as mpl
import networkx as nx
import numpy as np
import scipy.sparse as sp
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.colors import (
    BoundaryNorm,
    LinearSegmentedColormap,
    ListedColormap,
    Normalize,
    to_hex,
)
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle
from scipy.spatial import cKDTree

from sim.engine.metrics import knowledge_scores
from sim.engine.state import Engagement, Status
from sim.org.generator import TIE_REPORTING, Organisation

__all__ = [
    "AGGREGATE_ABOVE",
    "COLOUR_BY",
    "ENGAGEMENT_COLOURS",
    "ENGAGEMENT_LABELS",
    "KNOWLEDGE_BINS",
    "KNOWLEDGE_COLOURS",
    "SPANNER_LABEL",
    "SPANNER_SYMBOL",
    "Layout",
    "compute_layout",
    "network_figure",
    "network_option",
    "network_table",
]

AGGREGATE_ABOVE = 2000
"""Largest organisation drawn person by person; above it the aggregated view is drawn."""

COLOUR_BY = ("engagement", "knowledge")
"""What the people's colour can show."""

ENGAGEMENT_LABELS = ("not aware", "aware", "lurker", "contributor", "champion")
"""The rungs of the engagement ladder in words, in the order of :class:`sim.engine.state.Engagement`."""

ENGAGEMENT_COLOURS = ("#d0d0d0", "#a6cee3", "#1f78b4", "#f28e2b", "#b2182b")
"""Colour of each rung: grey for not aware, blues for looking on, warm for taking an active part."""

KNOWLEDGE_COLOURS = ("#762a83", "#c8c8c8", "#1b7837")
"""Knowledge from -1 (all beliefs wrong, purple) through 0 (grey) to 1 (all right, green)."""

KNOWLEDGE_BINS = 7
"""Colour classes of knowledge in the ECharts picture: equal bins from -1 to 1."""

SPANNER_LABEL = "boundary spanner"
SPANNER_SYMBOL = "diamond"
COMMUNITY_SYMBOL = "rect"
COMMUNITY_LABELS = {Status.ACTIVE: "active community", Status.FORMING: "forming community"}
COMMUNITY_COLOURS = {Status.ACTIVE: "#e6ab02", Status.FORMING: "#fff2ae"}

CIRCLE_MAX = 8
"""Most divisions placed on a circle; more go on a grid."""

UNITS_MAX = 300
"""Most units (teams) one force-directed layout places; networkx's dense solver is fast there."""

CROSS_LINKS_MAX = 120
"""Cross-division ties drawn at least (if there are so many); ``n / 8`` when that is more."""

GAP = 0.35
"""Space between two division discs, in radii of the largest division."""

_ITERATIONS = 50
_PICTURE_PX = 280.0
"""About how many pixels the discs span in the dashboard's picture (see :func:`_frame`)."""
_CARD_PX = (400.0, 420.0)
"""Width and height (px) of the narrowest card of the dashboard the per-person picture fits (it
is centred in a wider one): two cards side by side are about 410 pixels wide next to the
controls in a 1280-pixel window."""
_ROW_PX = 18
"""Height (px) of a row of the legend: three rows below the drawing."""
_TOP_PX, _BOTTOM_PX, _SIDE_PX = 64.0, 3.0 * _ROW_PX + 6.0, 8.0
"""Room left for the title and the subtitle's two lines above the drawing, the legend below it,
and at the card's sides (px)."""
_LABEL_PX, _EDGE_PX = 22.0, 7.0
"""Room (px) in the drawing above the discs (for the top division's label) and around them
(for the symbols)."""
_UNIT = 1000
"""Coordinates of the per-person option are the layout's in integer thousandths (of the largest
division's radius: well under a pixel); integers go to JSON twice as fast as floats."""
_SCREEN = 100.0
"""ECharts coordinates of the aggregated view (a ``graph`` series) are the layout's times this,
y flipped (on the layout's own scale, a few units across, ECharts draws links in the wrong
places)."""
_ZOOM = 0.8
"""The aggregated picture's zoom, leaving room for the title above and the legend below."""
_SEPARATE_MAX = 200
_GOLDEN_ANGLE = math.pi * (3.0 - math.sqrt(5.0))
_ROW = 0.6
"""Distance between two engagement rows of the aggregated view (columns are 1 apart)."""
_CELL_MIN, _CELL_SPAN = 6.0, 36.0
"""Symbol size (px) of the aggregated view's cells: from the smallest to the fullest cell."""
_LINK_COLOUR = "#9a9a9a"
_CROSS_COLOUR = "#e08a3c"
_TEXT_COLOUR = "#333333"
_EDGE_COLOUR = "#222222"
_HEADER_COLOUR = "#6b6b6b"
_SPANNER_COLOUR = "#555555"
_N_RUNGS = len(ENGAGEMENT_LABELS)
_KNOWLEDGE_CMAP = LinearSegmentedColormap.from_list("knowledge", KNOWLEDGE_COLOURS)
_KNOWLEDGE_NORM = Normalize(-1.0, 1.0)
_KNOWLEDGE_EDGES = np.linspace(-1.0, 1.0, KNOWLEDGE_BINS + 1)
_KNOWLEDGE_BIN_COLOURS = tuple(to_hex(_KNOWLEDGE_CMAP(_KNOWLEDGE_NORM(v)))
                               for v in np.linspace(-1.0, 1.0, KNOWLEDGE_BINS).tolist())
"""Colour of each knowledge bin: evenly spread over the colour map, from its purple end (-1) to
its green end (1), so that neighbouring bins differ as much as they can."""


def _short(value: float) -> str:
    """``-1``, ``-0.71``, ``0.14``: two decimals at most, no trailing zeros, no ``-0``."""
    text = f"{value + 0.0:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


_KNOWLEDGE_BIN_LABELS = tuple(
    f"{'knowledge ' if lo == -1.0 else ''}{_short(lo)} to {_short(hi)}"
    for lo, hi in zip(_KNOWLEDGE_EDGES[:-1].tolist(), _KNOWLEDGE_EDGES[1:].tolist(), strict=True))
"""``knowledge -1 to -0.71``, ``-0.71 to -0.43``, ..., ``0.71 to 1``: the legend's words."""
_STATUS_CATEGORY = {Status.ACTIVE: _N_RUNGS, Status.FORMING: _N_RUNGS + 1}


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
    _x: tuple[int, ...] = field(default=(), repr=False)
    _y: tuple[int, ...] = field(default=(), repr=False)
    _names: tuple[str, ...] = field(default=(), repr=False)
    _ties: tuple[str, str] = field(default=("[]", "[]"), repr=False)
    """The data of the ECharts ``lines`` series of the ties drawn inside divisions, then of those
    across them, as JSON text (each option gets a fresh copy: ``json.loads`` makes one about
    three times faster than building the lists)."""

    def __repr__(self) -> str:
        view = "aggregated" if self.aggregated else f"{self.links.shape[0]} ties drawn"
        return f"Layout(n={self.n}, divisions={self.n_divisions}, seed={self.seed}, {view})"


# ---------------------------------------------------------------------------------- layout


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
    place = _option_xy(xy)
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
                  label_person=label_person, spanners=spanners, _x=tuple(place[:, 0].tolist()),
                  _y=tuple(place[:, 1].tolist()), _names=names, _ties=ties)


def _screen(points: np.ndarray) -> np.ndarray:
    """Layout coordinates to ECharts ones: scaled by :data:`_SCREEN`, y down, 0.1 precision."""
    return np.round(np.asarray(points, dtype=np.float64).reshape(-1, 2) * [_SCREEN, -_SCREEN],
                    1) + 0.0


def _view(low: np.ndarray, high: np.ndarray) -> dict:
    """Zoom and centre of the picture spanning ``low..high`` (layout coordinates).

    ECharts fits the nodes' box into 80 % of the chart, keeping its aspect; the zoom shrinks it
    about the centre, which sits a little above the box's middle so that the picture is drawn
    a little lower, below the title.
    """
    centre = _screen([(low + high) / 2.0 + [0.0, 0.04 * float(high[1] - low[1])]])[0]
    return {"zoom": _ZOOM, "center": centre.tolist()}


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
    xy = place[unit] + step * _sunflower(rank)
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


def _sunflower(rank: np.ndarray) -> np.ndarray:
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


# ----------------------------------------------------------------------------- the week's state


@dataclass(frozen=True)
class _Week:
    """What the picture shows of the current week, computed in whole-array operations."""

    week: int
    division: np.ndarray
    engagement: np.ndarray
    knowledge: np.ndarray
    live: np.ndarray
    """Indices of the live communities."""
    members: np.ndarray
    """``(n, L)`` bool membership of the live communities."""
    sizes: np.ndarray
    status: np.ndarray
    official: np.ndarray
    dormant: int


def _week(model: Any, layout: Layout) -> _Week:
    """The current week of ``model``, checked against the layout's organisation (by size)."""
    if model.org.n != layout.n or model.org.n_divisions != layout.n_divisions:
        raise ValueError(f"the layout was computed for another organisation ({layout.n} people "
                         f"in {layout.n_divisions} divisions; this one has {model.org.n} in "
                         f"{model.org.n_divisions})")
    state = model.state
    e, c = state.employees, state.communities
    live = np.flatnonzero(c.live)
    members = c.members[:, live]
    return _Week(
        week=int(state.step),
        division=e.division.astype(np.int64),
        engagement=e.engagement.astype(np.int64),
        knowledge=knowledge_scores(e.beliefs, state.world.reality),
        live=live,
        members=members,
        sizes=members.sum(axis=0).astype(np.int64),
        status=c.status[live].astype(np.int64),
        official=c.official[live].copy(),
        dormant=int(np.count_nonzero(c.used & (c.status == Status.DORMANT))),
    )


def _community_names(week: _Week) -> list[str]:
    """``Community 3: active, 25 members`` (``Unofficial group 3: ...``) for each live one."""
    return [f"{'Community' if o else 'Unofficial group'} {c}: {Status(s)}, {k} members"
            for c, o, s, k in zip(week.live.tolist(), week.official.tolist(),
                                  week.status.tolist(), week.sizes.tolist(), strict=True)]


def _community_places(week: _Week, layout: Layout) -> np.ndarray:
    """``(L, 2)``: each live community at the centroid of its members, pushed apart to be seen.

    Communities without members sit at the middle of the picture. Where two communities' squares
    would overlap (their sizes read as a share of a picture about :data:`_PICTURE_PX` pixels
    across), they are pushed apart in a few rounds of pairwise repulsion (up to
    :data:`_SEPARATE_MAX` communities).
    """
    assert layout.xy is not None
    xy = layout.xy
    middle = xy.mean(axis=0) if xy.size else np.zeros(2)
    total = week.members.T.astype(np.float64) @ xy
    with np.errstate(invalid="ignore", divide="ignore"):
        place = np.where(week.sizes[:, None] > 0, total / week.sizes[:, None], middle)
    if 1 < place.shape[0] <= _SEPARATE_MAX:
        low = (layout.centres - layout.radius[:, None]).min(axis=0)
        high = (layout.centres + layout.radius[:, None]).max(axis=0)
        per_px = float((high - low).max()) / _PICTURE_PX
        half = 0.5 * _community_size(week.sizes) * per_px
        place = _separate(place, half[:, None] + half[None, :] + 2.0 * per_px)
    return place


def _separate(place: np.ndarray, apart: np.ndarray, rounds: int = 40) -> np.ndarray:
    """Push points apart until each pair ``i, j`` is at least ``apart[i, j]`` apart (or give up).

    Deterministic: points at the same place are first moved by a tiny sunflower offset.
    """
    p = place + 1e-6 * _sunflower(np.arange(place.shape[0]))
    for _ in range(rounds):
        diff = p[:, None, :] - p[None, :, :]
        dist = np.hypot(diff[..., 0], diff[..., 1])
        np.fill_diagonal(dist, np.inf)
        short = np.clip(apart - dist, 0.0, None)
        if not short.any():
            break
        p = p + 0.5 * (diff * (short / dist)[..., None]).sum(axis=1)
    return p


def _community_size(members: np.ndarray) -> np.ndarray:
    """Symbol size (px) of a community: grows with the square root of its members."""
    return np.minimum(6.0 + 1.5 * np.sqrt(members), 28.0)


def _person_size(n: int) -> float:
    """Symbol size (px) of a person: smaller in larger organisations."""
    return float(min(8.0, max(4.0, round(16.0 - 3.3 * math.log10(max(n, 1))))))


def _subtitle(week: _Week, n: int, sep: str = "; ") -> str:
    """``Week 3: 40 of 1000 people taking part; communities: 2 active, ...``, ``sep`` between."""
    taking_part = int(np.count_nonzero(week.engagement >= Engagement.LURKER))
    active = int(np.count_nonzero(week.status == Status.ACTIVE))
    forming = int(np.count_nonzero(week.status == Status.FORMING))
    return (f"Week {week.week}: {taking_part} of {n} people taking part{sep}communities: "
            f"{active} active, {forming} forming, {week.dormant} dormant (not drawn)")


def _check_colour_by(colour_by: str) -> None:
    if colour_by not in COLOUR_BY:
        raise ValueError(f"colour_by = {colour_by!r} is not allowed; allowed: one of "
                         + ", ".join(repr(c) for c in COLOUR_BY))


# ---------------------------------------------------------------------------------- ECharts


def network_option(model: Any, layout: Layout, colour_by: str = "engagement",
                   title: str = "") -> dict:
    """The ECharts option of the organisation in the model's current week.

    Person by person (``n <= AGGREGATE_ABOVE``): a hidden cartesian grid whose axis ranges come
    from the layout alone, so that the picture never moves and keeps its aspect (it is laid out
    for the dashboard's card, :data:`_CARD_PX`). On it, one ``scatter`` series per colour class
    holds the people of that class at their layout positions, in ECharts' large mode: the
    engagement rungs, or with ``colour_by="knowledge"`` :data:`KNOWLEDGE_BINS` equal bins of
    knowledge from -1 to 1 (a legend entry each; a ``visualMap`` cannot colour large series).
    Boundary spanners form a series of their own, diamonds filled with their class's colour;
    each division's name is written above its disc; each live community is a square at the
    centroid of its members, sized by its members, in one series per status. Dormant communities
    are not drawn (the subtitle counts them). The ties drawn are the layout's, as two silent
    ``lines`` series (inside divisions grey, across them orange). Hovering a person, spanner or
    community shows who or what it is and its state.

    Aggregated (``n > AGGREGATE_ABOVE``): one node per division and rung (columns: divisions,
    rows: rungs, ``value`` the headcount, or the mean knowledge when coloured by knowledge), a
    header node per division, and one node per live community linked to the headers of the
    divisions its members come from (the wider, the more members).

    The option holds only plain ``dict``/``list``/``str``/``int``/``float``/``bool`` values (no
    NaN), with animation off, and shares nothing mutable with the layout.

    Args:
        model: A :class:`sim.engine.model.LearningModel` of the layout's organisation.
        layout: Its layout (:func:`compute_layout`).
        colour_by: ``"engagement"`` or ``"knowledge"``.
        title: Title shown above the picture.

    Returns:
        The option for ``solara.FigureEcharts(option=...)``.

    Raises:
        ValueError: For another ``colour_by``, or a layout of another organisation.
    """
    _check_colour_by(colour_by)
    week = _week(model, layout)
    option: dict[str, Any] = {
        "animation": False,
        "title": {"text": title, "subtext": _subtitle(week, layout.n, "\n"), "left": "center",
                  "itemGap": 4, "textStyle": {"fontSize": 14},
                  "subtextStyle": {"fontSize": 11, "lineHeight": 14}},
        "tooltip": {"trigger": "item", "formatter": "{b}"},
    }
    if not layout.aggregated:
        option.update(_person_view(week, layout, colour_by))
        return option
    series, legend = _aggregated_series(week, layout, colour_by)
    option["legend"] = _legend_box(legend)
    option["series"] = [series]
    if colour_by == "knowledge":
        option["visualMap"] = {
            "type": "continuous", "min": -1, "max": 1, "seriesIndex": 0, "calculable": False,
            "text": ["knowledge 1", "-1"], "inRange": {"color": list(KNOWLEDGE_COLOURS)},
            "orient": "vertical", "right": 4, "top": "middle", "itemHeight": 120,
            "textStyle": {"fontSize": 11}}
    return option


def _legend_box(data: list[dict], **place: Any) -> dict:
    """A legend of ``data``; at the bottom, centred, unless ``place`` says otherwise."""
    return {"data": data, "type": "scroll", **(place or {"bottom": 0}), "itemWidth": 10,
            "itemHeight": 10, "itemGap": 6, "textStyle": {"fontSize": 10}}


def _categories() -> list[dict]:
    """The aggregated graph's categories: the five rungs, then the statuses of a community."""
    rungs = [{"name": label, "itemStyle": {"color": colour}}
             for label, colour in zip(ENGAGEMENT_LABELS, ENGAGEMENT_COLOURS, strict=True)]
    communities = [{"name": COMMUNITY_LABELS[s], "symbol": COMMUNITY_SYMBOL,
                    "itemStyle": {"color": COMMUNITY_COLOURS[s], "borderColor": _EDGE_COLOUR,
                                  "borderWidth": 1}}
                   for s in (Status.ACTIVE, Status.FORMING)]
    return rungs + communities


def _legend(colour_by: str) -> list[dict]:
    rungs = ([{"name": label, "icon": "circle"} for label in ENGAGEMENT_LABELS]
             if colour_by == "engagement" else [])
    return [*rungs, {"name": SPANNER_LABEL, "icon": SPANNER_SYMBOL},
            *({"name": COMMUNITY_LABELS[s], "icon": COMMUNITY_SYMBOL}
              for s in (Status.ACTIVE, Status.FORMING))]


def _knowledge_bin(knowledge: np.ndarray) -> np.ndarray:
    """The colour class ``0..KNOWLEDGE_BINS-1`` of each knowledge score (-1 to 1)."""
    inner = _KNOWLEDGE_EDGES[1:-1]
    return np.searchsorted(inner, np.asarray(knowledge, dtype=np.float64), side="right")


def _frame(layout: Layout) -> tuple[dict, dict, dict]:
    """The hidden grid and its two axes: the layout's discs at one scale on both axes.

    The drawing is as large as the narrowest card (:data:`_CARD_PX`) allows between the title
    and the legend, with room above the discs for the top division's label, and centred; the
    axis ranges make a unit of the layout as many pixels across as up.
    """
    low = (layout.centres - layout.radius[:, None]).min(axis=0)
    high = (layout.centres + layout.radius[:, None]).max(axis=0)
    span = np.maximum(high - low, 1e-6)
    room_w = _CARD_PX[0] - 2.0 * _SIDE_PX
    room_h = _CARD_PX[1] - _TOP_PX - _BOTTOM_PX
    scale = min((room_w - 2.0 * _EDGE_PX) / float(span[0]),
                (room_h - _EDGE_PX - _LABEL_PX) / float(span[1]))  # px per unit
    width = float(span[0]) * scale + 2.0 * _EDGE_PX
    height = float(span[1]) * scale + _EDGE_PX + _LABEL_PX
    grid = {"show": False, "left": "center", "width": round(width, 1),
            "height": round(height, 1), "top": round(_TOP_PX + (room_h - height) / 2.0, 1)}
    edge, label = _EDGE_PX / scale, _LABEL_PX / scale

    def axis(lo: float, hi: float) -> dict:
        return {"type": "value", "show": False, "min": round(lo * _UNIT, 1),
                "max": round(hi * _UNIT, 1)}

    (x0, y0), (x1, y1) = low.tolist(), high.tolist()
    return grid, axis(x0 - edge, x1 + edge), axis(y0 - edge, y1 + label)


def _option_xy(points: np.ndarray) -> np.ndarray:
    """Layout coordinates to the per-person option's: integer thousandths (:data:`_UNIT`)."""
    return np.rint(np.asarray(points, dtype=np.float64) * _UNIT).astype(np.int64)


def _person_view(week: _Week, layout: Layout, colour_by: str) -> dict:
    """Grid, axes, series and legends of the person-by-person view."""
    knowledge = colour_by == "knowledge"
    if knowledge:
        colour_class, labels, colours = (_knowledge_bin(week.knowledge), _KNOWLEDGE_BIN_LABELS,
                                         _KNOWLEDGE_BIN_COLOURS)
    else:
        colour_class, labels, colours = week.engagement, ENGAGEMENT_LABELS, ENGAGEMENT_COLOURS
    rung_words = [f", {label}, knowledge " for label in ENGAGEMENT_LABELS]
    score = (np.round(week.knowledge, 2) + 0.0).tolist()  # + 0.0: no "-0.00"
    people = [{"name": f"{p}{rung_words[r]}{k:+.2f}", "value": [x, y]}
              for p, r, k, x, y in zip(layout._names, week.engagement.tolist(), score,
                                       layout._x, layout._y, strict=True)]
    spanner = np.zeros(layout.n, bool)
    spanner[list(layout.spanners)] = True
    size = _person_size(layout.n)
    series: list[dict] = [
        {"type": "lines", "name": name, "coordinateSystem": "cartesian2d", "silent": True,
         "large": True, "largeThreshold": 1, "data": json.loads(ties),
         "lineStyle": {"color": colour, "width": 0.6, "opacity": opacity}}
        for name, ties, colour, opacity in (("ties", layout._ties[0], _LINK_COLOUR, 0.45),
                                            ("cross-division ties", layout._ties[1],
                                             _CROSS_COLOUR, 0.35))]
    series += [
        {"type": "scatter", "name": label, "large": True, "largeThreshold": 1,
         "symbol": "circle", "symbolSize": size, "itemStyle": {"color": colour, "opacity": 1},
         "data": [people[i] for i in np.flatnonzero((colour_class == c) & ~spanner).tolist()]}
        for c, (label, colour) in enumerate(zip(labels, colours, strict=True))]
    series.append({
        "type": "scatter", "name": SPANNER_LABEL, "symbol": SPANNER_SYMBOL,
        "symbolSize": size + 4.0,
        "itemStyle": {"color": _SPANNER_COLOUR, "borderColor": _EDGE_COLOUR, "borderWidth": 0.8,
                      "opacity": 1},
        "emphasis": {"scale": 1.4},
        "data": [{**people[i], "itemStyle": {"color": colours[k]}}
                 for i, k in zip(layout.spanners,
                                 colour_class[list(layout.spanners)].tolist(), strict=True)]})
    places = _option_xy(_community_places(week, layout))
    status = week.status.tolist()
    communities = list(zip(_community_names(week), places.tolist(), status,
                           np.round(_community_size(week.sizes), 1).tolist(), strict=True))
    series += [
        {"type": "scatter", "name": COMMUNITY_LABELS[s], "symbol": COMMUNITY_SYMBOL,
         "itemStyle": {"color": COMMUNITY_COLOURS[s], "borderColor": _EDGE_COLOUR,
                       "borderWidth": 1, "opacity": 1},
         "emphasis": {"scale": 1.2},
         "data": [{"name": name, "value": place, "symbolSize": k}
                  for name, place, t, k in communities if t == s]}
        for s in (Status.ACTIVE, Status.FORMING)]
    series.append(_division_labels(layout))
    grid, x_axis, y_axis = _frame(layout)
    classes = [{"name": label, "icon": "circle"} for label in labels]
    half = (len(classes) + 1) // 2
    rows = [classes[:half], classes[half:]] if knowledge else [classes]  # a row fits 400 px
    legend = [_legend_box(row, bottom=2 + (len(rows) - r) * _ROW_PX)
              for r, row in enumerate(rows)]
    legend.append(_legend_box([{"name": SPANNER_LABEL, "icon": SPANNER_SYMBOL},
                               *({"name": COMMUNITY_LABELS[s], "icon": COMMUNITY_SYMBOL}
                                 for s in (Status.ACTIVE, Status.FORMING))], bottom=2))
    return {"grid": grid, "xAxis": x_axis, "yAxis": y_axis, "legend": legend, "series": series}


def _division_labels(layout: Layout) -> dict:
    """A silent series of invisible points, one atop each division's disc, carrying its name."""
    top = layout.centres + np.column_stack([np.zeros_like(layout.radius), layout.radius])
    points = _option_xy(top)
    return {"type": "scatter", "name": "divisions", "silent": True, "symbolSize": 0,
            "tooltip": {"show": False},
            "label": {"show": True, "formatter": "{b}", "position": "top", "distance": 4,
                      "fontSize": 12, "fontWeight": "bold", "color": _TEXT_COLOUR,
                      "textBorderColor": "#ffffff", "textBorderWidth": 2},
            "data": [{"name": f"Division {d}", "value": p}
                     for d, p in enumerate(points.tolist())]}


def _cells(week: _Week, n_div: int) -> tuple[np.ndarray, np.ndarray]:
    """Headcount and mean knowledge of each (division, rung) cell, ``(D, 5)`` each."""
    key = week.division * _N_RUNGS + week.engagement
    count = np.bincount(key, minlength=n_div * _N_RUNGS).reshape(n_div, _N_RUNGS)
    total = np.bincount(key, weights=week.knowledge,
                        minlength=n_div * _N_RUNGS).reshape(n_div, _N_RUNGS)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, total / np.maximum(count, 1), 0.0)
    return count, mean


def _by_division(week: _Week, n_div: int) -> np.ndarray:
    """``(L, D)`` members of each live community from each division."""
    division = week.division
    onehot = sp.csr_array((np.ones(division.size, np.float32),
                           (division, np.arange(division.size))), shape=(n_div, division.size))
    return np.rint(onehot @ week.members.astype(np.float32)).astype(np.int64).T


def _aggregated_geometry(n_div: int, n_live: int) -> tuple[np.ndarray, float, np.ndarray]:
    """Cell positions ``(D, 5, 2)``, the headers' height and the communities' places."""
    col = np.arange(n_div, dtype=np.float64)
    cells = np.stack(np.broadcast_arrays(col[:, None], np.arange(_N_RUNGS) * _ROW), axis=-1)
    header = _N_RUNGS * _ROW
    left, right = (-0.5, n_div - 0.5)
    xs = (np.linspace(left, right, n_live + 2)[1:-1] if n_live else np.zeros(0))
    communities = np.column_stack([xs, np.full(n_live, header + 1.5 * _ROW)])
    return cells, header, communities


def _aggregated_series(week: _Week, layout: Layout, colour_by: str) -> tuple[dict, list[dict]]:
    """The graph series of the aggregated view, and its legend."""
    n_div = layout.n_divisions
    count, mean = _cells(week, n_div)
    by_div = _by_division(week, n_div)
    cells, header, places = _aggregated_geometry(n_div, week.live.size)
    biggest = max(int(count.max()), 1)
    size = np.where(count > 0, _CELL_MIN + _CELL_SPAN * np.sqrt(count / biggest), 2.0)
    knowledge = colour_by == "knowledge"
    nodes: list[dict] = []
    for d, r, c, k, s, (x, y) in zip(
            np.repeat(np.arange(n_div), _N_RUNGS).tolist(), np.tile(np.arange(_N_RUNGS),
                                                                   n_div).tolist(),
            count.ravel().tolist(), np.round(mean, 3).ravel().tolist(),
            np.round(size, 1).ravel().tolist(), _screen(cells).tolist(), strict=True):
        node: dict[str, Any] = {
            "name": f"Division {d}, {ENGAGEMENT_LABELS[r]}: {c} people"
                    + (f", mean knowledge {k:+.2f}" if c else ""),
            "x": x, "y": y, "symbolSize": s}
        if knowledge:
            node["value"] = k
            if c == 0:
                node["visualMap"] = False
                node["itemStyle"] = {"color": "#eeeeee"}
        else:
            node["value"], node["category"] = c, r
        node["itemStyle"] = {**node.get("itemStyle", {}), "borderColor": "#8c8c8c",
                             "borderWidth": 0.6}
        if d == 0:
            node["label"] = {"show": True, "position": "left", "distance": 28,
                             "formatter": ENGAGEMENT_LABELS[r], "color": _TEXT_COLOUR}
        nodes.append(node)
    heads = count.sum(axis=1).tolist()
    first_header = len(nodes)
    for d, people in enumerate(heads):
        x, y = _screen([(d, header)])[0].tolist()
        nodes.append({"name": f"Division {d}: {people} people", "x": x, "y": y,
                      "symbol": "roundRect", "symbolSize": [66, 18], "visualMap": False,
                      "itemStyle": {"color": _HEADER_COLOUR},
                      "label": {"show": True, "position": "inside", "formatter": f"Division {d}",
                                "color": "#ffffff", "fontSize": 10}})
    links: list[dict] = []
    widest = max(int(by_div.max()) if by_div.size else 0, 1)
    for j, (name, s, k, (x, y)) in enumerate(zip(
            _community_names(week), week.status.tolist(),
            _community_size(week.sizes).tolist(), _screen(places).tolist(), strict=True)):
        node = {"name": name, "x": x, "y": y, "category": _STATUS_CATEGORY[Status(s)],
                "symbolSize": round(k, 1)}
        if knowledge:
            node["visualMap"] = False
        source = len(nodes)
        nodes.append(node)
        for d in np.flatnonzero(by_div[j]).tolist():
            width = round(0.5 + 5.5 * int(by_div[j, d]) / widest, 2)
            links.append({"source": source, "target": first_header + d,
                          "lineStyle": {"width": width}})
    series = {
        "type": "graph", "name": "organisation", "layout": "none", "roam": True,
        "data": nodes, "links": links, "categories": _categories(),
        "lineStyle": {"color": _LINK_COLOUR, "opacity": 0.5},
        "label": {"show": False}, "emphasis": {"scale": 1.2, "label": {"show": False}},
        **_view(np.array([-1.0, 0.0]), np.array([n_div - 0.5, header + 1.5 * _ROW])),
    }
    legend = [item for item in _legend(colour_by) if item["name"] != SPANNER_LABEL]
    return series, legend


# ------------------------------------------------------------------------------------ table


def network_table(model: Any, layout: Layout) -> list[dict]:
    """The data behind the picture of the current week, one dictionary per row (for a CSV).

    Person by person: ``person`` (the position, as in the picture), ``person_id`` (who holds it
    now; turnover changes it), ``division``, ``x``, ``y`` (the layout's position, y up),
    ``engagement`` (the rung in words), ``knowledge`` (March's score, -1 to 1),
    ``is_spanner`` and ``communities`` (how many live communities the person belongs to).

    Aggregated: ``division``, ``engagement``, ``count`` and ``mean_knowledge`` (``None`` for
    an empty cell), one row per division and rung.

    Args:
        model: A :class:`sim.engine.model.LearningModel` of the layout's organisation.
        layout: Its layout (:func:`compute_layout`).

    Raises:
        ValueError: For a layout of another organisation.
    """
    week = _week(model, layout)
    if layout.aggregated:
        count, mean = _cells(week, layout.n_divisions)
        return [{"division": d, "engagement": ENGAGEMENT_LABELS[r], "count": c,
                 "mean_knowledge": round(k, 4) if c else None}
                for d, r, c, k in zip(np.repeat(np.arange(layout.n_divisions), _N_RUNGS).tolist(),
                                      np.tile(np.arange(_N_RUNGS), layout.n_divisions).tolist(),
                                      count.ravel().tolist(), mean.ravel().tolist(),
                                      strict=True)]
    assert layout.xy is not None
    xy = np.round(layout.xy, 4)
    spanner = np.zeros(layout.n, bool)
    spanner[list(layout.spanners)] = True
    return [{"person": i, "person_id": p, "division": d, "x": x, "y": y,
             "engagement": ENGAGEMENT_LABELS[r], "knowledge": k, "is_spanner": s,
             "communities": c}
            for i, p, d, x, y, r, k, s, c in zip(
                range(layout.n), model.state.employees.person_id.tolist(),
                week.division.tolist(), xy[:, 0].tolist(), xy[:, 1].tolist(),
                week.engagement.tolist(), np.round(week.knowledge, 4).tolist(),
                spanner.tolist(), week.members.sum(axis=1).tolist(), strict=True)]


# ------------------------------------------------------------------------------- matplotlib

DPI = 120
_STYLE = {"font.size": 9, "legend.fontsize": 8, "figure.facecolor": "white",
          "savefig.facecolor": "white"}


def network_figure(model: Any, layout: Layout, colour_by: str = "engagement",
                   title: str = "") -> Figure:
    """The picture of :func:`network_option` as a matplotlib figure (for the PNG export).

    Drawn on a :class:`matplotlib.figure.Figure` with the Agg canvas, never pyplot, so no global
    state changes. Divisions are drawn as faint discs, labelled above.

    Args:
        model: A :class:`sim.engine.model.LearningModel` of the layout's organisation.
        layout: Its layout (:func:`compute_layout`).
        colour_by: ``"engagement"`` or ``"knowledge"``.
        title: Title of the figure.

    Returns:
        The figure; ``fig.savefig(buffer, format="png")`` writes the PNG.

    Raises:
        ValueError: For another ``colour_by``, or a layout of another organisation.
    """
    _check_colour_by(colour_by)
    week = _week(model, layout)
    knowledge = colour_by == "knowledge"
    with mpl.rc_context(_STYLE):
        fig = Figure(figsize=(9.0, 7.5), dpi=DPI)
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0.02, 0.12, 0.82 if knowledge else 0.96, 0.78))
        ax.set_axis_off()
        if layout.aggregated:
            _draw_aggregated(ax, week, layout, knowledge)
        else:
            _draw_people(ax, week, layout, knowledge)
        ax.set_aspect("equal", adjustable="box")
        fig.suptitle(title, y=0.975, fontsize=12)
        fig.text(0.5, 0.925, _subtitle(week, layout.n), ha="center", fontsize=9,
                 color="#555555")
        fig.legend(handles=_legend_handles(knowledge, layout.aggregated), loc="lower center",
                   ncol=4, frameon=False)
        if knowledge:
            cax = fig.add_axes((0.86, 0.3, 0.02, 0.4))
            scale = (mpl.cm.ScalarMappable(_KNOWLEDGE_NORM, _KNOWLEDGE_CMAP) if layout.aggregated
                     else mpl.cm.ScalarMappable(
                         BoundaryNorm(_KNOWLEDGE_EDGES, KNOWLEDGE_BINS),
                         ListedColormap(_KNOWLEDGE_BIN_COLOURS)))
            bar = fig.colorbar(scale, cax=cax)
            bar.set_label("knowledge (-1: all wrong, 1: all right)")
    return fig


def _legend_handles(knowledge: bool, aggregated: bool) -> list[Line2D]:
    def handle(marker: str, colour: str, label: str) -> Line2D:
        return Line2D([], [], ls="", marker=marker, markersize=7, markerfacecolor=colour,
                      markeredgecolor=_EDGE_COLOUR if marker != "o" else colour, label=label)

    handles = ([] if knowledge else
               [handle("o", c, label) for label, c in zip(ENGAGEMENT_LABELS, ENGAGEMENT_COLOURS,
                                                          strict=True)])
    if not aggregated:
        handles.append(handle("D", "#555555", SPANNER_LABEL))
    handles += [handle("s", COMMUNITY_COLOURS[s], COMMUNITY_LABELS[s])
                for s in (Status.ACTIVE, Status.FORMING)]
    return handles


def _people_colours(week: _Week, knowledge: bool) -> np.ndarray:
    if knowledge:
        # the page's colour classes, so that the export shows what the page shows
        return mpl.colors.to_rgba_array(_KNOWLEDGE_BIN_COLOURS)[_knowledge_bin(week.knowledge)]
    return np.asarray(mpl.colors.to_rgba_array(ENGAGEMENT_COLOURS))[week.engagement]


def _status_colours(week: _Week) -> list[str]:
    return [COMMUNITY_COLOURS[Status(s)] for s in week.status.tolist()]


def _draw_people(ax: Any, week: _Week, layout: Layout, knowledge: bool) -> None:
    """The person-by-person picture on ``ax``."""
    assert layout.xy is not None
    xy = layout.xy
    for d, ((cx, cy), r) in enumerate(zip(layout.centres.tolist(), layout.radius.tolist(),
                                          strict=True)):
        ax.add_patch(Circle((cx, cy), r * 1.06, facecolor="#f3f3f3", edgecolor="#dddddd",
                            lw=0.8, zorder=0))
        ax.text(cx, cy + r * 1.06 + 0.04, f"Division {d}", ha="center", va="bottom",
                fontsize=9, fontweight="bold", color=_TEXT_COLOUR, zorder=5)
    if layout.links.size:
        colours = np.where(layout.cross[:, None], mpl.colors.to_rgba_array([_CROSS_COLOUR]),
                           mpl.colors.to_rgba_array([_LINK_COLOUR]))
        ax.add_collection(LineCollection(xy[layout.links], colors=colours, linewidths=0.35,
                                         alpha=0.45, zorder=1))
    colours = _people_colours(week, knowledge)
    spanner = np.zeros(layout.n, bool)
    spanner[list(layout.spanners)] = True
    size = (0.75 * _person_size(layout.n)) ** 2
    ax.scatter(xy[~spanner, 0], xy[~spanner, 1], s=size, c=colours[~spanner], marker="o",
               linewidths=0, zorder=2)
    ax.scatter(xy[spanner, 0], xy[spanner, 1], s=size * 2.2, c=colours[spanner], marker="D",
               edgecolors=_EDGE_COLOUR, linewidths=0.5, zorder=3)
    if week.live.size:
        place = _community_places(week, layout)
        ax.scatter(place[:, 0], place[:, 1], s=(0.75 * _community_size(week.sizes)) ** 2,
                   c=_status_colours(week), marker="s", edgecolors=_EDGE_COLOUR,
                   linewidths=0.8, zorder=4)
    low = (layout.centres - layout.radius[:, None]).min(axis=0) - 0.1
    high = (layout.centres + layout.radius[:, None]).max(axis=0) + 0.25
    ax.set_xlim(low[0], high[0])
    ax.set_ylim(low[1], high[1])


def _draw_aggregated(ax: Any, week: _Week, layout: Layout, knowledge: bool) -> None:
    """The aggregated picture on ``ax``."""
    n_div = layout.n_divisions
    count, mean = _cells(week, n_div)
    by_div = _by_division(week, n_div)
    cells, header, places = _aggregated_geometry(n_div, week.live.size)
    biggest = max(int(count.max()), 1)
    px = np.where(count > 0, _CELL_MIN + _CELL_SPAN * np.sqrt(count / biggest), 2.0).ravel()
    if knowledge:
        colours = _KNOWLEDGE_CMAP(_KNOWLEDGE_NORM(mean.ravel()))
        colours[count.ravel() == 0] = mpl.colors.to_rgba("#eeeeee")
    else:
        colours = np.asarray(mpl.colors.to_rgba_array(ENGAGEMENT_COLOURS))[
            np.tile(np.arange(_N_RUNGS), n_div)]
    flat = cells.reshape(-1, 2)
    if week.live.size:
        j, d = np.nonzero(by_div)
        widths = 0.5 + 5.5 * by_div[j, d] / max(int(by_div.max()), 1)
        segments = np.stack([places[j], np.column_stack([d.astype(np.float64),
                                                         np.full(d.size, header)])], axis=1)
        ax.add_collection(LineCollection(segments, colors=_LINK_COLOUR, linewidths=widths,
                                         alpha=0.5, zorder=1))
        ax.scatter(places[:, 0], places[:, 1], s=(0.75 * _community_size(week.sizes)) ** 2,
                   c=_status_colours(week), marker="s", edgecolors=_EDGE_COLOUR,
                   linewidths=0.8, zorder=4)
    ax.scatter(flat[:, 0], flat[:, 1], s=(0.75 * px) ** 2, c=colours, marker="o",
               edgecolors="#999999", linewidths=0.4, zorder=2)
    for d, people in enumerate(count.sum(axis=1).tolist()):
        ax.text(d, header, f"Division {d}\n{people} people", ha="center", va="center",
                fontsize=8, color="#ffffff", zorder=5,
                bbox={"boxstyle": "round,pad=0.3", "facecolor": _HEADER_COLOUR, "lw": 0})
    for r, label in enumerate(ENGAGEMENT_LABELS):
        ax.text(-0.5, r * _ROW, label, ha="right", va="center", fontsize=8,
                color=_TEXT_COLOUR)
    ax.set_xlim(-1.4, n_div - 0.4)
    ax.set_ylim(-0.6, header + 2.2 * _ROW)
