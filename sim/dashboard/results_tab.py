"""The results tab: a folder written by ``orglearn compare`` or ``orglearn sweep``, shown.

Its verdict, figures, summary table and full report, as
:func:`sim.dashboard.results_view.open_results` reads them; the folders offered are those under
``results/``, and the one the command line named.
"""

from __future__ import annotations

import re
from pathlib import Path

import solara

from sim.dashboard import page_state as state
from sim.dashboard.results_view import ResultsError, cell_text, find_results, open_results
from sim.dashboard.widgets import Prose

__all__ = ["ResultsTab"]


@solara.component
def ResultsTab() -> None:
    """A results folder written by orglearn compare or orglearn sweep."""
    found = solara.use_memo(lambda: [str(p) for p in find_results(Path("results"))], [])
    found = list(found)
    if state.settings.results is not None and str(state.settings.results) not in found:
        found.insert(0, str(state.settings.results))
    chosen = solara.use_reactive(found[0] if found else "")
    if not found:
        solara.Info("No results folders found under results/: run orglearn compare or "
                    "orglearn sweep, or start the dashboard with --results DIR.")
        return
    solara.Select("Results folder", value=chosen, values=found)
    try:
        folder = open_results(Path(chosen.value))
    except ResultsError as error:
        solara.Error(str(error))
        return
    Prose(f"## {folder.title} ({folder.kind})")
    if folder.description:
        solara.Text(folder.description)
    with solara.Card("Verdict", classes=["orglearn-results-verdict"]):
        for sentence in folder.verdict:
            Prose(sentence)
    for caption, path in folder.figures:
        with solara.Card(caption):
            solara.Image(str(path), width="100%")
    if folder.summary_rows:
        with solara.Details("Summary table", expand=False):
            header = "| " + " | ".join(folder.summary_header) + " |"
            rule = "| " + " | ".join("---" for _ in folder.summary_header) + " |"
            body = "\n".join("| " + " | ".join(cell_text(c) for c in row) + " |"
                             for row in folder.summary_rows)
            with solara.Column(style={"overflow-x": "auto"}):
                Prose("\n".join([header, rule, body]))
    with solara.Details("The full report", expand=False):
        # the report's images are the figures shown above (their links are relative to it)
        Prose(re.sub(r"!\[[^\]]*\]\([^)]*\)", "", folder.report_markdown))
