"""The live race's controls: the preset, strategies A and B, the schema's fields and the bands.

One field per schema parameter (:mod:`sim.dashboard.controls` says which, and how each is
shown); what is typed goes to :data:`sim.dashboard.page_state.typed`, a refused value shows the
schema's message under its field.
"""

from __future__ import annotations

import solara

from sim.dashboard import page_state as state
from sim.dashboard.controls import Control, controls, shown_value
from sim.engine.params import Params
from sim.engine.strategies import STRATEGIES

__all__ = ["ControlField", "ControlsPanel"]


@solara.component
def ControlField(control: Control, base: Params, errors: dict[str, str],
                 locked: dict[str, str]) -> None:
    """One schema parameter as a control, with the schema's message when a value is refused."""
    key = control.key
    value = state.typed.value.get(key, shown_value(base, key))

    def set_value(new: object) -> None:
        state.typed.set({**state.typed.value, key: new})

    if key in locked:
        solara.InputText(control.label, value=str(base[key]), disabled=True,
                         message=locked[key])
    elif control.widget == "switch":
        solara.Switch(label=control.label, value=bool(value), on_value=set_value)
        solara.Text(errors.get(key, control.param.help),
                    style={"font-size": "0.75rem", "color": "#b00020" if key in errors
                           else "#666"})
    elif control.widget == "select":
        solara.Select(control.label, value=str(value), values=list(control.param.choices),
                      on_value=set_value)
    else:
        solara.InputText(control.label, value=str(value), on_value=set_value,
                         error=errors.get(key, False), message=errors.get(key, control.hint))


@solara.component
def ControlsPanel(base: Params | None, errors: dict[str, str], locked: dict[str, str]) -> None:
    """Preset, strategies, the organisation's parameters and the bands."""
    names = list(STRATEGIES)
    solara.Select("Preset (scenario)", value=state.preset_name,
                  values=[p.name for p in state.presets], on_value=lambda _: state.typed.set({}))
    preset = state.current_preset()
    if preset is not None and preset.description:
        solara.Text(preset.description, style={"font-size": "0.8rem", "color": "#555"})
    solara.Select("Strategy A", value=state.strategy_a, values=names)
    solara.Select("Strategy B", value=state.strategy_b, values=names)
    if base is None:
        return
    with solara.Details("Organisation, culture and rollout", expand=True):
        for control in controls():
            ControlField(control, base, errors, locked)
        if state.typed.value:
            solara.Button("Back to the preset's values", text=True,
                          on_click=lambda: state.typed.set({}))
    solara.Switch(label="Bands: replications in the background", value=state.bands_on)
    if state.bands_on.value:
        solara.InputText("Paired replications (R)", value=state.replications_text,
                         message="Each replication runs A and B on a new seed, as "
                                 "orglearn compare does.")
