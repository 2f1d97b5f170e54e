"""The ``orglearn`` command line: a thin shell over the library.

(Over 400 lines because each command's options are declared where Typer reads them, with their
help texts; the work itself is in :mod:`sim.workflow` and the packages below.)

Exit codes: 0 success, 2 bad input (one line on stderr naming the file, the key, the value and
what is allowed; no traceback; nothing written), 1 internal error (or a worker that died, in one
line), 130 interrupted by Ctrl-C, 143 stopped by SIGTERM (finished runs are kept either way).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from sim.config import fit
from sim.config.scenario import load_scenario
from sim.engine.limits import check_run_memory
from sim.engine.params import SCHEMA
from sim.engine.strategies import STRATEGIES, describe
from sim.errors import ParameterError, ScenarioError, one_line
from sim.experiments.design import SMALL_VS_WIDE
from sim.experiments.executors import EXECUTORS, SchedulerError, start_workers
from sim.experiments.pipeline import Outcome
from sim.experiments.runner import RunOutcome, run_scenario
from sim.experiments.store import StoreError
from sim.extras import MissingExtra, require

__all__ = ["app", "main"]

app = typer.Typer(
    name="orglearn",
    help="Simulate how learning spreads through an organisation.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
out_console = Console(highlight=False)
BAD_INPUT = 2


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        out_console.print(f"orglearn {version('orglearn')}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
) -> None:
    """Simulate how learning spreads through an organisation."""


class BadInput(Exception):
    """An error in what the user gave us; printed as one line, exit code 2."""


def _user_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the library's input errors into one line on stderr and exit code 2."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (ParameterError, ScenarioError, StoreError, SchedulerError, MissingExtra,
                BadInput) as error:
            print(f"orglearn: error: {one_line(str(error))}", file=sys.stderr)
            raise typer.Exit(BAD_INPUT) from None

    return wrapper


def _warn(line: str) -> None:
    """A warning: one line on stderr, the command goes on."""
    print(f"orglearn: warning: {line}", file=sys.stderr)


def _say_moved(moved: Path | None) -> None:
    """Tell where ``--force`` moved the folder's earlier results."""
    if moved is not None:
        typer.echo(f"earlier results moved aside to {moved}")


# Options shared by `run` and `compare`.
ScenarioArgument = Annotated[Path, typer.Argument(help="Scenario TOML file.")]
SetOption = Annotated[list[str] | None, typer.Option(
    "--set", help="Override a parameter: section.key=value (repeatable).")]
SeedOption = Annotated[str | None, typer.Option(help="Root seed (run.seed).")]
StepsOption = Annotated[str | None, typer.Option(help="Weeks to simulate (run.steps).")]
ForceOption = Annotated[bool, typer.Option(
    "--force", help="If --out holds other results, move them aside (to "
                    "OUT.replaced-<time>) instead of refusing.")]


@app.command()
@_user_errors
def run(
    scenario: ScenarioArgument,
    set_: SetOption = None,
    seed: SeedOption = None,
    steps: StepsOption = None,
    out: Annotated[Path | None, typer.Option(
        help="Output folder [default: results/run-<scenario name>].")] = None,
    force: ForceOption = False,
) -> None:
    """Run one scenario; write the KPI time series (Parquet, CSV) and manifest.json."""
    params = load_scenario(scenario, set_ or (), seed=seed, steps=steps)
    fit.check_hierarchy(params, [params.strategy.name], str(scenario), "strategy.name")
    check_run_memory(str(scenario), [params])  # before the organisation is built
    for line in fit.start_caveats(params):
        _warn(line)
    out = out or Path("results") / f"run-{params.scenario.name}"
    outcome = run_scenario(params, out, scenario, force=force)
    _say_moved(outcome.moved_aside)
    _print_summary(outcome, out)


