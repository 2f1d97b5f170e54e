"""The text of ``report.md``: the verdict in plain language, tables, and how it was run."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pyarrow as pa

from sim.engine.metrics import HEADLINE_KPIS, RUN_KPIS, RunKpi
from sim.experiments.design import SMALL_VS_WIDE
from sim.experiments.manifest import Manifest
from sim.experiments.statistics import (
    CONFIDENCE_TEXT,
    clip_interval,
    difference_bounds,
    share_better,
    t_interval,
)
from sim.report.caveats import caveats_section
from sim.report.formats import (
    format_change,
    format_span,
    format_value,
    markdown_table,
    percent,
    table_row,
)
from sim.report.strategies import strategies_section
from sim.report.summary import context_runs, kpi_values, paired_values

__all__ = ["ENROLMENT_NOTE", "common_seeds", "head_to_head", "render_report", "verdict_sentence",
           "versions_text"]


_PHRASES = {
    "knowledge_final": "knowledge (March's score after {weeks} weeks, -1 to 1)",
    "error_rate_final": "errors (share of wrong actions after {weeks} weeks)",
    "reach_contributing": "contribution (share contributing after {weeks} weeks)",
    "reach_voluntary": "voluntary reach (share taking part by choice after {weeks} weeks)",
    "time_to_50_voluntary": "voluntary speed (weeks until half the organisation takes part "
                            "by choice)",
    "reach_participating": "reach (share participating after {weeks} weeks, compulsory "
                           "enrolment included)",
    "reach_enrolled": "enrolment (share who are members only because they were enrolled, "
                      "after {weeks} weeks)",
    "time_to_50": "speed (weeks until half the organisation participates, compulsory "
                  "enrolment included)",
}
ENROLMENT_NOTE = ("Compulsory enrolment is shown (*Reach: enrolled only*, and *Reach: "
                  "participating*, which includes it, under Other KPIs) but not judged: "
                  "membership someone did not choose is not engagement, so the verdict rests "
                  "on knowledge, errors, contribution and voluntary participation.")
"""The one sentence of the KPI section on why enrolment does not count as reach."""
_PROFILE = {"lurker_share": 0.90, "contributor_share": 0.09, "champion_share": 0.01}
_CYCLES = ("value_immediate", "value_potential", "value_applied", "value_realised",
           "value_reframing")


def verdict_sentence(v: dict[str, Any], weeks: str) -> str:
    """The plain-language verdict on one KPI."""
    unit, n = v["unit"], v["n_pairs"]
    phrase = _PHRASES.get(v["kpi"], v["label"].lower()).format(weeks=weeks)
    best = (f"{format_value(v['best_mean'], unit)} "
            f"({CONFIDENCE_TEXT} CI {format_span(v['best_ci_low'], v['best_ci_high'], unit)})")
    if v["runner_up"] is None:
        return f"On {phrase} only **{v['best']}** was run: {best}."
    censored = v["kpi"].startswith("time_to_") and weeks.isdigit() and all(
        v[key] == int(weeks) + 1 for key in ("best_ci_low", "best_ci_high", "runner_up_mean"))
    if censored:
        return (f"On {phrase} there is **no winner**: neither `{v['best']}` nor "
                f"`{v['runner_up']}` got there within {weeks} weeks in any replication.")
    other = (f"{format_value(v['runner_up_mean'], unit)} ({CONFIDENCE_TEXT} CI "
             f"{format_span(v['runner_up_ci_low'], v['runner_up_ci_high'], unit)}) for "
             f"`{v['runner_up']}`, the runner-up")
    diff = (f"{format_change(v['diff_mean'], unit)} "
            f"({CONFIDENCE_TEXT} CI "
            f"{format_span(v['diff_ci_low'], v['diff_ci_high'], unit, signed=True)})")
    tied = f" and tied in {v['ties']}" if v["ties"] else ""
    record = f"did better in {v['wins']}{tied} of {n} replications"
    if v["clear"]:
        return (f"On {phrase}, **{v['best']}** wins with {best}, against {other}. The paired "
                f"difference is {diff}; it {record}.")
    reason = (f"with only {n} paired replication{'s' if n != 1 else ''} the uncertainty cannot "
              "be estimated" if n < 2 else f"the paired difference of {diff} includes zero: "
              "the gap is within the run-to-run uncertainty")
    return (f"On {phrase} there is **no clear winner**. `{v['best']}` has the best mean, "
            f"{best}, against {other}, but {reason}. `{v['best']}` {record}.")


def _headline_section(index: dict, strategies: list[str], reference: str) -> str:
    """Per headline KPI: a table of means, paired differences and P(beats reference)."""
    parts = ["## Headline KPIs", ENROLMENT_NOTE]
    for kpi in HEADLINE_KPIS:
        mine = [index[kpi.name, s] for s in strategies if (kpi.name, s) in index]
        if not mine:
            continue
        sign = -1.0 if kpi.better == "higher" else 1.0
        mine.sort(key=lambda r, s=sign: (not math.isfinite(r["mean"]), s * r["mean"]))
        rows = [_headline_row(r, kpi.unit, reference) for r in mine]
        header = ["Strategy", f"Mean [{CONFIDENCE_TEXT} CI]",
                  f"Paired difference vs {reference} [{CONFIDENCE_TEXT} CI]",
                  f"P(beats {reference})"]
        parts += [f"### {kpi.label}", f"{kpi.formula} {kpi.better.capitalize()} is better.",
                  markdown_table(header, rows)]
    return "\n\n".join(parts)


def _headline_row(row: dict, unit: str, reference: str) -> list[str]:
    """Strategy, mean [CI], paired difference [CI] and P(beats reference) of one summary row."""
    cells = [row["strategy"], f"{format_value(row['mean'], unit)} "
             f"[{format_span(row['ci_low'], row['ci_high'], unit)}]"]
    if row["strategy"] == reference:
        return [*cells, "(reference)", "—"]
    p = row["p_beats_reference"]
    return [*cells, f"{format_change(row['diff_mean'], unit)} "
            f"[{format_span(row['diff_ci_low'], row['diff_ci_high'], unit, signed=True)}]",
            percent(p)]


def _clear(row: dict | None) -> bool:
    """Whether a row's paired 95% CI against the reference excludes 0."""
    return bool(row) and math.isfinite(row["diff_ci_low"]) and (
        row["diff_ci_low"] > 0 or row["diff_ci_high"] < 0)


