"""`hinge-check CLIP [--exercise NAME] [--json]`: the self-check from a command line, for trainers and for tests.

Exit status: 0 when a report was made (judged or partial), 3 when the clip was refused (bad
input; with --json the report is still printed), 2 for a wrong command line, 4 for a setting
(a HINGE_* variable) or content file the course can't use (one line saying which), 1 for a bug
of ours (a plain sentence on stderr; --debug shows the details).

Only our own words reach the terminal: the log lines MediaPipe, TensorFlow Lite and FFmpeg
write straight to stderr are left out (course.native_output), unless --debug asks for them.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import textwrap
from contextlib import nullcontext
from pathlib import Path

from course.analysis.exercises import EXERCISES, NOT_SURE
from course.native_output import native_noise_filtered

REFUSED_EXIT = 3
CONFIG_EXIT = 4
BUG_EXIT = 1
log = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("GLOG_minloglevel", "2")  # MediaPipe's C++ logging: keep the report readable
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    parser = argparse.ArgumentParser(
        prog="hinge-check",
        description="Check the hip hinge in a side-view clip and print the verdict, each rep and what to work on.",
    )
    parser.add_argument("clip", type=Path, help="the video (mp4, mov, webm or avi)")
    names = {exercise_id.replace("_", "-"): exercise for exercise_id, exercise in EXERCISES.items()}
    parser.add_argument(
        "--exercise",
        metavar="NAME",
        default=NOT_SURE.replace("_", "-"),
        help="what you filmed, so it is judged by that exercise's norms: "
        + ", ".join(f"{name} ({exercise.name.lower()})" for name, exercise in names.items())
        + "; default not-sure: the check recognises it",
    )
    parser.add_argument("--json", action="store_true", help="print the full report as JSON (a stable contract)")
    parser.add_argument(
        "--annotated",
        type=Path,
        metavar="OUT.mp4",
        help="also write the clip with skeleton, angles, reps and faults drawn on it "
        "(H.264), and its cues as WebVTT subtitles beside it (OUT.vtt)",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        help="show the native libraries' log lines, and the details of a failure of ours",
    )
    args = parser.parse_args(argv)
    if not args.clip.is_file():
        parser.error(f"no such file: {args.clip}")  # the trainer's typo, not the clip's fault: exit 2
    exercise = names.get(args.exercise.strip().lower().replace("_", "-"))
    if exercise is None:
        parser.error(f"no exercise called {args.exercise!r}: choose one of {', '.join(names)}")
    if args.annotated and not args.annotated.resolve().parent.is_dir():
        parser.error(f"no such folder to write the annotated clip in: {args.annotated.parent}")

    from course.content import ContentError, content_dir, load_course
    from course.settings import SettingsError, check_environment

    try:
        settings = check_environment()
        course = load_course(content_dir())
    except (ContentError, SettingsError) as problem:
        print(f"hinge-check: {problem}", file=sys.stderr)
        return CONFIG_EXIT
    try:
        with nullcontext() if args.debug else native_noise_filtered():
            from course.analysis.check import analyse_clip  # after the logging settings: it loads MediaPipe
            from course.analysis.clip_folders import clip_folder

            with clip_folder() as folder:
                analysis = analyse_clip(
                    args.clip,
                    settings=settings,
                    cues=course.cues,
                    annotate_in=folder if args.annotated else None,
                    exercise=exercise.id,
                )
    except Exception:
        if args.debug:
            log.exception("hinge-check failed on %s", args.clip)
        print(
            f"hinge-check: something went wrong on our side while checking {args.clip}. It's not the clip's "
            "fault: try again, and if it happens again, run it with --debug and send us what it prints.",
            file=sys.stderr,
        )
        return BUG_EXIT
    report = analysis.report
    if args.annotated and analysis.video is not None:
        args.annotated.write_bytes(analysis.video)
        args.annotated.with_suffix(".vtt").write_text(analysis.subtitles or "WEBVTT\n", encoding="utf-8")
    if args.json:
        print(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        print(describe(report, course))
    return REFUSED_EXIT if report.outcome == "refused" else 0


def describe(report, course) -> str:
    """The report as a trainer reads it in a terminal: the same words as the self-check page
    (course.analysis.presenting), in the page's order, as plain text."""
    from course.analysis.presenting import LESSON_MOVED, NOT_JUDGED, REP_BY_REP, WENT_WELL, WORK_ON, present

    shown = present(report, course)
    lines = [shown.verdict, _wrap(shown.message), ""]
    if shown.tone == "refused":
        return "\n".join(lines).rstrip()
    lines += [_wrap(note) for note in shown.notes]
    lines.append(f"Camera: {shown.camera}. {shown.set_words}.")
    if shown.cues:
        lines += ["", f"{WORK_ON}:"]
        for cue in shown.cues:
            lines.append(f"  {cue.heading} ({cue.reps_words})")
            lines.append(_wrap(cue.seen, "      "))
            lines.append(_wrap("Try this: " + cue.try_this, "      "))
            lines.append(_wrap(f"{cue.lesson.label} ({cue.lesson.title})" if cue.lesson else LESSON_MOVED, "      "))
    if shown.went_well:
        lines += ["", f"{WENT_WELL}:"] + [_wrap(f"+ {item}", "  ") for item in shown.went_well]
    if shown.reps:
        lines += ["", f"{REP_BY_REP}:"]
        for rep in shown.reps:
            lines.append(_wrap(f"{rep.heading} · {rep.times} · {rep.words}", "  "))
            if rep.angles:
                lines.append(_wrap(rep.angles, "      "))
    if shown.not_judged:
        lines += ["", f"{NOT_JUDGED}:"] + [_wrap(f"- {line}", "  ") for line in shown.not_judged]
    return "\n".join(lines)


def _wrap(text: str, indent: str = "") -> str:
    return textwrap.fill(text, width=100, initial_indent=indent, subsequent_indent=indent)


if __name__ == "__main__":
    sys.exit(main())