def _strategy_list(text: str | None) -> list[str]:
    known = list(STRATEGIES)
    if text is None:
        return known
    names = [s.strip() for s in text.split(",") if s.strip()]
    unknown = [s for s in names if s not in STRATEGIES]
    if unknown or not names:
        raise BadInput(f"--strategies: {unknown[0] if unknown else text!r} is not a strategy; "
                       f"allowed: {', '.join(known)}")
    return list(dict.fromkeys(names))


def _positive(option: str, value: int, low: int) -> int:
    if value < low:
        raise BadInput(f"{option}: {value} is not allowed; allowed: an integer >= {low}")
    return value


@app.command()
@_user_errors
def compare(
    scenario: ScenarioArgument,
    strategies: Annotated[str | None, typer.Option(
        help="Comma-separated strategies [default: all].")] = None,
    replications: Annotated[int, typer.Option(help="Replications per strategy.")] = 20,
    workers: Annotated[int, typer.Option(help="Local worker processes.")] = os.cpu_count() or 1,
    reference: Annotated[str | None, typer.Option(
        help="Strategy to take paired differences against [default: none if compared, "
             "else the first].")] = None,
    contrast: Annotated[str | None, typer.Option(
        help="Two strategies A,B to set head to head in the report [default: "
             "small_groups_first,org_wide_first when both are compared].")] = None,
    set_: SetOption = None,
    seed: SeedOption = None,
    steps: StepsOption = None,
    out: Annotated[Path | None, typer.Option(
        help="Output folder [default: results/compare-<scenario name>].")] = None,
    resume: Annotated[bool, typer.Option(
        "--resume", help="Continue an interrupted comparison in --out (same command).")] = False,
    force: ForceOption = False,
    posterior: Annotated[Path | None, typer.Option(
        help="A calibration's posterior.csv: each replication draws the fitted parameters "
             "from it, the same draw for every strategy.")] = None,
) -> None:
    """Compare strategies on the same organisation and seeds; write runs, summary and report.

    Each run is stored in OUT/store the moment it finishes; an interrupted comparison keeps
    them, and the same command with --resume runs only the rest.
    """
    params = load_scenario(scenario, set_ or (), seed=seed, steps=steps)
    names = _strategy_list(strategies)
    notes: tuple[str, ...] = ()
    if strategies is None:  # all of them: leave out those the organisation does not suit
        flat = fit.strategies_without_hierarchy(params, names)
        names = [s for s in names if s not in flat]
        notes = tuple(f"{s} is left out: {fit.flat_text(params)}, and "
                      f"{STRATEGIES[s].needs_hierarchy}." for s in flat)
    else:
        fit.check_hierarchy(params, names, str(scenario), "--strategies")
    _positive("--replications", replications, 2)
    _positive("--workers", workers, 1)
    reference = reference or ("none" if "none" in names else names[0])
    if reference not in names:
        raise BadInput(f"--reference: {reference!r} is not among the compared strategies; "
                       f"allowed: {', '.join(names)}")
    pair = _contrast(contrast, names)
    # before the organisation is built for the warnings
    check_run_memory(str(scenario), [params], min(workers, len(names) * replications))
    for line in notes + tuple(fit.start_caveats(params)):
        _warn(line)
    out = out or Path("results") / f"compare-{params.scenario.name}"
    start_workers(workers)  # their imports overlap with the rest of the set-up
    from sim.workflow import compare as compare_strategies

    with _keeping_runs(out):
        result = compare_strategies(params, names, replications, out, reference=reference,
                                    contrast=pair, workers=workers, scenario_file=scenario,
                                    resume=resume, force=force, notes=notes,
                                    posterior=posterior)
    _say_moved(result.moved_aside)
    _print_verdicts(result, out)


