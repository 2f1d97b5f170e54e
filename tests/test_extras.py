"""Optional dependencies: a feature that needs a missing one says how to install it."""

import builtins
import sys
from pathlib import Path

import numpy as np
import pytest

from sim.experiments.sampling import Sampler
from sim.extras import MissingExtra, require


@pytest.fixture
def without_salib(monkeypatch):
    real = builtins.__import__

    def refuse(name, *args, **kwargs):
        if name == "SALib" or name.startswith("SALib."):
            raise ImportError(f"No module named {name!r}")
        return real(name, *args, **kwargs)

    for name in [m for m in sys.modules if m == "SALib" or m.startswith("SALib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(builtins, "__import__", refuse)


def test_require_imports_what_is_there():
    assert require("numpy", "none", "this test") is np


def test_a_sobol_design_without_salib_names_the_extra(without_salib):
    sampler = Sampler("sobol", ("a", "b"), ((0.0, 1.0), (0.0, 1.0)), 8, 1)
    with pytest.raises(MissingExtra, match=r"design 'sobol' needs SALib.*orglearn\[sensitivity\]"):
        sampler.sample()
    lhs = Sampler("lhs", ("a",), ((0.0, 1.0),), 8, 1)
    assert lhs.sample().shape == (8, 1)  # scipy's LHS needs no extra


def test_the_command_line_says_it_in_one_line(without_salib, tmp_path, capsys):
    from sim.cli import main

    experiment = tmp_path / "sobol.toml"
    experiment.write_text(
        '[experiment]\nname = "s"\ndescription = "d"\nscenario = "%s"\ndesign = "sobol"\n'
        'samples = 2\nreplications = 1\nseed = 1\nsteps = 2\n[levers]\nstrategies = ["none"]\n'
        '[uncertainties]\n"org.cross_division_share" = { low = 0.02, high = 0.1 }\n'
        '[overrides]\n"org.employees" = 20\n'
        % (Path(__file__).resolve().parents[1] / "scenarios" / "default.toml"))
    with pytest.raises(SystemExit) as exit_info:
        main(["sweep", str(experiment), "--out", str(tmp_path / "out"), "--workers", "1"])
    err = capsys.readouterr().err.strip().splitlines()
    assert exit_info.value.code == 2 and len(err) == 1
    assert "needs SALib" in err[0] and "orglearn[sensitivity]" in err[0]
    assert not (tmp_path / "out").exists()
