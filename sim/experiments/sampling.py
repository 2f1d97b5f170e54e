"""Sampled designs: one object draws the points and analyses the results.

A :class:`Sampler` holds everything SALib needs on both sides of a Sobol' (Saltelli) or Morris
design — the problem (names and bounds), the base sample size, the seed and the design's own
settings (first and total order only; 4 Morris levels) — so sampling and analysis cannot drift
apart. Latin hypercube designs (scipy's ``qmc``) are sampled here too; they have no analysis.

SALib is an optional dependency (``pip install orglearn[sensitivity]``; ``make setup`` installs
it); a design that needs it and cannot import it raises :class:`sim.extras.MissingExtra` with
the command that installs it.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from sim.extras import require

__all__ = ["INDICES", "SAMPLED", "Sampler"]

SAMPLED = ("lhs", "sobol", "morris")
INDICES = {"sobol": ("S1", "S1_conf", "ST", "ST_conf"),
           "morris": ("mu", "mu_star", "sigma", "mu_star_conf")}
MORRIS_LEVELS = 4
"""Levels of the Morris grid (Morris 1991; SALib's default), for sampling and analysis alike."""
SOBOL_SECOND_ORDER = False
"""Only first and total order indices: ``samples * (D + 2)`` runs instead of ``(2D + 2)``."""
ANALYSIS_SEED = 1
"""Seed of SALib's bootstrap of the confidence intervals.

Not 0: SALib 1.6 tests ``if seed:`` in the Sobol' analyser and would resample with the global,
unseeded numpy generator, so the intervals would change between runs.
"""


@dataclass(frozen=True)
class Sampler:
    """A sampled design over numeric uncertainties.

    Attributes:
        design: ``"lhs"``, ``"sobol"`` or ``"morris"``.
        names: The uncertain parameters, in declared order.
        bounds: ``(low, high)`` of each.
        samples: The base sample size N.
        seed: Seed of the sample.
    """

    design: str
    names: tuple[str, ...]
    bounds: tuple[tuple[float, float], ...]
    samples: int
    seed: int

    def __post_init__(self) -> None:
        if self.design not in SAMPLED:
            raise ValueError(f"not a sampled design: {self.design!r}; sampled: "
                             + ", ".join(SAMPLED))

    @classmethod
    def from_problem(cls, design: str, problem: dict, samples: int, seed: int) -> Sampler:
        """The sampler of a SALib problem ``{"num_vars", "names", "bounds"}`` (as in manifests)."""
        return cls(design, tuple(problem["names"]),
                   tuple((float(lo), float(hi)) for lo, hi in problem["bounds"]), samples, seed)

    @property
    def problem(self) -> dict:
        """The SALib problem ``{"num_vars", "names", "bounds"}``."""
        return {"num_vars": len(self.names), "names": list(self.names),
                "bounds": [[float(lo), float(hi)] for lo, hi in self.bounds]}

    @property
    def analysable(self) -> bool:
        """Whether the design has sensitivity indices (Sobol' and Morris do, LHS does not)."""
        return self.design in INDICES

    @staticmethod
    def point_count(design: str, samples: int, variables: int) -> int:
        """How many points a design of ``variables`` uncertainties gives, without drawing them."""
        if design == "lhs":
            return samples
        if design == "sobol":
            return samples * (2 * variables + 2 if SOBOL_SECOND_ORDER else variables + 2)
        return samples * (variables + 1)

    def sample(self) -> np.ndarray:
        """The raw design, shape ``(points, len(names))``, unrounded (what the analysers want)."""
        if self.design == "lhs":
            from scipy.stats import qmc

            unit = qmc.LatinHypercube(d=len(self.names),
                                      rng=np.random.default_rng(self.seed)).random(self.samples)
            low, high = np.array(self.bounds, dtype=np.float64).T
            return low + unit * (high - low)
        if self.design == "sobol":
            sobol = require("SALib.sample.sobol", "sensitivity", "design 'sobol'")
            return sobol.sample(self.problem, self.samples, calc_second_order=SOBOL_SECOND_ORDER,
                                seed=self.seed)
        morris = require("SALib.sample.morris", "sensitivity", "design 'morris'")
        return morris.sample(self.problem, self.samples, num_levels=MORRIS_LEVELS,
                             seed=self.seed)

    def analyse(self, x: np.ndarray, y: np.ndarray, confidence: float) -> dict[str, np.ndarray]:
        """Sensitivity indices of outputs ``y`` (one per point of ``x``), by :data:`INDICES`.

        ``confidence`` is the level of the bootstrap intervals (``*_conf`` are half-widths).
        Returns NaN indices when ``y`` has a non-finite value (SALib needs all of them).

        Raises:
            ValueError: For an LHS design, which has no indices.
        """
        if not self.analysable:
            raise ValueError(f"design {self.design!r} has no sensitivity indices")
        columns = INDICES[self.design]
        if not (y.size and np.all(np.isfinite(y))):
            return {c: np.full(len(self.names), np.nan) for c in columns}
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            if self.design == "sobol":
                sobol = require("SALib.analyze.sobol", "sensitivity", "design 'sobol'")
                found = sobol.analyze(self.problem, y, calc_second_order=SOBOL_SECOND_ORDER,
                                      conf_level=confidence, print_to_console=False,
                                      seed=ANALYSIS_SEED)
            else:
                morris = require("SALib.analyze.morris", "sensitivity", "design 'morris'")
                found = morris.analyze(self.problem, x, y, num_levels=MORRIS_LEVELS,
                                       conf_level=confidence, print_to_console=False, seed=0)
        return {c: np.asarray(found[c], dtype=np.float64) for c in columns}
