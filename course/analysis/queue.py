"""One analysis at a time (or a few, on a bigger machine); everyone else waits their turn, in order.

Pose inference takes a whole core and two analyses side by side barely go faster than one
(shared/design/FACTS.md), so a server runs `slots` analyses at once, 1 by default. Waiting
learners learn their place in the line and a time estimate from recent analyses.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager

FIRST_GUESS_S = 15.0  # before any analysis has finished: a 10 s clip takes about this long here
REMEMBERED = 20  # analyses whose durations make the estimate


class AnalysisQueue:
    """A first-come, first-served line in front of `slots` analysis places."""

    def __init__(self, slots: int = 1, *, clock: Callable[[], float] = time.monotonic) -> None:
        """slots: analyses that run at once (at least 1, else ValueError). clock: seconds from
        any fixed start, never going back (tests pass a fake one); it times the analyses the
        estimate is made from."""
        if slots < 1:
            raise ValueError(f"an analysis queue needs at least 1 slot, got {slots}")
        self.slots = slots
        self._clock = clock
        self._changed = threading.Condition()
        self._line: deque[object] = deque()
        self._running = 0
        self._durations: deque[float] = deque(maxlen=REMEMBERED)

    def typical_seconds(self) -> float:
        with self._changed:
            return statistics.median(self._durations) if self._durations else FIRST_GUESS_S

    @contextmanager
    def turn(self, on_wait: Callable[[int, float], None] | None = None, poll_s: float = 0.5) -> Iterator[None]:
        """Wait for a place, then hold it for the body of the ``with``.

        While waiting, ``on_wait(people_ahead, estimated_wait_s)`` is called when the place in
        line changes and at least every ``poll_s`` seconds (outside the queue's lock).
        """
        ticket = object()
        with self._changed:
            self._line.append(ticket)
        try:
            while True:
                with self._changed:
                    ahead = self._line.index(ticket) + self._running
                    if self._line[0] is ticket and self._running < self.slots:
                        self._line.popleft()
                        self._running += 1
                        break
                    estimate = self._estimate(ahead)
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
        started = self._clock()
        try:
            yield
        finally:
            with self._changed:
                self._running -= 1
                self._durations.append(self._clock() - started)
                self._changed.notify_all()

    def _estimate(self, ahead: int) -> float:
        typical = statistics.median(self._durations) if self._durations else FIRST_GUESS_S
        return typical * ahead / self.slots
