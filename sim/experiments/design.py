"""Experiments as data: contexts x policies x replications, their seeds, their runs.

An :class:`Experiment` names a base scenario, the policies to compare (strategies, optionally
crossed with a grid of lever parameters), the uncertainties to explore (a grid of values, or
ranges sampled by Latin hypercube, Sobol' (Saltelli) or Morris designs), the replications and
the root seed. A strategy comparison (``orglearn compare``) is the case with one context and no
levers. :meth:`Experiment.tasks` turns an experiment into the runs to do.

Contexts: a grid is the cartesian product of the values in declared order (the first key varies
slowest); a sampled design has ``samples`` points (lhs), ``samples * (D + 2)`` (sobol, first and
total order) or ``samples * (D + 1)`` (morris, 4 levels); integer parameters are rounded. A
robustness design varies one uncertainty at a time: context 0 is the base scenario, then each
uncertainty at the low and at the high end of its range, the others at their base values
(``1 + 2 D`` contexts, in declared order); its contexts share their seeds
(``shared_seeds``), so that each end is paired with the base on common random numbers.
Policies are the strategies crossed with the lever grid; a lever of another strategy's section
(``strategy.<other>.*``) does not apply to a strategy and is left out of its policies. Every run
of context ``c`` and replication ``r`` uses ``derive_seed(seed, c, r)`` whatever the policy
(common random numbers); with ``shared_seeds`` it uses ``derive_seed(seed, 0, r)`` in every
context too, so that contexts are compared on common random numbers as well (e.g. the same
starting beliefs and landscape on different networks, as Lazer & Friedman 2007 pair their runs).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from sim.engine.metrics import RUN_KPIS
from sim.engine.params import Params, lookup, uncertain_parameters
from sim.engine.resources import estimate_run_memory
from sim.engine.rng import derive_seed
from sim.experiments.posterior import Posterior
from sim.experiments.results import content_digest
from sim.experiments.sampling import Sampler
from sim.experiments.tasks import RunTask
from sim.org.chart import chart_files

__all__ = ["DESIGNS", "ROBUSTNESS_KPIS", "SMALL_VS_WIDE", "Experiment", "Uncertainty",
           "context_count", "default_contrast"]

DESIGNS = ("grid", "lhs", "sobol", "morris", "robustness")
SMALL_VS_WIDE = ("small_groups_first", "org_wide_first")
ROBUSTNESS_KPIS = ("knowledge_final", "error_rate_final", "reach_participating")
"""What a robustness analysis judges unless told otherwise: knowledge, errors and reach, since
the verdict can differ by KPI."""
"""The product's main question, "start with small groups or organisation-wide?": the contrast
an experiment sets head to head when it compares both and names no other."""


def default_contrast(strategies: tuple[str, ...] | list[str]) -> tuple[str, str] | None:
    """:data:`SMALL_VS_WIDE` when both are among ``strategies``, else None."""
    return SMALL_VS_WIDE if set(SMALL_VS_WIDE) <= set(strategies) else None


@dataclass(frozen=True)
class Uncertainty:
    """One uncertain parameter: a list of values (grid) or a range (sampled designs)."""

    key: str
    values: tuple | None = None
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class Experiment:
    """A validated experiment; see the module docstring for how it becomes runs.

    Attributes:
        path: The experiment file; for a comparison, the scenario file (or its name).
        name: Names the results (and the ``experiment`` column of the runs).
        description: One or two sentences for the report.
        scenario_path: The base scenario's file.
        base: The base scenario's parameters with the experiment's overrides.
        strategies: The strategies compared, in report order.
        lever_grid: The lever parameter points crossed with the strategies (``({},)`` if none).
        uncertainties: The uncertain parameters of the design.
        design: ``grid``, ``lhs``, ``sobol``, ``morris`` or ``robustness``.
        samples: The base sample size of a sampled design (0 for a grid).
        replications: Replications per context and policy.
        seed: The root seed.
        kpis: The run KPIs the report judges.
        reference: The strategy the others are compared with (paired differences).
        digest: What determines the runs (guards ``resume``).
        shared_seeds: Whether every context uses the seeds of context 0.
        contrast: The two strategies the report sets head to head, ``(A, B)`` (and whose paired
            difference A − B the sensitivity analysis explains); None to leave it out.
        checks: Validation checks (:data:`sim.validation.CHECKS`) the results must pass.
        command: ``"compare"`` (one scenario, one context) or ``"sweep"`` (an experiment file).
        notes: Sentences the report must carry about how the experiment was set up (a
            strategy left out because the organisation does not suit it, say).
        largest_run: The parameters of the run that needs most memory.
        posterior: A calibration's posterior sample; each replication draws its fitted
            parameters from it (:mod:`sim.experiments.posterior`), the same for every policy.
    """

    path: Path
    name: str
    description: str
    scenario_path: Path
    base: Params
    strategies: tuple[str, ...]
    lever_grid: tuple[dict, ...]
    uncertainties: tuple[Uncertainty, ...]
    design: str
    samples: int
    replications: int
    seed: int
    kpis: tuple[str, ...]
    reference: str
    digest: str
    shared_seeds: bool = False
    contrast: tuple[str, str] | None = None
    checks: tuple[str, ...] = ()
    command: str = "sweep"
    notes: tuple[str, ...] = ()
    largest_run: Params | None = field(default=None, compare=False, repr=False)
    posterior: Posterior | None = field(default=None, compare=False, repr=False)

    @classmethod
    def comparison(cls, params: Params, strategies: list[str], replications: int, *,
                   reference: str | None = None, contrast: tuple[str, str] | None = None,
                   scenario_file: Path | None = None, name: str = "compare",
                   notes: tuple[str, ...] = (),
                   posterior: Posterior | None = None) -> Experiment:
        """A strategy comparison on one scenario: one context, no levers, no uncertainties.

        Replication ``r`` of every strategy runs with ``derive_seed(run.seed, 0, r)``, as in
        context 0 of any experiment.

        Args:
            params: The scenario's parameters; ``run.seed`` is the root seed.
            strategies: Strategy names, in report order.
            replications: Replications per strategy.
            reference: Strategy the paired differences are taken against (by default the
                control ``none`` if compared, else the first).
            contrast: Two strategies to set head to head in the report; by default
                :func:`default_contrast` of the strategies.
            scenario_file: The scenario file, recorded in the manifest.
            name: Names the runs (the ``experiment`` column).
            notes: Sentences for the report on how the comparison was set up.
            posterior: A calibration's posterior sample to draw each replication's fitted
                parameters from.
        """
        reference = reference or ("none" if "none" in strategies else strategies[0])
        digest = content_digest({"parameters": params.nested(), "strategies": strategies,
                                 "replications": replications,
                                 "org_files": chart_files(params.org),
                                 **({"posterior": posterior.sha256} if posterior else {})})
        if posterior is not None:
            notes = (*notes, posterior.note())
        source = Path(scenario_file) if scenario_file else Path(params.scenario.name)
        return cls(source, name, params.scenario.description, source, params,
                   tuple(strategies), ({},), (), "grid", 0, replications, params.run.seed,
                   tuple(k.name for k in RUN_KPIS if k.headline), reference, digest,
                   contrast=contrast or default_contrast(strategies), command="compare",
                   notes=tuple(notes), largest_run=params, posterior=posterior)

    @classmethod
    def robustness(cls, params: Params, contrast: tuple[str, str], replications: int, *,
                   uncertainties: tuple[Uncertainty, ...] = (),
                   kpis: tuple[str, ...] = ROBUSTNESS_KPIS, scenario_file: Path | None = None,
                   name: str = "robustness") -> Experiment:
        """How robust the verdict between two strategies is, on one scenario.

        A robustness design (see the module docstring) over ``uncertainties``, by default
        every parameter the schema gives a plausible range; ``B`` is the reference and the
        paired difference is ``A − B``.

        Args:
            params: The scenario's parameters; ``run.seed`` is the root seed.
            contrast: ``(A, B)``.
            replications: Replications per strategy and context.
            uncertainties: Ranges to vary (``low``/``high``), one parameter at a time.
            kpis: The run KPIs to judge.
            scenario_file: The scenario file, recorded in the manifest.
            name: Names the runs (the ``experiment`` column).
        """
        uncertainties = uncertainties or tuple(
            Uncertainty(p.key, low=p.plausible.low, high=p.plausible.high)
            for p in uncertain_parameters())
        source = Path(scenario_file) if scenario_file else Path(params.scenario.name)
        digest = content_digest({
            "parameters": params.nested(), "contrast": list(contrast),
            "replications": replications, "design": "robustness", "kpis": list(kpis),
            "uncertainties": [[u.key, u.low, u.high] for u in uncertainties],
            "org_files": chart_files(params.org)})
        experiment = cls(source, name, params.scenario.description, source, params,
                         tuple(contrast), ({},), uncertainties, "robustness", 0, replications,
                         params.run.seed, tuple(kpis), contrast[1], digest, shared_seeds=True,
                         contrast=tuple(contrast))
        largest = max((params.replace(c, str(source)) for c in experiment.contexts()),
                      key=lambda p: estimate_run_memory(p).total)
        return replace(experiment, largest_run=largest)

    @property
    def sampler(self) -> Sampler | None:
        """The sampler of a sampled design (draws its points, analyses its results)."""
        if self.design in ("grid", "robustness"):
            return None
        return Sampler(self.design, tuple(u.key for u in self.uncertainties),
                       tuple((float(u.low), float(u.high)) for u in self.uncertainties),
                       self.samples, self.seed)

    def grid_axes(self) -> list[tuple[str, tuple]]:
        """The grid's keys and values in declared order; ``[]`` for sampled designs."""
        if self.design != "grid":
            return []
        return [(u.key, u.values) for u in self.uncertainties]

    def salib_problem(self) -> dict:
        """The SALib problem ``{"num_vars", "names", "bounds"}`` of a sampled design.

        Raises:
            ValueError: For a grid design, which has no ranges.
        """
        if self.sampler is None:
            raise ValueError(f"{self.path}: a grid design has no SALib problem")
        return self.sampler.problem

    def design_matrix(self) -> np.ndarray:
        """The raw design, shape ``(n_contexts, n_uncertainties)``, as floats.

        Sampled designs give the unrounded points (what SALib's analysers expect). A grid gives
        its numeric and boolean values as numbers and text values as their index in the list.
        """
        n = len(self.uncertainties)
        if self.design == "grid":
            if not n:
                return np.zeros((1, 0))
            columns = [[v if not isinstance(v, str) else i for i, v in enumerate(u.values)]
                       for u in self.uncertainties]
            return np.array(list(itertools.product(*columns)), dtype=float)
        if self.design == "robustness":
            return np.array([[float(c.get(u.key, self.base[u.key])) for u in self.uncertainties]
                             for c in self.contexts()], dtype=float).reshape(-1, n)
        return self.sampler.sample()

    def contexts(self) -> list[dict[str, object]]:
        """The design's points in a fixed order, each ``{key: value}``; ``[{}]`` if none."""
        if self.design == "grid":
            keys = [u.key for u in self.uncertainties]
            return [dict(zip(keys, point, strict=True))
                    for point in itertools.product(*(u.values for u in self.uncertainties))]
        if self.design == "robustness":
            points: list[dict[str, object]] = [{}]
            for u in self.uncertainties:
                kind = lookup(u.key, str(self.path)).kind
                points += [{u.key: int(np.rint(x)) if kind is int else float(x)}
                           for x in (u.low, u.high)]
            return points
        kinds = [lookup(u.key, str(self.path)).kind for u in self.uncertainties]
        points = []
        for row in self.design_matrix():
            point: dict[str, object] = {}
            for u, kind, x in zip(self.uncertainties, kinds, row, strict=True):
                x = min(max(float(x), u.low), u.high)
                point[u.key] = int(np.rint(x)) if kind is int else x
            points.append(point)
        return points

    def policies(self) -> list[tuple[str, dict]]:
        """The policies as ``(label, {"strategy.name": strategy, **levers})``.

        The label is the strategy's name, followed by ``[name=value,...]`` when lever
        parameters apply to it (the parameter's name, or its full key if names clash).
        """
        out: list[tuple[str, dict]] = []
        for strategy in self.strategies:
            seen = set()
            for lever in self.lever_grid:
                applied = {k: v for k, v in lever.items() if _applies(k, strategy)}
                names = [k.rpartition(".")[2] for k in applied]
                short = len(set(names)) == len(names)
                label = strategy + ("[" + ",".join(
                    f"{k.rpartition('.')[2] if short else k}={_fmt(v)}"
                    for k, v in applied.items()) + "]" if applied else "")
                if label not in seen:
                    seen.add(label)
                    out.append((label, {"strategy.name": strategy, **applied}))
        return out

    def run_count(self) -> int:
        """How many runs :meth:`tasks` gives, without building them."""
        contexts = context_count(self.design, self.samples, self.uncertainties)
        return contexts * len(self.policies()) * self.replications

    def tasks(self) -> list[RunTask]:
        """Every run, ordered by context, policy, replication.

        The seed of a run is ``derive_seed(seed, context, replication)``: every policy of a
        context and replication runs with the same seed (common random numbers). With
        ``shared_seeds`` the context key is 0 for every context. With a :attr:`posterior`,
        replication ``r`` of every policy and context also sets the values drawn for ``r``.
        """
        source, policies, tasks = str(self.path), self.policies(), []
        for c, context in enumerate(self.contexts()):
            for label, lever in policies:
                params = self.base.replace({**context, **lever}, source)
                for r in range(self.replications):
                    seed = derive_seed(self.seed, 0 if self.shared_seeds else c, r)
                    drawn = self.posterior.draw(self.seed, r) if self.posterior else {}
                    values = params.replace({**drawn, "run.seed": seed}, source).values
                    tasks.append(RunTask(self.name, self.base.scenario.name, c, label, r,
                                         seed, values))
        return tasks


def _fmt(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _applies(key: str, strategy: str) -> bool:
    """Whether a lever parameter applies to a strategy (not another strategy's section)."""
    section = key.rpartition(".")[0]
    return not (section.startswith("strategy.") and section != f"strategy.{strategy}")


def context_count(design: str, samples: int, uncertainties: tuple[Uncertainty, ...]) -> int:
    """How many contexts a design has, computed without building them."""
    if design == "grid":
        return int(np.prod([len(u.values) for u in uncertainties], dtype=object))
    if design == "robustness":
        return 1 + 2 * len(uncertainties)
    return Sampler.point_count(design, samples, len(uncertainties))