@app.command()
@_user_errors
def robustness(
    scenario: ScenarioArgument,
    strategies: Annotated[str, typer.Option(
        help="The two strategies A,B; the difference is A - B.")] = ",".join(SMALL_VS_WIDE),
    params: Annotated[str | None, typer.Option(
        help="Comma-separated parameters to vary, each KEY (its plausible range in the schema) "
             "or KEY=LOW:HIGH [default: every parameter with a plausible range].")] = None,
    kpis: Annotated[str | None, typer.Option(
        help="Comma-separated run KPIs [default: knowledge_final, error_rate_final, "
             "reach_participating].")] = None,
    replications: Annotated[int, typer.Option(
        help="Replications per strategy and context.")] = 20,
    workers: Annotated[int, typer.Option(help="Local processes, or local Dask workers.")] = (
        os.cpu_count() or 1),
    executor: Annotated[str, typer.Option(help="local or dask.")] = "local",
    scheduler: Annotated[str | None, typer.Option(
        help="Address of a running Dask scheduler (with --executor dask).")] = None,
    set_: SetOption = None,
    seed: SeedOption = None,
    steps: StepsOption = None,
    out: Annotated[Path | None, typer.Option(
        help="Output folder [default: results/robustness-<scenario name>].")] = None,
    resume: Annotated[bool, typer.Option(
        "--resume", help="Continue an interrupted analysis in --out (same command).")] = False,
    force: ForceOption = False,
) -> None:
    """How robust the verdict is: each uncertain parameter at both ends of its range.

    Writes the tornado (figures/tornado.png), robustness.csv, the break-even values of every
    change of verdict (breakeven.csv) and the report; resumable like a sweep.
    """
    from sim.experiments.design import ROBUSTNESS_KPIS

    parameters = load_scenario(scenario, set_ or (), seed=seed, steps=steps)
    pair = _strategy_list(strategies)
    if len(pair) != 2:
        raise BadInput(f"--strategies: {strategies!r} is not allowed; allowed: two distinct "
                       "strategies A,B")
    fit.check_hierarchy(parameters, pair, str(scenario), "--strategies")
    chosen = _ranges(params) if params is not None else ()
    names = tuple(_kpi_list(kpis)) if kpis is not None else ROBUSTNESS_KPIS
    _positive("--replications", replications, 2)
    _positive("--workers", workers, 1)
    _check_executor(executor, scheduler)
    out = out or Path("results") / f"robustness-{parameters.scenario.name}"
    start_workers(workers, executor)
    from sim.workflow import robustness as run_robustness

    with _keeping_runs(out):
        result = run_robustness(parameters, (pair[0], pair[1]), replications, out,
                                uncertainties=chosen, kpis=names, workers=workers,
                                executor=executor, scheduler=scheduler,
                                scenario_file=scenario, resume=resume, force=force)
    _say_moved(result.moved_aside)
    import pyarrow.csv as pacsv

    found = out / "breakeven.csv"
    count = pacsv.read_csv(found).num_rows if found.is_file() else 0
    typer.echo(f"{result.runs.num_rows} runs in {result.manifest.wall_seconds or 0.0:.1f} s; "
               f"{count} break-even value{'' if count == 1 else 's'} in {found.name}; tornado: "
               f"{out / 'figures' / 'tornado.png'}; report: {out / 'report.html'} "
               f"(and report.md)")


