"""Self-check: upload a side-view clip; see the verdict, what to fix first and the lesson that fixes it.

The upload is written a chunk at a time to a folder of its own (course.analysis.clip_folders)
and Streamlit's copy in memory is dropped at once; the clip waits there for its turn (one
analysis at a time, a bounded line: course.analysis.queue), and the folder is deleted when
its check ends. The check runs in a thread of its own (course.analysis.checks), so leaving the
page (reload, Back, Stop, a lesson link) does not end it: the page follows it while it is open,
and any page of the same visit (this browser, known by a session cookie; nobody needs to sign
in) picks it up again, then shows its report. That report stays on the server for the visit,
so a widget change, a reload or Back draws it again without analysing anything, until the
learner uploads another clip (bounded: REPORTS_KEPT visits, REPORT_KEPT_HOURS each).

A report always reaches the learner: each part of it that draws something beyond words (the
annotated clip, a rep on its own, the chart, the 3D replay, a cue's figure) is drawn by
`report_part`, which puts a plain sentence in that part's place if it fails and logs the
details for us, so that the rest of the report, "Keep this result" and "Hand in" included, is
always drawn.
"""

from __future__ import annotations

import atexit
import json
import logging
import math
import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.uploaded_file_manager import UploadedFile

from course.analysis.check import Analysis, analyse_clip
from course.analysis.checks import FINISHED, Check, CheckStatus, Visit, Visits
from course.analysis.clip_folders import clip_folder, remove_own_clip_folders, save_upload, sweep_stale_clip_folders
from course.analysis.exercises import EXERCISES, NOT_SURE
from course.analysis.presenting import (
    LESSON_MOVED,
    NOT_JUDGED,
    REP_BY_REP,
    WENT_WELL,
    WORK_ON,
    CueLine,
    Presentation,
    angles_shown,
    beyond_model_note,
    present,
)
from course.analysis.problems import ClipProblem
from course.analysis.queue import AnalysisQueue, QueueFull
from course.analysis.replay import BeyondModel, reference_hinge, replay_motion
from course.analysis.report import Report, Series
from course.analysis.video import probe
from course.content import Course
from course.figures import FIGURES
from course.figures.angles import Span, ThresholdLine, angle_chart
from course.figures.body import body_figure
from course.figures.still import still_svg
from course.figures.words import bodies_in_words
from course.settings import Settings
from course.store import StoreError
from course.thresholds import LEAN_BACK, LOCKED_KNEE_MAX, REP_CLIP_MARGIN, REP_CLIP_MIN
from course.typed import visible
from course.views.figure_view import OPEN_LABEL, PLOT_KEYS_JS, draw_course_figure
from course.views.places import ACCOUNT, lesson_place, link
from course.views.sections import SECTION_PARAM
from course.views.session import course_store, signed_in, store_problem
from course.views.state import PLOTLY_CONFIG, SentFigure, course_content

log = logging.getLogger(__name__)
UPLOAD_KEY = "clip"
SHUTDOWN_WAIT_S = 10.0  # a running analysis stops at its next progress report, 0.2 s apart; this is plenty
FOLLOW_POLL_S = 0.25  # seconds: a followed check's bar moves at least this often (it is woken at each change)
VISIT_COOKIE = "hinge_visit"  # this browser's visit, for the report it keeps (see this_visit)
VISIT_TOKEN = "visit_token"  # session state: the same, once read or made
STARTED_HERE = "self_check_started_here"  # session state: the upload whose check this page started
PICKED_UP = "Your check carried on while you were away from this page: its report shows here as soon as it's done."
CARRIES_ON = (
    "You can reload this page or open a lesson meanwhile: once its turn has come your check carries on, "
    "and its report shows here when you come back."
)
LEFT_THE_PAGE = (
    "Your check stopped when you left the page, before its turn came; upload the clip again to start over. "
    "We didn't keep it."
)

