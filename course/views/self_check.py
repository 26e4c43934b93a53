"""Self-check: upload a side-view clip; see the verdict, what to fix first and the lesson that fixes it.

The clip is written to a temporary folder, analysed there one clip at a time (see
course.analysis.queue) and the folder is deleted before the report is shown. The report is
kept in this browser session under the clip's digest, so a widget change re-draws it without
analysing the clip again.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
import math
import os
import tempfile
from pathlib import Path

import streamlit as st

from course.analysis.check import Analysis, analyse_clip
from course.analysis.faults import FAULT_IDS
from course.analysis.queue import AnalysisQueue
from course.analysis.replay import reference_hinge, replay_motion
from course.analysis.report import Report, not_judged_lines
from course.figures.body import body_figure
from course.content import Course
from course.figures.angles import Span, ThresholdLine, angle_chart
from course.thresholds import LEAN_BACK, LOCKED_KNEE_MAX
from course.store import StoreError
from course.typed import visible
from course.views.accounts import course_store, signed_in, store_problem
from course.views.lesson import PLOTLY_CONFIG
from course.views.state import course_content, course_figure

ACCEPTED_TYPES = ["mp4", "mov", "m4v", "webm", "avi"]
PARALLEL_SETTING = "HINGE_PARALLEL_ANALYSES"  # analyses at once; 1 suits a 2-core machine (FACTS.md)
log = logging.getLogger(__name__)


@st.cache_resource
def analysis_queue() -> AnalysisQueue:
    """The one queue of the whole server: every session's analyses wait in it."""
    return AnalysisQueue(slots=int(os.environ.get(PARALLEL_SETTING, "1")))


def render_self_check() -> None:
    from course.views.navigation import lesson_page  # the navigation module imports this one

    course = course_content()
    page = course.self_check
    st.title(page.title)
    st.markdown(page.lead)
    filming = course.lesson("film-your-hinge")
    with st.expander("How to film a clip we can judge", icon=":material/videocam:"):
        checklist = next(section for section in filming.sections if section.heading == "Checklist")
        st.markdown(checklist.markdown)
        st.page_link(lesson_page(filming), label=f"Lesson {filming.order}: {filming.title}", icon=":material/school:")

    upload = st.file_uploader("Your clip: a video of 3 to 6 hinges, filmed from the side", type=ACCEPTED_TYPES, key="clip")
    st.caption(page.body.split("\n\n")[0].replace("**", ""))
    if upload is None:
        with st.expander("Privacy and limits"):
            st.markdown(page.body)
        return

    data = upload.getbuffer()
    digest = hashlib.sha256(data).hexdigest()
    analyses: dict[str, Analysis] = st.session_state.setdefault("self_check_analyses", {})
    if digest not in analyses:
        analysis = _analyse(upload.name, bytes(data), course)
        if analysis is None:
            return
        analyses.clear()  # only the latest clip's numbers stay in the session
        analyses[digest] = analysis
    analysis = analyses[digest]
    replay = (lambda: _replay(analysis, digest)) if analysis.track is not None and _angles_measured(analysis.report) else None
    show_report(analysis.report, course, replay, analysis.video, analysis.subtitles)
    if analysis.report.outcome != "refused":
        _keep_result(analysis.report, digest)


