"""The report of many contexts (a sweep): which strategy wins where, and what drives it.

The statistics are in :mod:`sim.report.contexts`; this module writes ``winners.csv``,
``sensitivity.csv`` (Sobol' and Morris designs), the figures (:mod:`sim.report.sweep_figures`)
and the text of ``report.md``: the winners by context with the regions each strategy wins, the
uncertainties that move the verdict, and how the sweep was run.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from sim.engine.metrics import RUN_KPIS
from sim.engine.params import lookup
from sim.experiments.manifest import Manifest
from sim.experiments.results import atomic_write
from sim.experiments.robustness import ends_of, tornado, tornado_table
from sim.experiments.sampling import Sampler
from sim.experiments.statistics import CONFIDENCE_TEXT
from sim.report import robustness, sweep_figures
from sim.report.caveats import caveats_section
from sim.report.contexts import (
    context_cells,
    paired_label,
    sensitivity,
    strategies_of,
    uncertainty_columns,
    winners_by_context,
)
from sim.report.formats import (
    amount,
    format_change,
    format_level,
    format_number,
    format_span,
    is_number,
    margin,
    markdown_table,
)
from sim.report.labels import in_sentence, parameter_label, parameter_labels
from sim.report.strategies import strategies_section
from sim.report.text import common_seeds, versions_text

__all__ = ["MAX_ROWS", "sensitivity_pair", "write_sweep_report"]

MAX_ROWS = 30
_RUN = {k.name: k for k in RUN_KPIS}
_NO_CLEAR = "— (no clear winner)"


def sensitivity_pair(strategies: list[str], reference: str,
                     contrast: list[str] | None) -> tuple[str, str] | None:
    """The pair whose paired difference the sensitivity analysis explains.

    The experiment's contrast ``(A, B)`` when it names one; else the first other strategy
    against the reference; the first two strategies when the reference is not among them;
    None with fewer than two.
    """
    if contrast and set(contrast) <= set(strategies):
        return contrast[0], contrast[1]
    others = [s for s in strategies if s != reference]
    if reference in strategies and others:
        return others[0], reference
    return (strategies[0], strategies[1]) if len(strategies) >= 2 else None


def _write_csv(table: pa.Table, path: Path) -> Path:
    """Write a table as CSV, atomically."""
    atomic_write(path, lambda p: pacsv.write_csv(table, p))
    return path


def write_sweep_report(runs: pa.Table, summary: pa.Table, manifest: Manifest,
                       out_dir: Path, caveats: Sequence[str] = ()) -> dict[str, Path]:
    """Write the many-context part of a results folder.

    Writes ``winners.csv`` (:func:`~sim.report.contexts.winners_by_context` per KPI), for
    Sobol' and Morris designs ``sensitivity.csv``, ``figures/*.png`` and ``report.md``.

    Args:
        runs: One row per run.
        summary: :func:`sim.report.summary.summarise` of the runs.
        manifest: The results folder's manifest.
        out_dir: The results folder.
        caveats: Sentences on what limits the verdict (:mod:`sim.report.caveats`).

    Returns:
        Paths by name: ``winners``, ``sensitivity`` (if written), one per figure
        (``phase_diagram``, ``sweep_lines`` or ``sensitivity_figure``) and ``report``.
    """
    strategies = strategies_of(runs)
    kpis = list(dict.fromkeys(manifest.kpis))
    present = [k for k in kpis if k in _RUN and k in runs.column_names]
    winners = {k: winners_by_context(runs, k, strategies) for k in present
               if _RUN[k].better in ("higher", "lower")}
    paths: dict[str, Path] = {}
    if winners:
        paths["winners"] = _write_csv(pa.concat_tables(
            [t.add_column(0, "kpi", pa.array([k] * t.num_rows, pa.string()))
             for k, t in winners.items()]), out_dir / "winners.csv")
    pair = sensitivity_pair(strategies, manifest.reference, manifest.contrast)
    label = paired_label(*pair) if pair else (strategies[0] if strategies else "")
    sens = None
    if manifest.salib_problem is not None and manifest.design_matrix is not None:
        sampler = Sampler.from_problem(manifest.design, manifest.salib_problem,
                                       manifest.samples, manifest.root_seed)
        x = np.asarray(manifest.design_matrix, dtype=float)
        targets = ([pair] if pair else []) + [(s, None) for s in strategies]
        sens = pa.concat_tables([sensitivity(runs, k, sampler, x, a, b)
                                 for k in present for a, b in targets])
        paths["sensitivity"] = _write_csv(sens, out_dir / "sensitivity.csv")
    figures = sweep_figures.make_sweep_figures(
        runs, summary, winners, out_dir / "figures", design=manifest.design,
        axes=manifest.grid_axes, strategies=strategies, kpis=present, sens=sens, label=label)
    robust = ""
    if manifest.design == "robustness" and pair:
        a, b = pair
        tornados = {k: tornado(runs, manifest.contexts, k, a, b) for k in present}
        keys = list(ends_of(manifest.contexts))
        labels = {k: _RUN[k].label for k in present} | dict(
            zip(keys, parameter_labels(keys), strict=True))
        plausible = {key: lookup(key, "").plausible for key in keys}
        paths["robustness"] = _write_csv(tornado_table(tornados, a, b),
                                         out_dir / "robustness.csv")
        figures["tornado"] = robustness.draw_tornado(
            tornados, labels, f"A − B with A = {a}, B = {b}: at the low and the high end of each "
            "parameter's plausible range",
            out_dir / "figures" / "tornado.png")
        found = out_dir / "breakeven.csv"
        breakevens = pacsv.read_csv(found).to_pylist() if found.is_file() else []
        robust = robustness.robustness_section(
            tornados, a, b, labels, breakevens, base_values=_base_values(manifest, keys),
            reasons={k: p.reason for k, p in plausible.items() if p is not None},
            between=strategies_section(strategies, manifest.parameters or {}, manifest.steps))
    paths |= figures
    text = _render(runs, manifest, winners=winners, sens=sens, label=label, figures=figures,
                   caveats=caveats, robust=robust)
    report = out_dir / "report.md"
    atomic_write(report, lambda p: p.write_text(text, encoding="utf-8"))
    paths["report"] = report
    return paths


def _base_values(manifest: Manifest, keys: list[str]) -> dict[str, object]:
    """The scenario's value of each dotted key, from the manifest's parameters."""
    out = {}
    for key in keys:
        section, _, name = key.rpartition(".")
        value = (manifest.parameters or {}).get(section, {}).get(name)
        if value is not None:
            out[key] = value
    return out


# ----------------------------------------------------------------------------- report text


def _cell(row: dict | None, unit: str) -> str:
    """A grid cell: ``best +8.3 pts``, ``— (no clear winner)``, or ``n/a`` without values."""
    if row is None or row["best"] is None:
        return "n/a"
    if row["runner_up"] is None:
        return f"{row['best']} (only one with values)"
    return f"{row['best']} {margin(row['diff_mean'], unit)}" if row["clear"] else _NO_CLEAR


def _grid_table(table: pa.Table, axes: Sequence[tuple[str, tuple]], unit: str) -> str:
    """Markdown grid of winners: rows = second-axis values, columns = first-axis values."""
    (k1, v1), (k2, v2) = axes
    cells = context_cells(table, axes)
    by_cell = {cells[r["context"]]: r for r in table.to_pylist() if r["context"] in cells}
    body = [[format_level(b), *(_cell(by_cell.get((i, j)), unit) for i in range(len(v1)))]
            for j, b in enumerate(v2)]
    return markdown_table([f"{parameter_label(k2)} ↓ / {parameter_label(k1)} →",
                           *(format_level(a) for a in v1)], body)


def _compact_table(table: pa.Table, keys: list[str], unit: str) -> str:
    """Up to :data:`MAX_ROWS` contexts with their values, winner and margin."""
    rows = table.to_pylist()
    body = []
    for r in rows[:MAX_ROWS]:
        winner = r["best"] if r["clear"] else _cell(r, unit)
        diff = (f"{format_change(r['diff_mean'], unit)} "
                f"[{format_span(r['diff_ci_low'], r['diff_ci_high'], unit, signed=True)}]"
                if r["runner_up"] else "n/a")
        body.append([str(r["context"]), *(format_level(r.get(k)) for k in keys), winner, diff])
    text = markdown_table(["Context", *parameter_labels(keys), "Winner",
                           f"Best − runner-up [{CONFIDENCE_TEXT} CI]"], body)
    if len(rows) > MAX_ROWS:
        text += (f"\n\n{len(rows) - MAX_ROWS} more contexts are not shown; `winners.csv` has "
                 "every context.")
    return text


def _bounds(rows: list[dict], keys: list[str], won: list[int], best: list[str | None],
            strategy: str) -> str:
    """Conditions ``key ≥ v`` / ``key ≤ v`` that all of a strategy's clear wins meet.

    A condition is kept only when it separates those wins from the other strategies' clear wins
    (or, when no other strategy wins clearly anywhere, from all the other contexts).
    """
    others = ([i for i, b in enumerate(best) if b not in (None, strategy)]
              or [i for i, b in enumerate(best) if b != strategy])
    conditions = []
    for key in keys:
        mine = [rows[i].get(key) for i in won]
        theirs = [rows[i].get(key) for i in others]
        if not others or not all(is_number(v) for v in mine + theirs):
            continue
        if all(v < min(mine) for v in theirs):
            conditions.append(f"{in_sentence(parameter_label(key))} ≥ {format_level(min(mine))}")
        elif all(v > max(mine) for v in theirs):
            conditions.append(f"{in_sentence(parameter_label(key))} ≤ {format_level(max(mine))}")
    return " and ".join(conditions)


def _regions(table: pa.Table, keys: list[str], strategies: list[str]) -> str:
    """One sentence: how many contexts each strategy wins clearly, and where."""
    rows = table.to_pylist()
    best = [r["best"] if r["clear"] else None for r in rows]
    parts: list[str] = []
    for strategy in strategies:
        won = [i for i, b in enumerate(best) if b == strategy]
        count = (f"{len(won) or 'none'} of {len(rows)} contexts" if not parts
                 else str(len(won) or "none"))
        where = _bounds(rows, keys, won, best, strategy) if won else ""
        parts.append(f"`{strategy}` wins clearly in {count}" + (f", all with {where}"
                                                                 if where else ""))
    unclear = best.count(None)
    parts.append("every context has a clear winner" if not unclear else
                 "1 context has no clear winner" if unclear == 1 else
                 f"{unclear} contexts have no clear winner")
    return "; ".join(parts) + "."


def _where_section(winners: dict[str, pa.Table], kpis: list[str], design: str,
                   axes: list[tuple[str, tuple]], keys: list[str], strategies: list[str]) -> str:
    """Per KPI: the table of winners by context and the sentence on the regions."""
    parts = ["## Where each strategy wins"]
    for kpi in dict.fromkeys(kpis):
        info = _RUN.get(kpi)
        if info is None or kpi not in winners:
            why = ("is not a run KPI" if info is None else "has no better side, so no strategy "
                   "wins on it" if info.better not in ("higher", "lower") else
                   "is not in these results")
            parts.append(f"### {info.label if info else kpi}\n\n`{kpi}` {why}.")
            continue
        table = winners[kpi]
        grid = (_grid_table(table, axes, info.unit) if design == "grid" and len(axes) == 2
                else _compact_table(table, keys, info.unit))
        parts.append(f"### {info.label}\n\n{info.formula} {info.better.capitalize()} is "
                     f"better.\n\n{grid}\n\n{_regions(table, keys, strategies)}")
    return "\n\n".join(parts)


def _drivers_section(sens: pa.Table, design: str, kpis: list[str], label: str) -> str:
    """Per KPI: the uncertainties that move ``label`` most, by ST (Sobol') or mu* (Morris)."""
    sobol = design == "sobol"
    measure = "ST" if sobol else "mu_star"
    intro = (f"Sobol' indices of `{label}` (per-context mean over replications) across the "
             "ranges of the uncertainties. ST is the share of its variance due to an "
             "uncertainty including interactions, S1 the share due to it alone; ± is the "
             f"{CONFIDENCE_TEXT} bootstrap half-width. An uncertainty with ST near 0 hardly "
             "moves the verdict."
             if sobol else
             f"Morris screening of `{label}` (per-context mean over replications): mu* is the "
             "mean absolute change when an uncertainty moves across its range (in the KPI's "
             "unit), sigma the spread of those changes (non-linearity or interactions); ± is "
             f"the {CONFIDENCE_TEXT} bootstrap half-width of mu*.")
    parts = ["## What drives the verdict", intro]
    all_rows = sens.to_pylist()
    for kpi in (k for k in dict.fromkeys(kpis) if k in _RUN):
        info = _RUN[kpi]
        rows = [r for r in all_rows if r["kpi"] == kpi and r["strategy"] == label]
        if not rows:
            continue
        ranked = sorted((r for r in rows if math.isfinite(r[measure])), key=lambda r: -r[measure])

        def show(r: dict, unit: str = info.unit) -> str:
            if sobol:
                return f"ST {r['ST']:.2f} ± {r['ST_conf']:.2f}, S1 {r['S1']:.2f}"
            return f"mu* {format_number(r['mu_star'], unit)} ± {amount(r['mu_star_conf'], unit)}"

        if not ranked:
            parts.append(f"**{info.label}**: the indices could not be computed (a context "
                         "without values, or no variation at all).")
            continue
        text = (f"**{info.label}**: `{label}` depends most on "
                f"{in_sentence(parameter_label(ranked[0]['name']))} ({show(ranked[0])})")
        then = [f"{in_sentence(parameter_label(r['name']))} ({show(r)})" for r in ranked[1:3]]
        if then:
            text += ", then " + " and ".join(then)
        unit = {"share": "points"}.get(info.unit, info.unit)
        header = (["Uncertainty", "S1 ± conf", "ST ± conf"] if sobol else
                  ["Uncertainty", f"mu ({unit})", f"mu* ± conf ({unit})", f"sigma ({unit})"])
        body = [[parameter_label(r["name"]), f"{r['S1']:.3f} ± {r['S1_conf']:.3f}",
                 f"{r['ST']:.3f} ± {r['ST_conf']:.3f}"] if sobol else
                [parameter_label(r["name"]), format_number(r["mu"], info.unit),
                 f"{format_number(r['mu_star'], info.unit)} ± "
                 f"{format_number(r['mu_star_conf'], info.unit)}",
                 format_number(r["sigma"], info.unit)]
                for r in sorted(rows, key=lambda r: -r[measure] if math.isfinite(r[measure])
                                else math.inf)]
        parts.append(text + ".\n\n" + markdown_table(header, body))
    return "\n\n".join(parts)


def _design_text(design: str, axes: list[tuple[str, tuple]], problem: dict | None,
                 contexts: Sequence[dict] = ()) -> str:
    """The design and its uncertainties in one line, each named by its label and key."""
    def name(key: str) -> str:
        label = parameter_label(key)
        return f"{label} (`{key}`)" if label != key else f"`{key}`"

    if axes:
        return f"{design}: " + " × ".join(
            f"{name(k)} ∈ {{{', '.join(format_level(v) for v in values)}}}" for k, values in axes)
    if problem:
        return f"{design}: " + ", ".join(
            f"{name(n)} in [{format_level(float(lo))}, {format_level(float(hi))}]"
            for n, (lo, hi) in zip(problem["names"], problem["bounds"], strict=True))
    if design == "robustness":
        ends = ends_of(contexts)
        return (f"robustness: the scenario, then each of {len(ends)} parameters alone at the "
                "low and at the high end of its plausible range: " + ", ".join(
                    f"{name(k)} {format_level(contexts[lo][k])} and "
                    f"{format_level(contexts[hi][k])}" for k, (lo, hi) in ends.items()))
    return design


def _how_section(runs: pa.Table, manifest: Manifest) -> str:
    """What was run, with which seeds and versions, from the manifest and the runs."""
    common = common_seeds(runs)
    design, problem = manifest.design, manifest.salib_problem
    details = (f"base sample size {manifest.samples}" if design not in ("grid", "robustness")
               else "")
    wall = manifest.wall_seconds
    items = {
        "Experiment": manifest.name,
        "Scenario": manifest.scenario.get("name"),
        "Design": _design_text(design, manifest.grid_axes, problem, manifest.contexts)
        + (f" ({details})" if details else ""),
        "Contexts": str(len(set(runs["context"].to_pylist()))),
        "Strategies": ", ".join(f"`{s}`" for s in strategies_of(runs)),
        "Reference (for `summary.csv`)": f"`{manifest.reference}`",
        "Replications": manifest.replications,
        "Seeds": None if common is None else "common random numbers: replication r of every "
        "strategy in a context used the same seed" if common else "**not** shared between "
        "strategies, so pairing removes no common noise",
        "Root seed": manifest.root_seed,
        "Versions": versions_text(manifest),
        "Git commit": manifest.provenance.get("git_commit"),
        "Wall time": f"{wall:.1f} s" if wall is not None else None,
    }
    lines = [f"- **{k}**: {v}" for k, v in items.items() if v is not None]
    return ("## How this was run\n\n" + "\n".join(lines) + "\n\n`summary.csv` has the mean and "
            f"{CONFIDENCE_TEXT} CI of every KPI, strategy and context, with the paired "
            f"difference vs `{manifest.reference}`; `winners.csv` has the winner of every "
            "context and KPI.")


def _render(runs: pa.Table, manifest: Manifest, *, winners: dict[str, pa.Table],
            sens: pa.Table | None, label: str, figures: dict[str, Path],
            caveats: Sequence[str] = (), robust: str = "") -> str:
    """The text of a sweep's ``report.md``."""
    strategies = strategies_of(runs)
    design, axes, problem = manifest.design, manifest.grid_axes, manifest.salib_problem
    keys = [k for k in ([k for k, _ in axes] if axes else list(problem["names"]) if problem
                        else uncertainty_columns(runs)) if k in runs.column_names]
    contexts = len(set(runs["context"].to_pylist()))
    intro = " ".join(filter(None, [
        manifest.description,
        f"{len(strategies)} strategies compared in {contexts} contexts ({design} design). In "
        "each context the winner of a KPI is the strategy with the best mean over "
        "replications; its margin is the paired difference to the runner-up on the same "
        f"seeds, and the win is *clear* when the {CONFIDENCE_TEXT} CI of that difference "
        "excludes zero."]))
    alt = {"phase_diagram": "Which strategy wins where, with the margin",
           "sweep_lines": f"KPIs along the sweep, mean and {CONFIDENCE_TEXT} CI per strategy",
           "sensitivity_figure": f"What drives {label}",
           "tornado": f"{label} at both ends of each uncertain parameter"}
    kpis = list(manifest.kpis)
    if design == "robustness":
        tornado = (f"![{alt['tornado']}](figures/{figures['tornado'].name})"
                   if "tornado" in figures else "")
        return "\n\n".join(filter(None, [
            f"# Robustness of the verdict: {manifest.name}", manifest.description,
            caveats_section(caveats), robust, tornado, _how_section(runs, manifest)])) + "\n"
    sections = [f"# Sweep: {manifest.name}", intro, caveats_section(caveats),
                _where_section(winners, kpis, design, axes, keys, strategies),
                strategies_section(strategies, manifest.parameters or {}, manifest.steps)]
    if sens is not None:
        sections.append(_drivers_section(sens, design, kpis, label))
    if figures:
        sections.append("## Figures\n\n" + "\n\n".join(
            f"![{alt.get(k, k)}](figures/{p.name})" for k, p in figures.items()))
    sections.append(_how_section(runs, manifest))
    return "\n\n".join(filter(None, sections)) + "\n"
