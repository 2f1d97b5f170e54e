"""Approximate Bayesian computation by sequential Monte Carlo (ABC-SMC), deterministic.

The model is a stochastic simulator without a likelihood, so its parameters are calibrated by
ABC: keep the parameter values whose simulated series come close to the observed ones. This
module is the algorithm alone, independent of the model: a population Monte Carlo sampler in
the form of Beaumont, Cornuet, Marin & Robert (2009, *Biometrika* 96(4)) and Toni et al. (2009,
*J. R. Soc. Interface* 6), with the tolerance of each generation set adaptively as a quantile of
the distances (Del Moral, Doucet & Jasra 2012, *Statistics and Computing* 22):

1. Generation 0 draws ``population`` values from the prior (uniform over a box).
2. Each value is simulated once and given its distance to the observations. The tolerance
   ``epsilon`` of the generation is the ``quantile`` of its distances (never above the previous
   generation's); the values within it are *accepted*, with importance weights.
3. Generation ``t + 1`` proposes ``population`` new values: each picks an accepted value of
   generation ``t`` by weight and moves it with a Gaussian kernel, independent per parameter,
   of twice the weighted variance (Beaumont et al. 2009), truncated to the prior's box. The
   weight of an accepted value is ``prior / sum_j w_j K(value | value_j)``, with the truncated
   kernel's normalisation computed exactly, so the weights are those of the importance sampler.

Unlike samplers that accept values in the order in which simulations finish (pyabc's, whose
proposals also draw from numpy's global random state), every generation here proposes a fixed
number of values from a seeded generator, and which are accepted depends only on their
distances. The same seed therefore gives the same posterior, whether the simulations ran in
one process, many, or on a Dask cluster, and an interrupted calibration that resumes from its
stored runs proposes the same values again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = ["MIN_SHARE", "Generation", "Prior", "accept", "draws", "effective_size", "intervals",
           "propose", "sample", "weighted_quantile"]

MIN_SHARE = 0.2
"""The least share of a generation's values its tolerance accepts (so a population stays)."""