def _keep_result(report: Report, digest: str) -> None:
    """Save the report's numbers to the learner's record, and hand them in for homework."""
    from course.views.navigation import account_page

    st.subheader("Keep this result")
    account = signed_in()
    if account is None:
        st.markdown("Sign in to keep this result's numbers and hand them in to your trainer. "
                    "Your clip itself is never kept.")
        st.page_link(account_page(), label="Sign in or create an account", icon=":material/person:")
        return
    problem = store_problem()
    store = course_store()
    if problem or store is None:
        st.warning(problem or "Saving is off.", icon=":material/cloud_off:")
        return
    saved: dict[str, int] = st.session_state.setdefault("self_check_saved", {})
    key = f"{account.id}:{digest}"  # another account signed in later in this session saves its own copy
    try:
        homework = [] if account.is_trainer else [s for s in store.assignments(account) if s.assignment.self_check]
    except StoreError as error:
        st.error(str(error), icon=":material/error:")
        return
    homework.sort(key=lambda s: (s.done, s.assignment.due))
    titles = {s.assignment.id: visible(f"{s.assignment.title} ({s.assignment.group_title}, due {s.assignment.due:%d %b})")
              + (" · handed in already" if s.submission else "") for s in homework}
    st.caption("Only the numbers and the verdict are kept, never your clip.")
    with st.form("keep-result"):
        target = st.selectbox("Hand it in for", [None, *titles],
                              format_func=lambda i: "Just save it to my record" if i is None else titles[i],
                              index=1 if homework and not homework[0].done else 0) if homework else None
        # The label must not follow the choice: inside a form a new choice only arrives with the
        # press, and a button whose label changed in between is another button, never pressed.
        if not st.form_submit_button("Hand in" if homework else "Save", type="primary", icon=":material/save:"):
            if key in saved:
                st.caption(":green[:material/check:] Saved to your record.")
            return
    try:
        if key not in saved:
            saved[key] = store.save_self_check(account, report.to_json()).id
        if target is not None:
            store.submit_self_check(account, target, saved[key])
            st.success("Handed in: your trainer can read it now, and their feedback shows on your Homework page.",
                       icon=":material/task_alt:")
        else:
            st.success("Saved to your record.", icon=":material/task_alt:")
    except StoreError as error:
        st.error(str(error), icon=":material/error:")


def _analyse(name: str, data: bytes, course: Course) -> Analysis | None:
    waiting = st.empty()
    bar = st.progress(0.0, text="Waiting for your turn")

    def on_wait(ahead: int, seconds: float) -> None:
        waiting.info(waiting_message(ahead, seconds), icon=":material/hourglass_top:")

    try:
        with analysis_queue().turn(on_wait=on_wait):
            waiting.empty()
            with tempfile.TemporaryDirectory(prefix="hinge-check-") as folder:
                clip = Path(folder) / f"clip{Path(name).suffix.lower() or '.mp4'}"
                clip.write_bytes(data)
                analysis = analyse_clip(
                    clip, cues=course.cues, annotate_in=Path(folder),
                    progress=lambda stage, done: bar.progress(done, text=stage),
                )
    except Exception:  # a bug of ours: say so plainly, log the details for us, keep the page usable
        log.exception("self-check failed on an uploaded clip")
        bar.empty()
        st.error(
            "Something went wrong on our side while checking this clip. It's not your fault. "
            "Try again, or try another clip.", icon=":material/error:",
        )
        return None
    bar.empty()
    return analysis


def waiting_message(ahead: int, seconds: float) -> str:
    """What a learner reads while their clip waits in the queue: how many checks are ahead of
    theirs (ahead >= 1) and the estimated wait (seconds), rounded to 5 s and never under 5 s."""
    checks = "1 check" if ahead == 1 else f"{ahead} checks"
    return f"{checks} ahead of yours. About {max(5, round(seconds / 5) * 5):.0f} s to wait: you can keep this page open."


