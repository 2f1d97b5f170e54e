"""NK fitness landscapes: practice dimensions that interact (Kauffman 1993; Levinthal 1997).

In March's (1991) model a practice's dimensions are independent: each one is right or wrong on
its own. On an NK landscape the value of a practice comes from ``N`` dimensions (here the
``m`` practice dimensions), each of which contributes a value that depends on its own state and
on the states of ``K`` other dimensions; the more interaction (higher ``K``), the more local
optima, and the more a search by small improvements gets stuck.

The generator follows the code Lazer & Friedman (2007) used (their ``NK_gen.java``, kept in
the repository lybird300/NetStruggler): dimension ``i`` depends on itself and on ``K``
dimensions drawn uniformly *with replacement* (so a dimension may repeat or depend on itself
again); each of the ``2^(K+1)`` states of those dimensions has a contribution drawn from
U(0, 1); a practice's raw score is the mean of the ``N`` contributions. Scores are normalised by
the landscape's global maximum, found by enumerating every practice, and raised to a power
(8 in Lazer & Friedman 2007, p. 677) so that most practices score low and the best few stand
out.

Practices are vectors in {-1, +1}; a belief of 0 reads as -1 (the dimension's 0 state).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["NKLandscape"]

_ENUMERATION_CHUNK = 1 << 20


@dataclass(frozen=True)
class NKLandscape:
    """One NK landscape.

    Attributes:
        dependencies: ``(N, K + 1)`` indices; row ``i`` lists dimension ``i`` then its ``K``
            interacting dimensions.
        contributions: ``(N, 2^(K+1))`` contribution of each dimension for each state of its
            dependencies (state bit ``j`` is dependency ``j``).
        maximum: The largest raw score of any practice.
        optimum: The best practice, ``(N,)`` in {-1, +1}.
        exponent: Power applied to the normalised score.
    """

    dependencies: np.ndarray
    contributions: np.ndarray
    maximum: float
    optimum: np.ndarray
    exponent: float

    @classmethod
    def generate(cls, n: int, k: int, rng: np.random.Generator,
                 exponent: float = 8.0) -> NKLandscape:
        """Draw a landscape and find its global maximum by enumeration.

        Args:
            n: Number of dimensions ``N`` (at most 30; the maximum is found by enumerating
                all ``2^N`` practices, about half a second for N = 20).
            k: Interactions per dimension ``K``.
            rng: Random stream (the run's ``"landscape"`` stream).
            exponent: Power applied to the normalised score.

        Raises:
            ValueError: If ``n`` is too large to enumerate or ``k`` is negative.
        """
        if not 1 <= n <= 30 or k < 0:
            raise ValueError(f"an NK landscape needs 1 <= N <= 30 and K >= 0, got N={n}, K={k}")
        others = rng.integers(0, n, size=(n, k))
        dependencies = np.concatenate([np.arange(n)[:, None], others], axis=1).astype(np.int64)
        contributions = rng.random((n, 1 << (k + 1)))
        best_score, best_index = -1.0, 0
        for start in range(0, 1 << n, _ENUMERATION_CHUNK):
            index = np.arange(start, min(start + _ENUMERATION_CHUNK, 1 << n), dtype=np.int32)
            bit = [((index >> b) & 1).astype(np.int32) for b in range(n)]
            raw = np.zeros(index.size)
            for i in range(n):
                state = bit[dependencies[i, 0]].copy()
                for j in range(1, k + 1):
                    state += bit[dependencies[i, j]] << j
                raw += contributions[i, state]
            top = int(np.argmax(raw))
            if raw[top] > best_score:
                best_score, best_index = float(raw[top]), int(index[top])
        optimum = np.where((best_index >> np.arange(n)) & 1, 1, -1).astype(np.int8)
        # The maximum as raw() computes it, so that the optimum scores exactly 1.
        maximum = float(_raw_scores((optimum > 0)[None, :].astype(np.int64), dependencies,
                                    contributions)[0])
        return cls(dependencies, contributions, maximum, optimum, float(exponent))

    def raw(self, practices: np.ndarray) -> np.ndarray:
        """Raw scores (mean contribution, in [0, 1]) of each row of ``(rows, N)`` practices."""
        bits = (np.asarray(practices) > 0).astype(np.int64)
        return _raw_scores(bits, self.dependencies, self.contributions)

    def score(self, practices: np.ndarray) -> np.ndarray:
        """Normalised scores ``(raw / maximum) ** exponent`` in [0, 1], one per row."""
        return (self.raw(practices) / self.maximum) ** self.exponent


def _raw_scores(bits: np.ndarray, dependencies: np.ndarray,
                contributions: np.ndarray) -> np.ndarray:
    """Mean contribution of each row of 0/1 ``bits`` ``(rows, N)``."""
    n, width = dependencies.shape
    state = bits[:, dependencies] @ (1 << np.arange(width, dtype=np.int64))  # (rows, N)
    return contributions[np.arange(n), state].mean(axis=1)