def _means_table(index: dict, kpis: list[RunKpi], strategies: list[str], by: str,
                 first: list[str] | None = None) -> str:
    """Means per strategy; † where the paired difference from the reference is clear."""
    def cell(kpi: RunKpi, s: str) -> str:
        row = index.get((kpi.name, s))
        return "n/a" if row is None else format_value(row["mean"], kpi.unit) + " †" * _clear(row)

    if by == "kpi":
        return markdown_table(["KPI", "Better", *strategies],
                      [[k.label, k.better, *(cell(k, s) for s in strategies)] for k in kpis])
    return markdown_table(["Strategy", *(k.label for k in kpis)],
                  ([first] if first else []) + [[s, *(cell(k, s) for k in kpis)]
                                                for s in strategies])


def _other_sections(index: dict, strategies: list[str], reference: str) -> list[str]:
    """Compact table of the other KPIs, the 90-9-1 profile and the value cycles."""
    present = [k for k in RUN_KPIS if any(key[0] == k.name for key in index)]
    dagger = (f"Means over replications; † marks a paired difference from {reference} whose "
              f"{CONFIDENCE_TEXT} CI excludes 0.")
    other = [k for k in present if not k.headline and k.name not in (*_PROFILE, *_CYCLES)]
    out = ["## Other KPIs\n\n" + dagger + "\n\n" + _means_table(index, other, strategies, "kpi")]
    profile = [k for k in present if k.name in _PROFILE]
    if len(profile) == len(_PROFILE):
        distance = {s: 100 * sum(abs(index[k, s]["mean"] - t) for k, t in _PROFILE.items())
                    for s in strategies if all((k, s) in index for k in _PROFILE)}
        closest = min(distance, key=distance.get) if distance else None
        out.append(
            "## Participation profile (90-9-1)\n\nNielsen (2006): in online communities about "
            "90% of participants lurk, 9% contribute now and then and 1% do most of the work. "
            "Shares among participants at the end of the run, against the rule "
            f"(90.0% / 9.0% / 1.0%). {dagger}\n\n"
            + _means_table(index, profile, strategies, "strategy",
                           ["*90-9-1 rule*", *(f"{100 * t:.1f}%" for t in _PROFILE.values())])
            + (f"\n\nClosest to 90-9-1: **{closest}** (total absolute deviation "
               f"{distance[closest]:.1f} points)." if closest and math.isfinite(
                   distance[closest]) else ""))
    cycles = [k for k in present if k.name in _CYCLES]
    if cycles:
        notes = "\n".join(f"- **{k.label}**: {k.formula}" for k in cycles)
        out.append("## Value cycles\n\nThe value-creation cycles of Wenger, Trayner & de Laat "
                   f"(2011). {dagger}\n\n" + _means_table(index, cycles, strategies, "strategy")
                   + "\n\n" + notes)
    return out


