"""An ECharts chart for Solara that takes its option as one JSON string.

Solara's own ``FigureEcharts`` takes the option as a nested dictionary, which the renderer walks
element by element on every frame (looking for child components) and the widget layer compares
and serialises again; for a network of a thousand people that costs seconds a frame. Here the
frame loop serialises the option once (:func:`option_json`) and the widget only passes the text
on; the browser draws it with the ECharts that ``solara-assets`` ships.
"""

from __future__ import annotations

import json
from typing import Any

import ipyvuetify
import solara
import traitlets

__all__ = ["Echarts", "EchartsWidget", "option_json"]


class EchartsWidget(ipyvuetify.VuetifyTemplate):
    """The browser side: ``echarts.vue`` draws ``option_json`` whenever it changes."""

    template_file = (__file__, "echarts.vue")
    option_json = traitlets.Unicode("").tag(sync=True)
    attributes = traitlets.Dict(default_value=None, allow_none=True).tag(sync=True)


def option_json(option: dict[str, Any]) -> str:
    """The option as compact JSON (NaN is not JSON: options use ``None`` for gaps)."""
    return json.dumps(option, separators=(",", ":"), allow_nan=False)


@solara.component
def Echarts(option_text: str, attributes: dict[str, str] | None = None) -> solara.Element:
    """A chart drawn from ``option_text``, the option as JSON (:func:`option_json`)."""
    return EchartsWidget.element(option_json=option_text, attributes=attributes or {})
