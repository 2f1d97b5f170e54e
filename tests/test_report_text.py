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


def test_every_headline_and_reach_kpi_has_a_verdict_phrase():
    from sim.engine.metrics import HEADLINE_KPIS, RUN_KPIS

    names = {k.name for k in HEADLINE_KPIS} | {
        k.name for k in RUN_KPIS if k.name in ("reach_participating", "reach_enrolled",
                                               "time_to_50")}
    for name in names:  # a KPI without a phrase falls back to its label
        text = verdict_sentence({**BASE, "kpi": name, "label": "Label Without Phrase",
                                 "runner_up": None, "best_mean": 1.0, "best_ci_low": 1.0,
                                 "best_ci_high": 1.0}, "104")
        assert "label without phrase" not in text, name
    for name in ("reach_participating", "time_to_50"):
        text = verdict_sentence({**BASE, "kpi": name, "runner_up": None, "best_mean": 1.0,
                                 "best_ci_low": 1.0, "best_ci_high": 1.0}, "104")
        assert "compulsory enrolment included" in text, name


def test_voluntary_speed_is_phrased_and_censored_like_speed():
    v = {**BASE, "kpi": "time_to_50_voluntary", "label": "Weeks to 50% voluntary participation",
         **{k: 105.0 for k in ("best_mean", "best_ci_low", "best_ci_high", "runner_up_mean",
                               "runner_up_ci_low", "runner_up_ci_high")}}
    text = verdict_sentence(v, "104")
    assert text.startswith("On voluntary speed (weeks until half the organisation takes part by "
                           "choice) there is **no winner**")


def test_voluntary_reach_names_its_winner():
    v = {**BASE, "kpi": "reach_voluntary", "label": "Reach: voluntary participation",
         "unit": "share", "best_mean": 0.8, "best_ci_low": 0.78, "best_ci_high": 0.82,
         "runner_up_mean": 0.6, "runner_up_ci_low": 0.58, "runner_up_ci_high": 0.62,
         "diff_mean": 0.2, "diff_ci_low": 0.18, "diff_ci_high": 0.22, "wins": 6, "ties": 0,
         "clear": True}
    text = verdict_sentence(v, "104")
    assert text.startswith("On voluntary reach (share taking part by choice after 104 weeks), "
                           "**a** wins with 80.0%")
