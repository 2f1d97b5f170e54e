"""The live race: two strategies on one organisation with one seed, stepped in lock-step.

A :class:`Race` holds two :class:`sim.engine.model.LearningModel` instances that share the same
organisation object and the same root seed, so that every random stream except the strategy's
own choices starts identically (common random numbers, as in ``orglearn compare``). Each of the
two is exactly ``orglearn run`` of its strategy with that seed: the same week-by-week numbers.

A :class:`Player` steps a race in a thread of its own at a chosen speed. The page never steps
the models itself: it reads :meth:`Race.snapshot` whenever it draws, so a slow chart only
drops frames and never slows the models, and the models never wait for the page.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np

from sim.engine.model import LearningModel
from sim.engine.params import Params
from sim.engine.rng import Streams
from sim.org.build import build_organisation
from sim.org.generator import Organisation

__all__ = ["DEFAULT_STRATEGIES", "Player", "Race", "Snapshot"]

DEFAULT_STRATEGIES = ("small_groups_first", "org_wide_first")
"""Strategy A and B when the page opens: *start with small groups* against *start
organisation-wide*."""


@dataclass(frozen=True)
class Snapshot:
    """The race as it stood at one moment, copied out so the page can draw it at leisure.

    Attributes:
        week: Weeks run so far (0 before the first step).
        steps: Weeks the race runs in all.
        strategies: Names of strategy A and B.
        series: For A and B, ``{kpi: (week + 1,) array}`` from week 0.
        version: Increases with every step and every reset.
    """

    week: int
    steps: int
    strategies: tuple[str, str]
    series: tuple[dict[str, np.ndarray], dict[str, np.ndarray]]
    version: int

    @property
    def done(self) -> bool:
        """Whether the race has run all its weeks."""
        return self.week >= self.steps


class Race:
    """Strategy A against strategy B on the same organisation and seed.

    Args:
        params: The scenario's parameters; ``run.steps`` is the length of the race and
            ``run.seed`` its seed.
        strategies: Names of strategy A and B.

    Attributes:
        params: The scenario's parameters.
        strategies: Names of strategy A and B.
        org: The organisation both strategies run on, built once.
        models: The two models, A first.
    """

    def __init__(self, params: Params,
                 strategies: tuple[str, str] = DEFAULT_STRATEGIES) -> None:
        self.params = params
        self.strategies = (str(strategies[0]), str(strategies[1]))
        for name in self.strategies:  # an unknown name is the schema's own message
            params.replace({"strategy.name": name}, "dashboard")
        self.org: Organisation = build_organisation(params.org, Streams(self.seed)["org"])
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._version = 0
        self.models: tuple[LearningModel, LearningModel] = self._fresh_models()

    @property
    def seed(self) -> int:
        """The root seed both strategies run with."""
        return int(self.params.run.seed)

    @property
    def steps(self) -> int:
        """Weeks the race runs in all."""
        return int(self.params.run.steps)

    @property
    def week(self) -> int:
        """Weeks run so far."""
        return int(self.models[0].steps)

    @property
    def done(self) -> bool:
        """Whether the race has run all its weeks."""
        return self.week >= self.steps

    @property
    def version(self) -> int:
        """A counter that changes whenever the race changes (step or reset)."""
        return self._version

    @property
    def lock(self) -> threading.RLock:
        """Held while the models step; hold it to read the models' state consistently."""
        return self._lock

    def _fresh_models(self) -> tuple[LearningModel, LearningModel]:
        return tuple(  # type: ignore[return-value]
            LearningModel(self.params.replace({"strategy.name": name}, "dashboard"),
                          seed=self.seed, org=self.org)
            for name in self.strategies)

    def reset(self) -> None:
        """Start again from week 0 (the organisation is kept, not rebuilt)."""
        with self._lock:
            self.models = self._fresh_models()
            self._version += 1
            self._changed.notify_all()

    def step(self, weeks: int = 1) -> int:
        """Advance both strategies by up to ``weeks`` weeks, in lock-step; return weeks run."""
        ran = 0
        for _ in range(max(0, min(weeks, self.steps - self.week))):
            with self._lock:
                for model in self.models:
                    model.step()
                self._version += 1
                self._changed.notify_all()
            ran += 1
        return ran

    def wait_for_change(self, seen: int, timeout: float) -> int:
        """Wait until the version differs from ``seen`` (or ``timeout`` seconds); return it."""
        with self._changed:
            self._changed.wait_for(lambda: self._version != seen, timeout)
            return self._version

    def snapshot(self) -> Snapshot:
        """A consistent copy of both strategies' KPI series so far."""
        with self._lock:
            series = tuple(model.timeseries() for model in self.models)
            return Snapshot(self.week, self.steps, self.strategies, series,  # type: ignore[arg-type]
                            self._version)


class Player:
    """Steps a race in a background thread: play, pause, speed and "run to the end".

    Args:
        race: The race to step.
        speed: Weeks per second while playing; ``None`` runs as fast as the models go.

    Attributes:
        race: The race.
        speed: Weeks per second.
    """

    def __init__(self, race: Race, speed: float | None = 10.0) -> None:
        self.race = race
        self.speed = speed
        self._playing = threading.Event()
        self._thread: threading.Thread | None = None
        self.error: BaseException | None = None

    @property
    def playing(self) -> bool:
        """Whether the race is being stepped."""
        return self._playing.is_set()

    def play(self) -> None:
        """Start stepping at :attr:`speed` weeks per second."""
        if self.race.done:
            return
        self._playing.set()
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._loop, name="orglearn-race",
                                            daemon=True)
            self._thread.start()

    def run_to_end(self) -> None:
        """Step to the last week as fast as the models go."""
        self.speed = None
        self.play()

    def pause(self) -> None:
        """Stop stepping after the current week."""
        self._playing.clear()

    def stop(self, timeout: float = 5.0) -> None:
        """Pause and wait for the stepping thread to end."""
        self.pause()
        if self._thread is not None:
            self._thread.join(timeout)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the stepping thread ends (the race is done or paused); ``True`` if so."""
        if self._thread is not None:
            self._thread.join(timeout)
            return not self._thread.is_alive()
        return True

    def _loop(self) -> None:
        try:
            while self._playing.is_set() and not self.race.done:
                started = time.perf_counter()
                self.race.step()
                if self.speed:
                    time.sleep(max(0.0, 1.0 / self.speed - (time.perf_counter() - started)))
        except BaseException as error:  # shown on the page instead of dying silently
            self.error = error
        finally:
            self._playing.clear()
