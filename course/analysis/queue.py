"""One analysis at a time (or a few, on a bigger machine); everyone else waits their turn, in order.

Pose inference takes a whole core and two analyses side by side barely go faster than one
(shared/design/FACTS.md), so a server runs `slots` analyses at once, 1 by default. Waiting
learners learn their place in the line and how long they will wait, estimated from the clips
themselves: every finished analysis records how many seconds it took per second of clip, and
each clip in line and running is expected to take its own length times the upper quartile of
the recent rates (FIRST_GUESS_ANALYSIS_RATE until one has finished). The wait counts down as
the running analysis gets on, and never reads as nothing while one is still running. The line
itself is bounded (`max_waiting`): each waiting clip sits on disk and its learner in front of
a page, so past that a new clip is turned away at once with `QueueFull`, instead of being
kept for a wait nobody stays for.
"""

from __future__ import annotations

import math
import statistics
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from course.settings import (
    ANALYSIS_RATE_QUANTILE,
    ANALYSIS_RATES_REMEMBERED,
    FIRST_GUESS_ANALYSIS_RATE,
    RUNNING_LEFT_SHARE,
    UNKNOWN_CLIP_SECONDS,
)


@dataclass(frozen=True, slots=True, eq=False)  # each one is itself: two clips of one length are two
class _Ticket:
    """One analysis in line: how long its clip is (seconds, None when unknown)."""

    clip_s: float | None


@dataclass(frozen=True, slots=True, eq=False)
class _Running:
    """One analysis running: its clip's length (seconds, None when unknown) and when it started (clock seconds)."""

    clip_s: float | None
    started: float


class QueueFull(Exception):
    """The line is as long as it may be: `waiting` clips wait already, `typical_s` each."""

    def __init__(self, waiting: int, typical_s: float) -> None:
        super().__init__(f"{waiting} analyses are waiting already")
        self.waiting = waiting
        self.typical_s = typical_s


class AnalysisStopped(Exception):
    """The server is shutting down: a waiting analysis leaves the line, a running one stops at
    its next progress report."""


