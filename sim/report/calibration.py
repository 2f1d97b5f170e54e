"""What a calibration found, for people: posterior tables and figures, the fit, the warnings.

:func:`write_calibration` writes a calibration's results folder (beside the runs and the
manifest that :func:`sim.calibration.run.calibrate` wrote): ``posterior.csv`` (the last
generation's accepted values with their weights), ``generations.csv``, ``fit.csv`` (the
observed series against the posterior predictive band), ``figures/posterior.png`` (marginals on
the diagonal, pairs below), ``figures/fit.png``, ``report.md`` and ``report.html``. The
calibrated scenario is written by :mod:`sim.config.calibrated`.

The diagnostics:

* **Identification.** A parameter whose posterior standard deviation is more than
  :data:`UNIDENTIFIED` of its prior's was hardly constrained by the data (posterior ≈ prior): the
  report says so and warns against reading its posterior mean as a finding.
* **Posterior predictive check.** Posterior draws are run again with new seeds. The report gives
  how many observed values fall inside the 90 % band of those runs, and a posterior predictive
  p-value (Gelman, Meng & Stern 1996, *Statistica Sinica* 6): the share of predictive runs whose
  distance to the predictive mean is at least the observations' distance to it. A p-value below
  0.05 says the model, at any of the fitted values, does not produce series like the observed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from sim.calibration import abc
from sim.calibration.distance import Distance, Key
from sim.calibration.observed import OBSERVABLES, Observed
from sim.calibration.run import Calibration, as_record
from sim.experiments.results import atomic_write
from sim.report.figures import STYLE, save_png
from sim.report.formats import format_level, markdown_table
from sim.report.html import write_html
from sim.report.labels import in_sentence, parameter_labels

__all__ = ["BAND", "FEW_DRAWS", "UNIDENTIFIED", "Check", "check_fit", "write_calibration"]

UNIDENTIFIED = 0.7
"""Posterior sd / prior sd above which a parameter counts as not identified by the data."""
BAND = 0.9
"""The central share of predictive runs the fit band spans."""
FEW_DRAWS = 30
"""Effective posterior draws below which the report warns that its intervals are rough."""


class Check:
    """The posterior predictive check of a calibration.

    Attributes:
        inside: Observed values inside the predictive band.
        total: Observed values.
        p_value: The posterior predictive p-value of the distance (NaN without draws).
        low: Per series (:data:`~sim.calibration.distance.Key`), the band's lower edge at the
            observed weeks.
        median: Per series, the predictive median.
        high: Per series, the band's upper edge.
    """

    def __init__(self, predictive: Sequence[Mapping[Key, np.ndarray]],
                 distance: Distance) -> None:
        tail = (1 - BAND) / 2
        self.low, self.median, self.high = {}, {}, {}
        inside = total = 0
        for key, (_, values) in distance.series.items():
            runs = np.array([p[key] for p in predictive])
            self.low[key], self.median[key], self.high[key] = np.quantile(
                runs, [tail, 0.5, 1 - tail], axis=0)
            seen = ~np.isnan(values)
            inside += int(np.sum((values >= self.low[key]) & (values <= self.high[key])
                                 & seen))
            total += int(seen.sum())
        self.inside, self.total = inside, total
        self.p_value = _p_value(predictive, distance)


def _p_value(predictive: Sequence[Mapping[Key, np.ndarray]], distance: Distance) -> float:
    """Share of predictive runs at least as far from the predictive mean as the observations."""
    if len(predictive) < 2:
        return float("nan")
    centre = {key: np.mean([p[key] for p in predictive], axis=0) for key in distance.series}

    def far(values: Mapping[Key, np.ndarray]) -> float:
        squares = [((values[k] - centre[k]) / distance.scales[k])[~np.isnan(observed)] ** 2
                   for k, (_, observed) in distance.series.items()]
        return float(np.sqrt(np.concatenate(squares).mean()))

    seen = far({key: observed for key, (_, observed) in distance.series.items()})
    return float(np.mean([far(p) >= seen for p in predictive]))


def check_fit(calibration: Calibration, distance: Distance) -> Check:
    """The posterior predictive check of a calibration's predictive runs."""
    return Check(calibration.predictive, distance)