@app.command()
@_user_errors
def calibrate(
    scenario: ScenarioArgument,
    observed: Annotated[Path, typer.Option(
        help="CSV of weekly observations: week, and one or more of aware_share, "
             "participating_share, voluntary_share, contributing_share, mean_knowledge, "
             "error_rate, active_members; optionally sample_size.")],
    params: Annotated[str, typer.Option(
        help="Comma-separated parameters to fit, each KEY (uniform prior over its plausible "
             "range in the schema) or KEY=LOW:HIGH.")],
    budget: Annotated[int, typer.Option(help="Simulations in all, over the generations.")] = 1000,
    generations: Annotated[int, typer.Option(help="Generations of the ABC-SMC sampler.")] = 5,
    predictive: Annotated[int, typer.Option(
        help="Posterior draws run again for the fit diagnostics.")] = 50,
    workers: Annotated[int, typer.Option(help="Local processes, or local Dask workers.")] = (
        os.cpu_count() or 1),
    executor: Annotated[str, typer.Option(help="local or dask.")] = "local",
    scheduler: Annotated[str | None, typer.Option(
        help="Address of a running Dask scheduler (with --executor dask).")] = None,
    set_: SetOption = None,
    seed: SeedOption = None,
    out: Annotated[Path | None, typer.Option(
        help="Output folder [default: results/calibrate-<scenario name>].")] = None,
    resume: Annotated[bool, typer.Option(
        "--resume", help="Continue an interrupted calibration in --out (same command).")] = False,
    force: ForceOption = False,
) -> None:
    """Fit uncertain parameters to a client's observed weekly data (ABC-SMC).

    The scenario's strategy is the one the observations come from (say the pilot the client
    ran). Writes the posterior (posterior.csv), the diagnostics (figures/posterior.png,
    figures/fit.png, fit.csv), the scenario at the posterior means (calibrated.toml) and the
    report; every run is stored as it finishes, so an interrupted calibration resumes.
    """
    from sim.calibration.run import Settings
    from sim.workflow import calibrate as run_calibration

    parameters = load_scenario(scenario, set_ or (), seed=seed)
    chosen = _ranges(params)
    _positive("--generations", generations, 1)
    _positive("--budget", budget, 10 * generations)
    _positive("--predictive", predictive, 2)
    _positive("--workers", workers, 1)
    _check_executor(executor, scheduler)
    out = out or Path("results") / f"calibrate-{parameters.scenario.name}"
    start_workers(workers, executor)
    settings = Settings(budget=budget, generations=generations, seed=parameters.run.seed,
                        predictive=predictive)
    with _keeping_runs(out):
        done = run_calibration(parameters, observed, out, ranges=chosen, settings=settings,
                               workers=workers, executor=executor, scheduler=scheduler,
                               scenario_file=scenario, resume=resume, force=force)
    calibration, check = done.calibration, done.check
    last = calibration.posterior
    from sim.report.calibration import UNIDENTIFIED

    for key, mean, sd, prior_sd in zip(calibration.prior.keys, last.mean(), last.sd(),
                                       calibration.prior.sd, strict=True):
        typer.echo(f"- {key}: posterior mean {mean:.4g} (sd {sd:.2g})"
                   + (f"; not identified by the data (sd {sd / prior_sd:.0%} of the prior's)"
                      if sd / prior_sd > UNIDENTIFIED else ""))
    typer.echo(f"fit: {check.inside} of {check.total} observed values inside the posterior "
               f"band; p-value {check.p_value:.2f}")
    if check.p_value < 0.05:
        _warn("the model does not produce series like the observed ones at any fitted value "
              "(posterior predictive p-value below 0.05): check the scenario, its strategy and "
              "the observed file before using the fit")
    typer.echo(f"{calibration.runs:,} runs in {calibration.manifest.wall_seconds or 0.0:.1f} s; "
               f"calibrated scenario: {done.files['calibrated']}; report: {out / 'report.html'}")
    typer.echo(f"next: orglearn compare {done.files['calibrated']} --posterior "
               f"{done.files['posterior']}")


def _check_executor(executor: str, scheduler: str | None) -> None:
    """Refuse an unknown executor, a scheduler without Dask, or one that cannot be reached."""
    if executor not in EXECUTORS:
        raise BadInput(f"--executor: {executor!r} is not allowed; allowed: "
                       f"{', '.join(EXECUTORS)}")
    if scheduler and executor != "dask":
        raise BadInput(f"--scheduler: {scheduler!r} needs --executor dask")
    if executor == "dask":
        require("dask.distributed", "distributed", "--executor dask")
    if scheduler:
        from sim.experiments.executors import check_scheduler

        check_scheduler(scheduler)  # before the results folder is touched