@dataclass(frozen=True)
class Prior:
    """Independent uniform priors over a box.

    Attributes:
        keys: The parameters, dotted keys.
        low: Lower ends, one per key.
        high: Upper ends, one per key (each above its low end).
    """

    keys: tuple[str, ...]
    low: np.ndarray
    high: np.ndarray

    def __post_init__(self) -> None:
        if not (len(self.keys) == self.low.size == self.high.size) or not np.all(
                self.high > self.low):
            raise ValueError("a prior needs one low < high pair per key")

    @property
    def width(self) -> np.ndarray:
        """High minus low, per key."""
        return self.high - self.low

    @property
    def sd(self) -> np.ndarray:
        """The standard deviation of each uniform prior: width / sqrt(12)."""
        return self.width / np.sqrt(12.0)

    def contains(self, values: np.ndarray) -> np.ndarray:
        """Which rows of ``values`` (n x keys) lie inside the box."""
        return np.all((values >= self.low) & (values <= self.high), axis=1)

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` values from the prior (n x keys)."""
        return self.low + self.width * rng.random((n, len(self.keys)))


@dataclass(frozen=True)
class Generation:
    """One generation of the sampler.

    Attributes:
        index: 0 for the draws from the prior.
        values: The proposed values (population x keys).
        distances: Their distances to the observations.
        epsilon: The tolerance: values with a distance at most this are accepted.
        weights: Normalised importance weights, 0 for the values not accepted.
    """

    index: int
    values: np.ndarray
    distances: np.ndarray
    epsilon: float
    weights: np.ndarray

    @property
    def accepted(self) -> np.ndarray:
        """Which values were accepted."""
        return self.weights > 0

    def mean(self) -> np.ndarray:
        """The weighted mean of the accepted values, per key."""
        return self.weights @ self.values

    def sd(self) -> np.ndarray:
        """The weighted standard deviation of the accepted values, per key."""
        centred = self.values - self.mean()
        return np.sqrt(self.weights @ centred**2)


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float | np.ndarray) -> np.ndarray:
    """Quantiles of a weighted sample (the inverse of its weighted empirical distribution).

    Args:
        values: One-dimensional sample.
        weights: Non-negative weights, not all zero.
        q: Probabilities in [0, 1].
    """
    order = np.argsort(values, kind="stable")
    v, w = values[order], weights[order]
    keep = w > 0
    v, w = v[keep], w[keep]
    cumulative = (np.cumsum(w) - 0.5 * w) / w.sum()
    return np.interp(q, cumulative, v)


def effective_size(weights: np.ndarray) -> float:
    """Kish's effective sample size of importance weights: (sum w)^2 / sum w^2."""
    total = weights.sum()
    return float(total**2 / np.sum(weights**2)) if total > 0 else 0.0


def _kernel_scale(previous: Generation, prior: Prior) -> np.ndarray:
    """The kernel's standard deviation per key: sqrt(2) x the weighted sd (Beaumont 2009)."""
    scale = np.sqrt(2.0) * previous.sd()
    return np.maximum(scale, 1e-3 * prior.width)  # a collapsed population still moves


def propose(rng: np.random.Generator, prior: Prior, previous: Generation | None,
            n: int) -> np.ndarray:
    """``n`` new values: from the prior, or by moving accepted values of ``previous``.

    Each proposal picks an accepted value by weight and adds independent Gaussian noise per
    key; a proposal outside the prior's box is drawn again (from the same picked value), which
    truncates the kernel to the box.
    """
    if previous is None:
        return prior.draw(rng, n)
    scale = _kernel_scale(previous, prior)
    picked = rng.choice(previous.values.shape[0], size=n, p=previous.weights)
    centres = previous.values[picked]
    out = centres + scale * rng.standard_normal(centres.shape)
    outside = ~prior.contains(out)
    while outside.any():
        out[outside] = centres[outside] + scale * rng.standard_normal(
            (int(outside.sum()), centres.shape[1]))
        outside = ~prior.contains(out)
    return out


def accept(prior: Prior, values: np.ndarray, distances: np.ndarray, previous: Generation | None,
           quantile: float, index: int) -> Generation:
    """The generation of ``values``: its tolerance, and the weights of the values within it.

    Args:
        prior: The prior.
        values: The proposed values (as :func:`propose` made them from ``previous``).
        distances: Their distances (NaN counts as infinitely far).
        previous: The generation they were proposed from; None for draws from the prior.
        quantile: Share of this generation's distances the tolerance keeps.
        index: The generation's number.
    """
    finite = np.where(np.isnan(distances), np.inf, distances)
    known = finite[np.isfinite(finite)]
    if known.size == 0:
        epsilon = np.inf
    elif previous is None:
        epsilon = float(np.quantile(known, quantile))
    else:
        # The weighted quantile of the previous accepted distances, as pyabc's default
        # (median) tolerance; but never so tight that fewer than MIN_SHARE of this generation's
        # values are accepted, and never looser than the previous tolerance.
        shrunk = float(weighted_quantile(previous.distances, previous.weights, quantile))
        floor = float(np.quantile(known, MIN_SHARE))
        epsilon = min(previous.epsilon, max(shrunk, floor))
    within = finite <= epsilon
    if not within.any():  # nothing as close as before: keep the closest value alone
        within = finite == finite.min()
    weights = np.zeros(values.shape[0])
    if previous is None:
        weights[within] = 1.0
    else:
        weights[within] = 1.0 / _proposal_density(values[within], previous, prior)
    weights /= weights.sum()
    return Generation(index, values, distances, epsilon, weights)


def _proposal_density(values: np.ndarray, previous: Generation, prior: Prior) -> np.ndarray:
    """Density of the truncated-kernel mixture that proposed ``values`` (up to the prior)."""
    scale = _kernel_scale(previous, prior)
    centres = previous.values[previous.accepted]
    w = previous.weights[previous.accepted]
    # Mass of each centre's kernel inside the box, per key: the truncation's normalisation.
    inside = np.prod(stats.norm.cdf((prior.high - centres) / scale)
                     - stats.norm.cdf((prior.low - centres) / scale), axis=1)
    z = (values[:, None, :] - centres[None, :, :]) / scale
    kernel = np.exp(-0.5 * np.sum(z**2, axis=2)) / np.prod(np.sqrt(2 * np.pi) * scale)
    return (kernel / inside[None, :]) @ w


def sample(prior: Prior, distance_of: Callable[[int, np.ndarray], np.ndarray], *,
           population: int, generations: int, seed: int, quantile: float = 0.5,
           on_generation: Callable[[Generation], None] | None = None) -> list[Generation]:
    """Run the sampler: ``generations`` generations of ``population`` simulations each.

    Args:
        prior: The prior.
        distance_of: ``(generation, values) -> distances``: simulates each row of ``values``
            and returns its distance to the observations.
        population: Values proposed per generation.
        generations: Number of generations (the first from the prior).
        seed: Seed of the proposals (each generation's generator derives from it).
        quantile: Share of each generation's distances its tolerance keeps.
        on_generation: Called with each generation as it is done.

    Returns:
        Every generation, the last one the posterior sample.
    """
    done: list[Generation] = []
    for index in range(generations):
        rng = np.random.default_rng(np.random.SeedSequence([seed, index]))
        values = propose(rng, prior, done[-1] if done else None, population)
        generation = accept(prior, values, np.asarray(distance_of(index, values), dtype=float),
                            done[-1] if done else None, quantile, index)
        done.append(generation)
        if on_generation is not None:
            on_generation(generation)
    return done


def draws(generation: Generation, n: int, seed: int) -> np.ndarray:
    """``n`` values drawn from a generation's weighted sample (indices into its values)."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 1_000_003]))
    return rng.choice(generation.values.shape[0], size=n, p=generation.weights)


def intervals(generation: Generation, level: float = 0.9) -> Sequence[tuple[float, float]]:
    """The central ``level`` interval of each key in a generation's weighted sample."""
    tail = (1.0 - level) / 2
    return [tuple(weighted_quantile(generation.values[:, k], generation.weights,
                                    np.array([tail, 1.0 - tail])))
            for k in range(generation.values.shape[1])]
