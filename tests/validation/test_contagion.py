"""Fast versions of the contagion validations (few replications); full ones via reproduce."""

from sim.validation import bass_closed_form
from sim.validation.contagion import watts_window
from tests.validation.helpers import claims_for, scaled


def test_bass_closed_form_matches_its_definition():
    # F(0) = 0, F grows to 1, and dF/dt = (p + q F)(1 - F) (Bass 1969, eq. 1).
    import numpy as np

    p, q = 0.03, 0.38
    t = np.linspace(0, 30, 3001)
    f = bass_closed_form(t, p, q)
    assert f[0] == 0 and 0.999 < f[-1] < 1
    slope = np.gradient(f, t)
    assert np.allclose(slope, (p + q * f) * (1 - f), atol=1e-4)


def test_simple_contagion_on_a_fully_mixed_population_follows_bass(tmp_path):
    claims = claims_for(scaled("bass-1969", replications=3), tmp_path)
    assert claims and all(c.passed for c in claims), [c.ours for c in claims]
    assert (tmp_path / "figures" / "validation.png").exists()


def test_threshold_behaviour_spreads_further_and_faster_when_clustered(tmp_path):
    claims = claims_for(scaled("centola-2010", replications=10), tmp_path)
    assert len(claims) == 2 and all(c.passed for c in claims), [c.ours for c in claims]


def test_watts_window_solves_his_cascade_condition():
    # Vulnerable degrees k <= 1/phi percolate where sum_k k (k-1) p_k = z (Watts 2002).
    from math import exp, factorial

    def margin(z, phi):
        return sum(k * (k - 1) * exp(-z) * z**k / factorial(k)
                   for k in range(1, int(1 / phi) + 1)) - z

    low, high = watts_window(0.18)
    assert 1.0 < low < 1.05 and 5.7 < high < 5.8
    assert abs(margin(low, 0.18)) < 1e-9 and abs(margin(high, 0.18)) < 1e-9
    assert margin(3.0, 0.18) > 0 > margin(7.0, 0.18)
    assert watts_window(0.25)[1] < high  # higher thresholds, narrower window


def test_cascades_happen_inside_the_window_and_not_outside_it(tmp_path):
    spec = scaled("watts-2002", replications=5, overrides={"org.employees": 2000},
                  axes={"org.informal_degree": [1, 3, 8]})
    claims = claims_for(spec, tmp_path)
    assert len(claims) == 3 and all(c.passed for c in claims), [c.ours for c in claims]
