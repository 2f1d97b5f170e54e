"""The Solara page's state logic, rendered without a browser (Solara's test renderer)."""

import time

import ipyvuetify as v
import pytest
import solara

from sim.dashboard import app, race_tab
from sim.dashboard import page_state as state


@pytest.fixture(autouse=True)
def fresh_state():
    """The page's state starts from its defaults in every test."""
    defaults = {state.typed: {}, state.strategy_a: "small_groups_first",
                state.strategy_b: "org_wide_first", state.bands_on: False,
                state.replications_text: "20", state.preset_name: "default"}
    for variable, value in defaults.items():
        variable.set(value)
    yield
    for variable, value in defaults.items():
        variable.set(value)


@pytest.fixture
def rendered():
    box, rc = solara.render(app.Page(), handle_error=False)
    yield rc
    rc.close()


def wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def button(rc, label: str) -> v.Btn:
    return next(b for b in rc.find(v.Btn).widgets if label in b.children)


def scoreboard(rc) -> str:
    return rc.find(v.Html, class_="orglearn-scoreboard").widget.children[0]


def type_into(rc, label: str, text: str) -> v.TextField:
    field = rc.find(v.TextField, label=label).widget
    field.v_model = text
    field.fire_event("focusout", {})
    return field


def test_the_page_opens_on_the_default_preset_at_week_0(rendered):
    assert scoreboard(rendered).startswith("Week 0 of 104 — taking part: small_groups_first")
    organisation = rendered.find(v.Html, class_="orglearn-organisation").widget.children[0]
    assert organisation.startswith("default: 1,000 people in 5 divisions, seed 1")


def test_step_advances_both_strategies_through_the_frame_loop(rendered):
    button(rendered, "Step").fire_event("click", {})
    wait_for(lambda: scoreboard(rendered).startswith("Week 1 of 104"))
    button(rendered, "Step").fire_event("click", {})
    wait_for(lambda: scoreboard(rendered).startswith("Week 2 of 104"))


def test_a_refused_value_is_the_schema_message_under_its_field(rendered):
    type_into(rendered, "Employees (people)", "-5")
    wait_for(lambda: rendered.find(v.TextField, label="Employees (people)").widget.error)
    field = rendered.find(v.TextField, label="Employees (people)").widget
    assert field.messages == ["dashboard: org.employees = -5 is not allowed; allowed: an "
                              "integer in [2, 2000000]"]
    organisation = rendered.find(v.Html, class_="orglearn-organisation").widget.children[0]
    assert "1,000 people" in organisation  # the race goes on with the last valid values


def test_an_accepted_value_rebuilds_the_race(rendered):
    type_into(rendered, "Employees (people)", "250")
    wait_for(lambda: "250 people" in rendered.find(
        v.Html, class_="orglearn-organisation").widget.children[0])
    assert scoreboard(rendered).startswith("Week 0 of 104")


def test_the_same_strategy_twice_is_refused_in_words(rendered):
    state.strategy_b.set(state.strategy_a.value)

    def alerts() -> str:
        return " ".join(str(a.children) for a in rendered.find(v.Alert).widgets)

    # Other alerts (the race not started yet) may show first: wait for this one.
    wait_for(lambda: "Strategy A and B are the same" in alerts())


def test_a_slow_frame_never_slows_the_race():
    import threading

    from sim.dashboard.network import compute_layout
    from sim.dashboard.race import Player, Race
    from sim.engine.params import Params

    race = Race(Params().replace({"org.employees": 200, "run.steps": 400}))
    layout = compute_layout(race.org, race.seed)
    player = Player(race, speed=100.0)
    frames = []

    def slow_draw(frame):  # a chart that takes half a second to draw
        frames.append(frame.snapshot.week)
        time.sleep(0.5)

    cancel = threading.Event()
    loop = threading.Thread(target=race_tab.frame_loop,
                            args=(race, player, None, layout, slow_draw, cancel))
    loop.start()
    player.play()
    time.sleep(1.6)
    player.stop()
    cancel.set()
    loop.join(5)
    assert race.week >= 60  # the race ran at its own pace (100 weeks/s, minus slack) ...
    assert 2 <= len(frames) <= 5  # ... while only a few frames were drawn
    assert frames == sorted(frames) and frames[-1] > frames[0]


def test_bands_run_in_the_background_and_join_the_verdict(rendered):
    type_into(rendered, "Employees (people)", "150")
    type_into(rendered, "Steps (weeks)", "12")
    # Both edits rebuild the race; click only once the race of both is on the page, or the
    # click may start a race that the second rebuild then replaces.
    wait_for(lambda: "150 people" in rendered.find(
        v.Html, class_="orglearn-organisation").widget.children[0]
        and scoreboard(rendered).startswith("Week 0 of 12"))
    state.replications_text.set("3")
    state.bands_on.set(True)
    button(rendered, "Run to the end").fire_event("click", {})

    def verdict() -> str:
        return " ".join(str(w.children) for w in rendered.find(
            v.Alert, class_="orglearn-verdict").widgets)

    wait_for(lambda: "Over 3 paired replications" in verdict(), timeout=120)
    assert "After 12 weeks on this seed" in verdict()
    assert "95% CI" in verdict()


def test_an_organisation_too_big_for_memory_is_refused_in_words(monkeypatch):
    monkeypatch.setenv("ORGLEARN_MEMORY_LIMIT", "50MB")
    box, rc = solara.render(app.Page(), handle_error=False)
    try:
        alerts = " ".join(str(a.children) for a in rc.find(v.Alert).widgets)
        assert "is not allowed; allowed: values whose runs fit in memory" in alerts
        assert not rc.find(v.Html, class_="orglearn-scoreboard").widgets  # no race started
    finally:
        rc.close()