# What the learner reads in place of a part of the report that could not be drawn.
SORRY_VIDEO = (
    "We couldn't show the annotated copy of your clip this time. Your verdict and each rep below don't depend on it."
)
SORRY_REP_CLIP = "This rep can't be played on its own this time: watch it in your annotated clip above."
SORRY_REPS = "We couldn't lay out your reps one by one this time. Your verdict above stands."
SORRY_CHART = "We couldn't draw the chart of your angles this time. The angles of each rep are listed above."
SORRY_REPLAY = (
    "We couldn't replay this clip on the 3D body model. Your verdict, reps and angles above don't depend on it."
)
SORRY_FIGURE = "We couldn't draw this figure this time: the lesson linked above shows the same fix."
SORRY_NOT_JUDGED = "We couldn't list what was left unjudged this time."
SORRY_REPORT = "We couldn't show the rest of your report this time. It's not your fault."


@st.cache_resource
def analysis_queue() -> AnalysisQueue:
    """The one queue of the whole server: every session's analyses wait in it. Made once per
    server process, which is when the clip folders a killed server left behind are swept."""
    sweep_stale_clip_folders()
    settings = Settings.from_env()
    queue = AnalysisQueue(slots=settings.parallel_analyses, max_waiting=settings.max_waiting_analyses)
    # When the server stops (Ctrl+C, SIGTERM), the running analysis is asked to stop and given
    # time to delete its clip, instead of being cut off inside MediaPipe as the process ends
    # (which aborted the server, exit -6, and left the clip on disk).
    atexit.register(_shut_down, queue)
    return queue


def _shut_down(queue: AnalysisQueue) -> None:
    """At the server's exit: stop the analyses, then delete whatever clip folder is left."""
    if not queue.stop(timeout_s=SHUTDOWN_WAIT_S):
        log.warning("an analysis was still running %.0f s after the server was asked to stop", SHUTDOWN_WAIT_S)
    remove_own_clip_folders()


@st.cache_resource
def visits() -> Visits:
    """The latest report and check of every visit to this server (course.analysis.checks)."""
    return Visits()


def this_visit(cookie_script: DeltaGenerator) -> Visit:
    """This browser's visit: the same for every tab and reload until the browser closes (a
    session cookie, no sign-in needed). A new visit's cookie is written by a one-line script in
    `cookie_script`, as course.views.session writes the sign-in's. The token is a random
    URL-safe string that only finds this browser's latest report, which holds no clip."""
    token = st.session_state.get(VISIT_TOKEN)
    if token is None:
        token = _visit_cookie()
        if token is None:
            token = secrets.token_urlsafe(24)
            cookie = json.dumps(f"{VISIT_COOKIE}={token}; path=/; SameSite=Strict")
            cookie_script.html(
                f"<script>document.cookie = {cookie} + (location.protocol === 'https:' ? '; Secure' : '');</script>",
                unsafe_allow_javascript=True,
            )
        st.session_state[VISIT_TOKEN] = token
    return visits().visit(token)


def _visit_cookie() -> str | None:
    try:
        token = st.context.cookies.get(VISIT_COOKIE)
    except Exception:  # no browser request behind this run (a script run by a test)
        return None
    return token if isinstance(token, str) and re.fullmatch(r"[A-Za-z0-9_-]{16,64}", token) else None


@dataclass(frozen=True)
class CheckedClip:
    """The latest clip checked in this browser session: which upload it was (Streamlit's file
    id), the SHA-256 of its bytes, what the learner said they filmed, and the analysis. The
    clip itself is gone; this stays on the page until the learner uploads another."""

    file_id: str
    digest: str
    exercise: str
    analysis: Analysis


