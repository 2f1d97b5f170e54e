"""Experiment files: which strategies to compare, in which contexts, how often, with which seed.

An experiment file (TOML) names a base scenario, the policies to compare (strategies, optionally
crossed with a grid of lever parameters), the uncertainties to explore (a grid of values, or
ranges sampled by Latin hypercube, Sobol' (Saltelli) or Morris designs), the replications and
the root seed. :func:`load_experiment` validates everything up front; :meth:`Experiment.tasks`
turns it into the runs to do. The format::

    [experiment]
    name = "phase-diagram"                 # required; letters, digits, - _ . (names folders)
    description = "..."                    # required, one or two sentences
    scenario = "../scenarios/default.toml" # required, relative to the experiment file
    design = "grid"                        # required: grid | lhs | sobol | morris
    samples = 16         # lhs/sobol/morris: base sample size N (required; sobol: a power of 2)
    replications = 10    # required, >= 1
    seed = 2026          # required, root seed >= 0
    steps = 104          # optional, overrides run.steps
    kpis = ["reach_participating"]  # optional, names from sim.engine.metrics.RUN_KPIS (default headline)
    reference = "org_wide_first"    # optional, one of the strategies (default "none" or first)
    shared_seeds = false # optional: true gives every context the same seeds (see below)

    [levers]
    strategies = ["small_groups_first", "org_wide_first"]  # required, registered strategies
    "strategy.small_groups_first.pilot_groups" = [2, 4]    # optional lever parameters (lists)

    [uncertainties]                          # optional
    "org.cross_division_share" = [0.02, 0.1] # grid: a list of values per schema parameter
    # "org.cross_division_share" = { low = 0.02, high = 0.3 }  # lhs/sobol/morris: a range

    [overrides]                              # optional fixed changes to the scenario
    "participation.invitation_acceptance" = 0.05

Keys may also be written as nested tables (``[overrides.participation]``). Contexts: a grid is
the cartesian product of the values in declared order (the first key varies slowest); a sampled
design has ``samples`` points (lhs), ``samples * (D + 2)`` (sobol, first and total order) or
``samples * (D + 1)`` (morris, 4 levels); integer parameters are rounded. Policies are the
strategies crossed with the lever grid; a lever of another strategy's section
(``strategy.<other>.*``) does not apply to a strategy and is left out of its policies.
Every run of context ``c`` and replication ``r`` uses ``derive_seed(seed, c, r)`` whatever the
policy (common random numbers); with ``shared_seeds = true`` it uses ``derive_seed(seed, 0, r)``
in every context too, so that contexts are compared on common random numbers as well (e.g. the
same starting beliefs and landscape on different networks, as Lazer & Friedman 2007 pair their
runs). Every problem raises :class:`sim.engine.params.ParameterError` (or
:class:`sim.config.scenario.ScenarioError` when a file cannot be read) with one line naming the
experiment file, the key, the value and what is allowed.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

from sim.config.scenario import ORG_FILES, SIZED_BY_CHART, load_scenario, read_toml
from sim.engine.limits import check_run_memory, check_runs
from sim.engine.metrics import RUN_KPIS
from sim.engine.params import SAFE_NAME, SAFE_NAME_HELP, SCHEMA, Value, lookup
from sim.engine.resources import estimate_run_memory
from sim.engine.strategies import STRATEGIES
from sim.errors import ParameterError, ScenarioError
from sim.experiments.design import DESIGNS, Experiment, Uncertainty, context_count
from sim.experiments.results import file_digest
from sim.org.chart import chart_files

__all__ = ["load_experiment"]

_TABLES = ("experiment", "levers", "uncertainties", "overrides")
_EXPERIMENT_KEYS = ("name", "description", "scenario", "design", "samples", "replications",
                    "seed", "steps", "kpis", "reference", "shared_seeds")
_KEYS = {p.key for p in SCHEMA}
_RESERVED = {"run.seed": "set experiment.seed instead",
             "strategy.name": "list strategies in levers.strategies instead"}
_NAME = re.compile(SAFE_NAME)
_MISSING = "(missing)"



def _unknown(source: str, key: str, value: Any, known: tuple[str, ...]) -> NoReturn:
    name = key.rpartition(".")[2]
    close = difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.6)
    hint = f"did you mean {', '.join(close)}?" if close else "allowed: " + ", ".join(known)
    raise ParameterError(source, key, value, f"no such key; {hint}")


def _check(source: str, table: str, key: str, value: Any) -> Value:
    """Validate a value for a schema parameter, naming it ``table.key`` in errors."""
    try:
        if key in _RESERVED:
            raise ParameterError(source, key, value, f"not allowed here; {_RESERVED[key]}")
        return lookup(key, source, value).check(value, source)
    except ParameterError as error:
        raise ParameterError(source, f"{table}.{key}", value, error.allowed) from None


def _flatten(source: str, table: str, data: Mapping[str, Any], prefix: str = "") -> dict:
    """``{dotted schema key: value}`` from quoted dotted keys or nested tables."""
    flat: dict[str, Any] = {}
    for name, value in data.items():
        key = f"{prefix}.{name}" if prefix else name
        if key in _KEYS:
            flat[key] = value
        elif isinstance(value, Mapping) and any(k.startswith(key + ".") for k in _KEYS):
            flat.update(_flatten(source, table, value, key))
        else:
            _check(source, table, key, value)  # raises: no such parameter, did you mean ...
    return flat


def _int(source: str, key: str, value: Any, low: int, high: int = 2**63 - 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ParameterError(source, key, value, f"allowed: an integer in [{low}, {high}]")
    return value


def _names(source: str, key: str, value: Any, known: list[str]) -> tuple[str, ...]:
    allowed = "allowed: a non-empty list of distinct names from " + ", ".join(known)
    if not isinstance(value, list) or not value or len(set(map(str, value))) != len(value):
        raise ParameterError(source, key, value, allowed)
    for item in value:
        if item not in known:
            raise ParameterError(source, key, item, allowed)
    return tuple(value)


def _values(source: str, table: str, key: str, value: Any) -> tuple:
    if not isinstance(value, list) or not value:
        raise ParameterError(source, f"{table}.{key}", value,
                             "allowed: a non-empty list of values")
    checked = tuple(_check(source, table, key, v) for v in value)
    if len({(type(v), v) for v in checked}) != len(checked):
        raise ParameterError(source, f"{table}.{key}", value, "allowed: distinct values")
    return checked


def _range(source: str, design: str, key: str, value: Any) -> Uncertainty:
    where = f"uncertainties.{key}"
    if lookup(key, source).kind not in (int, float):
        raise ParameterError(source, where, value, f"allowed: only number parameters in a "
                             f"{design} design; use design = 'grid' for this one")
    if not isinstance(value, Mapping) or set(value) != {"low", "high"}:
        raise ParameterError(source, where, value,
                             f"allowed: a range {{ low = ..., high = ... }} in a {design} design")
    low = _check(source, "uncertainties", key, value["low"])
    high = _check(source, "uncertainties", key, value["high"])
    if not low < high:
        raise ParameterError(source, where, value, "allowed: low < high")
    return Uncertainty(key, low=low, high=high)


def _rekey(source: str, error: ParameterError, tables: dict[str, str], where: str) -> NoReturn:
    """Re-raise a relation error from :meth:`Params.replace` with the table that set the key."""
    key = f"{tables[error.key]}.{error.key}" if error.key in tables else error.key
    raise ParameterError(source, key, error.value, f"{error.allowed} ({where})") from None


def _run_count(exp: Mapping[str, Any], design: str, uncertainties: tuple[Uncertainty, ...],
               policies: int, replications: int) -> tuple[str, Any, int, str]:
    """``(key, value, runs, how)`` for :func:`sim.engine.limits.check_runs`: the runs a design gives.

    The key blamed is the samples of a sampled design (its usual culprit), else the
    replications.
    """
    contexts = context_count(design, exp.get("samples", 0), uncertainties)
    runs = contexts * policies * replications
    how = f"{contexts:,} contexts x {policies:,} policies x {replications:,} replications"
    if design != "grid":
        return "experiment.samples", exp["samples"], runs, how
    return "experiment.replications", replications, runs, how


def load_experiment(path: str | Path) -> Experiment:
    """Read and validate an experiment file.

    Args:
        path: The experiment TOML file.

    Returns:
        The experiment, with every design point and policy checked against the schema.

    Raises:
        ScenarioError: If the experiment or its scenario file cannot be read as TOML.
        ParameterError: On any unknown, missing or disallowed key or value.
    """
    path = Path(path)
    source = str(path)
    data = read_toml(path)
    for table, value in data.items():
        if table not in _TABLES:
            _unknown(source, table, value, _TABLES)
        if not isinstance(value, Mapping):
            raise ParameterError(source, table, value, f"allowed: a table [{table}]")
    exp, levers = data.get("experiment", {}), dict(data.get("levers", {}))
    for key, value in exp.items():
        if key not in _EXPERIMENT_KEYS:
            _unknown(source, f"experiment.{key}", value, _EXPERIMENT_KEYS)
    for key in ("name", "description", "scenario", "design", "replications", "seed"):
        if key not in exp:
            raise ParameterError(source, f"experiment.{key}", _MISSING, "required; see "
                                 "sim.experiments.design for the format")
    for key in ("name", "description", "scenario"):
        if not isinstance(exp[key], str) or not exp[key].strip():
            raise ParameterError(source, f"experiment.{key}", exp[key], "allowed: a text")
    if not _NAME.fullmatch(exp["name"]):
        raise ParameterError(source, "experiment.name", exp["name"], f"allowed: {SAFE_NAME_HELP}")
    design = exp["design"]
    if design not in DESIGNS:
        raise ParameterError(source, "experiment.design", design,
                             "allowed: one of " + ", ".join(DESIGNS))
    samples = _int(source, "experiment.samples", exp["samples"], 1) if "samples" in exp else 0
    if design != "grid" and "samples" not in exp:
        raise ParameterError(source, "experiment.samples", _MISSING,
                             f"required for design '{design}': an integer >= 1")
    if design == "sobol" and samples & (samples - 1):
        raise ParameterError(source, "experiment.samples", samples,
                             "allowed: a power of 2 for design 'sobol'")
    replications = _int(source, "experiment.replications", exp["replications"], 1)
    seed = _int(source, "experiment.seed", exp["seed"], 0)
    updates: dict[str, Any] = {"run.seed": seed}
    if "steps" in exp:
        try:
            updates["run.steps"] = lookup("run.steps", source).check(exp["steps"], source)
        except ParameterError as error:
            raise ParameterError(source, "experiment.steps", exp["steps"],
                                 error.allowed) from None
    kpis = tuple(k.name for k in RUN_KPIS if k.headline)
    if "kpis" in exp:
        kpis = _names(source, "experiment.kpis", exp["kpis"], [k.name for k in RUN_KPIS])
    if "strategies" not in levers:
        raise ParameterError(source, "levers.strategies", _MISSING,
                             "required: a list of strategies from " + ", ".join(STRATEGIES))
    strategies = _names(source, "levers.strategies", levers.pop("strategies"), list(STRATEGIES))
    reference = exp.get("reference", "none" if "none" in strategies else strategies[0])
    shared_seeds = exp.get("shared_seeds", False)
    if not isinstance(shared_seeds, bool):
        raise ParameterError(source, "experiment.shared_seeds", shared_seeds,
                             "allowed: true or false")
    if reference not in strategies:
        raise ParameterError(source, "experiment.reference", reference,
                             "allowed: one of levers.strategies: " + ", ".join(strategies))

    tables: dict[str, str] = {}
    lever_values = {k: _values(source, "levers", k, v)
                    for k, v in _flatten(source, "levers", levers).items()}
    uncertain = _flatten(source, "uncertainties", data.get("uncertainties", {}))
    overrides = {k: _check(source, "overrides", k, v)
                 for k, v in _flatten(source, "overrides", data.get("overrides", {})).items()}
    for table, keys in (("levers", lever_values), ("uncertainties", uncertain),
                        ("overrides", overrides)):
        for key in keys:
            if key in tables:
                raise ParameterError(source, f"{table}.{key}", keys[key],
                                     f"allowed: each key in one table; it is in [{tables[key]}]")
            tables[key] = table
    for key in ORG_FILES:
        if key in tables:
            value = {**lever_values, **uncertain, **overrides}[key]
            raise ParameterError(source, f"{tables[key]}.{key}", value,
                                 "allowed: organisation files are named in the scenario file")
    if design == "grid":
        uncertainties = tuple(Uncertainty(k, values=_values(source, "uncertainties", k, v))
                              for k, v in uncertain.items())
    else:
        uncertainties = tuple(_range(source, design, k, v) for k, v in uncertain.items())
        if not uncertainties:
            raise ParameterError(source, "uncertainties", {}, f"allowed: at least one "
                                 f"parameter with a range for design '{design}'")

    scenario_path = path.parent / exp["scenario"]
    try:
        scenario = load_scenario(scenario_path)
    except ScenarioError as error:
        raise ScenarioError(f"{source}: experiment.scenario = {exp['scenario']!r} cannot be "
                            f"loaded: {error}") from None
    for key in SIZED_BY_CHART:
        if scenario.org.chart and key in tables:
            raise ParameterError(source, f"{tables[key]}.{key}", "(set)", "allowed: not "
                                 f"set when the scenario reads a chart ({scenario.org.chart}), "
                                 "which fixes it")
    try:
        base = scenario.replace({**overrides, **updates}, source)
    except ParameterError as error:
        _rekey(source, error, tables, "with the scenario's other values")
    lever_points = int(np.prod([len(v) for v in lever_values.values()], dtype=object))
    check_runs(source, *_run_count(exp, design, uncertainties, len(strategies) * lever_points,
                                   replications), steps=base.run.steps)
    digest = hashlib.sha256((file_digest(path) + file_digest(scenario_path)
                             + "".join(chart_files(base.org).values())).encode()).hexdigest()
    lever_grid = tuple(dict(zip(lever_values, point, strict=True))
                       for point in itertools.product(*lever_values.values()))
    experiment = Experiment(path, exp["name"], exp["description"], scenario_path, base,
                            strategies, lever_grid, uncertainties, design, samples,
                            replications, seed, kpis, reference, digest, shared_seeds)
    policies, largest, peak = experiment.policies(), base, 0
    for c, context in enumerate(experiment.contexts()):
        for label, lever in policies:
            try:
                params = base.replace({**context, **lever}, source)
            except ParameterError as error:
                _rekey(source, error, tables, f"in context {c}, policy {label}")
            if (need := estimate_run_memory(params).total) > peak:
                largest, peak = params, need
    try:
        check_run_memory(source, [largest])
    except ParameterError as error:
        _rekey(source, error, tables, "in its largest run")
    return replace(experiment, largest_run=largest)
