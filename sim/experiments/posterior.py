"""Parameter values drawn per replication from a calibration's posterior sample.

``orglearn calibrate`` writes ``posterior.csv``: one column per fitted parameter (dotted keys),
a ``weight`` column and a ``distance`` column, one row per accepted value. A comparison given
that file (``orglearn compare SCENARIO --posterior FILE``) draws, for each replication ``r``,
one row by weight and sets its parameters before the run, the same row for every strategy of
the replication, so differences stay paired while the comparison carries the uncertainty left
in the fitted parameters as well as run-to-run noise. The draw of replication ``r`` depends only
on the root seed and ``r``: the same seed gives the same draws, whatever runs where.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from sim.engine.params import lookup
from sim.errors import ParameterError, ScenarioError

__all__ = ["Posterior", "PosteriorError", "read_posterior"]

_DRAW_STREAM = 0x706F7374  # "post": the draws' own stream of the root seed


class PosteriorError(ScenarioError):
    """A posterior file that cannot be used: missing, not CSV, or with values out of range."""


@dataclass(frozen=True, eq=False)
class Posterior:
    """A weighted sample of parameter values.

    Attributes:
        path: The file, as named in messages.
        sha256: The file's SHA-256.
        keys: The parameters, dotted keys.
        values: One row per value (rows x keys).
        weights: Normalised weights, one per row.
    """

    path: str
    sha256: str
    keys: tuple[str, ...]
    values: np.ndarray = field(repr=False)
    weights: np.ndarray = field(repr=False)

    def draw(self, seed: int, replication: int) -> dict[str, float]:
        """The parameter values of replication ``replication`` (one row, drawn by weight)."""
        rng = np.random.default_rng(np.random.SeedSequence([seed, _DRAW_STREAM, replication]))
        row = int(rng.choice(self.weights.size, p=self.weights))
        return {key: float(v) for key, v in zip(self.keys, self.values[row], strict=True)}

    @property
    def effective_size(self) -> float:
        """Kish's effective sample size of the weights."""
        return float(1.0 / np.sum(self.weights**2))

    def record(self) -> dict[str, object]:
        """What a manifest keeps of it."""
        return {"file": self.path, "sha256": self.sha256, "keys": list(self.keys),
                "rows": int(self.weights.size), "effective_size": round(self.effective_size, 1)}

    def note(self) -> str:
        """The sentence a report carries about the draws."""
        titles = [lookup(key, self.path).title for key in self.keys]
        named = titles[0] if len(titles) == 1 else ", ".join(titles[:-1]) + " and " + titles[-1]
        return (f"Each replication's {named.lower()} was drawn from the calibration's "
                f"posterior ({self.path}: {self.weights.size} weighted values, effective size "
                f"{self.effective_size:.0f}), the same draw for every strategy: the intervals "
                "carry the uncertainty left in the fitted parameters as well as run-to-run "
                "noise.")


def read_posterior(path: str | Path) -> Posterior:
    """Read and check a posterior sample written by ``orglearn calibrate``.

    Raises:
        PosteriorError: If the file is missing or unreadable, has no parameter or weight
            column, a weight that is negative or not a number, no positive weight, or a value
            the schema does not allow.
    """
    name = str(path)
    allowed = ("allowed: a posterior.csv written by orglearn calibrate (one column per "
               "parameter, then weight and distance)")
    try:
        data = Path(path).read_bytes()
        table = pacsv.read_csv(pa.py_buffer(data))
    except (OSError, pa.ArrowInvalid) as error:
        raise PosteriorError(f"{name}: cannot be read ({' '.join(str(error).split())[:160]}); "
                             f"{allowed}") from None
    keys = tuple(c for c in table.column_names if c not in ("weight", "distance"))
    if "weight" not in table.column_names or not keys or table.num_rows == 0:
        raise PosteriorError(f"{name}: needs a weight column, one parameter column or more "
                             f"and one row or more; {allowed}")
    weights = _numbers(name, table, "weight")
    if np.any(~np.isfinite(weights)) or np.any(weights < 0) or weights.sum() <= 0:
        raise PosteriorError(f"{name}: column weight holds a negative, missing or non-number "
                             "weight, or none above 0; allowed: weights >= 0, not all 0")
    values = np.column_stack([_numbers(name, table, key) for key in keys])
    for k, key in enumerate(keys):
        try:
            param = lookup(key, name)
            for value in values[:, k]:
                param.check(float(value), name)
        except ParameterError as error:
            raise PosteriorError(str(error)) from None
    return Posterior(name, hashlib.sha256(data).hexdigest(), keys, values,
                     weights / weights.sum())


def _numbers(name: str, table: pa.Table, column: str) -> np.ndarray:
    """A column as float64, or a one-line error naming it."""
    try:
        return table[column].to_numpy(zero_copy_only=False).astype(np.float64)
    except (TypeError, ValueError, pa.ArrowInvalid):
        raise PosteriorError(f"{name}: column {column} holds text; allowed: numbers") from None