def render_self_check() -> None:
    course = course_content()
    page = course.self_check
    limits = Settings.from_env().limits
    st.title(page.title)
    cookie_script = st.container()  # always here, script or not, so nothing below it moves
    st.markdown(page.lead)
    filming = course.lesson("film-your-hinge")
    with st.expander("How to film a clip we can judge", icon=":material/videocam:"):
        checklist = next(section for section in filming.sections if section.heading == "Checklist")
        st.markdown(checklist.markdown)
        st.page_link(
            link(lesson_place(filming)), label=f"Lesson {filming.order}: {filming.title}", icon=":material/school:"
        )

    exercise = st.selectbox(
        "What did you film?",
        list(EXERCISES),
        index=list(EXERCISES).index(NOT_SURE),
        format_func=lambda exercise_id: EXERCISES[exercise_id].name,
        key="exercise",
        help="Each exercise is judged by its own norms (a swing is fast by design, an RDL lowered "
        "under control). Not sure: the check recognises it.",
    )
    upload = st.file_uploader(
        f"Your clip: a video of 3 to 6 hinges, filmed from the side (up to {limits.max_clip_mb:g} MB)",
        type=limits.file_endings(),
        max_upload_size=limits.upload_widget_mb(),
        key=UPLOAD_KEY,
    )
    st.caption(page.body.split("\n\n")[0].replace("**", ""))
    visit = this_visit(cookie_script)
    if upload is not None and not _is_known(visit, upload.file_id):
        _start_check(visit, upload, course, exercise)
    check = visit.check
    if check is not None:
        if not check.finished:
            picked_up = st.session_state.get(STARTED_HERE) != check.file_id
            _follow(check, PICKED_UP if picked_up else None)
        if not _said_how_it_ended(check):
            return
    latest: CheckedClip | None = visit.latest
    if latest is None:
        with st.expander("Privacy and limits"):
            st.markdown(page.body)
        return
    if latest.exercise != exercise:
        st.info(
            f"This report checked your clip as: {EXERCISES[latest.exercise].name}. To check it as "
            f"{EXERCISES[exercise].name} instead, upload it again: we don't keep clips.",
            icon=":material/info:",
        )
    analysis, digest = latest.analysis, latest.digest
    replayable = analysis.track is not None and _angles_measured(analysis.report) and _has_leg_angles(analysis.track)
    replay = (lambda: _replay(analysis, digest)) if replayable else None
    with report_part("the report", SORRY_REPORT, keep_drawn=True):
        show_report(analysis.report, course, replay, analysis.video, analysis.subtitles)
    if analysis.report.outcome != "refused":
        _keep_result(analysis.report, digest, visit)


def _is_known(visit: Visit, file_id: str) -> bool:
    """Whether this upload is the visit's latest clip or the one being checked (a rerun of the
    page that still holds it must not check it twice)."""
    return any(item is not None and item.file_id == file_id for item in (visit.latest, visit.check))


def _start_check(visit: Visit, upload: UploadedFile, course: Course, exercise: str) -> None:
    """Write the upload to its own folder, let Streamlit forget its copy and start its check in
    a thread of its own (course.analysis.checks): it goes on when the learner reloads or leaves,
    and its report becomes the visit's latest. The folder and the clip in it are deleted when
    the check ends, whatever happened; the visit's earlier report goes now."""
    queue = analysis_queue()
    check = Check(upload.file_id)
    visit.check, visit.latest = check, None
    st.session_state[STARTED_HERE] = upload.file_id
    folder = ExitStack()
    try:
        if queue.is_full():
            raise QueueFull(queue.waiting(), queue.typical_seconds())
        where = folder.enter_context(clip_folder())
        clip = where / f"clip{Path(upload.name).suffix.lower() or '.mp4'}"
        digest = save_upload(upload, clip)
    except QueueFull as full:
        folder.close()
        check.tell(CheckStatus("full", full=(full.waiting, full.typical_s)))
        return
    except OSError:  # the server's disk is full or unwritable: not the learner's doing
        folder.close()
        log.exception("self-check could not write an uploaded clip to disk")
        check.tell(CheckStatus("unwritable"))
        return
    finally:
        _forget_upload(upload)

    def analyse(progress: Callable[[str, float], None]) -> Analysis:
        return analyse_clip(clip, cues=course.cues, annotate_in=clip.parent, progress=progress, exercise=exercise)

    def done(finished: Check) -> None:
        if visit.check is finished:  # a newer upload of the same visit has taken its place
            visit.latest = CheckedClip(upload.file_id, digest, exercise, finished.result)

    check.start(queue, folder, analyse, clip_s=_clip_seconds(clip), on_done=done)


def _clip_seconds(clip: Path) -> float | None:
    """How long the clip is, from its header (for the queue's estimate); None when it can't be
    read: the analysis then says what is wrong with it."""
    try:
        return probe(clip, Settings.from_env().limits).duration_s
    except (ClipProblem, OSError):
        return None


