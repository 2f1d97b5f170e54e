"""Write the claims table of docs/validation.md from the committed validation results.

Each results folder under results/validation/ holds validation.md, written by `orglearn sweep`
from the runs; this script gathers their rows, in the order of VALIDATIONS, between the markers
of docs/validation.md, so that the documented numbers are always the committed ones.

Usage: python scripts/write-validation-table.py   (from the project root)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "validation.md"
START, END = "<!-- claims:start -->", "<!-- claims:end -->"
VALIDATIONS = ("march-1991", "march-1991-learners", "march-1991-turnover",
               "march-1991-turbulence", "lazer-friedman-2007", "bass-1969", "watts-2002",
               "centola-2010")
HEADER = ("| Experiment | Source | Claim | Ours (committed results) | Tolerance | Result |\n"
          "| --- | --- | --- | --- | --- | --- |")


def claim_rows(name: str) -> list[str]:
    """The claim rows of one validation's results, prefixed with the experiment's name."""
    text = (ROOT / "results" / "validation" / name / "validation.md").read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| ")][2:]
    return [f"| [`{name}`](../results/validation/{name}/validation.md) {row}" for row in rows]


def table() -> str:
    """The whole claims table."""
    return "\n".join([HEADER, *(row for name in VALIDATIONS for row in claim_rows(name))])


def main() -> int:
    """Replace the table between the markers of docs/validation.md."""
    doc = DOC.read_text(encoding="utf-8")
    before, rest = doc.split(START, 1)
    _, after = rest.split(END, 1)
    DOC.write_text(f"{before}{START}\n{table()}\n{END}{after}", encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
