"""The organisation's picture as an ECharts option, for the browser to draw each week.

:func:`network_option` draws the people of a :class:`~sim.dashboard.network_layout.Layout` at
their places, coloured by the week's state (:mod:`sim.dashboard.network_week`), or the
aggregated grid of divisions by rungs above
:data:`~sim.dashboard.network_layout.AGGREGATE_ABOVE` people.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from sim.dashboard.network_layout import ROW, UNIT, Layout, aggregated_geometry, option_xy
from sim.dashboard.network_style import (
    CELL_MIN,
    CELL_SPAN,
    COMMUNITY_COLOURS,
    COMMUNITY_LABELS,
    COMMUNITY_SYMBOL,
    CROSS_COLOUR,
    EDGE_COLOUR,
    ENGAGEMENT_COLOURS,
    ENGAGEMENT_LABELS,
    HEADER_COLOUR,
    KNOWLEDGE_BIN_COLOURS,
    KNOWLEDGE_BIN_LABELS,
    KNOWLEDGE_COLOURS,
    LINK_COLOUR,
    N_RUNGS,
    SPANNER_COLOUR,
    SPANNER_LABEL,
    SPANNER_SYMBOL,
    TEXT_COLOUR,
    check_colour_by,
    community_size,
    knowledge_bin,
    person_size,
)
from sim.dashboard.network_week import (
    Week,
    cell_counts,
    community_names,
    community_places,
    members_by_division,
    subtitle,
    week_of,
)
from sim.engine.state import Status

__all__ = ["network_option"]


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
_SCREEN = 100.0
"""ECharts coordinates of the aggregated view (a ``graph`` series) are the layout's times this,
y flipped (on the layout's own scale, a few units across, ECharts draws links in the wrong
places)."""
_ZOOM = 0.8
"""The aggregated picture's zoom, leaving room for the title above and the legend below."""
_STATUS_CATEGORY = {Status.ACTIVE: N_RUNGS, Status.FORMING: N_RUNGS + 1}


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
        layout: Its layout (:func:`~sim.dashboard.network_layout.compute_layout`).
        colour_by: ``"engagement"`` or ``"knowledge"``.
        title: Title shown above the picture.

    Returns:
        The option for ``solara.FigureEcharts(option=...)``.

    Raises:
        ValueError: For another ``colour_by``, or a layout of another organisation.
    """
    check_colour_by(colour_by)
    week = week_of(model, layout)
    option: dict[str, Any] = {
        "animation": False,
        "title": {"text": title, "subtext": subtitle(week, layout.n, "\n"), "left": "center",
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
                    "itemStyle": {"color": COMMUNITY_COLOURS[s], "borderColor": EDGE_COLOUR,
                                  "borderWidth": 1}}
                   for s in (Status.ACTIVE, Status.FORMING)]
    return rungs + communities


def _legend(colour_by: str) -> list[dict]:
    rungs = ([{"name": label, "icon": "circle"} for label in ENGAGEMENT_LABELS]
             if colour_by == "engagement" else [])
    return [*rungs, {"name": SPANNER_LABEL, "icon": SPANNER_SYMBOL},
            *({"name": COMMUNITY_LABELS[s], "icon": COMMUNITY_SYMBOL}
              for s in (Status.ACTIVE, Status.FORMING))]


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
        return {"type": "value", "show": False, "min": round(lo * UNIT, 1),
                "max": round(hi * UNIT, 1)}

    (x0, y0), (x1, y1) = low.tolist(), high.tolist()
    return grid, axis(x0 - edge, x1 + edge), axis(y0 - edge, y1 + label)


def _person_view(week: Week, layout: Layout, colour_by: str) -> dict:
    """Grid, axes, series and legends of the person-by-person view."""
    knowledge = colour_by == "knowledge"
    if knowledge:
        colour_class, labels, colours = (knowledge_bin(week.knowledge), KNOWLEDGE_BIN_LABELS,
                                         KNOWLEDGE_BIN_COLOURS)
    else:
        colour_class, labels, colours = week.engagement, ENGAGEMENT_LABELS, ENGAGEMENT_COLOURS
    rung_words = [f", {label}, knowledge " for label in ENGAGEMENT_LABELS]
    score = (np.round(week.knowledge, 2) + 0.0).tolist()  # + 0.0: no "-0.00"
    people = [{"name": f"{p}{rung_words[r]}{k:+.2f}", "value": [x, y]}
              for p, r, k, x, y in zip(layout.option_names, week.engagement.tolist(), score,
                                       layout.option_x, layout.option_y, strict=True)]
    spanner = np.zeros(layout.n, bool)
    spanner[list(layout.spanners)] = True
    size = person_size(layout.n)
    series: list[dict] = [
        {"type": "lines", "name": name, "coordinateSystem": "cartesian2d", "silent": True,
         "large": True, "largeThreshold": 1, "data": json.loads(ties),
         "lineStyle": {"color": colour, "width": 0.6, "opacity": opacity}}
        for name, ties, colour, opacity in (("ties", layout.option_ties[0], LINK_COLOUR, 0.45),
                                            ("cross-division ties", layout.option_ties[1],
                                             CROSS_COLOUR, 0.35))]
    series += [
        {"type": "scatter", "name": label, "large": True, "largeThreshold": 1,
         "symbol": "circle", "symbolSize": size, "itemStyle": {"color": colour, "opacity": 1},
         "data": [people[i] for i in np.flatnonzero((colour_class == c) & ~spanner).tolist()]}
        for c, (label, colour) in enumerate(zip(labels, colours, strict=True))]
    series.append({
        "type": "scatter", "name": SPANNER_LABEL, "symbol": SPANNER_SYMBOL,
        "symbolSize": size + 4.0,
        "itemStyle": {"color": SPANNER_COLOUR, "borderColor": EDGE_COLOUR, "borderWidth": 0.8,
                      "opacity": 1},
        "emphasis": {"scale": 1.4},
        "data": [{**people[i], "itemStyle": {"color": colours[k]}}
                 for i, k in zip(layout.spanners,
                                 colour_class[list(layout.spanners)].tolist(), strict=True)]})
    places = option_xy(community_places(week, layout))
    status = week.status.tolist()
    communities = list(zip(community_names(week), places.tolist(), status,
                           np.round(community_size(week.sizes), 1).tolist(), strict=True))
    series += [
        {"type": "scatter", "name": COMMUNITY_LABELS[s], "symbol": COMMUNITY_SYMBOL,
         "itemStyle": {"color": COMMUNITY_COLOURS[s], "borderColor": EDGE_COLOUR,
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
    points = option_xy(top)
    return {"type": "scatter", "name": "divisions", "silent": True, "symbolSize": 0,
            "tooltip": {"show": False},
            "label": {"show": True, "formatter": "{b}", "position": "top", "distance": 4,
                      "fontSize": 12, "fontWeight": "bold", "color": TEXT_COLOUR,
                      "textBorderColor": "#ffffff", "textBorderWidth": 2},
            "data": [{"name": f"Division {d}", "value": p}
                     for d, p in enumerate(points.tolist())]}


def _aggregated_series(week: Week, layout: Layout, colour_by: str) -> tuple[dict, list[dict]]:
    """The graph series of the aggregated view, and its legend."""
    n_div = layout.n_divisions
    count, mean = cell_counts(week, n_div)
    by_div = members_by_division(week, n_div)
    cells, header, places = aggregated_geometry(n_div, week.live.size)
    biggest = max(int(count.max()), 1)
    size = np.where(count > 0, CELL_MIN + CELL_SPAN * np.sqrt(count / biggest), 2.0)
    knowledge = colour_by == "knowledge"
    nodes: list[dict] = []
    for d, r, c, k, s, (x, y) in zip(
            np.repeat(np.arange(n_div), N_RUNGS).tolist(), np.tile(np.arange(N_RUNGS),
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
                             "formatter": ENGAGEMENT_LABELS[r], "color": TEXT_COLOUR}
        nodes.append(node)
    heads = count.sum(axis=1).tolist()
    first_header = len(nodes)
    for d, people in enumerate(heads):
        x, y = _screen([(d, header)])[0].tolist()
        nodes.append({"name": f"Division {d}: {people} people", "x": x, "y": y,
                      "symbol": "roundRect", "symbolSize": [66, 18], "visualMap": False,
                      "itemStyle": {"color": HEADER_COLOUR},
                      "label": {"show": True, "position": "inside", "formatter": f"Division {d}",
                                "color": "#ffffff", "fontSize": 10}})
    links: list[dict] = []
    widest = max(int(by_div.max()) if by_div.size else 0, 1)
    for j, (name, s, k, (x, y)) in enumerate(zip(
            community_names(week), week.status.tolist(),
            community_size(week.sizes).tolist(), _screen(places).tolist(), strict=True)):
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
        "lineStyle": {"color": LINK_COLOUR, "opacity": 0.5},
        "label": {"show": False}, "emphasis": {"scale": 1.2, "label": {"show": False}},
        **_view(np.array([-1.0, 0.0]), np.array([n_div - 0.5, header + 1.5 * ROW])),
    }
    legend = [item for item in _legend(colour_by) if item["name"] != SPANNER_LABEL]
    return series, legend


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