def write_calibration(calibration: Calibration, observed: Observed, distance: Distance,
                      out: Path) -> dict[str, Path]:
    """Write a calibration's tables, figures, calibrated scenario and report into ``out``.

    Args:
        calibration: What :func:`sim.calibration.run.calibrate` returned.
        observed: The observations it was fitted to.
        distance: The distance it used (for the scales of the check).
        out: The results folder.

    Returns:
        Paths by name.
    """
    keys = list(calibration.prior.keys)
    labels = dict(zip(keys, parameter_labels(keys), strict=True))
    check = check_fit(calibration, distance)
    paths = {"posterior": _posterior_csv(calibration, out / "posterior.csv"),
             "generations": _generations_csv(calibration, out / "generations.csv"),
             "fit": _fit_csv(distance, check, out / "fit.csv")}
    record = out / "calibration.json"
    atomic_write(record, lambda p: p.write_text(json.dumps(as_record(calibration), indent=1),
                                                encoding="utf-8"))
    paths["record"] = record
    (out / "figures").mkdir(parents=True, exist_ok=True)
    paths["posterior_figure"] = draw_posterior(calibration, labels,
                                               out / "figures" / "posterior.png")
    paths["fit_figure"] = draw_fit(check, distance, out / "figures" / "fit.png")
    text = _report(calibration, observed, check, labels, paths)
    report = out / "report.md"
    atomic_write(report, lambda p: p.write_text(text, encoding="utf-8"))
    paths["report"] = report
    paths["html"] = write_html(out, calibration.manifest)
    return paths


def _posterior_csv(calibration: Calibration, path: Path) -> Path:
    """The accepted values of the last generation, their weights and distances."""
    last = calibration.posterior
    keep = last.accepted
    columns = {key: pa.array(last.values[keep, k]) for k, key in
               enumerate(calibration.prior.keys)}
    columns |= {"weight": pa.array(last.weights[keep]),
                "distance": pa.array(last.distances[keep])}
    atomic_write(path, lambda p: pacsv.write_csv(pa.table(columns), p))
    return path


def _generations_csv(calibration: Calibration, path: Path) -> Path:
    """Tolerance, acceptance, effective size and the posterior mean and sd, per generation."""
    rows = []
    for g in calibration.generations:
        row = {"generation": g.index, "epsilon": g.epsilon, "proposed": g.values.shape[0],
               "accepted": int(g.accepted.sum()), "effective_size": abc.effective_size(g.weights)}
        for k, key in enumerate(calibration.prior.keys):
            row[f"{key}:mean"] = float(g.mean()[k])
            row[f"{key}:sd"] = float(g.sd()[k])
        rows.append(row)
    atomic_write(path, lambda p: pacsv.write_csv(pa.Table.from_pylist(rows), p))
    return path


def _fit_csv(distance: Distance, check: Check, path: Path) -> Path:
    """Per series and week: observed, and the predictive band's low, median and high."""
    rows = [{"division": division or "", "observable": name, "week": int(week),
             "observed": float(values[i]), "predictive_low": float(check.low[key][i]),
             "predictive_median": float(check.median[key][i]),
             "predictive_high": float(check.high[key][i])}
            for key, (weeks, values) in distance.series.items()
            for division, name in [key]
            for i, week in enumerate(weeks) if not np.isnan(values[i])]
    atomic_write(path, lambda p: pacsv.write_csv(pa.Table.from_pylist(rows), p))
    return path