def _replay(analysis: Analysis, digest: str) -> None:
    figures = st.session_state.setdefault("self_check_replays", {})
    if digest not in figures:
        figures.clear()
        track = analysis.track
        figures[digest] = body_figure([replay_motion(track, found=analysis.report.faults), reference_hinge(track)])
    st.subheader("Your movement in 3D")
    st.plotly_chart(figures[digest], width="stretch", config=PLOTLY_CONFIG, key="replay")
    st.caption(
        "Left: your clip replayed on the course's body model from the angles measured above, "
        "in the shape the check judged. Right: a good hinge, timed to reach the bottom with you. "
        "Press Play, or turn the model with a finger."
    )


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
    """The report as the learner reads it; for_trainer: a stored report on the dashboard (key
    keeps its charts apart from other reports on the same page)."""
    from course.views.navigation import lesson_page

    if report.outcome == "refused":
        st.warning(f"**{report.verdict}.** {report.message}", icon=":material/videocam_off:")
        filming = course.lesson("film-your-hinge")
        st.page_link(lesson_page(filming), label=f"How to film: Lesson {filming.order}", icon=":material/school:")
        return

    box = st.success if report.outcome == "judged" and not report.faults else st.info
    box(f"**{report.verdict}.** {report.message}", icon=":material/fact_check:")

    if report.cues:
        st.subheader("What to work on")
        for number, cue in enumerate(report.cues, start=1):
            lesson = course.lesson(cue.lesson_id)
            reps = ", ".join(str(rep) for rep in cue.reps)
            with st.container(border=True):
                st.markdown(f"**{number}. {cue.title}** · rep {reps}")
                st.markdown(cue.seen)
                st.markdown(f"**Try this:** {cue.try_this}")
                st.page_link(lesson_page(lesson), label=f"Learn the fix: Lesson {lesson.order}, {cue.section}", icon=":material/school:")
                with st.expander("See it in 3D beside a good hinge"):
                    st.plotly_chart(course_figure(cue.figure), width="stretch", config=PLOTLY_CONFIG, key=f"{key}cue:{cue.fault}")

    if report.went_well:
        st.subheader("What went well")
        st.markdown("\n".join(f"- :green[:material/check_circle:] {item}" for item in report.went_well))

    if video is not None:
        st.subheader("Your clip, annotated")
        st.video(video, subtitles={"What to work on": subtitles} if subtitles else None)
        st.caption("Your skeleton, your angles and each rep, with a banner where a fault shows. "
                   "Turn on the subtitles for the cues.")

    if report.reps:
        st.subheader("Rep by rep")
        titles = {cue.fault: cue.title for cue in report.cues}
        angles_measured = _angles_measured(report)
        for rep in report.reps:
            faults = ", ".join(titles.get(fault, fault.replace("_", " ")) for fault in rep.faults) or (
                "nothing to fix" if _judged_on(report, rep.number) else "form not judged from this camera angle")
            measured = (
                f"  \nAt the bottom: hips {_angle(rep.hip)}, knees {_angle(rep.knee)}, trunk {_angle(rep.trunk)}"
                + ("" if rep.descent_s is None else f" · down in {rep.descent_s:.1f} s")
            ) if angles_measured else ""
            st.markdown(f"**Rep {rep.number}** · {rep.start_s:.1f} to {rep.end_s:.1f} s · {faults}{measured}")
            if video is not None:
                with st.expander(f"Watch rep {rep.number} on its own"):
                    st.video(video, start_time=max(0.0, rep.start_s - 0.3), end_time=rep.end_s + 0.3, loop=True)

    if report.series is not None and _angles_measured(report):
        st.subheader("Your angles over time")
        series = report.series
        chart = angle_chart(
            series.t_s,
            {name: [math.nan if v is None else v for v in values] for name, values in
             (("hip", series.hip_deg), ("knee", series.knee_deg), ("trunk", series.trunk_deg))},
            spans=[Span(rep.start_s, rep.end_s, f"rep {rep.number}") for rep in report.reps],
            thresholds=[
                ThresholdLine("knee", LOCKED_KNEE_MAX.value, "knees locked below"),
                ThresholdLine("trunk", LEAN_BACK.value, "leaning back below"),
            ],
        )
        st.plotly_chart(chart, width="stretch", config=PLOTLY_CONFIG, key=f"{key}angles")
        st.caption("Shaded: each rep. Hip and knee: 0° is straight. Trunk: 0° is upright, more is tipped forward.")

    if replay is not None:
        replay()
    if report.not_judged:
        st.subheader("What we could not judge")
        st.markdown("\n".join(f"- {line}" for line in not_judged_lines(report, course.cues)))
    if for_trainer:
        return
    total = sum(report.timings.values())
    st.caption(f"Checked in {total:.1f} s on this machine. Your clip has been deleted; the annotated "
               "copy lives only in this page and goes when you close it.")


def _angles_measured(report: Report) -> bool:
    """Whether the camera saw the side of the body well enough for the angles to mean anything:
    the analysis judged at least one rule on them (course.analysis.faults decides from how far
    the camera stood from side-on). From in front, a hinge's angles fold into the picture's
    depth: the numbers would mislead, so the page shows the reps' times but not their angles,
    the chart or the replay."""
    return any(_judged_on(report, rep.number) for rep in report.reps)


def _judged_on(report: Report, rep: int) -> bool:
    """Whether at least one fault was checked on this rep (not all of them are in not_judged)."""
    skipped = {item.what for item in report.not_judged if item.rep in (None, rep)}
    return any(fault not in skipped for fault in FAULT_IDS)


def _angle(angle) -> str:
    return "not seen" if angle.degrees is None else f"{angle.degrees:.0f}° (±{angle.plus_minus:.0f})"