def _ranges(text: str) -> tuple[Any, ...]:
    """The uncertainties of ``--params``: ``KEY`` (its plausible range) or ``KEY=LOW:HIGH``."""
    from sim.engine.params import lookup
    from sim.experiments.design import Uncertainty

    out = []
    for item in (i.strip() for i in text.split(",") if i.strip()):
        key, _, span = item.partition("=")
        param = lookup(key.strip(), "--params", item)
        if not span:
            if param.plausible is None:
                raise BadInput(f"--params: {item!r} is not allowed; allowed: a key with a "
                               "plausible range in the schema, or KEY=LOW:HIGH")
            out.append(Uncertainty(param.key, low=param.plausible.low,
                                   high=param.plausible.high))
            continue
        low_text, colon, high_text = span.partition(":")
        if param.kind not in (int, float) or not colon:
            raise BadInput(f"--params: {item!r} is not allowed; allowed: KEY=LOW:HIGH for a "
                           "number parameter")
        low, high = param.parse(low_text, "--params"), param.parse(high_text, "--params")
        if not low < high:
            raise BadInput(f"--params: {item!r} is not allowed; allowed: LOW < HIGH")
        out.append(Uncertainty(param.key, low=low, high=high))
    if not out or len({u.key for u in out}) != len(out):
        raise BadInput(f"--params: {text!r} is not allowed; allowed: one or more distinct "
                       "parameters")
    return tuple(out)


def _kpi_list(text: str) -> list[str]:
    """The run KPIs of ``--kpis``, checked against the registry."""
    from sim.engine.metrics import RUN_KPIS

    known = [k.name for k in RUN_KPIS]
    names = [n.strip() for n in text.split(",") if n.strip()]
    for name in names:
        if name not in known:
            raise BadInput(f"--kpis: {name!r} is not allowed; allowed: {', '.join(known)}")
    if not names:
        raise BadInput("--kpis: '' is not allowed; allowed: one or more run KPIs")
    return list(dict.fromkeys(names))


def _contrast(text: str | None, names: list[str]) -> tuple[str, str] | None:
    """The head-to-head pair of ``--contrast A,B``, checked against the compared strategies."""
    if text is None:
        return None  # the experiment's default: small_groups_first vs org_wide_first
    pair = [s.strip() for s in text.split(",")]
    allowed = f"allowed: two different strategies A,B of {', '.join(names)}"
    if len(pair) != 2 or pair[0] == pair[1] or not set(pair) <= set(names):
        raise BadInput(f"--contrast: {text!r} is not allowed; {allowed}")
    return pair[0], pair[1]


@contextmanager
def _keeping_runs(out: Path) -> Iterator[None]:
    """On Ctrl-C, say how many finished runs are kept in ``out`` and how to continue."""
    try:
        yield
    except KeyboardInterrupt:
        from sim.experiments.store import RunStore

        kept = len(RunStore(out).done())
        print(f"orglearn: interrupted; {kept} finished runs are kept in {out / 'store'}; "
              "run the same command with --resume to continue", file=sys.stderr)
        raise typer.Exit(130) from None


def _print_verdicts(result: Outcome, out: Path) -> None:
    from sim.report.summary import summarise, verdicts
    from sim.report.text import verdict_sentence

    summary = summarise(result.runs, result.manifest.reference)
    weeks = str(result.manifest.steps)
    for v in verdicts(summary, result.runs):
        typer.echo("- " + verdict_sentence(v, weeks))
    wall = result.manifest.wall_seconds or 0.0
    resumed = f" ({result.skipped} already stored)" if result.skipped else ""
    typer.echo(f"{result.runs.num_rows} runs{resumed} in {wall:.1f} s; "
               f"report: {out / 'report.md'}")


def _results_dir(spec: Any) -> Path:
    """Default results folder: results/<name> (results/validation/<name> for validation)."""
    nested = Path("validation") if spec.path.parent.name == "validation" else Path()
    return Path("results") / nested / spec.name


