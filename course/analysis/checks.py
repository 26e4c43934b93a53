"""A clip's check that outlives the page that started it, and the report a visit keeps.

A learner who reloads the page, presses Back or Stop, or follows "Learn the fix" to a lesson
ends the page's script run (Streamlit stops it at its next call), and the check used to end
with it: a frozen progress bar, then an empty page. Here a check runs in a thread of its own
(`Check.start`), and every page of the same visit follows it: a reloaded page picks up its
progress and then its report. Who the visit is, is the page's business (a cookie of its own,
course.views.self_check); this module only keeps, per visit, the latest report and the check
running now, bounded in number (REPORTS_KEPT, the oldest forgotten first) and in time
(REPORT_KEPT_HOURS since the visit last opened the self-check). The clip itself is never kept:
it lives in its clip folder until its check ends.

A check still waiting in line that no page has watched for LEFT_IN_LINE_S gives up its place
(the learner left), and says so when they come back. A check that is already running finishes
(the report is the learner's). Plain threads and data only, no Streamlit.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Literal

from course.analysis.queue import AnalysisQueue, AnalysisStopped, QueueFull
from course.settings import LEFT_IN_LINE_S, REPORT_KEPT_HOURS, REPORTS_KEPT

log = logging.getLogger(__name__)

# waiting, running; then how it ended: done (a report), failed (a bug of ours), full (the line
# was full), stopped (the server is shutting down), left (it waited unwatched: the learner
# left), unwritable (the clip couldn't be written to disk)
Phase = Literal["waiting", "running", "done", "failed", "full", "stopped", "left", "unwritable"]
FINISHED: frozenset[Phase] = frozenset({"done", "failed", "full", "stopped", "left", "unwritable"})


class LeftTheLine(Exception):
    """Nobody has watched a waiting check for LEFT_IN_LINE_S: it gives up its place."""


@dataclass(frozen=True, slots=True)
class CheckStatus:
    """Where a check stands. phase: waiting (ahead: checks before it, wait_s: seconds left to
    wait), running (stage: the step's words, done: 0..1), or one of FINISHED; full: the line's
    length and each check's typical seconds when the line was full."""

    phase: Phase
    ahead: int = 0
    wait_s: float = 0.0
    stage: str = ""
    done: float = 0.0
    full: tuple[int, float] = (0, 0.0)


@dataclass(eq=False)
class Check:
    """One uploaded clip's check. file_id: the upload it came from (so a rerun of the page that
    still holds the upload does not start it twice); result: what `analyse` returned, once
    done. `seen()` is called by every page that follows it."""

    file_id: str
    clock: Callable[[], float] = time.monotonic
    result: Any = None
    _progress: CheckStatus = field(default_factory=lambda: CheckStatus("waiting"))
    _seen_at: float = 0.0
    _changed: threading.Condition = field(default_factory=threading.Condition)

    def __post_init__(self) -> None:
        self._seen_at = self.clock()

    @property
    def progress(self) -> CheckStatus:
        with self._changed:
            return self._progress

    @property
    def finished(self) -> bool:
        return self.progress.phase in FINISHED

    def seen(self) -> None:
        """A page is watching this check now."""
        with self._changed:
            self._seen_at = self.clock()

    def wait_for_change(self, timeout_s: float) -> CheckStatus:
        """The progress once it changes, or after `timeout_s` seconds, whichever is first."""
        with self._changed:
            before = self._progress
            self._changed.wait_for(lambda: self._progress is not before, timeout=timeout_s)
            return self._progress

    def tell(self, progress: CheckStatus) -> None:
        """Where the check stands now (the check's own thread, or the page when it could not start)."""
        with self._changed:
            self._progress = progress
            self._changed.notify_all()

    def start(
        self,
        queue: AnalysisQueue,
        folder: AbstractContextManager[Any],
        analyse: Callable[[Callable[[str, float], None]], Any],
        *,
        clip_s: float | None,
        on_done: Callable[[Check], None],
    ) -> threading.Thread:
        """Run the check in a thread of its own: wait for a turn in `queue` (clip_s: the clip's
        length, for the estimates), then `analyse(progress)`, which reports (stage, done) as it
        goes. `folder` (the clip's folder, entered already) is closed when the check ends,
        however it ends; `on_done(check)` is called once it has its result. A bug in `analyse`
        is logged and ends the check as failed."""
        thread = threading.Thread(
            target=self._run, args=(queue, folder, analyse, clip_s, on_done), name="self-check", daemon=True
        )
        thread.start()
        return thread

    def _run(self, queue, folder, analyse, clip_s, on_done) -> None:
        def on_wait(ahead: int, wait_s: float) -> None:
            with self._changed:
                unwatched = self.clock() - self._seen_at
            if unwatched > LEFT_IN_LINE_S.value:
                raise LeftTheLine()
            self.tell(CheckStatus("waiting", ahead=ahead, wait_s=wait_s))

        def on_progress(stage: str, done: float) -> None:
            queue.raise_if_stopping()
            self.tell(CheckStatus("running", stage=stage, done=done))

        with folder:  # the clip goes before the page hears the check has ended
            try:
                with queue.turn(on_wait=on_wait, clip_s=clip_s):
                    self.tell(CheckStatus("running", stage="Starting", done=0.0))
                    try:
                        self.result = analyse(on_progress)
                    finally:
                        collect_analysis_garbage()
                ended = CheckStatus("failed" if self.result is None else "done", done=1.0)
            except QueueFull as full:
                ended = CheckStatus("full", full=(full.waiting, full.typical_s))
            except AnalysisStopped:
                ended = CheckStatus("stopped")
            except LeftTheLine:
                ended = CheckStatus("left")
            except Exception:  # a bug of ours: logged here, said plainly on the page
                log.exception("self-check failed on an uploaded clip")
                ended = CheckStatus("failed")
        if ended.phase == "done":
            on_done(self)
        self.tell(ended)


def collect_analysis_garbage() -> None:
    """Free what an ended analysis left in reference cycles (decoded frames, the pose model's
    results, a traceback): measured 40 to 140 MB of a real clip's, found in 0.04 to 0.06 s.

    The server does not collect garbage after every page run (runner.postScriptGC is off in
    .streamlit/config.toml: that full collection held the interpreter about 0.18 s per run, so
    each "Check answer" and every learner's page waited for it), so an analysis, the one thing
    that makes such garbage by the tens of MB, collects it itself, once, when it ends."""
    gc.collect()


@dataclass
class Visit:
    """What one visit (one browser) keeps: its latest report (`latest`, the page's record of a
    checked clip), the check running now, and what the page keeps beside it (`kept`, e.g.
    which results were saved). used_at: when a page of the visit last opened the self-check."""

    used_at: float
    latest: Any = None
    check: Check | None = None
    kept: dict[str, Any] = field(default_factory=dict)


class Visits:
    """The latest report and check of each visit, by its token: at most REPORTS_KEPT visits
    (the one longest unused is forgotten first), each for REPORT_KEPT_HOURS after its last use.
    Tokens are kept only as their SHA-256. Safe to use from every session's thread."""

    def __init__(
        self,
        *,
        most: int = int(REPORTS_KEPT.value),
        keep_s: float = REPORT_KEPT_HOURS.value * 3600,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.most = most
        self.keep_s = keep_s
        self._clock = clock
        self._lock = threading.Lock()
        self._visits: OrderedDict[str, Visit] = OrderedDict()

    def visit(self, token: str) -> Visit:
        """The visit of `token`, made empty when it is new or was forgotten; marked as used now."""
        key = hashlib.sha256(token.encode()).hexdigest()
        now = self._clock()
        with self._lock:
            self._forget_old(now)
            visit = self._visits.pop(key, None) or Visit(used_at=now)
            visit.used_at = now
            self._visits[key] = visit
            while len(self._visits) > self.most:
                self._visits.popitem(last=False)
            return visit

    def __len__(self) -> int:
        with self._lock:
            self._forget_old(self._clock())
            return len(self._visits)

    def _forget_old(self, now: float) -> None:
        while self._visits:
            key, oldest = next(iter(self._visits.items()))
            if now - oldest.used_at <= self.keep_s:
                return
            del self._visits[key]
