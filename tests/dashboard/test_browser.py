"""The dashboard in a real browser (Debian's chromium driven by Playwright).

Each test opens its own page, so it has its own session (its own race). The checks look at what
a leader sees: text on the page and pixels in the charts; a blank page or charts that do not
change fail them (see ``test_the_checks_fail_on_a_blank_page``).
"""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import urlparse

import numpy as np
import pytest
from matplotlib.image import imread
from playwright.sync_api import Locator, Page, expect

from tests.dashboard.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

LOAD_MS = 60_000
SCORE = re.compile(r"Week (\d+) of (\d+) — taking part: (\S+) ([\d.]+)% · (\S+) ([\d.]+)%")
CHARTS = ("reach", "knowledge", "errors", "communities", "silos", "value")


def open_race(page: Page, url: str) -> None:
    """Open the page and wait until the race and its charts are drawn."""
    page.goto(url)
    expect(page.locator(".orglearn-scoreboard")).to_contain_text("Week 0 of", timeout=LOAD_MS)
    for key in ("reach", "network-a", "network-b", "gap-participating_share"):
        expect(chart(page, key).locator("canvas").first).to_be_visible(timeout=LOAD_MS)
    page.wait_for_timeout(300)


def chart(page: Page, key: str) -> Locator:
    return page.locator(f'[data-chart="{key}"]')


def drawn_pixels(locator: Locator) -> np.ndarray:
    """The element as pixels (RGB floats)."""
    return imread(io.BytesIO(locator.screenshot()), format="png")[..., :3]


def ink(pixels: np.ndarray) -> float:
    """Share of pixels that are not (nearly) white: 0 for an empty chart."""
    return float(np.mean(pixels.min(axis=2) < 0.9))


def score(page: Page) -> tuple[int, float, float]:
    """Week, and the share taking part under A and B, from the scoreboard."""
    match = SCORE.search(page.locator(".orglearn-scoreboard").inner_text())
    assert match, page.locator(".orglearn-scoreboard").inner_text()
    return int(match[1]), float(match[4]), float(match[6])


def step(page: Page, times: int) -> None:
    week = score(page)[0]
    for _ in range(times):
        page.get_by_role("button", name="Step").click()
    expect(page.locator(".orglearn-scoreboard")).to_contain_text(f"Week {week + times} of",
                                                                 timeout=LOAD_MS)


def assert_race_drawn(page: Page) -> None:
    """The checks every test relies on: a scoreboard, and charts with something drawn."""
    assert SCORE.search(page.locator(".orglearn-scoreboard").inner_text(timeout=5_000))
    for key in ("network-a", "reach", "gap-participating_share"):
        assert ink(drawn_pixels(chart(page, key))) > 0.01, f"chart {key} is empty"


def test_the_page_loads_offline_with_no_console_errors(page: Page, served):
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    open_race(page, served.url)
    assert_race_drawn(page)
    page.wait_for_timeout(1000)
    assert errors == []
    hosts = {urlparse(u).hostname for u in requests if not u.startswith(("data:", "blob:"))}
    assert hosts == {"127.0.0.1"}, hosts  # no request leaves the machine
    for key in CHARTS:
        expect(chart(page, key).locator("canvas").first).to_be_visible()


def pick(page: Page, label: str, choice: str) -> None:
    """Choose ``choice`` in the Vuetify select labelled ``label``."""
    page.get_by_label(label).click(force=True)
    menu = page.locator(".menuable__content__active")  # the menu now open
    menu.get_by_role("option", name=choice, exact=True).click()
    expect(menu).to_have_count(0)


def test_picking_a_and_b_races_the_chosen_strategies(page: Page, served):
    open_race(page, served.url)
    board = page.locator(".orglearn-scoreboard")
    pick(page, "Strategy A", "co_opt_existing")
    expect(board).to_contain_text("taking part: co_opt_existing", timeout=LOAD_MS)
    pick(page, "Strategy B", "division_networks")
    expect(board).to_contain_text("· division_networks", timeout=LOAD_MS)
    step(page, 4)
    week, a, b = score(page)
    assert week == 4 and a != b