@app.command()
@_user_errors
def sweep(
    experiment: Annotated[Path, typer.Argument(help="Experiment TOML file.")],
    workers: Annotated[int, typer.Option(help="Local processes, or local Dask workers.")] = (
        os.cpu_count() or 1),
    executor: Annotated[str, typer.Option(help="local or dask.")] = "local",
    scheduler: Annotated[str | None, typer.Option(
        help="Address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786 (with "
             "--executor dask); a local cluster on 127.0.0.1 is started when omitted.")] = None,
    resume: Annotated[bool, typer.Option(
        "--resume", help="Continue the runs already stored in --out.")] = False,
    out: Annotated[Path | None, typer.Option(
        help="Results folder [default: results/<experiment name>, or "
             "results/validation/<name> for validation experiments].")] = None,
    force: ForceOption = False,
) -> None:
    """Run every run of an experiment (strategies x contexts x replications), resumably."""
    from sim.config.experiment_file import load_experiment

    spec = load_experiment(experiment)
    _positive("--workers", workers, 1)
    _check_executor(executor, scheduler)
    out = out or _results_dir(spec)
    started = time.perf_counter()
    start_workers(workers, executor)  # their imports overlap with the rest of the set-up
    from sim.workflow import run as run_experiment

    with _keeping_runs(out):
        outcome = run_experiment(spec, out, workers=workers, executor=executor,
                                 scheduler=scheduler, resume=resume, force=force)
    _say_moved(outcome.moved_aside)
    ran = outcome.runs.num_rows - outcome.skipped
    resumed = f" ({outcome.skipped} already stored)" if outcome.skipped else ""
    contexts = len(outcome.manifest.contexts)
    typer.echo(f"{spec.name}: {ran} runs done{resumed}, {outcome.runs.num_rows} in all, "
               f"{contexts} context{'' if contexts == 1 else 's'}, in "
               f"{time.perf_counter() - started:.1f} s")
    if "report" in outcome.files:
        typer.echo(f"report: {outcome.files['report']}")


@app.command()
@_user_errors
def report(
    results: Annotated[Path, typer.Argument(help="A results folder.")],
    html: Annotated[bool, typer.Option(
        "--html", help="Also print the address of report.html, to open in a browser (it is "
        "written in any case).")] = False,
) -> None:
    """Regenerate summary.csv, figures, report.md and report.html from a folder's stored runs.

    report.html is the report in one file, figures inside, readable offline and printable to
    PDF from a browser.
    """
    from sim.workflow import report_folder

    files = report_folder(results)
    typer.echo(f"wrote {', '.join(sorted(p.name for p in files.values()))} in {results}")
    if html:
        typer.echo(f"report.html: {files['html'].resolve().as_uri()}")


@app.command()
@_user_errors
def reproduce(
    experiment: Annotated[Path, typer.Argument(help="Experiment TOML file.")],
    replications: Annotated[int | None, typer.Option(
        help="Only re-run and compare the first N replications.")] = None,
    workers: Annotated[int, typer.Option(help="Local processes.")] = os.cpu_count() or 1,
    results: Annotated[Path | None, typer.Option(
        help="Committed results folder [default: results/<experiment name>].")] = None,
) -> None:
    """Re-run an experiment whose results are committed; exit 1 if anything differs."""
    import tempfile

    from sim.config.experiment_file import load_experiment
    from sim.experiments.equality import RELATIVE_TOLERANCE
    from sim.workflow import reproduce as reproduce_experiment

    spec = load_experiment(experiment)
    committed = results or _results_dir(spec)
    if not (committed / "runs.parquet").is_file():
        raise BadInput(f"{committed}: no committed runs.parquet for {spec.name!r}; run "
                       f"orglearn sweep {experiment} first")
    if replications is not None:
        _positive("--replications", replications, 1)
    with tempfile.TemporaryDirectory(prefix="orglearn-reproduce-") as scratch:
        outcome = reproduce_experiment(spec, committed, Path(scratch), workers=workers,
                                       replications=replications)
    if not outcome.same:
        for line in outcome.problems:
            typer.echo(f"differs: {line}", err=True)
        typer.echo(f"({outcome.gap.describe()})", err=True)
        raise typer.Exit(1)
    typer.echo(f"{spec.name}: reproduced; runs and weekly series equal to {committed} "
               f"(integers and text identical; {outcome.gap.describe()}, allowed: relative "
               f"{RELATIVE_TOLERANCE:g})")


