"""Small pieces the page's sections share: Markdown prose and the PNG and CSV download buttons."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from functools import lru_cache

import markdown
import solara

__all__ = ["Prose", "csv_download", "png_download", "rows_csv"]


def png_download(render: Callable[[], bytes], filename: str) -> solara.Element:
    """A PNG button: ``render()`` makes the file when it is clicked."""
    return solara.FileDownload(render, filename=filename, label="PNG",
                               mime_type="image/png", icon_name="mdi-image")


def csv_download(render: Callable[[], str], filename: str) -> solara.Element:
    """A CSV button: ``render()`` makes the file when it is clicked."""
    return solara.FileDownload(render, filename=filename, label="CSV",
                               mime_type="text/csv", icon_name="mdi-table")


def rows_csv(rows: list[dict]) -> str:
    """CSV text of ``rows`` (dictionaries with the same keys), a header line first."""
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return out.getvalue()


@lru_cache(maxsize=256)
def _html(text: str) -> str:
    return markdown.markdown(text, extensions=["tables"])


@solara.component
def Prose(text: str) -> None:
    """Markdown rendered on the server (Solara's own Markdown needs KaTeX, not in its assets)."""
    solara.HTML(tag="div", unsafe_innerHTML=_html(text), classes=["orglearn-prose"])