def _follow(check: Check, note: str | None) -> None:
    """Show a running check's place in line and progress until it ends, under `note` (why this
    page shows a check the learner started elsewhere). A page that is left (reload, Back, Stop)
    stops following at its next call to Streamlit; the check goes on."""
    said = st.empty()
    if note:
        said.info(note, icon=":material/sync:")
    waiting = st.empty()
    bar = st.progress(0.0, text="Waiting for your turn")
    # Written once, under the bar: if the page is stopped (its Stop button) the bar stays as it
    # was, so it must never stand there without a word.
    carries_on = st.empty()
    carries_on.caption(CARRIES_ON)
    shown = None
    while True:
        check.seen()
        progress = check.progress
        if progress.phase in FINISHED:
            break
        if progress != shown:
            if progress.phase == "waiting":
                waiting.info(waiting_message(progress.ahead, progress.wait_s), icon=":material/hourglass_top:")
            else:
                waiting.empty()
                bar.progress(progress.done, text=progress.stage)
            shown = progress
        check.wait_for_change(timeout_s=FOLLOW_POLL_S)
    said.empty()
    waiting.empty()
    bar.empty()
    carries_on.empty()


def _said_how_it_ended(check: Check) -> bool:
    """Say how a check that ended without a report ended; whether it has a report to show."""
    progress = check.progress
    if progress.phase == "done":
        return True
    if progress.phase == "full":
        st.warning(busy_message(*progress.full), icon=":material/hourglass_disabled:")
    elif progress.phase == "stopped":
        st.warning(
            "The course's server is restarting, so your clip was not checked (and not kept). Reload the "
            "page in a minute and upload it again.",
            icon=":material/restart_alt:",
        )
    elif progress.phase == "left":
        st.warning(LEFT_THE_PAGE, icon=":material/replay:")
    elif progress.phase == "unwritable":
        st.error(
            "We couldn't take your clip on our side right now. It's not your fault: please try again in a few minutes.",
            icon=":material/error:",
        )
    else:
        st.error(
            "Something went wrong on our side while checking this clip. It's not your fault. "
            "Try again, or try another clip.",
            icon=":material/error:",
        )
    return False


def _forget_upload(upload: UploadedFile) -> None:
    """Drop Streamlit's copies of an upload that is on disk now: they would otherwise stay in the
    server's memory for the rest of the session (a 200 MB clip, 200 MB per learner). Streamlit
    holds the bytes in its upload store and shares them with each UploadedFile it made from
    them: the one the page got and the one it keeps as the widget's value; the bytes go once
    the store forgets them and both are emptied (truncate(0) lets go of the shared bytes and
    leaves an empty, open file). The widget then reads as empty, and the page shows the latest
    report instead."""
    context = get_script_run_ctx()
    remove = getattr(context.uploaded_file_mgr, "remove_file", None) if context is not None else None
    if context is not None and remove is not None:
        remove(context.session_id, upload.file_id)
    kept = st.session_state.get(UPLOAD_KEY)
    for copy in (upload, kept):  # often the same object; emptying it twice is harmless
        if isinstance(copy, UploadedFile) and copy.file_id == upload.file_id and not copy.closed:
            copy.truncate(0)


