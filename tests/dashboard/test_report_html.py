"""The HTML report opens in headless Chromium offline: no request, no console error, all there."""

import json

from playwright.sync_api import Page, expect

from tests.dashboard.conftest import ROOT

FOLDER = ROOT / "results" / "robustness-default"


def test_the_html_report_opens_offline_with_its_verdict_tornado_and_digests(page: Page):
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto((FOLDER / "report.html").as_uri())
    expect(page.get_by_role("heading", name="How robust is the verdict?")).to_be_visible()
    tornado = page.locator('img[alt*="both ends of each uncertain parameter"]')
    expect(tornado).to_be_visible()
    assert tornado.evaluate("img => img.naturalWidth") > 500  # the embedded PNG decoded
    assert tornado.get_attribute("src").startswith("data:image/png;base64,")
    manifest = json.loads((FOLDER / "manifest.json").read_text())
    for digest in (manifest["scenario"]["sha256"], manifest["experiment_file"]["sha256"]):
        expect(page.get_by_text(digest)).to_be_visible()
    # The verdict comes first, with what would have to be true for the other strategy to win.
    headings = page.locator("main h2").all_inner_texts()
    assert headings[:3] == ["Verdict", "The organisation in numbers",
                            "The strategies compared and the budget"]
    expect(page.get_by_text("unless mean adoption threshold is below about").first).to_be_visible()
    expect(page.get_by_text("Break-even: mean adoption threshold").first).to_be_visible()
    expect(page.get_by_text("20 facilitator hours a week")).to_be_visible()
    # The method appendix summarises the model and links to its ODD description.
    expect(page.get_by_role("heading", name="The model in brief")).to_be_visible()
    odd = page.get_by_role("link", name="docs/model.md")
    assert odd.get_attribute("href") == "../../docs/model.md"
    expect(page.get_by_role("heading", name="The organisation in numbers")).to_be_visible()
    expect(page.get_by_role("cell", name="1,000", exact=True)).to_be_visible()  # people
    page.wait_for_timeout(300)
    assert errors == []
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    assert [u for u in requests if u.startswith("file:")] == [(FOLDER / "report.html").as_uri()]


def test_the_calibration_report_opens_offline_with_its_posterior_fit_and_digests(page: Page):
    folder = ROOT / "results" / "calibrate-client-example"
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto((folder / "report.html").as_uri())
    expect(page.get_by_role("heading", name="Posterior", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="Awareness rate", exact=True)).to_be_visible()
    expect(page.get_by_text("the data hardly constrain word of mouth")).to_be_visible()
    for alt in ("Posterior against prior", "Observed against the calibrated model"):
        figure = page.locator(f'img[alt="{alt}"]')
        assert figure.evaluate("img => img.naturalWidth") > 300
    manifest = json.loads((folder / "manifest.json").read_text())
    expect(page.get_by_text(manifest["experiment_file"]["sha256"])).to_be_visible()  # observed
    expect(page.get_by_text(manifest["scenario"]["sha256"])).to_be_visible()
    page.wait_for_timeout(300)
    assert errors == []
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