class AnalysisQueue:
    """A first-come, first-served line of at most `max_waiting` in front of `slots` analysis places."""

    def __init__(
        self, slots: int = 1, max_waiting: int | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """slots: analyses that run at once (at least 1, else ValueError). max_waiting: how many
        may wait (None: no bound). clock: seconds from any fixed start, never going back (tests
        pass a fake one); it times the analyses the estimate is made from."""
        if slots < 1:
            raise ValueError(f"an analysis queue needs at least 1 slot, got {slots}")
        if max_waiting is not None and max_waiting < 0:
            raise ValueError(f"an analysis queue can't let fewer than 0 wait, got {max_waiting}")
        self.slots = slots
        self.max_waiting = max_waiting
        self._clock = clock
        self._changed = threading.Condition()
        self._line: deque[_Ticket] = deque()
        self._running: list[_Running] = []
        self._rates: deque[float] = deque(maxlen=int(ANALYSIS_RATES_REMEMBERED.value))
        self._stopping = threading.Event()

    def stop(self, timeout_s: float) -> bool:
        """Shut down: turn away new analyses, send the waiting ones off, ask the running ones to
        stop (see `raise_if_stopping`) and wait up to `timeout_s` for them to finish; whether
        they all did."""
        self._stopping.set()
        deadline = time.monotonic() + timeout_s
        with self._changed:
            self._changed.notify_all()
            while self._running and (left := deadline - time.monotonic()) > 0:
                self._changed.wait(timeout=left)
            return not self._running

    def raise_if_stopping(self) -> None:
        """Raise AnalysisStopped once `stop` was called: a running analysis calls this at each
        progress report, so that it stops within a fraction of a second, cleaning up after
        itself, instead of being cut off mid-frame by the process ending."""
        if self._stopping.is_set():
            raise AnalysisStopped("the server is shutting down")

    def waiting(self) -> int:
        """How many analyses wait for a place now (not counting those running)."""
        with self._changed:
            return len(self._line)

    def is_full(self) -> bool:
        """Whether a new analysis would be turned away now (see `turn`)."""
        with self._changed:
            return self._full()

    def _full(self) -> bool:
        return self.max_waiting is not None and len(self._running) >= self.slots and len(self._line) >= self.max_waiting

    def typical_seconds(self) -> float:
        """How long an analysis of a clip of typical length (UNKNOWN_CLIP_SECONDS) takes here, seconds."""
        with self._changed:
            return self._expected(None)

    def expected_seconds(self, clip_s: float | None) -> float:
        """How long the analysis of a clip `clip_s` seconds long (None: unknown) is expected to
        take on this server, from the recent analyses' seconds per second of clip."""
        with self._changed:
            return self._expected(clip_s)

    def rate(self) -> float:
        """Seconds of analysis per second of clip the estimate uses now: the ANALYSIS_RATE_QUANTILE
        of the latest ANALYSIS_RATES_REMEMBERED analyses, FIRST_GUESS_ANALYSIS_RATE before any."""
        with self._changed:
            return self._rate()

    @contextmanager
    def turn(
        self,
        on_wait: Callable[[int, float], None] | None = None,
        poll_s: float = 0.5,
        *,
        clip_s: float | None = None,
    ) -> Iterator[None]:
        """Wait for a place, then hold it for the body of the ``with``.

        clip_s: how long the clip is, seconds (None when unknown): the estimates of the clips
        behind it count on it, and its analysis time is recorded per second of clip.
        While waiting, ``on_wait(people_ahead, estimated_wait_s)`` is called when the place in
        line changes and at least every ``poll_s`` seconds (outside the queue's lock). Raises
        QueueFull at once, before waiting, when `max_waiting` analyses wait already, and
        AnalysisStopped, waiting or not, once the queue is stopped.
        """
        ticket = _Ticket(clip_s if clip_s is not None and math.isfinite(clip_s) and clip_s > 0 else None)
        with self._changed:
            self.raise_if_stopping()
            if self._full():
                raise QueueFull(len(self._line), self._expected(None))
            self._line.append(ticket)
        try:
            while True:
                with self._changed:
                    self.raise_if_stopping()
                    place = next(i for i, waiting in enumerate(self._line) if waiting is ticket)
                    if place == 0 and len(self._running) < self.slots:
                        self._line.popleft()
                        running = _Running(ticket.clip_s, self._clock())
                        self._running.append(running)
                        break
                    ahead = place + len(self._running)
                    estimate = self._wait_s(place)
                if on_wait is not None:
                    on_wait(ahead, estimate)
                with self._changed:
                    self._changed.wait(timeout=poll_s)
        except BaseException:
            with self._changed:  # gave up waiting (the learner left): leave the line
                if ticket in self._line:
                    self._line.remove(ticket)
                self._changed.notify_all()
            raise
        finished = False
        try:
            yield
            finished = True
        finally:
            with self._changed:
                self._running.remove(running)
                took = self._clock() - running.started
                if finished and running.clip_s is not None:  # a stopped analysis says nothing of the rate
                    self._rates.append(took / running.clip_s)
                self._changed.notify_all()

    def _rate(self) -> float:
        if not self._rates:
            return FIRST_GUESS_ANALYSIS_RATE.value
        if len(self._rates) == 1:
            return self._rates[0]
        quartiles = statistics.quantiles(self._rates, n=100, method="inclusive")
        return quartiles[round(ANALYSIS_RATE_QUANTILE.value * 100) - 1]

    def _expected(self, clip_s: float | None) -> float:
        return self._rate() * (UNKNOWN_CLIP_SECONDS.value if clip_s is None else clip_s)

    def _wait_s(self, place: int) -> float:
        """How long the clip at `place` in line waits: what the running analyses have left
        (at least RUNNING_LEFT_SHARE of each), then the clips ahead of it in line, shared among
        the slots (the work ahead divided by the slots)."""
        now = self._clock()
        left = [
            max(self._expected(run.clip_s) - (now - run.started), RUNNING_LEFT_SHARE.value * self._expected(run.clip_s))
            for run in self._running
        ]
        ahead = [self._expected(waiting.clip_s) for waiting in list(self._line)[:place]]
        if self.slots == 1:
            return sum(left) + sum(ahead)
        # Several slots: the clip starts when a slot frees after every clip ahead of it has one.
        frees = sorted(left + [0.0] * (self.slots - len(left)))
        for seconds in ahead:
            frees[0] += seconds
            frees.sort()
        return frees[0]
