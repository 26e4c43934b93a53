"""The analysis queue: one at a time by default, first come first served, and waiting learners know where they stand.

Threads are put in order by what the queue tells them, never by sleeping: a thread that must
wait hears its place through on_wait, and only then does the next one arrive.
"""

from __future__ import annotations

import threading

import pytest

from course.analysis.queue import AnalysisQueue
from course.settings import FIRST_GUESS_ANALYSIS_RATE, RUNNING_LEFT_SHARE, UNKNOWN_CLIP_SECONDS

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
    assert heard[0][0] == 1
    assert heard[0][1] == pytest.approx(FIRST_GUESS_ANALYSIS_RATE.value * UNKNOWN_CLIP_SECONDS.value, abs=0.5)


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


def test_before_any_analysis_a_clip_is_expected_to_take_the_first_guess_per_second_of_it():
    queue = AnalysisQueue(slots=1, clock=FakeClock())
    assert queue.expected_seconds(20.0) == FIRST_GUESS_ANALYSIS_RATE.value * 20.0
    assert queue.expected_seconds(None) == FIRST_GUESS_ANALYSIS_RATE.value * UNKNOWN_CLIP_SECONDS.value


def test_the_estimate_follows_the_measured_seconds_per_second_of_clip_and_one_odd_clip_does_not_set_it():
    clock = FakeClock()
    queue = AnalysisQueue(slots=1, clock=clock)
    clips = [(10.0, 20.0), (30.0, 60.0), (20.0, 40.0), (15.0, 30.0), (10.0, 400.0), (40.0, 80.0), (5.0, 10.0)]
    for clip_s, took_s in clips:  # 2 s of analysis a second of clip, and one odd one at 40
        with queue.turn(clip_s=clip_s):
            clock.now += took_s
    assert queue.rate() == pytest.approx(2.0), "the upper quartile of six 2s and one 40 is 2"
    assert queue.expected_seconds(40.0) == pytest.approx(40.0 * queue.rate())


def test_a_stopped_analysis_and_a_clip_of_unknown_length_do_not_move_the_rate():
    clock = FakeClock()
    queue = AnalysisQueue(slots=1, clock=clock)
    with queue.turn(clip_s=None):
        clock.now += 100.0
    with pytest.raises(RuntimeError), queue.turn(clip_s=10.0):
        clock.now += 1.0
        raise RuntimeError("the analysis broke")
    assert queue.rate() == FIRST_GUESS_ANALYSIS_RATE.value


def wait_behind(queue: AnalysisQueue, clock: FakeClock, running_clip_s: float, steps: list[float], clip_s: float):
    """What a learner whose clip (clip_s long) waits behind one running analysis of a
    running_clip_s clip hears, one estimate after each step of the fake clock (seconds)."""
    heard: list[float] = []
    holding, release, step_seen = threading.Event(), threading.Event(), threading.Event()

    def hold():
        with queue.turn(clip_s=running_clip_s):
            holding.set()
            release.wait(WAIT_S)

    def on_wait(ahead: int, estimate_s: float) -> None:
        heard.append(estimate_s)
        step_seen.set()

    def wait_in_line():
        with queue.turn(on_wait=on_wait, poll_s=0.005, clip_s=clip_s):
            pass

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(WAIT_S)
    waiter = threading.Thread(target=wait_in_line)
    waiter.start()
    said = []
    for step in [0.0, *steps]:
        clock.now += step
        step_seen.clear()
        assert step_seen.wait(WAIT_S)
        step_seen.clear()
        assert step_seen.wait(WAIT_S)  # an estimate made after the step
        said.append(heard[-1])
    release.set()
    holder.join(WAIT_S)
    waiter.join(WAIT_S)
    return said


def test_the_wait_counts_down_as_the_running_analysis_gets_on_and_is_never_far_below_the_truth():
    clock = FakeClock()
    queue = AnalysisQueue(slots=1, clock=clock)
    for _ in range(3):  # this server: 2 s of analysis per second of clip
        with queue.turn(clip_s=20.0):
            clock.now += 40.0
    # A 20 s clip is running (it will take 40 s); the learner behind it waits 40 s in truth.
    said = wait_behind(queue, clock, running_clip_s=20.0, steps=[10.0, 10.0, 10.0], clip_s=10.0)
    truth = [40.0, 30.0, 20.0, 10.0]
    assert said == sorted(said, reverse=True), f"the wait must count down: {said}"
    for estimate, left in zip(said, truth, strict=True):
        assert left * 0.9 <= estimate <= left * 1.5, f"said {estimate:.0f} s with {left:.0f} s left"


def test_an_analysis_running_past_its_estimate_still_leaves_a_wait():
    clock = FakeClock()
    queue = AnalysisQueue(slots=1, clock=clock)
    said = wait_behind(queue, clock, running_clip_s=10.0, steps=[60.0], clip_s=10.0)
    first_guess = FIRST_GUESS_ANALYSIS_RATE.value * 10.0
    assert said[0] == pytest.approx(first_guess)
    assert said[-1] == pytest.approx(RUNNING_LEFT_SHARE.value * first_guess), "overrun: never 0 s"


def test_a_long_clip_ahead_in_line_makes_the_wait_behind_it_longer_than_a_short_one():
    clock = FakeClock()
    long_wait = wait_behind(AnalysisQueue(slots=1, clock=clock), clock, running_clip_s=60.0, steps=[], clip_s=5.0)[0]
    short_wait = wait_behind(AnalysisQueue(slots=1, clock=clock), clock, running_clip_s=5.0, steps=[], clip_s=5.0)[0]
    assert long_wait == pytest.approx(12 * short_wait)


def test_a_queue_needs_a_slot():
    with pytest.raises(ValueError, match="at least 1 slot"):
        AnalysisQueue(slots=0)
