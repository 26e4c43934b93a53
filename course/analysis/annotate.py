"""The learner's clip with the analysis drawn on it: an H.264 MP4 that browsers play, and WebVTT
subtitles for the page's `<track>` element.

    annotate_clip(path, info, seq, track, report, out_dir) -> AnnotatedVideo

This module decodes the clip again and runs the three parts, each a module of its own: the
drawing (course.analysis.overlay), the subtitles (course.analysis.subtitles) and the H.264
file (course.analysis.encode). What each draws or writes, and why, is described here.

The clip is decoded again with `read_frames` (upright RGB, each frame's own timestamp), so frame
k here is frame k of the analysis: `seq` and `track` are indexed by it (a frame is matched to the
analysis row nearest in time, should a decoder ever disagree on the count).

The picture shows the person: a phone clip pillarboxed into a landscape frame, or a lifter small
in a wide one, is cut to the part they move in over the whole clip (person_crop: every
landmark seen, with room for the bar, the head and the labels; one box for the clip, so the
picture never jumps) before it is sized to max_side (framed_size). A person who fills the
picture already, and a clip in which nobody was found, keep the whole picture. The crop is cut
from each frame as it is resized, so it costs no extra pass over the frames.

What is drawn on each frame (on a copy of the picture, after the crop; sizes are shares of the
frame's SHORT side, the height of a landscape clip and the width of a portrait one, so text
reads the same on a phone whatever the clip's shape; every label is kept inside the frame)
    skeleton   MediaPipe's body connections (course.landmarks.CONNECTIONS without the face and
               fingers, which only clutter a side view) plus ear -> shoulder, the neck line the
               back and head rules read. Landmarks seen with visibility >= VISIBLE (0.5, the
               analysis' own cut-off) only. The side nearest the camera (track.side) bright and
               thick, the far side dim and thin.
    angles     hip, knee and trunk from the track's SMOOTHED series at that frame (what the rules
               judged, not the raw jitter), e.g. "hip 84°" beside the hip, on the side of the
               joint behind the person (the person faces track.facing), where the picture is
               usually empty; elsewhere around the joint when that place is taken (see
               Painter). An angle not measured at that frame (NaN) is not labelled, and none
               is where the report's angles may not be shown at all (a camera that did not
               see the body's side: course.analysis.presenting.angles_shown, the rule the page
               and the command line follow too).
    rep        "Rep 2 of 3" in the top-left corner from each rep's start to its end.
    faults     a red banner under it with the title of the rep's thing to work on (the
               report's cue for that rep, in the words of `content/cues.yaml`), around the
               moment its rule measured it and within the rep's time: the report's
               VideoPlan (course.analysis.presenting.video_plan) says what and when. A fault
               found on a rep but not its thing to work on gets no banner. At most
               MAX_BANNERS at once.
    A frame where the tracker found nobody is written as it was: nothing is drawn on it.

The video file
    H.264 (libx264), yuv420p, High profile, in an MP4 with `movflags=+faststart` (the index is
    written before the picture data, so a browser starts playing before the whole file has
    arrived). Width and height are made even (yuv420p needs it): the crop's are even, and an
    uncropped picture loses its last column or row. No audio. Each frame is written with its
    own timestamp in a 1/90000 s time base, so a variable-frame-rate phone clip keeps its
    timing; the stream's nominal rate (the clip's average) only sets the last frame's
    duration. PRESET and CRF below say why they were picked.

The subtitles (WebVTT)
    One cue per rep ("Rep 1 of 3", from the rep's start for REP_CUE_S) and one per banner
    ("Rep 1: Your back rounded —" then the first words of the cue's "try this", shortened to
    SUBTITLE_LINE_CHARS so the cue fits two lines), timed like the banners. Times are
    HH:MM:SS.mmm; cues are in order of their start.

Speed (measured here, 2 cores, on the real clips; bare decode + pose costs about 21 ms/frame)
    Frames are decoded on one thread, drawn on the caller's and converted and encoded on a
    third (PyAV, OpenCV and x264 release the GIL). At max_side 720 the whole costs 3.1-4.7
    ms/frame (decoding 1.2-2.7, drawing 0.6, encoding 1.8-2.2, overlapping), at 480 2.8-3.8:
    with the rest of the analysis, 1.25-1.36 times bare decode + pose at 720, 1.20-1.31 at 480
    (the shorter the clip, the more the people count's fixed cost weighs). Label sprites are
    kept (Painter) because putText was half of the drawing. See PRESET, X264_PARAMS and
    ENCODE_IN_THREAD. The crop (measured as CPU time of the whole check, the machine shared
    with other work): no change on a clip left whole (deadlift-side-2reps, 6.0 s both ways,
    its kept frames no longer shrunk during the pose pass); 5-6 % more on the pillarboxed
    rdl-rounded-back-side (3.0-3.1 s to 3.2-3.3 s: its 326 x 480 video has a fifth more
    pixels than the 480 x 270 one, and the shrinking moved from the pose pass to here).
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Generator, Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from course.analysis.ahead import read_ahead
from course.analysis.encode import ENCODE_IN_THREAD, QUEUE_FRAMES, encode_mp4
from course.analysis.kinematics import VISIBLE, MotionTrack
from course.analysis.overlay import MAX_BANNERS, Painter, hershey_text
from course.analysis.presenting import video_plan
from course.analysis.report import Report
from course.analysis.subtitles import subtitle_flashes, webvtt
from course.analysis.video import VideoFrame, VideoInfo, output_size, read_frames
from course.landmarks import Landmark, LandmarkSequence
from course.thresholds import CROP_ASPECT, CROP_KEEP_WHOLE, CROP_MARGIN, CROP_MAX_ENLARGE, CROP_MIN_SIDE

L = Landmark

DECODE_IN_THREAD = True
PROGRESS_INTERVAL_S = 0.2  # seconds between progress calls, as track_pose's (and at the end)
VIDEO_NAME = "annotated.mp4"
SUBTITLES_NAME = "annotated.vtt"

OnFrames = Callable[[int, "int | None"], None]
Box = tuple[int, int, int, int]  # x0, y0, x1, y1 pixels of the upright clip, x1 and y1 excluded


@dataclass(frozen=True, slots=True)
class AnnotatedVideo:
    """What annotate_clip wrote. video_path: the H.264 MP4; subtitles_path: the WebVTT file;
    width, height: pixels of the video (even); frames: frames written; duration_s: seconds,
    the last frame's time plus its duration (what a player shows); crop: the part of the
    upright clip shown, in its pixels (person_crop), None for all of it."""

    video_path: Path
    subtitles_path: Path
    width: int
    height: int
    frames: int
    duration_s: float
    crop: Box | None = None


def annotate_clip(
    path: str | os.PathLike[str],
    info: VideoInfo,
    seq: LandmarkSequence,
    track: MotionTrack,
    report: Report,
    out_dir: Path,
    *,
    max_side: int = 720,
    progress: OnFrames | None = None,
    frames: Sequence[VideoFrame] | None = None,
) -> AnnotatedVideo:
    """Write the clip with its skeleton, angles, reps and faults drawn on it, and its subtitles.

    path, info: the clip and its `probe` result. seq: its landmarks (course.analysis.pose's
    TrackedSequence, or any LandmarkSequence with the clip's frame times); track:
    `measure_motion(seq)`; report: `build_report(...)` for it (what its VideoPlan says is
    shown: course.analysis.presenting.video_plan).
    out_dir: an existing folder the caller owns; VIDEO_NAME and SUBTITLES_NAME are written into
    it (replacing earlier ones) and nothing else is left there.
    max_side: pixels, the video's long side (256 or more): the whole picture is never
    enlarged; the part around the person (person_crop) is sized to it (framed_size).
    progress: called as progress(frames_done, frames_expected) about 5 times a second and once
    at the end; frames_expected is len(seq).
    frames: the clip's frames already decoded (kept from the pose pass, course.analysis.check),
    upright at any size of the clip's shape: the larger, the sharper a crop; None decodes
    the clip again at the size the crop needs.
    Raises ValueError for max_side < 256 or an empty seq; whatever read_frames raises
    (ClipProblems, which a clip that was just analysed does not raise); av.error.FFmpegError
    when the encoder fails (not the learner's doing: the caller decides whether to show the
    report without the video). Nothing partial is left in out_dir when it raises.
    """
    if max_side < 256:
        raise ValueError(f"max_side must be 256 or more, got {max_side}")
    if len(seq) == 0:
        raise ValueError("annotate_clip needs the analysed frames: seq is empty")
    out_dir = Path(out_dir)
    video_path = out_dir / VIDEO_NAME
    subtitles_path = out_dir / SUBTITLES_NAME
    fps = _average_fps(info, seq.t_s)
    plan = video_plan(report)
    banners = tuple((flash.start_s, flash.end_s, hershey_text(flash.text)) for flash in plan.banners)
    reps = tuple((flash.start_s, flash.end_s, flash.text) for flash in plan.rep_labels)
    # Angles measured in the picture are the body's only when its side was seen
    angles = {"hip": track.hip_deg, "knee": track.knee_deg, "trunk": track.trunk_deg} if plan.show_angles else {}
    found = seq.visibility.max(axis=1) > 0
    total = len(seq)
    crop = person_crop(seq.image[..., :2], seq.visibility, info.width, info.height)
    size = framed_size(info, crop, max_side)
    # the landmarks, normalised to the whole picture, moved into the crop's
    shift, stretch = np.zeros(2), np.ones(2)
    if crop is not None:
        shift = np.array([crop[0] / info.width, crop[1] / info.height])
        stretch = np.array([info.width / (crop[2] - crop[0]), info.height / (crop[3] - crop[1])])
    painter = Painter(*size, side=track.side, facing=track.facing)

    def drawn() -> Generator[tuple[np.ndarray, float], None, None]:
        reported = -math.inf
        if frames is not None:
            source: Iterable[VideoFrame] = frames
        else:
            # decoded at the size the crop needs, so it is only cut (and nudged to the pixel)
            scale = size[0] / (crop[2] - crop[0]) if crop is not None else 1.0
            side = math.ceil(max(info.width, info.height) * scale) if crop is not None else max_side
            decoded = read_frames(path, info, max_side=side)
            source = read_ahead(decoded, QUEUE_FRAMES, name="annotate-decoder") if DECODE_IN_THREAD else decoded
        for frame in source:
            row, t = _nearest(seq.t_s, frame.t_s), frame.t_s
            canvas = _framing(frame.image, crop, (info.width, info.height), size)
            if found[row]:
                painter.paint(
                    canvas,
                    (seq.image[row, :, :2] - shift) * stretch,
                    seq.visibility[row],
                    {name: float(series[row]) for name, series in angles.items()},
                    # the later rep where one ends as the next starts
                    next((label for start, end, label in reversed(reps) if start <= t <= end), None),
                    [text for start, end, text in banners if start <= t <= end][:MAX_BANNERS],
                )
            yield canvas, t
            now = time.monotonic()
            if progress is not None and now - reported >= PROGRESS_INTERVAL_S:
                progress(frame.index + 1, total)
                reported = now

    partial_video = out_dir / (VIDEO_NAME + ".part")
    partial_subtitles = out_dir / (SUBTITLES_NAME + ".part")
    try:
        with closing(drawn()) as pictures:  # closed here, so the decoder thread stops on errors
            count, last_t, width, height = encode_mp4(pictures, partial_video, fps=fps, threaded=ENCODE_IN_THREAD)
        duration = last_t + 1.0 / fps  # the muxer gives the last frame the nominal duration
        partial_subtitles.write_text(webvtt(subtitle_flashes(plan, duration)), encoding="utf-8")
        partial_video.replace(video_path)
        partial_subtitles.replace(subtitles_path)
    except BaseException:
        partial_video.unlink(missing_ok=True)
        partial_subtitles.unlink(missing_ok=True)
        raise
    if progress is not None:
        progress(count, total)
    return AnnotatedVideo(
        video_path=video_path,
        subtitles_path=subtitles_path,
        width=width,
        height=height,
        frames=count,
        duration_s=duration,
        crop=crop,
    )


# --------------------------------------------------------------------------------------------
# Encoding


def _average_fps(info: VideoInfo, t_s: np.ndarray) -> float:
    """Frames per second for the stream's nominal rate: the header's, else from the times."""
    if info.fps and math.isfinite(info.fps) and info.fps > 0:
        return float(info.fps)
    if len(t_s) > 1 and t_s[-1] > t_s[0]:
        return float((len(t_s) - 1) / (t_s[-1] - t_s[0]))
    return 30.0


def _nearest(t_s: np.ndarray, t: float) -> int:
    i = int(np.searchsorted(t_s, t))
    if i >= len(t_s):
        return len(t_s) - 1
    if i > 0 and t - t_s[i - 1] < t_s[i] - t:
        return i - 1
    return i


# --------------------------------------------------------------------------------------------
# Framing the person


def person_crop(points: np.ndarray, visibility: np.ndarray, width: int, height: int) -> Box | None:
    """The part of the picture the annotated video shows: one box for the whole clip, so the
    picture never jumps. None where nobody was seen, or where the person already fills the
    picture (the box would cover CROP_KEEP_WHOLE of it or more).

    points: (frames, 33, 2) normalised x, y of the upright picture; visibility: (frames, 33);
    width, height: pixels of the upright picture. The box holds every landmark seen
    (visibility >= VISIBLE) on any frame, with CROP_MARGIN of the person's size (the taller
    side of the box those landmarks span: a hinge's standing height) around them, grown
    about its centre to CROP_MIN_SIDE of the picture's long side and into CROP_ASPECT, moved
    and cut to lie inside the picture; its width, height, x0 and y0 are even (yuv420p)."""
    even_w, even_h = width - width % 2, height - height % 2
    seen = (visibility >= VISIBLE.value) & np.isfinite(points).all(axis=-1)
    if even_w < 2 or even_h < 2 or not seen.any():
        return None
    xs, ys = points[..., 0][seen] * width, points[..., 1][seen] * height
    left, right = float(xs.min()), float(xs.max())
    top, bottom = float(ys.min()), float(ys.max())
    margin = CROP_MARGIN.value * max(bottom - top, right - left)
    left, right, top, bottom = left - margin, right + margin, top - margin, bottom + margin
    w, h = right - left, bottom - top
    least = CROP_MIN_SIDE.value * max(width, height)
    if max(w, h) < least:  # grow the long side, keeping the shape
        grow = least / max(w, h)
        w, h = w * grow, h * grow
    narrowest, widest = CROP_ASPECT.value
    w, h = max(w, narrowest * h), max(h, w / widest)
    box_w, box_h = min(even_w, _even_up(w)), min(even_h, _even_up(h))
    if box_w * box_h >= CROP_KEEP_WHOLE.value * width * height:
        return None
    x0 = _even_down(min(max(0.5 * (left + right) - 0.5 * box_w, 0.0), even_w - box_w))
    y0 = _even_down(min(max(0.5 * (top + bottom) - 0.5 * box_h, 0.0), even_h - box_h))
    return x0, y0, x0 + box_w, y0 + box_h


def framed_size(info: VideoInfo, crop: Box | None, max_side: int) -> tuple[int, int]:
    """(width, height) in pixels of the annotated video, both even: the whole picture shrunk as
    read_frames shrinks it (never enlarged) when there is no crop; a crop sized so its long
    side is max_side, enlarged by at most CROP_MAX_ENLARGE."""
    if crop is None:
        width, height = output_size(info, max_side)
    else:
        w, h = crop[2] - crop[0], crop[3] - crop[1]
        scale = min(max_side / max(w, h), CROP_MAX_ENLARGE.value)
        width, height = round(w * scale), round(h * scale)
    return max(2, width - width % 2), max(2, height - height % 2)


def _even_up(value: float) -> int:
    return 2 * math.ceil(value / 2 - 1e-9)


def _even_down(value: float) -> int:
    return 2 * math.floor(value / 2 + 1e-9)


def _framing(image: np.ndarray, crop: Box | None, source: tuple[int, int], size: tuple[int, int]) -> np.ndarray:
    """A writable (height, width, 3) copy of `image` (the upright picture at any size; source:
    its width and height in the clip's pixels) cut to `crop` (clip pixels; None: all of it)
    and resized to `size`. A picture already at `size` is only cut to it (an odd last row or
    column dropped)."""
    width, height = size
    if crop is None:
        if image.shape[1] in (width, width + 1) and image.shape[0] in (height, height + 1):
            return np.array(image[:height, :width])
        region = image
    else:
        sx, sy = image.shape[1] / source[0], image.shape[0] / source[1]
        region = image[round(crop[1] * sy) : round(crop[3] * sy), round(crop[0] * sx) : round(crop[2] * sx)]
        if region.shape[:2] == (height, width):
            return np.array(region)
    return cv2.resize(region, size, interpolation=cv2.INTER_LINEAR)  # a tenth of INTER_AREA's time
