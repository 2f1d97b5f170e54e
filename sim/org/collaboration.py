"""Collaboration ties as they come: weights told apart, pairs merged, counts turned into trust.

A collaboration export lists pairs ``(a, b)``, perhaps with a weight. :func:`collaboration_ties`
turns its rows (already mapped to employee indices) into one tie per pair and the trust on it:

* **Weight kind** (``org.collaboration_weight``): ``"trust"``, a number in ``(0, 1]``;
  ``"count"``, a number ``>= 0`` of e-mails, meetings or messages; ``"binary"``, a listed pair
  is a tie and its trust is drawn as for the synthetic organisation (weights ignored).
  ``"auto"`` tells them apart from the values (:func:`weight_kind`): no weight column, or one
  value throughout, is binary; whole numbers ``>= 0`` with at least one above 1 are counts;
  anything else must be trust. The result records whether the kind was detected or set.
* **Merging** (``org.collaboration_merge``): rows of one pair, in either direction, become one
  tie whose weight is the ``"sum"`` or the ``"max"`` of theirs; ``"auto"`` sums counts and
  takes the largest trust. A summed trust is capped at 1. Binary ties merge by presence.
* **Counts to trust**: rows with count 0 are dropped (no contact is no tie). After merging,
  with ``q`` the ``org.count_saturation`` quantile of the pairs' counts (``numpy.quantile``,
  method ``"linear"``), a pair with count ``c`` gets trust ``min(1, log(1 + c) / log(1 + q))``
  (all ties full if ``q <= 0``), and at least :data:`~sim.org.trust.MIN_TRUST`. The map is
  monotone: more contact never means less trust; it is steep for the first few contacts and
  flat from ``q`` on, so a handful of very busy pairs does not squash everyone else's trust.

The result counts the rows read, the pairs kept, the rows merged into another row's pair and
the rows dropped, for the summary (:mod:`sim.org.summary`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.org.csv_export import ChartError, ExportFormat
from sim.org.trust import MIN_TRUST

__all__ = ["MERGE_RULES", "WEIGHT_KINDS", "Collaboration", "collaboration_ties", "count_trust",
           "weight_kind"]

WEIGHT_KINDS = ("trust", "count", "binary")
"""What a weight column may hold (``org.collaboration_weight`` adds ``"auto"``)."""

MERGE_RULES = ("sum", "max")
"""How weights of one pair combine (``org.collaboration_merge`` adds ``"auto"``)."""

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")


@dataclass(frozen=True, eq=False)
class Collaboration:
    """The collaboration ties of a file, one per pair.

    Attributes:
        u: ``(m,)`` int64 first end of each pair, ``u < v``, sorted by ``(u, v)``.
        v: ``(m,)`` int64 second end.
        trust: ``(m,)`` float64 trust in ``(0, 1]``, or ``None`` for binary ties (trust is
            then drawn).
        kind: ``"trust"``, ``"count"`` or ``"binary"``.
        detected: Whether the kind was detected (``org.collaboration_weight = "auto"``).
        merge: ``"sum"``, ``"max"`` or ``"presence"`` (binary ties).
        rows: Data rows read.
        merged: Rows whose pair an earlier row already had (kept rows minus pairs).
        dropped: Rows left out (count 0).
        saturation_count: The count from which a tie has full trust (counts only).
        format: How the file was written (encoding, delimiter, notices), once read.
    """

    u: np.ndarray
    v: np.ndarray
    trust: np.ndarray | None
    kind: str
    detected: bool
    merge: str
    rows: int
    merged: int
    dropped: int
    saturation_count: float | None = None
    format: ExportFormat | None = None

    @property
    def pairs(self) -> int:
        """Number of ties (pairs kept)."""
        return int(self.u.size)


def collaboration_ties(n: int, u: np.ndarray, v: np.ndarray, weights: Sequence[str] | None,
                       lines: Sequence[int], path: str, *, weight: str = "auto",
                       merge: str = "auto", saturation: float = 0.9,
                       decimal_comma: bool = False) -> Collaboration:
    """Merge the rows of a collaboration file into ties with their trust.

    Args:
        n: Number of employees.
        u: ``(rows,)`` employee index of ``a`` in each row.
        v: ``(rows,)`` employee index of ``b`` (never ``u``).
        weights: The weight cell of each row, or ``None`` without a weight column.
        lines: The line number of each row, for messages.
        path: The file, for messages.
        weight: ``org.collaboration_weight``: ``"auto"`` or one of :data:`WEIGHT_KINDS`.
        merge: ``org.collaboration_merge``: ``"auto"`` or one of :data:`MERGE_RULES`.
        saturation: ``org.count_saturation``, a quantile in ``(0, 1]``.
        decimal_comma: Whether ``0,5`` means 0.5 (files not separated by commas).

    Raises:
        ChartError: On a weight the kind does not allow (one line: file, line, value, what is
            allowed).
    """
    u, v = np.asarray(u, dtype=np.int64), np.asarray(v, dtype=np.int64)
    rows = int(u.size)
    detected = weight == "auto"
    if weights is None and weight in ("trust", "count"):
        raise ChartError(f"{path}: column 'weight' is missing; allowed: a weight column when "
                         f"org.collaboration_weight = {weight!r} (or 'auto' or 'binary')")
    values = None
    if weights is not None and weight != "binary":
        values = _numbers(weights, lines, path, decimal_comma, weight)
    kind = weight_kind(values) if detected else weight
    if kind == "auto":  # a file that fits no kind: say which value does not fit
        _refuse_auto(values, weights, lines, path)
    if kind != "binary":
        _check(kind, values, weights, lines, path, detected)
    if kind == "binary" or values is None:
        lo, hi, _, merged = merge_weights(n, u, v, None, "max")
        return Collaboration(lo, hi, None, "binary", detected, "presence", rows, merged, 0)
    rule = merge if merge != "auto" else ("sum" if kind == "count" else "max")
    keep = values > 0 if kind == "count" else np.ones(rows, dtype=bool)
    lo, hi, total, merged = merge_weights(n, u[keep], v[keep], values[keep], rule)
    dropped = rows - int(keep.sum())
    if kind == "trust":
        return Collaboration(lo, hi, np.minimum(total, 1.0), kind, detected, rule, rows,
                             merged, dropped)
    trust, q = count_trust(total, saturation)
    return Collaboration(lo, hi, trust, kind, detected, rule, rows, merged, dropped, q)


def weight_kind(values: np.ndarray | None) -> str:
    """The kind of weights, detected from their values.

    Returns:
        ``"binary"`` without values or with one value throughout (a trust in ``(0, 1]`` or a
        whole count of at least 1); ``"count"`` for whole numbers ``>= 0`` with at least one
        above 1; ``"trust"`` for numbers in ``(0, 1]``; ``"auto"`` if none fits.
    """
    if values is None or values.size == 0:
        return "binary"
    first = float(values[0])
    whole = bool(np.all(values == np.floor(values)))
    if np.all(values == first) and first > 0 and (first <= 1 or whole):
        return "binary"
    if whole and values.min() >= 0 and values.max() > 1:
        return "count"
    if values.min() > 0 and values.max() <= 1:
        return "trust"
    return "auto"


def count_trust(counts: np.ndarray, saturation: float) -> tuple[np.ndarray, float]:
    """Trust from merged counts: ``min(1, log(1 + c) / log(1 + q))``, monotone in ``c``.

    Args:
        counts: Merged count of each pair, each ``> 0``.
        saturation: The quantile ``q`` of the counts is taken at (``org.count_saturation``).

    Returns:
        The trust of each pair, in ``[MIN_TRUST, 1]``, and the count ``q`` at which it is full.
    """
    if counts.size == 0:
        return counts.astype(np.float64), 0.0
    q = float(np.quantile(counts, saturation, method="linear"))
    if q <= 0:
        return np.ones(counts.size), q
    return np.clip(np.log1p(counts) / np.log1p(q), MIN_TRUST, 1.0), q


def merge_weights(n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray | None, rule: str
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, int]:
    """One entry per undirected pair, its weights combined by ``rule`` (``"sum"``/``"max"``).

    Returns:
        ``(lo, hi, weight, merged)``: the pairs sorted by ``(lo, hi)`` with ``lo < hi``, their
        combined weight (``None`` if ``w`` is), and how many rows were merged into another.
    """
    key = np.minimum(u, v) * n + np.maximum(u, v)
    pairs, inverse = np.unique(key, return_inverse=True)
    merged = int(key.size - pairs.size)
    combined = None
    if w is not None:
        if rule == "sum":
            combined = np.bincount(inverse, weights=w, minlength=pairs.size)
        else:
            combined = np.full(pairs.size, -np.inf)
            np.maximum.at(combined, inverse, w)
    return pairs // n, pairs % n, combined, merged


# --- checking -----------------------------------------------------------------------------------


def _numbers(texts: Sequence[str], lines: Sequence[int], path: str, decimal_comma: bool,
             weight: str) -> np.ndarray:
    """The weights as numbers; the first cell that is not a finite number is refused."""
    values = np.empty(len(texts), dtype=np.float64)
    for k, text in enumerate(texts):
        if decimal_comma and _DECIMAL_COMMA.fullmatch(text):
            text = text.replace(",", ".")
        if not _NUMBER.fullmatch(text) or not np.isfinite(float(text)):
            raise ChartError(f"{path}: line {lines[k]}: weight = {texts[k]!r} is not allowed; "
                             f"allowed: {_ALLOWED[weight]}")
        values[k] = float(text)
    return values


_ALLOWED = {
    "trust": "a number in (0, 1], the trust on the tie",
    "count": "a number >= 0, the count of contacts (org.collaboration_weight = 'count')",
    "auto": "a number: a trust in (0, 1] throughout, or a whole count >= 0 throughout",
}


def _check(kind: str, values: np.ndarray | None, texts: Sequence[str] | None,
           lines: Sequence[int], path: str, detected: bool) -> None:
    """Refuse the first weight that the kind does not allow."""
    if values is None or texts is None:
        return
    bad = ~((values > 0) & (values <= 1)) if kind == "trust" else ~(values >= 0)
    if bad.any():
        k = int(np.argmax(bad))
        how = " (org.collaboration_weight = 'trust')" if kind == "trust" and not detected else ""
        raise ChartError(f"{path}: line {lines[k]}: weight = {texts[k]!r} is not allowed; "
                         f"allowed: {_ALLOWED[kind]}{how}")


def _refuse_auto(values: np.ndarray | None, texts: Sequence[str] | None,
                 lines: Sequence[int], path: str) -> None:
    """Refuse the first weight of a file whose weights are neither all trust nor all counts.

    With a value above 1 the file looks like counts, so the first value that is not a whole
    number ``>= 0`` is named; else the first value outside ``(0, 1]``.
    """
    assert values is not None and texts is not None
    if values.max() > 1:
        bad = ~((values >= 0) & (values == np.floor(values)))
        allowed = ("a whole number >= 0, a count like the values above 1 here (or set "
                   "org.collaboration_weight = 'count' for counts that are not whole)")
    else:
        bad = ~(values > 0)
        allowed = _ALLOWED["trust"]
    k = int(np.argmax(bad))
    raise ChartError(f"{path}: line {lines[k]}: weight = {texts[k]!r} is not allowed; "
                     f"allowed: {allowed}")
