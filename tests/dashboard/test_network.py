"""The organisation drawn as a network: layout, ECharts option, table and PNG."""

from __future__ import annotations

import io
import json
import random
import re
from collections import Counter

import numpy as np
import pytest

from sim import LearningModel, Params
from sim.dashboard import network, network_layout
from sim.dashboard.network import (
    AGGREGATE_ABOVE,
    COLOUR_BY,
    ENGAGEMENT_COLOURS,
    ENGAGEMENT_LABELS,
    KNOWLEDGE_BINS,
    SPANNER_LABEL,
    SPANNER_SYMBOL,
    compute_layout,
    network_figure,
    network_option,
    network_table,
)
from sim.engine.state import Status
from sim.org.generator import TIE_REPORTING

PNG = b"\x89PNG\r\n\x1a\n"
PLAIN = (dict, list, str, int, float, bool, type(None))


def make_model(n: int = 300, divisions: int = 4, seed: int = 5, **updates) -> LearningModel:
    values = {"org.employees": n, "org.divisions": divisions, **updates}
    return LearningModel(Params().replace(values), seed=seed)


@pytest.fixture(scope="module")
def model() -> LearningModel:
    return make_model()


@pytest.fixture(scope="module")
def layout(model):
    return compute_layout(model.org, model.seed)


@pytest.fixture(scope="module")
def big() -> LearningModel:
    return make_model(AGGREGATE_ABOVE + 100, divisions=3, seed=2).run(3)


def knowledge_of(model) -> np.ndarray:
    beliefs = model.state.employees.beliefs.astype(np.int64)
    return beliefs @ model.state.world.reality.astype(np.int64) / beliefs.shape[1]


def nearest_own_division(xy: np.ndarray, division: np.ndarray) -> bool:
    """Whether everyone is nearer the centroid of their own division than of any other."""
    centroids = np.array([xy[division == d].mean(axis=0) for d in range(division.max() + 1)])
    distance = np.linalg.norm(xy[:, None, :] - centroids[None, :, :], axis=2)
    return bool((distance.argmin(axis=1) == division).all())


def plain_values(value) -> list:
    """Every value inside ``value`` whose type is not a plain JSON type."""
    bad = [] if type(value) in PLAIN else [value]
    if isinstance(value, dict):
        for key, item in value.items():
            bad += ([key] if type(key) is not str else []) + plain_values(item)
    elif isinstance(value, list):
        for item in value:
            bad += plain_values(item)
    return bad


def series_named(option: dict, name: str) -> dict:
    (series,) = [s for s in option["series"] if s["name"] == name]
    return series


def class_series(option: dict) -> list[dict]:
    """The people's series of one colour class each (rungs, or knowledge bins), in order."""
    return [s for s in option["series"] if s["type"] == "scatter" and s.get("large")]


def person_of(item: dict) -> int:
    return int(re.match(r"Person (\d+)", item["name"]).group(1))


def people_drawn(option: dict) -> dict[int, tuple[str, list, str | None]]:
    """Each person drawn: the series they are in, where, and their own colour (if any).

    Fails if anyone is drawn twice.
    """
    drawn: dict[int, tuple[str, list, str | None]] = {}
    for s in [*class_series(option), series_named(option, SPANNER_LABEL)]:
        for item in s["data"]:
            i = person_of(item)
            assert i not in drawn, f"person {i} is drawn twice"
            drawn[i] = (s["name"], item["value"], item.get("itemStyle", {}).get("color"))
    return drawn


def legend_names(option: dict) -> list[str]:
    legends = option["legend"] if isinstance(option["legend"], list) else [option["legend"]]
    return [item["name"] for legend in legends for item in legend["data"]]


# ---------------------------------------------------------------------------------- layout


def test_layout_is_deterministic_and_depends_on_the_seed(model, layout):
    again = compute_layout(model.org, model.seed)
    np.testing.assert_array_equal(again.xy, layout.xy)
    np.testing.assert_array_equal(again.links, layout.links)
    other = compute_layout(model.org, model.seed + 1)
    assert not np.allclose(other.xy, layout.xy)