def common_seeds(runs: pa.Table) -> bool | None:
    """Whether every (context, replication) used one seed for all strategies; None if unknown."""
    if "seed" not in runs.column_names:
        return None
    seeds: dict[tuple[int, int], set[int]] = {}
    for key in zip(runs["context"].to_pylist(), runs["replication"].to_pylist(),
                   runs["seed"].to_pylist(), strict=True):
        seeds.setdefault(key[:2], set()).add(key[2])
    return all(len(s) == 1 for s in seeds.values())


def _pairing_section(rows: list[dict], runs: pa.Table, reference: str) -> str:
    """How much pairing on common random numbers narrowed the intervals of differences."""
    headline = {k.name for k in HEADLINE_KPIS}
    widths = [(r["unpaired_ci_high"] - r["unpaired_ci_low"], r["diff_ci_high"] - r["diff_ci_low"])
              for r in rows if r["kpi"] in headline and r["strategy"] != reference]
    ratios = [u / p for u, p in widths if math.isfinite(u) and math.isfinite(p) and p > 0]
    common = common_seeds(runs)
    text = ("Replication r of every strategy used the same seed (common random numbers), so "
            "differences are paired on replication." if common else
            "**Warning**: strategies did not share seeds within a replication, so pairing "
            "removes no common noise." if common is False else "Seeds were not recorded.")
    if ratios:
        text += (f" Pairing made the {CONFIDENCE_TEXT} intervals of the differences "
                 f"{np.median(ratios):.1f}× "
                 "narrower than an unpaired (Welch) comparison of the same runs (median over "
                 f"{len(ratios)} headline KPI and strategy combinations).")
    return "## Pairing\n\n" + text


def versions_text(manifest: Manifest) -> str | None:
    """The package versions of a manifest in one line: ``mesa 3.5.1, numpy 2.1.3, ...``."""
    versions = manifest.provenance.get("versions")
    if isinstance(versions, Mapping):
        return ", ".join(f"{k} {v}" for k, v in versions.items())
    return versions


def _how_section(runs: pa.Table, manifest: Manifest, weeks: str) -> str:
    """What was run, with which seeds and versions, from the manifest and the runs."""
    first = context_runs(runs, 0)
    wall = manifest.wall_seconds
    scenario_file = manifest.scenario.get("file")
    items = {
        "Scenario": _scenario_name(runs, manifest)
        + (f" (`{scenario_file}`)" if scenario_file else ""),
        "Strategies": ", ".join(dict.fromkeys(first["strategy"].to_pylist())),
        "Replications": f"{len(set(first['replication'].to_pylist()))} per strategy",
        "Contexts": str(len(set(runs["context"].to_pylist()))),
        "Root seed": manifest.root_seed,
        "Weeks simulated": weeks,
        "Employees": manifest.parameters.get("org", {}).get("employees"),
        "Versions": versions_text(manifest),
        "Git commit": manifest.provenance.get("git_commit"),
        "Wall time": f"{wall:.1f} s" if wall is not None else None,
        "Created (UTC)": manifest.provenance.get("created_utc"),
    }
    lines = [f"- **{k}**: {v}" for k, v in items.items() if v is not None]
    return ("## How this was run\n\n" + "\n".join(lines) + "\n\nThe seed of every run is in "
            "`runs.parquet`; all statistics are in `summary.csv`.")


def _scenario_name(runs: pa.Table, manifest: Manifest) -> str:
    """The scenario's name from the manifest, else from the runs."""
    name = manifest.scenario.get("name")
    if not name and "scenario" in runs.column_names and runs.num_rows:
        name = runs["scenario"][0].as_py()
    return str(name or "unnamed scenario")