@app.command()
@_user_errors
def validate(files: Annotated[list[Path], typer.Argument(
        help="Scenario or experiment files.")]) -> None:
    """Check scenario and experiment files; print 'ok' per file or the first problem."""
    from sim.config.experiment_file import load_experiment
    from sim.config.scenario import read_toml

    for path in files:
        is_experiment = (path.suffix == ".toml" and path.is_file()
                         and "experiment" in read_toml(path))  # an [experiment] table
        if is_experiment:
            spec = load_experiment(path)
            typer.echo(f"{path}: ok ({spec.run_count()} runs)")
        else:
            params = load_scenario(path)
            check_run_memory(str(path), [params])
            typer.echo(f"{path}: ok{_chart_text(params)}")
            for line in fit.start_caveats(params):
                _warn(line)


def _chart_text(params: Any) -> str:
    """`` (organisation from x.csv: 156 employees in 1 division; 2,010 collaboration ties)``."""
    if not params.org.chart:
        return ""
    from sim.org.summary import counted, summarise

    found = summarise(params.org)
    divisions = counted(found.divisions, "division")
    ties = (f"; {found.collaboration.pairs:,} collaboration ties" if found.collaboration
            else "")
    flat = "; no reporting lines" if not found.with_manager else ""
    return (f" (organisation from {params.org.chart}: {found.people:,} employees in "
            f"{divisions}{flat}{ties}; orglearn inspect shows more)")


@app.command()
@_user_errors
def inspect(scenario: ScenarioArgument, set_: SetOption = None) -> None:
    """Summarise the organisation a scenario runs on, in counts only (no id, no name).

    For a client's files: people, divisions, reporting lines, span of control, teams, how each
    file was written (delimiter, encoding) and what became of the collaboration rows (merged,
    dropped, weight kind); then the organisation as a run builds it, and any warning.
    """
    from sim.org.summary import summarise

    params = load_scenario(scenario, set_ or ())
    check_run_memory(str(scenario), [params])  # before the organisation is built
    org = fit.organisation(params)
    lines = summarise(params.org).lines() if params.org.chart else []
    for line in [*lines, *fit.built_lines(params, org)]:
        typer.echo(line)
    for line in fit.start_caveats(params, org):
        _warn(line)