def test_layout_does_not_touch_the_global_random_state(model):
    numpy_before = np.random.get_state()[1].copy()  # noqa: NPY002 (the legacy global state)
    python_before = random.getstate()
    compute_layout(model.org, 7)
    np.testing.assert_array_equal(np.random.get_state()[1], numpy_before)  # noqa: NPY002
    assert random.getstate() == python_before


def test_every_person_has_a_finite_place_nearest_their_own_division(model, layout):
    xy = layout.xy
    assert xy.shape == (model.org.n, 2)
    assert np.isfinite(xy).all()
    assert nearest_own_division(xy, model.org.division)
    # people are spread out, not piled on a few points
    assert np.unique(np.round(xy, 6), axis=0).shape[0] == model.org.n


def test_drawn_ties_are_every_reporting_line_plus_capped_cross_ties(model, layout):
    org = model.org
    tie_type = org.tie_type.toarray()
    a, b = layout.links[:, 0], layout.links[:, 1]
    assert (a < b).all() and (tie_type[a, b] > 0).all()  # real ties only
    reporting = np.argwhere(np.triu(tie_type == TIE_REPORTING))
    drawn = {tuple(p) for p in layout.links.tolist()}
    assert {tuple(p) for p in reporting.tolist()} <= drawn
    np.testing.assert_array_equal(layout.cross, org.division[a] != org.division[b])
    others = layout.links[(tie_type[a, b] != TIE_REPORTING)]
    assert (org.division[others[:, 0]] != org.division[others[:, 1]]).all()
    assert len(others) <= max(network_layout.CROSS_LINKS_MAX, org.n // 8)


def test_layout_copes_with_too_many_teams(monkeypatch):
    # few units per layout: teams are merged up the hierarchy; with a chain of command
    # (span 1) that does not shrink them, so people are cut into blocks
    monkeypatch.setattr(network_layout, "UNITS_MAX", 6)
    for span in (2, 1):
        org = make_model(200, divisions=2, **{"org.span_of_control": span}).org
        xy = compute_layout(org, 3).xy
        assert np.isfinite(xy).all()
        assert nearest_own_division(xy, org.division)


# ----------------------------------------------------------------------------- the option


def test_option_is_plain_json_and_draws_everyone_once_in_their_rung(model, layout):
    option = network_option(model, layout, title="Strategy A")
    assert json.loads(json.dumps(option, allow_nan=False)) == option
    assert plain_values(option) == []
    assert option["animation"] is False
    assert option["title"]["text"] == "Strategy A"
    assert "visualMap" not in option  # colours are series, which large mode can draw
    rungs = class_series(option)
    assert [s["name"] for s in rungs] == list(ENGAGEMENT_LABELS)
    assert [s["itemStyle"]["color"] for s in rungs] == list(ENGAGEMENT_COLOURS)
    assert all(s["type"] == "scatter" and s["large"] for s in rungs)
    drawn = people_drawn(option)
    assert sorted(drawn) == list(range(model.org.n))  # one point per person, no one twice
    engagement = model.state.employees.engagement
    for i, (series, _, colour) in drawn.items():
        if series == SPANNER_LABEL:
            assert colour == ENGAGEMENT_COLOURS[engagement[i]]
        else:
            assert series == ENGAGEMENT_LABELS[engagement[i]]
    # each person at their layout position
    xy = np.array([drawn[i][1] for i in range(model.org.n)]) / network_layout.UNIT
    np.testing.assert_allclose(xy, layout.xy, atol=6e-4)
    legend = legend_names(option)
    assert legend[:5] == list(ENGAGEMENT_LABELS)
    assert {SPANNER_LABEL, "active community", "forming community"} <= set(legend)


def test_people_have_tooltips_naming_them_and_their_state(model, layout):
    option = network_option(model, layout)
    assert option["tooltip"] == {"trigger": "item", "formatter": "{b}"}
    e = model.state.employees
    for s in class_series(option):
        for item in s["data"][:20]:
            i = person_of(item)
            assert ENGAGEMENT_LABELS[e.engagement[i]] in item["name"]
            assert f"division {model.org.division[i]}" in item["name"]


def test_ties_are_silent_lines_on_the_grid_between_the_people_they_join(model, layout):
    option = network_option(model, layout)
    lines = [s for s in option["series"] if s["type"] == "lines"]
    assert len(lines) == 2
    for s in lines:
        assert s["coordinateSystem"] == "cartesian2d" and s["silent"] and s["large"]
    inside, across = ([item["coords"] for item in s["data"]] for s in lines)
    assert len(inside) == np.count_nonzero(~layout.cross)
    assert len(across) == np.count_nonzero(layout.cross)
    ends = np.array(inside + across) / network_layout.UNIT
    links = np.concatenate([layout.links[~layout.cross], layout.links[layout.cross]])
    np.testing.assert_allclose(ends, layout.xy[links], atol=6e-4)


def test_spanners_are_diamonds_and_no_one_else(model, layout):
    option = network_option(model, layout)
    spanners = series_named(option, SPANNER_LABEL)
    assert spanners["symbol"] == SPANNER_SYMBOL
    shown = sorted(person_of(item) for item in spanners["data"])
    assert shown == np.flatnonzero(model.org.is_spanner).tolist() and shown
    assert all(s.get("symbol", "circle") == "circle" for s in class_series(option))
    assert SPANNER_LABEL in legend_names(option)


def test_each_division_is_labelled_once_above_its_disc(model, layout):
    labels = series_named(network_option(model, layout), "divisions")
    assert labels["silent"] and labels["label"]["show"] and labels["label"]["formatter"] == "{b}"
    assert [item["name"] for item in labels["data"]] == [f"Division {d}" for d in
                                                         range(model.org.n_divisions)]
    at = np.array([item["value"] for item in labels["data"]]) / network_layout.UNIT
    top = layout.centres + np.column_stack([np.zeros(layout.n_divisions), layout.radius])
    np.testing.assert_allclose(at, top, atol=6e-4)


def test_communities_show_their_members(model, layout):
    option = network_option(model, layout)
    communities = [item for status in ("active community", "forming community")
                   for item in series_named(option, status)["data"]]
    assert all(series_named(option, status)["symbol"] == "rect"
               for status in ("active community", "forming community"))
    c = model.state.communities
    live = np.flatnonzero(c.live)
    assert live.size > 0
    numbers = [int(re.search(r"(\d+):", item["name"]).group(1)) for item in communities]
    assert sorted(numbers) == live.tolist()
    sizes = c.members[:, numbers].sum(axis=0)
    shown = [int(re.search(r"(\d+) members", item["name"]).group(1)) for item in communities]
    assert shown == sizes.tolist()
    symbol = [item["symbolSize"] for item in communities]
    order = np.argsort(sizes, kind="stable")
    assert np.all(np.diff(np.asarray(symbol)[order]) >= 0)  # bigger community, bigger square
    statuses = {int(re.search(r"(\d+):", item["name"]).group(1)): status
                for status in ("active community", "forming community")
                for item in series_named(option, status)["data"]}
    for j, status in statuses.items():
        assert status.startswith(str(Status(c.status[j])))


@pytest.mark.parametrize("divisions", [1, 2, 4, 12])
def test_the_picture_keeps_its_aspect_and_fits_the_card(divisions):
    model = make_model(240, divisions=divisions, seed=divisions)
    layout = compute_layout(model.org, model.seed)
    for colour_by in COLOUR_BY:
        option = network_option(model, layout, colour_by)
        grid, x, y = option["grid"], option["xAxis"], option["yAxis"]
        assert grid["show"] is False and x["show"] is False and y["show"] is False
        # one unit of the layout is as many pixels across as up
        across = grid["width"] / (x["max"] - x["min"])
        up = grid["height"] / (y["max"] - y["min"])
        assert across == pytest.approx(up, rel=0.01)
        # inside the narrowest card, below the title and above the three legend rows
        assert grid["left"] == "center" and grid["width"] <= 400 - 16
        assert grid["top"] >= 60 and grid["top"] + grid["height"] <= 420 - 54
        assert [legend["bottom"] for legend in option["legend"]] == (
            [38, 20, 2] if colour_by == "knowledge" else [20, 2])
        # everyone drawn lies inside the axes, with room for the top division's label
        xy = np.array([value for _, value, _ in people_drawn(option).values()])
        assert (xy[:, 0] > x["min"]).all() and (xy[:, 0] < x["max"]).all()
        assert (xy[:, 1] > y["min"]).all()
        assert (y["max"] - xy[:, 1].max()) * up >= 20


def test_colour_by_knowledge_bins_people_into_labelled_series(model, layout):
    option = network_option(model, layout, colour_by="knowledge")
    assert plain_values(option) == [] and "visualMap" not in option
    bins = class_series(option)
    assert len(bins) == KNOWLEDGE_BINS == 7
    names = [s["name"] for s in bins]
    assert names[0] == "knowledge -1 to -0.71" and names[-1] == "0.71 to 1"
    assert names[3] == "-0.14 to 0.14"
    assert legend_names(option)[:7] == names
    colours = [s["itemStyle"]["color"] for s in bins]
    assert len(set(colours)) == 7
    edges = np.linspace(-1, 1, 8)
    knowledge = knowledge_of(model)
    drawn = people_drawn(option)
    assert sorted(drawn) == list(range(model.org.n))
    for i, (series, _, colour) in drawn.items():
        b = names.index(series) if series != SPANNER_LABEL else colours.index(colour)
        assert edges[b] - 1e-9 <= knowledge[i] <= edges[b + 1] + 1e-9
    with pytest.raises(ValueError, match="colour_by"):
        network_option(model, layout, colour_by="age")


def test_stepping_changes_the_colours_but_not_the_places():
    model = make_model(seed=11, **{"strategy.name": "org_wide_first"})
    layout = compute_layout(model.org, model.seed)
    xy = layout.xy.copy()
    before = network_option(model, layout)
    model.run(30)
    after = network_option(model, layout)
    np.testing.assert_array_equal(layout.xy, xy)
    drawn_before, drawn_after = people_drawn(before), people_drawn(after)
    assert {i: p for i, (_, p, _) in drawn_before.items()} == {
        i: p for i, (_, p, _) in drawn_after.items()}
    rungs_before = Counter(ENGAGEMENT_LABELS.index(s) for s, _, _ in drawn_before.values()
                           if s != SPANNER_LABEL)
    rungs_after = Counter(ENGAGEMENT_LABELS.index(s) for s, _, _ in drawn_after.values()
                          if s != SPANNER_LABEL)
    assert rungs_after != rungs_before
    assert sum(k * v for k, v in rungs_after.items()) > sum(k * v for k, v in rungs_before.items())
    for key in ("grid", "xAxis", "yAxis"):
        assert after[key] == before[key]
    assert [s for s in after["series"] if s["type"] == "lines"] == [
        s for s in before["series"] if s["type"] == "lines"]
    assert series_named(after, "divisions") == series_named(before, "divisions")


def test_options_share_nothing_mutable_with_the_layout(model, layout):
    option = network_option(model, layout)
    for s in option["series"]:
        s["data"].clear()
    again = network_option(model, layout)
    assert sorted(people_drawn(again)) == list(range(model.org.n))
    assert all(s["data"] for s in again["series"] if s["type"] == "lines")


def test_a_layout_of_another_organisation_is_refused(layout):
    other = make_model(120, divisions=2)
    with pytest.raises(ValueError, match="another organisation"):
        network_option(other, layout)


# ------------------------------------------------------------------------------ aggregated


def test_aggregated_view_above_the_threshold(big):
    n, n_div = big.org.n, big.org.n_divisions
    layout = compute_layout(big.org, big.seed)
    assert layout.aggregated and layout.xy is None and layout.links.size == 0
    option = network_option(big, layout)
    assert json.loads(json.dumps(option, allow_nan=False)) == option
    assert plain_values(option) == []
    nodes = option["series"][0]["data"]
    cells = nodes[:n_div * 5]
    assert sum(cell["value"] for cell in cells) == n
    expected = np.bincount(big.org.division * 5 + big.state.employees.engagement,
                           minlength=n_div * 5)
    assert [cell["value"] for cell in cells] == expected.tolist()
    assert [cell["category"] for cell in cells] == list(range(5)) * n_div
    headers = nodes[n_div * 5:n_div * 6]
    assert [h["name"].split(":")[0] for h in headers] == [f"Division {d}" for d in range(n_div)]
    c = big.state.communities
    live = np.flatnonzero(c.live)
    assert len(nodes) == n_div * 6 + live.size
    # each community is linked to the divisions its members come from, and only to them
    links = option["series"][0]["links"]
    for j, community in enumerate(live.tolist()):
        source = n_div * 6 + j
        members = np.flatnonzero(c.members[:, community])
        linked = sorted(link["target"] - n_div * 5 for link in links if link["source"] == source)
        assert linked == np.unique(big.org.division[members]).tolist()
    knowledge = network_option(big, layout, colour_by="knowledge")
    assert "visualMap" in knowledge and plain_values(knowledge) == []


def test_aggregated_table_and_figure(big):
    layout = compute_layout(big.org, big.seed)
    rows = network_table(big, layout)
    assert len(rows) == big.org.n_divisions * 5
    assert sum(row["count"] for row in rows) == big.org.n
    assert {row["engagement"] for row in rows} == set(ENGAGEMENT_LABELS)
    for colour_by in ("engagement", "knowledge"):
        buffer = io.BytesIO()
        network_figure(big, layout, colour_by, title="B").savefig(buffer, format="png")
        assert buffer.getvalue().startswith(PNG)


# ------------------------------------------------------------------------- table and figure


def test_table_has_a_row_per_person_matching_the_state(model, layout):
    rows = network_table(model, layout)
    assert len(rows) == model.org.n
    assert set(rows[0]) == {"person", "person_id", "division", "x", "y", "engagement",
                            "knowledge", "is_spanner", "communities"}
    assert [r["division"] for r in rows] == model.org.division.tolist()
    assert [r["is_spanner"] for r in rows] == model.org.is_spanner.tolist()
    assert [r["engagement"] for r in rows] == [ENGAGEMENT_LABELS[e] for e in
                                               model.state.employees.engagement.tolist()]
    np.testing.assert_allclose([r["knowledge"] for r in rows], knowledge_of(model), atol=1e-4)
    np.testing.assert_allclose([[r["x"], r["y"]] for r in rows], layout.xy, atol=1e-4)
    c = model.state.communities
    assert [r["communities"] for r in rows] == c.members[:, c.live].sum(axis=1).tolist()
    assert plain_values(rows) == []


@pytest.mark.parametrize("colour_by", ["engagement", "knowledge"])
def test_figure_renders_to_png(model, layout, colour_by):
    fig = network_figure(model, layout, colour_by, title="Strategy A")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    assert buffer.getvalue().startswith(PNG)


def test_the_png_colours_people_by_the_pages_knowledge_classes(model, layout):
    from matplotlib.colors import to_hex

    option = network_option(model, layout, "knowledge")
    page_colours = {s["itemStyle"]["color"] for s in option["series"]
                    if s["type"] == "scatter" and s.get("large")}  # the people's classes
    assert len(page_colours) == network.KNOWLEDGE_BINS
    fig = network_figure(model, layout, "knowledge")
    people = fig.axes[0].collections[1]  # after the ties
    drawn = {to_hex(c) for c in people.get_facecolors()}
    assert len(people.get_offsets()) > 0 and drawn <= page_colours