def _keep_result(report: Report, digest: str, visit: Visit) -> None:
    """Save the report's numbers to the learner's record, and hand them in for homework."""
    st.header("Keep this result")
    account = signed_in()
    if account is None:
        st.markdown(
            "Sign in to keep this result's numbers and hand them in to your trainer. Your clip itself is never kept."
        )
        st.page_link(link(ACCOUNT), label="Sign in or create an account", icon=":material/person:")
        return
    problem = store_problem()
    store = course_store()
    if problem or store is None:
        st.warning(problem or "Saving is off.", icon=":material/cloud_off:")
        return
    saved: dict[str, int] = visit.kept.setdefault("saved", {})  # a reload must not save it twice
    key = f"{account.id}:{digest}"  # another account signed in later in this session saves its own copy
    try:
        homework = [] if account.is_trainer else [s for s in store.assignments(account) if s.assignment.self_check]
    except StoreError as error:
        st.error(str(error), icon=":material/error:")
        return
    homework.sort(key=lambda s: (s.done, s.assignment.due))
    titles = {
        s.assignment.id: visible(f"{s.assignment.title} ({s.assignment.group_title}, due {s.assignment.due:%d %b})")
        + (" · handed in already" if s.submission else "")
        for s in homework
    }
    st.caption("Only the numbers and the verdict are kept, never your clip.")
    with st.form("keep-result"):
        target = (
            st.selectbox(
                "Hand it in for",
                [None, *titles],
                format_func=lambda i: "Just save it to my record" if i is None else titles[i],
                index=1 if homework and not homework[0].done else 0,
            )
            if homework
            else None
        )
        # The label must not follow the choice: inside a form a new choice only arrives with the
        # press, and a button whose label changed in between is another button, never pressed.
        if not st.form_submit_button("Hand in" if homework else "Save", type="primary", icon=":material/save:"):
            if key in saved:
                st.caption(":green[:material/check:] Saved to your record.")
            return
    try:
        with store.atomic():  # saved and handed in together, or neither (a refused hand-in keeps nothing)
            check_id = saved[key] if key in saved else store.save_self_check(account, report.to_json()).id
            if target is not None:
                store.submit_self_check(account, target, check_id)
        saved[key] = check_id
        if target is not None:
            st.success(
                "Handed in: your trainer can read it now, and their feedback shows on your Homework page.",
                icon=":material/task_alt:",
            )
        else:
            st.success("Saved to your record.", icon=":material/task_alt:")
    except StoreError as error:
        st.error(str(error), icon=":material/error:")


def busy_message(waiting: int, typical_s: float) -> str:
    """What a learner reads when the line is full: `waiting` clips wait already, `typical_s`
    each; how long until it is worth trying again, in whole minutes (at least 1)."""
    minutes = max(1, math.ceil(waiting * typical_s / 60))
    return (
        f"The self-check is busy right now: {waiting} clips are waiting to be checked. Please try again in "
        f"{'a minute' if minutes == 1 else f'about {minutes} minutes'}. We didn't keep your clip, so upload it "
        "again then."
    )


def waiting_message(ahead: int, seconds: float) -> str:
    """What a learner reads while their clip waits in the queue: how many checks are ahead of
    theirs (ahead >= 1) and the estimated wait (seconds), rounded to 5 s and never under 5 s."""
    checks = "1 check" if ahead == 1 else f"{ahead} checks"
    return (
        f"{checks} ahead of yours. About {max(5, round(seconds / 5) * 5):.0f} s to wait: you can keep this page open."
    )


@contextmanager
def report_part(what: str, sorry: str, *, keep_drawn: bool = False) -> Iterator[None]:
    """Draw one part of the report (`what`, for our log) inside the with-block. If drawing it
    fails, the details are logged for us, the learner reads `sorry` in the part's place (after
    what it drew, with keep_drawn) and the page goes on. Streamlit's own rerun and stop
    signals are not Exceptions: they pass."""
    holder = st.container() if keep_drawn else st.empty()
    try:
        with holder if keep_drawn else holder.container():
            yield
    except Exception:
        log.exception("self-check page: %s could not be drawn", what)
        holder.info(sorry, icon=":material/info:")


def _replay(analysis: Analysis, digest: str) -> None:
    built = st.session_state.setdefault("self_check_replays", {})
    if digest not in built:
        built.clear()
        built[digest] = _replay_figure(analysis)
    st.header("Your movement in 3D")
    replay = built[digest]
    if replay is None:
        st.info(SORRY_REPLAY, icon=":material/info:")
        return
    _replay_model(replay, digest)
    st.caption(
        "Left: your clip replayed on the course's body model from the angles measured above, "
        "in the shape the check judged. Right: a good hinge, timed to reach the bottom with you. "
        "Press Play, or turn the model with a finger."
    )
    if note := beyond_model_note(replay.beyond):
        st.caption(note)


@dataclass(frozen=True)
class _Replay:
    """The replay of one clip, built once per report: the 3D figure (sent as it was converted
    once), a still of its opening view, what it shows in words, and the angles held at the
    body model's limits."""

    figure: go.Figure
    still: str
    words: str
    beyond: tuple[BeyondModel, ...]


