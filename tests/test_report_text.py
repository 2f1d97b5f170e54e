from sim.report.text import verdict_sentence

BASE = {"kpi": "time_to_50", "label": "Weeks to 50% participating", "unit": "weeks",
        "n_pairs": 6, "best": "a", "runner_up": "b", "wins": 0, "ties": 6, "clear": False,
        "diff_mean": 0.0, "diff_ci_low": 0.0, "diff_ci_high": 0.0}


def test_censored_times_say_nobody_got_there():
    v = {**BASE, **{k: 105.0 for k in ("best_mean", "best_ci_low", "best_ci_high",
                                       "runner_up_mean", "runner_up_ci_low",
                                       "runner_up_ci_high")}}
    text = verdict_sentence(v, "104")
    assert "no winner" in text and "within 104 weeks" in text


def test_uncensored_ties_are_reported_as_uncertain():
    v = {**BASE, **{k: 40.0 for k in ("best_mean", "best_ci_low", "best_ci_high",
                                      "runner_up_mean", "runner_up_ci_low",
                                      "runner_up_ci_high")}}
    text = verdict_sentence(v, "104")
    assert "no clear winner" in text and "includes zero" in text
