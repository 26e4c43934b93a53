"""One analysis at a time (or a few, on a bigger machine); everyone else waits their turn, in order.

Pose inference takes a whole core and two analyses side by side barely go faster than one
(shared/design/FACTS.md), so a server runs `slots` analyses at once, 1 by default. Waiting
learners learn their place in the line and a time estimate from recent analyses. The line
itself is bounded (`max_waiting`): each waiting clip sits on disk and its learner in front of
a page, so past that a new clip is turned away at once with `QueueFull`, instead of being
kept for a wait nobody stays for.
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
        self._line: deque[object] = deque()
        self._running = 0
        self._durations: deque[float] = deque(maxlen=REMEMBERED)
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
            return self._running == 0

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
        return self.max_waiting is not None and self._running >= self.slots and len(self._line) >= self.max_waiting

    def typical_seconds(self) -> float:
        with self._changed:
            return self._typical()

    @contextmanager
    def turn(self, on_wait: Callable[[int, float], None] | None = None, poll_s: float = 0.5) -> Iterator[None]:
        """Wait for a place, then hold it for the body of the ``with``.

        While waiting, ``on_wait(people_ahead, estimated_wait_s)`` is called when the place in
        line changes and at least every ``poll_s`` seconds (outside the queue's lock). Raises
        QueueFull at once, before waiting, when `max_waiting` analyses wait already, and
        AnalysisStopped, waiting or not, once the queue is stopped.
        """
        ticket = object()
        with self._changed:
            self.raise_if_stopping()
            if self._full():
                raise QueueFull(len(self._line), self._typical())
            self._line.append(ticket)
        try:
            while True:
                with self._changed:
                    self.raise_if_stopping()
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

    def _typical(self) -> float:
        return statistics.median(self._durations) if self._durations else FIRST_GUESS_S

    def _estimate(self, ahead: int) -> float:
        return self._typical() * ahead / self.slots