@st.fragment
def _replay_model(replay: _Replay, digest: str) -> None:
    """The still first, the 3D model on a tap (this part alone reruns), as the lessons draw theirs."""
    opened = f"replay:{digest}:opened"
    if st.session_state.get(opened):
        st.plotly_chart(replay.figure, width="stretch", config=PLOTLY_CONFIG, key="replay", alt=replay.words)
        st.html(f"<script>{PLOT_KEYS_JS}</script>", unsafe_allow_javascript=True)
    else:
        st.image(replay.still, alt=replay.words, width="stretch")
        st.button(
            OPEN_LABEL,
            icon=":material/3d_rotation:",
            key=f"replay:{digest}:open",
            on_click=st.session_state.__setitem__,
            args=(opened, True),
            help="Turn the model with a finger and play it",
        )


def _replay_figure(analysis: Analysis) -> _Replay | None:
    """The clip's replay, or None when it can't be replayed (logged once: the result is kept
    for the session's reruns)."""
    track = analysis.track
    if track is None:  # a refused clip: nothing measured (the page offers no replay then)
        return None
    try:
        replay = replay_motion(track, found=analysis.report.faults)
        motions = [replay.motion, reference_hinge(track)]
        words = bodies_in_words(motions)
        still = still_svg(body_figure(motions, animated=False), words)
        return _Replay(SentFigure(body_figure(motions)), still, words, replay.beyond_model)
    except Exception:
        log.exception("self-check page: the 3D replay could not be drawn")
        return None


def rep_clip_window(start_s: float, end_s: float) -> tuple[int, int] | None:
    """Whole seconds (start, end) to play a rep on its own, with REP_CLIP_MARGIN either side;
    None for a rep shorter than REP_CLIP_MIN, which is not offered as a clip. st.video plays
    whole seconds and needs the end after the start: this window always has it."""
    if not (math.isfinite(start_s) and math.isfinite(end_s)) or end_s - start_s < REP_CLIP_MIN.value:
        return None
    return math.floor(max(0.0, start_s - REP_CLIP_MARGIN.value)), math.ceil(end_s + REP_CLIP_MARGIN.value)


def show_report(
    report: Report,
    course: Course,
    replay: Callable[[], None] | None = None,
    video: bytes | None = None,
    subtitles: str | None = None,
    *,
    key: str = "",
    for_trainer: bool = False,
) -> None:
    """The report as the learner reads it, laid out from its Presentation
    (course.analysis.presenting decides every word); for_trainer: a stored report on the
    dashboard (key keeps its charts apart from other reports on the same page)."""
    shown = present(report, course)
    # The report's parts are the page's sections under its title (h2, with no level skipped);
    # on the dashboard they sit a level lower, inside the member's part of that page.
    part = st.subheader if for_trainer else st.header
    if shown.tone == "refused":
        st.warning(f"**{shown.verdict}.** {shown.message}", icon=":material/videocam_off:")
        filming = course.lesson("film-your-hinge")
        st.page_link(
            link(lesson_place(filming)), label=f"How to film: Lesson {filming.order}", icon=":material/school:"
        )
        return

    box = st.success if shown.tone == "well_done" else st.info
    box(f"**{shown.verdict}.** {shown.message}", icon=":material/fact_check:")
    for note in shown.notes:
        st.caption(note)

    if shown.cues:
        part(WORK_ON)
        for cue in shown.cues:
            _cue(cue, course, key)

    if shown.went_well:
        part(WENT_WELL)
        st.markdown("\n".join(f"- :green[:material/check_circle:] {item}" for item in shown.went_well))

    if video is not None:
        with report_part("the annotated clip", SORRY_VIDEO):
            part("Your clip, annotated")
            st.video(video, subtitles={"What to work on": subtitles} if subtitles else None)
            drawn = "Your skeleton, your angles and each rep" if shown.show_angles else "Your skeleton and each rep"
            st.caption(f"{drawn}, with a banner where the thing to work on shows. Turn on the subtitles for the cues.")

    if shown.reps:
        with report_part("the reps", SORRY_REPS):
            _reps(shown, video, part)

    if report.series is not None and shown.show_angles:
        with report_part("the angle chart", SORRY_CHART):
            _angle_chart(report, report.series, key, part)

    if replay is not None:
        with report_part("the 3D replay", SORRY_REPLAY):
            replay()
    if shown.not_judged:
        with report_part("what was not judged", SORRY_NOT_JUDGED):
            _not_judged(shown, part)
    if for_trainer:
        return
    total = sum(report.timings.values())
    st.caption(
        f"Checked in {total:.1f} s on this machine. Your clip has been deleted; this report and its "
        "annotated copy stay here until you upload another clip or close your browser."
    )


