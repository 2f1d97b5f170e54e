"""Results compared exactly on one machine and within rounding across machines."""

import numpy as np
import pyarrow as pa
import pytest

from sim.experiments.equality import RELATIVE_TOLERANCE, compare_tables


def table(values, steps=None, strategy=None):
    n = len(values)
    return pa.table({"step": pa.array(steps if steps is not None else list(range(n))),
                     "strategy": pa.array(strategy or ["a"] * n),
                     "performance": pa.array(np.asarray(values, dtype=np.float64))})


VALUES = np.array([0.5, 0.731, 1e-3, 0.0, np.nan, 12.5])


def test_identical_tables_have_no_gap():
    problems, gap = compare_tables("timeseries", table(VALUES), table(VALUES.copy()))
    assert problems == [] and gap.absolute == 0 and gap.describe() == "floats identical"


def test_a_one_ulp_perturbation_passes_and_is_reported():
    perturbed = np.nextafter(VALUES, np.inf)  # every value one unit in the last place up
    problems, gap = compare_tables("timeseries", table(VALUES), table(perturbed))
    assert problems == []
    assert gap.absolute == pytest.approx(np.spacing(12.5))  # the widest ULP is at 12.5
    assert gap.where == "timeseries.performance"
    assert "largest float difference" in gap.describe()


@pytest.mark.parametrize("relative", [1e-9, 10 * RELATIVE_TOLERANCE])
def test_a_perturbation_beyond_tolerance_fails(relative):
    perturbed = VALUES.copy()
    perturbed[1] *= 1 + relative
    problems, gap = compare_tables("runs", table(VALUES), table(perturbed))
    assert len(problems) == 1 and "'performance' differs by up to" in problems[0]
    assert gap.relative == pytest.approx(relative, rel=1e-3)


def test_values_near_zero_have_an_absolute_floor():
    problems, _ = compare_tables("t", table([0.0, 1e-17]), table([2e-17, 0.0]))
    assert problems == []
    problems, _ = compare_tables("t", table([0.0]), table([1e-9]))
    assert problems


@pytest.mark.parametrize("new", [[0.5, 1.0], [np.nan, np.nan], [np.inf, 0.5]])
def test_nan_and_infinity_must_match_exactly(new):
    problems, _ = compare_tables("t", table([0.5, np.nan]), table(new))
    assert problems


def test_integers_and_text_are_compared_exactly():
    problems, _ = compare_tables("t", table([0.5, 0.5]), table([0.5, 0.5], steps=[0, 2]))
    assert problems == ["t: column 'step' differs"]
    problems, _ = compare_tables("t", table([0.5]), table([0.5], strategy=["b"]))
    assert problems == ["t: column 'strategy' differs"]
    problems, _ = compare_tables("t", table([0.5]), table([0.5, 0.5]))
    assert problems == ["t: 1 committed rows, 2 now"]