def test_stepping_changes_both_strategies_and_they_differ(page: Page, served):
    open_race(page, served.url)
    week, a0, b0 = score(page)
    assert week == 0 and a0 == b0  # common random numbers: the same start
    before = {key: drawn_pixels(chart(page, key)) for key in ("reach", "network-a", "network-b")}
    step(page, 6)
    week, a, b = score(page)
    assert week == 6 and a != b and (a, b) != (a0, b0)
    for key, pixels in before.items():
        after = drawn_pixels(chart(page, key))
        assert after.shape != pixels.shape or np.abs(after - pixels).mean() > 1e-4, key
    expect(page.locator(".orglearn-verdict")).to_contain_text("So far, after 6 weeks")
    page.screenshot(path=str(ARTIFACTS / "dashboard-race.png"), full_page=True)


def test_play_runs_the_race_and_run_to_the_end_finishes_it(page: Page, served):
    open_race(page, served.url)
    page.get_by_role("button", name="Play").click()
    expect(page.get_by_role("button", name="Pause")).to_be_visible(timeout=LOAD_MS)
    page.wait_for_timeout(1500)
    page.get_by_role("button", name="Pause").click()
    week = score(page)[0]
    assert week > 0
    page.get_by_role("button", name="Run to the end").click()
    expect(page.locator(".orglearn-verdict")).to_contain_text("After 104 weeks on this seed",
                                                              timeout=LOAD_MS)
    assert score(page)[0] == 104


def test_a_control_takes_effect(page: Page, served):
    open_race(page, served.url)
    expect(page.locator(".orglearn-organisation")).to_contain_text("1,000 people")
    field = page.get_by_label("Employees (people)")
    field.fill("300")
    field.press("Enter")
    expect(page.locator(".orglearn-organisation")).to_contain_text("300 people",
                                                                   timeout=LOAD_MS)
    expect(page.locator(".orglearn-scoreboard")).to_contain_text("Week 0 of", timeout=LOAD_MS)
    step(page, 2)
    assert_race_drawn(page)


def test_an_invalid_value_shows_the_schema_message_and_the_page_keeps_running(page: Page,
                                                                                   served):
    open_race(page, served.url)
    field = page.get_by_label("Employees (people)")
    field.fill("-5")
    field.press("Enter")
    expect(page.get_by_text("org.employees = -5 is not allowed; allowed: an integer in "
                            "[2, 2000000]")).to_be_visible(timeout=LOAD_MS)
    expect(page.locator(".orglearn-organisation")).to_contain_text("1,000 people")
    step(page, 2)
    assert_race_drawn(page)


def test_the_csv_export_downloads_the_data_behind_the_chart(page: Page, served):
    open_race(page, served.url)
    step(page, 3)
    card = page.locator(".v-card", has=chart(page, "reach"))
    with page.expect_download(timeout=LOAD_MS) as download:
        card.get_by_role("button", name="CSV").click()
    assert download.value.suggested_filename == "reach.csv"
    rows = list(csv.reader(open(download.value.path(), encoding="utf-8")))
    assert rows[0][0] == "week" and len(rows[0]) == 7
    assert [int(r[0]) for r in rows[1:]] == [0, 1, 2, 3]
    assert all(0.0 <= float(v) <= 1.0 for r in rows[1:] for v in r[1:])
    with page.expect_download(timeout=LOAD_MS) as picture:
        card.get_by_role("button", name="PNG").click()
    assert open(picture.value.path(), "rb").read(8) == b"\x89PNG\r\n\x1a\n"


def test_the_results_viewer_shows_a_committed_results_folder(page: Page, served_results):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(served_results.url)
    expect(page.locator(".orglearn-results-verdict")).to_contain_text("small_groups_first",
                                                                      timeout=LOAD_MS)
    expect(page.get_by_text("Summary table")).to_be_visible()
    images = page.locator("img")
    expect(images.first).to_be_visible(timeout=LOAD_MS)
    assert images.count() >= 3
    assert page.evaluate("img => img.naturalWidth", images.first.element_handle()) > 100
    page.get_by_text("The full report").click()
    expect(page.get_by_text("How this was run")).to_be_visible(timeout=LOAD_MS)
    assert errors == []


def test_the_checks_fail_on_a_blank_page(page: Page):
    page.set_content("<html><body><div class='orglearn-scoreboard'></div></body></html>")
    with pytest.raises(AssertionError):
        assert_race_drawn(page)
