"""Write scenarios/client-example/observed.csv: the fictitious client's pilot, as it reports it.

The example client ran small pilot groups for 26 weeks. Its collaboration platform counts the
people active in a community each week (``active_members``), and an awareness survey of 150
employees went out in weeks 8, 17 and 26 (``aware_share`` with ``sample_size``). The numbers
are one run of the model on the client's organisation with values the calibration is meant to
find, which this script states, so that the shipped calibration can be checked against them:
word of mouth 0.4, response to general invitations 0.2, awareness rate 0.03. The survey shares
carry binomial sampling noise of 150 respondents.

Run: ``.venv/bin/python scripts/make-client-observations.py``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sim.config.scenario import load_scenario
from sim.engine.model import LearningModel

ROOT = Path(__file__).resolve().parents[1]
TRUTH = {"participation.word_of_mouth": 0.4, "participation.invitation_acceptance": 0.2,
         "participation.awareness_rate": 0.03}
SURVEY_WEEKS, RESPONDENTS, WEEKS, SEED = (8, 17, 26), 150, 26, 4242


def main() -> None:
    """Run the pilot once and write what the platform and the surveys would have seen."""
    params = load_scenario(ROOT / "scenarios" / "client-example.toml", [
        "strategy.name=small_groups_first", f"run.steps={WEEKS}",
        *(f"{k}={v}" for k, v in TRUTH.items())], seed=SEED)
    series = LearningModel(params).run().timeseries()
    survey = np.random.default_rng(SEED)
    lines = ["week,active_members,aware_share,sample_size"]
    for week in range(1, WEEKS + 1):
        active = round(float(series["participating_share"][week]) * params.org.employees)
        if week in SURVEY_WEEKS:
            aware = survey.binomial(RESPONDENTS, float(series["aware_share"][week]))
            lines.append(f"{week},{active},{aware / RESPONDENTS:.3f},{RESPONDENTS}")
        else:
            lines.append(f"{week},{active},,")
    path = ROOT / "scenarios" / "client-example" / "observed.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
