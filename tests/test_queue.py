"""The analysis queue: one at a time by default, first come first served, and waiting learners know where they stand.

Threads are put in order by what the queue tells them, never by sleeping: a thread that must
wait hears its place through on_wait, and only then does the next one arrive.
"""

from __future__ import annotations

import threading

import pytest

from course.analysis.queue import FIRST_GUESS_S, AnalysisQueue

WAIT_S = 5  # seconds: how long a test waits for a thread before calling the queue stuck


class FakeClock:
    """Seconds that move only when the test moves them."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_one_slot_runs_analyses_one_after_another_in_arrival_order():
    queue = AnalysisQueue(slots=1)
    order: list[str] = []
    places: dict[str, int] = {}
    running = threading.Event()
    release = threading.Event()
    in_line = {name: threading.Event() for name in ("second", "third")}

    def first():
        with queue.turn():
            order.append("first starts")
            running.set()
            release.wait(WAIT_S)
            order.append("first ends")

    def later(name: str):
        def told(ahead: int, estimate_s: float) -> None:
            places.setdefault(name, ahead)
            in_line[name].set()

        with queue.turn(on_wait=told, poll_s=0.01):
            order.append(name)

    threads = [threading.Thread(target=first)]
    threads[0].start()
    assert running.wait(WAIT_S)
    for name in ("second", "third"):
        thread = threading.Thread(target=later, args=(name,))
        thread.start()
        threads.append(thread)
        assert in_line[name].wait(WAIT_S), f"{name} was let in while the only slot was taken"
    assert order == ["first starts"], "nobody starts while the slot is taken"
    assert places == {"second": 1, "third": 2}
    release.set()
    for thread in threads:
        thread.join(WAIT_S)
    assert not [thread for thread in threads if thread.is_alive()]
    assert order == ["first starts", "first ends", "second", "third"]


def test_a_waiting_learner_hears_their_place_and_an_estimate():
    queue = AnalysisQueue(slots=1)
    heard: list[tuple[int, float]] = []
    told = threading.Event()
    holding = threading.Event()
    release = threading.Event()

    def hold():
        with queue.turn():
            holding.set()
            release.wait(WAIT_S)

    def on_wait(ahead: int, estimate_s: float) -> None:
        heard.append((ahead, estimate_s))
        told.set()

    def wait_in_line():
        with queue.turn(on_wait=on_wait, poll_s=0.01):
            pass

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(WAIT_S)
    waiter = threading.Thread(target=wait_in_line)
    waiter.start()
    assert told.wait(WAIT_S), "the waiting learner was never told their place"
    release.set()
    holder.join(WAIT_S)
    waiter.join(WAIT_S)
    assert not holder.is_alive() and not waiter.is_alive()
    assert heard[0] == (1, FIRST_GUESS_S)


def test_two_slots_let_two_analyses_run_together():
    queue = AnalysisQueue(slots=2)
    both_in = threading.Barrier(2, timeout=WAIT_S)

    def run():
        with queue.turn():
            both_in.wait()  # would time out (BrokenBarrierError) if the second had to wait

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_S)
    assert not both_in.broken


def test_the_estimate_is_the_median_of_how_long_analyses_really_took():
    clock = FakeClock()
    queue = AnalysisQueue(slots=1, clock=clock)
    assert queue.typical_seconds() == FIRST_GUESS_S, "before any analysis: the first guess"
    for seconds in (4.0, 6.0, 40.0):
        with queue.turn():
            clock.now += seconds
    assert queue.typical_seconds() == 6.0, "one slow analysis does not set the estimate"


def test_a_queue_needs_a_slot():
    with pytest.raises(ValueError, match="at least 1 slot"):
        AnalysisQueue(slots=0)
