"""A per-agent reference implementation of the engine's default mechanisms.

:class:`ReferenceModel` (:mod:`tests.reference.model`) runs the engine's rules with one Mesa
agent per person and per community (:mod:`tests.reference.agents`) and the supported rollout
strategies person by person (:mod:`tests.reference.strategies`). The differential test
``tests/test_reference.py`` compares its KPIs with the engine's in distribution; the benchmark
``benchmarks/bench_performance.py`` times the engine against it.
"""

from tests.reference.agents import Community, Person
from tests.reference.model import UNSUPPORTED, ReferenceModel, check_supported

__all__ = ["UNSUPPORTED", "Community", "Person", "ReferenceModel", "check_supported"]