def _cue(cue: CueLine, course: Course, key: str) -> None:
    """One thing to work on, with the lesson that teaches its fix and its figure in 3D."""
    with st.container(border=True):
        st.markdown(f"**{cue.heading}** · {cue.reps_words}")
        st.markdown(cue.seen)
        st.markdown(f"**Try this:** {cue.try_this}")
        if cue.lesson is None:
            st.caption(LESSON_MOVED)
        else:
            st.page_link(  # opens the lesson at the section it names (course.views.sections)
                link(lesson_place(course.lesson(cue.lesson.lesson_id))),
                label=cue.lesson.label,
                icon=":material/school:",
                query_params={SECTION_PARAM: cue.lesson.anchor},
            )
        if cue.figure in FIGURES:
            with (
                st.expander("See it in 3D beside a good hinge"),
                report_part(f"the figure of {cue.fault}", SORRY_FIGURE),
            ):
                draw_course_figure(cue.figure, f"{key}cue:{cue.fault}")


def _reps(shown: Presentation, video: bytes | None, part: Callable[[str], object]) -> None:
    """Rep by rep: when, what was found, the angles at the bottom (where they may be shown);
    each rep long enough to watch is offered as a clip of its own."""
    part(REP_BY_REP)
    st.caption(shown.set_words)
    for rep in shown.reps:
        angles = f"  \n{rep.angles}" if rep.angles else ""
        st.markdown(f"**{rep.heading}** · {rep.times} · {rep.words}{angles}")
        window = rep_clip_window(rep.start_s, rep.end_s) if video is not None else None
        if window is not None:
            with (
                st.expander(f"Watch rep {rep.number} on its own"),
                report_part(f"rep {rep.number}'s clip", SORRY_REP_CLIP),
            ):
                st.video(video, start_time=window[0], end_time=window[1], loop=True)


def _not_judged(shown: Presentation, part: Callable[[str], object]) -> None:
    part(NOT_JUDGED)
    st.markdown("\n".join(f"- {line}" for line in shown.not_judged))


def _angle_chart(report: Report, series: Series, key: str, part: Callable[[str], object]) -> None:
    chart = angle_chart(
        series.t_s,
        {
            name: [math.nan if v is None else v for v in values]
            for name, values in (("hip", series.hip_deg), ("knee", series.knee_deg), ("trunk", series.trunk_deg))
        },
        spans=[Span(rep.start_s, rep.end_s, f"rep {rep.number}") for rep in report.reps],
        thresholds=[
            ThresholdLine("knee", LOCKED_KNEE_MAX.value, "knees locked below"),
            ThresholdLine("trunk", LEAN_BACK.value, "leaning back below"),
        ],
    )
    part("Your angles over time")
    st.plotly_chart(chart, width="stretch", config=PLOTLY_CONFIG, key=f"{key}angles")
    st.caption("Shaded: each rep. Hip and knee: 0° is straight. Trunk: 0° is upright, more is tipped forward.")


def _angles_measured(report: Report) -> bool:
    """Whether the angles may be shown (and the clip replayed in 3D): the one rule every place
    that shows a report follows, course.analysis.presenting.angles_shown."""
    return angles_shown(report)


def _has_leg_angles(track) -> bool:
    """Whether some frame has both a hip and a knee angle: the replay poses the body from them
    (feet out of the picture leave no knee angle at all)."""
    return bool(np.isfinite(track.hip_deg).any() and np.isfinite(track.knee_deg).any())
