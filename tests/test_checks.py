"""A check that outlives its page, and the reports the server keeps per visit (course.analysis.checks)."""

from __future__ import annotations

import gc
import threading
import tomllib
import weakref
from contextlib import contextmanager
from pathlib import Path

from course.analysis.checks import Check, Visits
from course.analysis.queue import AnalysisQueue
from course.content import load_course
from course.settings import LEFT_IN_LINE_S, REPORT_KEPT_HOURS

WAIT_S = 5  # seconds: how long a test waits for a thread before calling it stuck


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Folder:
    """Stands for a clip folder: knows whether it was closed."""

    def __init__(self) -> None:
        self.closed = False

    def __enter__(self) -> Folder:
        return self

    def __exit__(self, *exc) -> None:
        self.closed = True


@contextmanager
def slot_taken(queue: AnalysisQueue):
    """Someone else's analysis holds the only slot for the block."""
    holding, release = threading.Event(), threading.Event()

    def hold():
        with queue.turn():
            holding.set()
            release.wait(WAIT_S)

    thread = threading.Thread(target=hold)
    thread.start()
    assert holding.wait(WAIT_S)
    try:
        yield
    finally:
        release.set()
        thread.join(WAIT_S)


def test_a_running_check_finishes_with_nobody_watching_and_its_report_is_handed_over():
    check, folder, handed = Check("upload-1"), Folder(), []
    finished = check.start(
        AnalysisQueue(slots=1),
        folder,
        lambda progress: progress("Finding your joints", 0.5) or "report",
        clip_s=10.0,
        on_done=handed.append,
    )
    finished.join(WAIT_S)
    assert check.progress.phase == "done" and check.result == "report"
    assert handed == [check] and folder.closed


class Cycle:
    """Garbage only the cycle collector frees: it refers to itself."""

    def __init__(self) -> None:
        self.me = self


def test_a_check_frees_what_its_analysis_left_in_reference_cycles_once_it_ends():
    freed = threading.Event()

    def analyse(progress):
        weakref.finalize(Cycle(), freed.set)  # unreachable at once, but only a collection frees it
        return "report"

    was_enabled = gc.isenabled()
    gc.disable()  # no collection of Python's own in between: only the check's can free it
    try:
        check = Check("upload-1")
        check.start(AnalysisQueue(slots=1), Folder(), analyse, clip_s=10.0, on_done=lambda c: None).join(WAIT_S)
        assert check.progress.phase == "done"
        assert freed.is_set()
    finally:
        if was_enabled:
            gc.enable()


def test_streamlit_does_not_collect_the_whole_heap_after_every_page_run():
    # A full collection after each run held every learner's page about 0.18 s (the config's note).
    config = tomllib.loads((Path(__file__).parents[1] / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False


def test_a_check_left_waiting_unwatched_gives_up_its_place_and_says_so():
    clock = FakeClock()
    queue = AnalysisQueue(slots=1, clock=clock)
    check, folder, analysed = Check("upload-1", clock=clock), Folder(), []
    with slot_taken(queue):
        thread = check.start(queue, folder, analysed.append, clip_s=10.0, on_done=lambda c: None)
        assert check.wait_for_change(WAIT_S).phase == "waiting"
        clock.now += LEFT_IN_LINE_S.value / 2
        check.seen()  # a reloaded page picks it up: it keeps its place
        clock.now += LEFT_IN_LINE_S.value / 2 + 1
        assert check.wait_for_change(0.2).phase == "waiting"
        clock.now += LEFT_IN_LINE_S.value  # then nobody comes back
        thread.join(WAIT_S)
    assert check.progress.phase == "left" and analysed == [] and folder.closed
    assert queue.waiting() == 0, "the clips behind it move up"


def test_a_bug_in_the_analysis_ends_the_check_as_failed_and_deletes_the_clip():
    def broken(progress):
        raise RuntimeError("an internal mistake")

    check, folder = Check("upload-1"), Folder()
    check.start(AnalysisQueue(), folder, broken, clip_s=None, on_done=lambda c: None).join(WAIT_S)
    assert check.progress.phase == "failed" and folder.closed


def test_a_visit_finds_its_own_report_again_and_no_one_elses():
    visits = Visits(most=10, keep_s=60, clock=FakeClock())
    visits.visit("browser-a").latest = "a's report"
    assert visits.visit("browser-a").latest == "a's report"
    assert visits.visit("browser-b").latest is None


def test_the_server_keeps_at_most_so_many_visits_and_forgets_the_longest_unused_first():
    visits = Visits(most=2, keep_s=60, clock=FakeClock())
    for name in ("a", "b"):
        visits.visit(name).latest = name
    visits.visit("a")  # used again: now b is the longest unused
    visits.visit("c").latest = "c"
    assert len(visits) == 2
    assert visits.visit("a").latest == "a" and visits.visit("b").latest is None


def test_a_report_is_forgotten_once_its_visit_has_been_unused_for_too_long():
    clock = FakeClock()
    visits = Visits(most=10, keep_s=60, clock=clock)
    visits.visit("a").latest = "a"
    clock.now += 59
    assert visits.visit("a").latest == "a", "each use starts the time again"
    clock.now += 61
    assert len(visits) == 0 and visits.visit("a").latest is None


def test_the_privacy_notice_says_how_long_a_report_is_kept():
    body = " ".join(load_course().self_check.body.split())
    assert f"leave this page for {REPORT_KEPT_HOURS.value:g} hours" in body
