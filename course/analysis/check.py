"""Check one clip from start to finish: the function the self-check page and the command line call.

probe -> decode + pose -> one person? -> view and framing -> angles and reps -> fault rules
-> report. Every stage is timed. A clip that can't be judged comes back as a refused report
whose message is for the learner; nothing here raises a ClipProblem to its caller.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import av
import cv2

from course.analysis.annotate import annotate_clip
from course.analysis.camera_view import (
    FEET_OUT_OF_FRAME,
    HEAD_OUT_OF_FRAME,
    PERSON_TOO_SMALL,
    classify_view,
    framing_problems,
)
from course.analysis.exercises import NOT_SURE
from course.analysis.faults import NotJudged, find_faults
from course.analysis.kinematics import MotionTrack, measure_motion
from course.analysis.level import estimate_level, level_sequence
from course.analysis.pose import count_people, require_one_person, track_pose
from course.analysis.problems import ClipProblem, MorePeopleThanOne
from course.analysis.report import Report, build_report, refused
from course.analysis.shots import pick_shot, settled
from course.analysis.video import VideoFrame, VideoInfo, output_size, probe, read_frames
from course.content import Cue, content_dir, load_course
from course.landmarks import LandmarkSequence
from course.settings import Settings
from course.thresholds import LEVEL_ASSUMED

OnStage = Callable[[str, float], None]
"""on_stage(what is happening, fraction done 0..1), for a progress bar: the check's stages."""
# Frames for the annotated video are kept from the pose pass instead of decoding the clip a
# second time, when they fit in this much memory: a 45 s clip at 30 fps and 480 x 270 pixels.
# On a short clip decoding again was most of the annotation's cost; longer clips are decoded
# again, so memory stays bounded whatever is uploaded. They are kept at the largest size that
# fits: the pose pass's own frames (no copy; a 6 s clip at 1280 x 720 and 30 fps fits), else
# KEEP_DETAIL times the video's size, else the video's size. The video is cut to the person
# (course.analysis.annotate.person_crop) only after the pose pass, and a crop from larger
# frames is sharper.
KEEP_FOR_VIDEO_MB = 512
KEEP_DETAIL = 2  # times Settings.annotated_max_side: a crop to half the picture keeps every pixel it shows

OTHERS_LEFT_OUT = "Other people were in the picture further back; we followed you and left them out."
FRAMING_WHY = {
    FEET_OUT_OF_FRAME: "Your feet were out of the picture for much of the clip, so knee and shin angles are less sure.",
    HEAD_OUT_OF_FRAME: (
        "Your head was out of the picture for much of the clip, so the neck and upper back could not be judged."
    ),
    PERSON_TOO_SMALL: "You were small in the picture; stand closer (2 to 4 m) so the joints can be measured precisely.",
}


@dataclass(frozen=True)
class Analysis:
    """A checked clip: the report; for a clip that was not refused, the measured track (for
    the 3D replay); and when asked for, the annotated video and its WebVTT subtitles, read
    into memory so that the folder they were written in can go."""

    report: Report
    track: MotionTrack | None = None
    video: bytes | None = None  # H.264 MP4
    subtitles: str | None = None  # WebVTT


log = logging.getLogger(__name__)
NO_ANNOTATED_VIDEO = (
    "We could not draw on your video this time (a problem on our side); everything else in this report is complete."
)


def check_clip(
    path: str | Path,
    *,
    settings: Settings | None = None,
    cues: Mapping[str, Cue] | None = None,
    progress: OnStage | None = None,
    exercise: str = NOT_SURE,
) -> Report:
    """Analyse a clip and return its report (refused with a learner's message when it can't be judged)."""
    return analyse_clip(path, settings=settings, cues=cues, progress=progress, exercise=exercise).report


def analyse_clip(
    path: str | Path,
    *,
    settings: Settings | None = None,
    cues: Mapping[str, Cue] | None = None,
    progress: OnStage | None = None,
    annotate_in: Path | None = None,
    exercise: str = NOT_SURE,
) -> Analysis:
    """Like check_clip, keeping what the page draws besides the report.

    exercise: what the learner says they filmed (an id of course.analysis.exercises.EXERCISES).

    annotate_in: a folder (the caller's, which it deletes) to write the annotated video in;
    None makes no video.
    """
    settings = settings or Settings.from_env()
    cues = load_course(content_dir()).cues if cues is None else cues
    timings: dict[str, float] = {}
    say = progress or (lambda stage, done: None)
    try:
        with _timed(timings, "probe"):
            say("Opening your clip", 0.0)
            info = probe(path, settings.limits)
        with _timed(timings, "pose"):

            def pose_progress(done: int, expected: int | None) -> None:
                say("Finding your joints", min(0.95, 0.9 * done / expected) if expected else 0.5)

            width, height = info.width, info.height
            frames = read_frames(path, info, max_side=settings.analysis_max_side)
            small: list[VideoFrame] | None = None
            kept_side = _kept_side(info, settings) if annotate_in is not None else None
            if kept_side is not None:
                small = []
                frames = _keeping_small(frames, output_size(info, kept_side), small)
            seq: LandmarkSequence = track_pose(
                frames,
                width,
                height,
                every_nth=settings.pose_step(info.fps),
                progress=pose_progress,
                expected_frames=info.frame_count,
                keep_samples=settings.people_samples,
            )
        seq, shot_note = pick_shot(seq)  # a clip cut together from shots: judge the longest one
        shot = seq  # whoever walks in with the lifter counts as much as whoever stands beside them
        seq, walk_note = settled(seq)  # and only the set: not the walk into place or away
        require_one_person(seq, people=1)  # light and presence: quick, and needed before the angles
        # Counting people runs a second model on a few frames: on the other core, while the
        # angles, the rules and the annotated video are worked out. It is waited for before
        # anything is returned, and a second person refuses the clip all the same.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="count-people") as helper:
            counting = helper.submit(count_people, getattr(shot, "samples", ()), shot)
            try:
                report, track, video, subtitles = _judge(
                    path, info, seq, cues, settings, annotate_in, timings, say, small, exercise
                )
            finally:
                with _timed(timings, "people"):
                    say("Checking who is in the picture", 0.97)
                    people = counting.result()
        if people.count >= 2:
            raise MorePeopleThanOne()
        notes = (
            tuple(note for note in (shot_note, walk_note) if note)
            + report.notes
            + ((OTHERS_LEFT_OUT,) if people.background else ())
        )
        report = dataclasses.replace(report, timings=dict(timings), notes=notes)
        say("Done", 1.0)
        return Analysis(report, track, video, subtitles)
    except ClipProblem as problem:
        return Analysis(refused(problem.message, problem.code, timings))


