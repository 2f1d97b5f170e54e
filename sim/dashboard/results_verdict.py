"""The verdict of a results folder in plain sentences, taken from its ``report.md``.

For a compare (:func:`compare_verdict`): the verdict on each headline KPI and the "start small or
start wide?" summary. For a sweep (:func:`sweep_verdict`): per KPI where each strategy wins
clearly, what drives the verdict (Sobol' and Morris designs) and, from ``validation.md``, how
many published claims hold. Markdown emphasis, code marks, links and images are taken out.
"""

from __future__ import annotations

import re

__all__ = ["compare_verdict", "sweep_verdict"]

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z*`])")
_BOLD_LEAD = re.compile(r"^\*\*(.+?)\*\*:\s*")


def _sections(text: str, level: int) -> list[tuple[str, str]]:
    """``(heading, body)`` of each Markdown section of ``level`` (2 for ``##``), in order."""
    mark = "#" * level + " "
    out: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if line.startswith(mark):
            out.append((line[len(mark):].strip(), []))
        elif out:
            out[-1][1].append(line)
    return [(heading, "\n".join(body).strip()) for heading, body in out]


def _section(text: str, heading: str) -> str:
    """The body of the first ``##`` section called ``heading``, or ``""``."""
    return next((body for h, body in _sections(text, 2) if h == heading), "")


def _paragraphs(text: str) -> list[str]:
    """Paragraphs of Markdown text that are neither tables nor headings nor images."""
    out = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if lines and not any(line.startswith(("|", "#", "![")) for line in lines):
            out.append(" ".join(lines))
    return out


def _plain(text: str) -> str:
    """Markdown inline text as plain text: no emphasis, code marks, links or images."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = text.replace("**", "").replace("`", "")
    text = re.sub(r"(?<![\w*])\*(?!\s)([^*]+?)(?<!\s)\*(?![\w*])", r"\1", text)
    return " ".join(text.split())


def compare_verdict(report: str) -> list[str]:
    """The verdict per headline KPI, then the "start small or start wide?" summary."""
    sentences = [_plain(s) for p in _paragraphs(_section(report, "Verdict"))
                 for s in _SENTENCE.split(p)]
    sentences += [_plain(p) for p in _paragraphs(_section(report, "Start small or start wide?"))]
    return [s for s in sentences if s]


def sweep_verdict(report: str, validation: str | None, *, compared: bool) -> list[str]:
    """Per KPI where each strategy wins clearly, what drives it, and the validation result.

    With a single strategy (``compared`` false) nothing can win, so the sentences on where
    each strategy wins are left out.
    """
    sentences = []
    wins = _sections(_section(report, "Where each strategy wins"), 3) if compared else []
    for heading, body in wins:
        paragraphs = [p for p in re.split(r"\n\s*\n", body) if p.strip()]
        last = _paragraphs(paragraphs[-1]) if paragraphs else []
        if last:
            sentences.append(f"{_plain(heading)} — {_plain(last[0])}")
    for paragraph in _paragraphs(_section(report, "What drives the verdict")):
        if _BOLD_LEAD.match(paragraph):
            sentences.append(_plain(_BOLD_LEAD.sub(r"\1 — ", paragraph, count=1)))
    if validation:
        sentences.append(_validation_sentence(validation))
    return [s for s in sentences if s]


def _validation_sentence(validation: str) -> str:
    """How many of the published claims in ``validation.md`` the runs reproduce."""
    results = []
    for line in validation.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.lstrip().startswith("|") and cells and _plain(cells[-1]) in ("pass", "fail"):
            results.append(_plain(cells[-1]))
    if not results:
        return ""
    passed, n = results.count("pass"), len(results)
    if passed == n:
        held = f"all {n} published claims hold" if n > 1 else "the published claim holds"
        return f"Validation against published results: {held} within tolerance."
    failed = n - passed
    return (f"Validation against published results: {passed} of {n} published claims hold "
            f"within tolerance; {failed} fail{'s' if failed == 1 else ''}.")