def head_to_head(runs: pa.Table, weeks: str, pair: tuple[str, str]) -> str:
    """The section that sets two strategies against each other pair by pair.

    Titled "Start small or start wide?" for
    :data:`~sim.experiments.design.SMALL_VS_WIDE`, "`A` or `B`?" otherwise. Returns an empty string
    when either strategy is missing from context 0. Each interval of a difference is clipped to
    the differences the KPI can take.
    """
    a, b = pair
    first = context_runs(runs, 0)
    present = set(first["strategy"].to_pylist())
    if not {a, b} <= present or a == b:
        return ""
    lines, wins = [], {a: [], b: [], None: []}
    for kpi in (k for k in HEADLINE_KPIS if k.name in first.column_names):
        values = kpi_values(first, kpi.name)
        diff = paired_values(values[a], values[b])
        mean, _, low, high = t_interval(diff)
        low, high = clip_interval(low, high, difference_bounds(kpi.bounds))
        p_a = share_better(diff, kpi.better)
        clear = not (math.isnan(low) or low <= 0 <= high)
        a_better = (mean > 0) == (kpi.better == "higher")
        winner = (a if a_better else b) if clear else None
        wins[winner].append(kpi.label.lower())
        lines.append(table_row(kpi.label, f"`{winner}`" if winner else "no clear winner",
                               f"{format_change(mean, kpi.unit)} "
                               f"[{format_span(low, high, kpi.unit, True)}]",
                               f"{p_a:.0%}" if not math.isnan(p_a) else "—"))
    summary = []
    for name in (a, b):
        if wins[name]:
            summary.append(f"`{name}` wins on {', '.join(wins[name])}")
    if wins[None]:
        summary.append(f"neither wins clearly on {', '.join(wins[None])}")
    small_wide = tuple(pair) == SMALL_VS_WIDE
    title = "Start small or start wide?" if small_wide else f"`{a}` or `{b}`?"
    difference = "small − wide" if small_wide else f"{a} − {b}"
    header = (f"| KPI | Winner | Difference {difference} [{CONFIDENCE_TEXT} CI] | "
              f"P(`{a}` does better) |\n| --- | --- | --- | --- |")
    return (f"## {title}\n\n"
            f"Paired over the same replications, after {weeks} weeks: "
            + "; ".join(summary) + ".\n\n" + header + "\n" + "\n".join(lines))


def render_report(runs: pa.Table, timeseries: pa.Table, summary: pa.Table,
                  verdict_list: list[dict[str, Any]], manifest: Manifest,
                  caveats: Sequence[str] = ()) -> str:
    """The text of ``report.md`` of one context (``summary.csv`` holds every context).

    ``caveats`` (:mod:`sim.report.caveats`) become a section right after the verdict.
    """
    reference = manifest.reference
    rows = [r for r in summary.to_pylist() if r["context"] == 0]
    index = {(r["kpi"], r["strategy"]): r for r in rows}
    strategies = list(dict.fromkeys(r["strategy"] for r in rows))
    steps = timeseries["step"].to_numpy() if timeseries.num_rows else np.array([])
    weeks = str(int(steps.max())) if steps.size else str(manifest.steps)
    contexts = len(set(runs["context"].to_pylist()))
    intro = " ".join(filter(None, [
        manifest.parameters.get("scenario", {}).get("description"),
        f"{len(strategies)} strateg{'y' if len(strategies) == 1 else 'ies'} over {weeks} "
        f"weeks, compared with `{reference}`.",
        "The question: which rollout should the organisation choose, and how sure can we be?"
        if len(strategies) > 1 else "",
        f"This report covers context 0 of {contexts}." if contexts > 1 else ""]))
    figures = "\n\n".join(f"![{alt}](figures/{file})" for alt, file in (
        (f"Weekly KPIs with {CONFIDENCE_TEXT} bands", "timeseries.png"),
        (f"Paired differences vs {reference}", "paired_differences.png"),
        ("Headline KPIs per strategy", "kpis.png")))
    sections = [
        f"# Strategy comparison: {_scenario_name(runs, manifest)}"
        + (f" ({manifest.name})" if manifest.command == "sweep" else ""), intro,
        "## Verdict\n\n" + ("\n\n".join(verdict_sentence(v, weeks) for v in verdict_list)
                             or "No headline KPI could be compared."),
        caveats_section(caveats),
        head_to_head(runs, weeks, tuple(manifest.contrast)) if manifest.contrast else "",
        strategies_section(strategies, manifest.parameters or {}, int(weeks)),
        _headline_section(index, strategies, reference),
        *_other_sections(index, strategies, reference),
        _pairing_section(rows, runs, reference),
        "## Figures\n\n" + figures,
        _how_section(runs, manifest, weeks),
    ]
    return "\n\n".join(s for s in sections if s) + "\n"