def draw_posterior(calibration: Calibration, labels: Mapping[str, str], path: Path) -> Path:
    """Marginal histograms on the diagonal (prior: dashed), weighted pairs below it."""
    prior, last = calibration.prior, calibration.posterior
    d = len(prior.keys)
    keep = last.accepted
    with mpl.rc_context(STYLE):
        fig = Figure(figsize=(max(3.4, 2.6 * d), max(3.0, 2.4 * d)), dpi=110, layout="constrained")
        FigureCanvasAgg(fig)
        axes = fig.subplots(d, d, squeeze=False)
        for i in range(d):
            for j in range(d):
                ax = axes[i][j]
                if j > i:
                    ax.set_visible(False)
                    continue
                if i == j:
                    bins = int(np.clip(np.sqrt(keep.sum()) * 2, 6, 30))
                    ax.hist(last.values[keep, i], bins=bins, range=(prior.low[i], prior.high[i]),
                            weights=last.weights[keep], density=True, color="#2c7fb8",
                            alpha=0.75)
                    ax.axhline(1.0 / prior.width[i], color="grey", linestyle="--",
                               linewidth=0.9)
                    ax.set_yticks([])
                else:
                    ax.scatter(last.values[keep, j], last.values[keep, i],
                               s=6 + 400 * last.weights[keep], color="#2c7fb8", alpha=0.5,
                               linewidths=0)
                    ax.set_ylim(prior.low[i], prior.high[i])
                    if j == 0:
                        ax.set_ylabel(labels[prior.keys[i]], fontsize=8)
                ax.set_xlim(prior.low[j], prior.high[j])
                if i == d - 1:
                    ax.set_xlabel(labels[prior.keys[j]], fontsize=8)
        fig.suptitle("Posterior (bars, pairs) against the prior (dashed: flat over its range)",
                     fontsize=10)
        return save_png(fig, path)