def _judge(
    path: str | Path,
    info: VideoInfo,
    seq: LandmarkSequence,
    cues: Mapping[str, Cue],
    settings: Settings,
    annotate_in: Path | None,
    timings: dict[str, float],
    say: OnStage,
    small: list[VideoFrame] | None = None,
    exercise: str = NOT_SURE,
) -> tuple[Report, MotionTrack, bytes | None, str | None]:
    """Angles, view, rules, report and (when asked for) the annotated video of a tracked clip."""
    with _timed(timings, "motion"):
        track = measure_motion(seq)
        # which way is up: the angles that lean on the vertical are measured from the true one
        level = estimate_level(getattr(seq, "samples", ()), seq, track)
        level_seq = level_sequence(seq, level.up_deg)
        if level_seq is not seq:
            track = measure_motion(level_seq)
        view = classify_view(level_seq)
        framing = framing_problems(seq)
    with _timed(timings, "faults"):
        judgement = find_faults(
            track,
            view.view,
            off_side_deg=abs(90.0 - view.azimuth_deg),
            vertical_error_deg=level.plus_minus,
            exercise=exercise,
        )
        extra = tuple(NotJudged("framing", FRAMING_WHY.get(problem, problem)) for problem in framing)
        judgement = dataclasses.replace(judgement, not_judged=judgement.not_judged + extra)
    notes: tuple[str, ...] = ()
    if level.source in ("scene", "body", "scene+body") and abs(level.up_deg) >= LEVEL_ASSUMED.value:
        notes = (
            f"Your phone was tilted about {abs(level.up_deg):.0f}°; we measured your angles from the true vertical.",
        )
    report = build_report(
        track,
        judgement,
        cues,
        view=view.view,
        people=1,
        timings=timings,
        notes=notes,
        clip={
            "duration_s": round(float(track.t_s[-1]) if len(track.t_s) else 0.0, 2),
            "frames": len(track.t_s),
            "width": info.width,
            "height": info.height,
            "size_bytes": info.size_bytes,
            "up_deg": round(level.up_deg, 1),
            "up_plus_minus": round(level.plus_minus, 1),
            "level": level.source,
            "level_reason": level.reason,
        },
    )
    video = subtitles = None
    if annotate_in is not None and report.reps:
        with _timed(timings, "annotate"):
            say("Drawing on your video", 0.92)
            try:
                annotated = annotate_clip(
                    path,
                    info,
                    seq,
                    track,
                    report,
                    Path(annotate_in),
                    max_side=settings.annotated_max_side,
                    frames=small,
                )
                video = annotated.video_path.read_bytes()
                subtitles = annotated.subtitles_path.read_text(encoding="utf-8")
            except (av.error.FFmpegError, OSError):
                # The judgement is done and sound; only the drawing failed (an encoder or disk
                # problem on our side). Keep the report and say the video is missing.
                log.exception("The annotated video could not be made; the report is kept without it")
                report = dataclasses.replace(report, notes=(*report.notes, NO_ANNOTATED_VIDEO))
    return report, track, video, subtitles


def _kept_side(info: VideoInfo, settings: Settings) -> int | None:
    """The long side, pixels, of the frames kept from the pose pass for the annotated video:
    the largest that fits KEEP_FOR_VIDEO_MB (see there), None when none does."""
    largest, video = settings.analysis_max_side, settings.annotated_max_side
    for side in (largest, min(largest, KEEP_DETAIL * video), min(largest, video)):
        if _small_frames_fit(info, side):
            return side
    return None


def _small_frames_fit(info: VideoInfo, max_side: int) -> bool:
    """Whether the clip's frames at the annotated video's size fit KEEP_FOR_VIDEO_MB."""
    if not info.frame_count:
        return False
    width, height = output_size(info, max_side)
    return info.frame_count * width * height * 3 <= KEEP_FOR_VIDEO_MB * 1024 * 1024


def _keeping_small(frames: Iterable[VideoFrame], size: tuple[int, int], kept: list[VideoFrame]) -> Iterator[VideoFrame]:
    """The frames, passed on as they are, with a copy of each at `size` added to `kept`."""
    for frame in frames:
        image = frame.image
        if (image.shape[1], image.shape[0]) != size:
            image = cv2.resize(image, size, interpolation=cv2.INTER_LINEAR)  # 10x quicker than AREA; fine for a preview
            image.flags.writeable = False
        kept.append(VideoFrame(frame.index, frame.t_s, image))
        yield frame


@contextmanager
def _timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - start
