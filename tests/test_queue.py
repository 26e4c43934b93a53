"""The analysis queue: one at a time by default, first come first served, and waiting learners know where they stand."""

from __future__ import annotations

import threading
import time

import pytest

from course.analysis.queue import FIRST_GUESS_S, AnalysisQueue


def test_one_slot_runs_analyses_one_after_another_in_arrival_order():
    queue = AnalysisQueue(slots=1)
    order: list[str] = []
    running = threading.Semaphore(0)
    release = threading.Event()

    def first():
        with queue.turn():
            order.append("first starts")
            running.release()
            release.wait(5)
            order.append("first ends")

    def later(name: str):
        with queue.turn(poll_s=0.01):
            order.append(name)

    threads = [threading.Thread(target=first)]
    threads[0].start()
    running.acquire(timeout=5)
    for name in ("second", "third"):
        thread = threading.Thread(target=later, args=(name,))
        thread.start()
        threads.append(thread)
        time.sleep(0.05)  # arrive in this order
    assert order == ["first starts"], "nobody starts while the slot is taken"
    release.set()
    for thread in threads:
        thread.join(5)
    assert order == ["first starts", "first ends", "second", "third"]


def test_a_waiting_learner_hears_their_place_and_an_estimate():
    queue = AnalysisQueue(slots=1)
    heard: list[tuple[int, float]] = []
    holding = threading.Event()
    release = threading.Event()

    def hold():
        with queue.turn():
            holding.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(5)

    def wait_in_line():
        with queue.turn(on_wait=lambda ahead, eta: heard.append((ahead, eta)), poll_s=0.01):
            pass

    waiter = threading.Thread(target=wait_in_line)
    waiter.start()
    time.sleep(0.1)
    release.set()
    holder.join(5)
    waiter.join(5)
    assert heard and heard[0] == (1, FIRST_GUESS_S)


def test_two_slots_let_two_analyses_run_together():
    queue = AnalysisQueue(slots=2)
    both_in = threading.Barrier(2, timeout=5)

    def run():
        with queue.turn():
            both_in.wait()  # would time out (BrokenBarrierError) if the second had to wait

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert not both_in.broken


def test_the_estimate_follows_how_long_analyses_really_take():
    queue = AnalysisQueue(slots=1)
    with queue.turn():
        time.sleep(0.05)
    assert 0.04 < queue.typical_seconds() < 1.0


def test_a_queue_needs_a_slot():
    with pytest.raises(ValueError, match="at least 1 slot"):
        AnalysisQueue(slots=0)