@app.command()
@_user_errors
def dashboard(
    scenario: Annotated[Path | None, typer.Argument(
        help="Scenario TOML file to open first (e.g. a client's organisation).")] = None,
    results: Annotated[Path | None, typer.Option(
        help="A results folder (orglearn compare or sweep) to open in the results viewer.")
    ] = None,
    host: Annotated[str, typer.Option(
        help="Address to listen on; only this machine can connect unless you change it.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8765,
) -> None:
    """Serve the leaders' dashboard: two strategies racing on one organisation."""
    from sim.dashboard.server import DashboardError, serve

    try:
        serve(scenario, results, host=host, port=port, announce=typer.echo)
    except DashboardError as error:
        raise BadInput(str(error)) from None


@app.command("list")
@_user_errors
def list_(what: Annotated[str, typer.Argument(help="strategies, scenarios or params")]) -> None:
    """List strategies, scenarios or parameters."""
    if what == "strategies":
        for name, summary, parameters in describe():
            typer.echo(f"{name:24} {summary}")
            for line in parameters:
                typer.echo(f"{'':24}   {line}")
    elif what == "scenarios":
        paths = sorted(Path("scenarios").glob("*.toml"))
        width = max((len(str(p)) for p in paths), default=0)
        for path in paths:
            params = load_scenario(path)
            typer.echo(f"{str(path):{width}}  {params.scenario.description}")
    elif what == "experiments":
        from sim.config.experiment_file import load_experiment

        paths = sorted(Path("experiments").rglob("*.toml"))
        width = max((len(str(p)) for p in paths), default=0)
        for path in paths:
            spec = load_experiment(path)
            typer.echo(f"{str(path):{width}}  {spec.design:6} {spec.run_count():5} runs  "
                       f"{spec.description}")
    elif what == "params":
        for p in SCHEMA:
            unit = f" [{p.unit}]" if p.unit else ""
            scaled = f"\n    Default {p.scaled.text}." if p.scaled else ""
            typer.echo(f"{p.key} = {p.default!r}{unit}  ({p.allowed()})\n    {p.help}{scaled}")
    else:
        raise BadInput(f"list {what!r}: unknown; allowed: strategies, scenarios, experiments, "
                       "params")


SUMMARY_KPIS = (
    ("aware_share", "aware", "{:.1%}"),
    ("participating_share", "participating", "{:.1%}"),
    ("contributing_share", "contributing", "{:.1%}"),
    ("mean_knowledge", "mean knowledge (-1..1)", "{:.3f}"),
    ("performance", "performance", "{:.1%}"),
    ("error_rate", "error rate", "{:.1%}"),
    ("active_communities", "active communities", "{:.0f}"),
    ("silo_index", "silo index", "{:.2f}"),
    ("standards_adopted", "standards adopted", "{:.0f}"),
)


def _print_summary(outcome: RunOutcome, out: Path) -> None:
    p = outcome.params
    start = {k: float(v[0]) for k, v in outcome.columns.items()}
    final = outcome.final()
    table = Table(title=f"{p.scenario.name}: {p.strategy.name}, seed {p.run.seed}",
                  caption=f"{p.org.employees} employees, {p.run.steps} weeks")
    table.add_column("KPI")
    table.add_column("week 0", justify="right")
    table.add_column(f"week {p.run.steps}", justify="right")
    for key, label, fmt in SUMMARY_KPIS:
        table.add_row(label, fmt.format(start[key]), fmt.format(final[key]))
    out_console.print(table)
    t = outcome.timings
    out_console.print(f"ran in {t['setup_s'] + t['run_s']:.2f} s; results in {out}/")


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``orglearn`` console script.

    SIGTERM stops a command as Ctrl-C does (the finished runs are kept), with exit code 143
    instead of 130. A worker process that died is reported in one line, with exit code 1.
    """
    from sim.experiments.executors import WorkerError
    from sim.experiments.lifetime import sigterm_as_interrupt

    with sigterm_as_interrupt() as terminated:
        try:
            code = app(args=argv, prog_name="orglearn", standalone_mode=False)
        except (typer.Abort, KeyboardInterrupt):
            print("orglearn: interrupted", file=sys.stderr)
            code = 130
        except WorkerError as error:
            print(f"orglearn: error: {one_line(str(error))}", file=sys.stderr)
            code = 1
        except typer.TyperException as error:  # Typer's usage errors (unknown option, bad value)
            message = str(getattr(error, "format_message", error.__str__)())
            if type(error).__name__ == "NoArgsIsHelpError":  # plain `orglearn`: show the help
                print(message, file=sys.stderr)
                sys.exit(BAD_INPUT)
            message = " ".join(message.split())
            print(f"orglearn: error: {message} (see orglearn --help)", file=sys.stderr)
            sys.exit(getattr(error, "exit_code", BAD_INPUT))
    if code == 130 and terminated():
        code = 143  # 128 + SIGTERM, as for a process the signal ended
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