def draw_fit(check: Check, distance: Distance, path: Path) -> Path:
    """Per series: the observed values (with their scale) against the predictive band."""
    keys = list(distance.series)
    ncols = min(len(keys), 4)
    nrows = -(-len(keys) // ncols)
    with mpl.rc_context(STYLE):
        fig = Figure(figsize=(4.4 * ncols, 3.2 * nrows + 0.4), dpi=110, layout="constrained")
        FigureCanvasAgg(fig)
        axes = list(fig.subplots(nrows, ncols, squeeze=False).ravel())
        for ax in axes[len(keys):]:
            ax.set_visible(False)
        for ax, key in zip(axes, keys, strict=False):
            division, name = key
            weeks, values = distance.series[key]
            info = OBSERVABLES[name]
            scale = 100.0 if info.kind == "share" else 1.0
            ax.fill_between(weeks, scale * check.low[key], scale * check.high[key],
                            color="#2c7fb8", alpha=0.25, linewidth=0,
                            label=f"{BAND:.0%} of posterior runs")
            ax.plot(weeks, scale * check.median[key], color="#2c7fb8", linewidth=1.4,
                    label="their median")
            seen = ~np.isnan(values)
            ax.errorbar(weeks[seen], scale * values[seen],
                        yerr=scale * distance.scales[key][seen], fmt="o", color="black",
                        markersize=3.5, capsize=2, linewidth=0.8, label="observed")
            ax.set_title(info.label + (f" — {division}" if division else ""), fontsize=9)
            ax.set_xlabel("week")
            ax.set_ylabel("%" if info.kind == "share" else info.kind)
        axes[0].legend(fontsize=7, loc="best")
        fig.suptitle("Observed against the calibrated model", fontsize=10)
        return save_png(fig, path)


def _report(calibration: Calibration, observed: Observed, check: Check,
            labels: Mapping[str, str], paths: Mapping[str, Path]) -> str:
    """The text of ``report.md``."""
    prior, last = calibration.prior, calibration.posterior
    intervals = abc.intervals(last, BAND)
    ratio = last.sd() / prior.sd
    unidentified = [k for k, r in zip(prior.keys, ratio, strict=True) if r > UNIDENTIFIED]
    rows = [[labels[key], f"`{key}`", f"{format_level(lo)}–{format_level(hi)}",
             format_level(float(last.mean()[k])),
             f"{format_level(float(a))}–{format_level(float(b))}", f"{ratio[k]:.0%}",
             "**not identified**" if key in unidentified else "identified"]
            for k, (key, lo, hi, (a, b)) in enumerate(zip(prior.keys, prior.low, prior.high,
                                                           intervals, strict=True))]
    manifest = calibration.manifest
    names = dict.fromkeys(n for _, group in observed.groups() for n in group.values)
    where = (f", for the whole organisation and {len(observed.divisions)} division(s) "
             f"({', '.join(observed.divisions)})" if observed.divisions else "")
    weeks = len({int(w) for _, group in observed.groups() for w in group.weeks})
    verdict = [f"Fitted {len(prior.keys)} parameter(s) of scenario "
               f"`{manifest.scenario.get('name')}` to {observed.count()} observed values "
               f"({', '.join(OBSERVABLES[n].label.lower() for n in names)}{where}) in "
               f"{weeks} weeks of `{observed.path}`, with {calibration.runs:,} simulations."]
    size = abc.effective_size(last.weights)
    if size < FEW_DRAWS:
        budget = manifest.samples * manifest.replications  # population x generations
        verdict.append(f"**Warning**: the posterior rests on {size:.0f} effective draws; with "
                       "so few, its intervals and the identification below are rough (a "
                       f"--budget of {int(budget * FEW_DRAWS / max(size, 1)):,} or so would "
                       f"give {FEW_DRAWS}).")
    for key in unidentified:
        verdict.append(f"**Warning**: the data hardly constrain {in_sentence(labels[key])}: "
                       f"its posterior spread is {ratio[prior.keys.index(key)]:.0%} of the "
                       "prior's, so its posterior mean is not a finding (posterior ≈ prior).")
    fit = (f"{check.inside} of {check.total} observed values lie inside the {BAND:.0%} band of "
           f"{len(calibration.predictive)} posterior predictive runs (about {BAND:.0%} "
           f"expected); posterior predictive p-value {check.p_value:.2f}"
           + (" — below 0.05: the model does not produce series like these at any fitted "
              "value; treat the fit with caution." if check.p_value < 0.05 else
              " (above 0.05: the observations look like the model's own runs)."))
    generations = markdown_table(
        ["Generation", "Tolerance", "Accepted", "Effective size"],
        [[str(g.index), f"{g.epsilon:.3g}", f"{int(g.accepted.sum())} of {g.values.shape[0]}",
          f"{abc.effective_size(g.weights):.0f}"] for g in calibration.generations])
    figures = (f"![Posterior against prior](figures/{paths['posterior_figure'].name})\n\n"
               f"![Observed against the calibrated model](figures/{paths['fit_figure'].name})")
    return "\n\n".join([
        f"# Calibration: {manifest.scenario.get('name')}",
        "## Verdict", "\n\n".join(verdict),
        "## Posterior",
        markdown_table(["Parameter", "Key", "Prior (uniform)", "Posterior mean",
                        f"{BAND:.0%} interval", "Posterior sd / prior sd", "Identified?"],
                       rows),
        "## Fit", fit, figures,
        "## How this was run",
        "ABC-SMC (Beaumont et al. 2009; tolerance the median of the previous generation's "
        "accepted distances, Del Moral et al. 2012), each proposed value simulated once with "
        "its own seed; the distance is the root-mean-square difference scaled by each value's "
        "measurement error (`sim/calibration/distance.py`).\n\n" + generations,
        f"`calibrated.toml` is the scenario at the posterior means; `posterior.csv` holds the "
        f"weighted posterior sample; `fit.csv` the band of the figure. Root seed "
        f"{manifest.root_seed}.",
    ]) + "\n"
