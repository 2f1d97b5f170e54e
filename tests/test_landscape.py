"""NK landscapes: the generator of Lazer & Friedman (2007) and its exhaustive maximum."""

import itertools

import numpy as np
import pytest

from sim.engine.landscape import NKLandscape


def every_practice(n: int) -> np.ndarray:
    return np.array(list(itertools.product([-1, 1], repeat=n)), np.int8)


@pytest.mark.parametrize("n, k", [(6, 0), (8, 3), (10, 5)])
def test_the_optimum_is_the_best_of_every_practice_and_scores_one(n, k):
    landscape = NKLandscape.generate(n, k, np.random.default_rng(n + k))
    raw = landscape.raw(every_practice(n))
    assert landscape.maximum == pytest.approx(raw.max(), abs=1e-12)
    assert landscape.raw(landscape.optimum[None, :])[0] == raw.max()
    assert landscape.score(landscape.optimum[None, :])[0] == 1.0
    scores = landscape.score(every_practice(n))
    assert (scores >= 0).all() and (scores <= 1).all()


def test_each_dimension_depends_on_itself_and_k_draws_with_replacement():
    landscape = NKLandscape.generate(20, 5, np.random.default_rng(1))
    assert landscape.dependencies.shape == (20, 6)
    assert np.array_equal(landscape.dependencies[:, 0], np.arange(20))
    assert landscape.contributions.shape == (20, 64)
    # With replacement, some dimension repeats a link or links to itself (as in NK_gen.java).
    repeats = [len(set(row)) < 6 for row in landscape.dependencies.tolist()]
    assert any(repeats)


def test_without_interactions_each_dimension_has_its_own_best_value():
    landscape = NKLandscape.generate(12, 0, np.random.default_rng(3))
    better = np.where(landscape.contributions[:, 1] > landscape.contributions[:, 0], 1, -1)
    assert np.array_equal(landscape.optimum, better)


def test_the_exponent_makes_most_practices_score_low():
    landscape = NKLandscape.generate(14, 5, np.random.default_rng(4), exponent=8.0)
    scores = landscape.score(every_practice(14))
    assert np.median(scores) < 0.25 < scores.max()  # (score/max)^8 spreads the top out


def test_the_same_stream_gives_the_same_landscape():
    a, b = (NKLandscape.generate(10, 4, np.random.default_rng(9)) for _ in range(2))
    assert np.array_equal(a.contributions, b.contributions)
    assert np.array_equal(a.dependencies, b.dependencies) and a.maximum == b.maximum


def test_an_unknown_belief_reads_as_minus_one():
    landscape = NKLandscape.generate(8, 2, np.random.default_rng(5))
    with_zero = np.array([[0, 1, -1, 1, 0, 1, 1, -1]], np.int8)
    as_minus = np.where(with_zero == 0, -1, with_zero)
    assert landscape.raw(with_zero)[0] == landscape.raw(as_minus)[0]
