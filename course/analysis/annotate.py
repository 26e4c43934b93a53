"""The learner's clip with the analysis drawn on it: an H.264 MP4 that browsers play, and WebVTT
subtitles for the page's `<track>` element.

    annotate_clip(path, info, seq, track, report, out_dir) -> AnnotatedVideo

The clip is decoded again with `read_frames` (upright RGB, each frame's own timestamp), so frame
k here is frame k of the analysis: `seq` and `track` are indexed by it (a frame is matched to the
analysis row nearest in time, should a decoder ever disagree on the count).

What is drawn on each frame (on a copy of the picture; sizes are shares of the frame's SHORT
side, the height of a landscape clip and the width of a portrait one, so text reads the same on
a phone whatever the clip's shape)
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
    arrived). Width and height are made even (yuv420p needs it) by dropping the last column or
    row. No audio. Each frame is written with its own timestamp in a 1/90000 s time base, so a
    variable-frame-rate phone clip keeps its timing; the stream's nominal rate (the clip's
    average) only sets the last frame's duration. PRESET and CRF below say why they were picked.

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
    ENCODE_IN_THREAD.
"""

from __future__ import annotations

import html
import math
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import closing, nullcontext
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from course.analysis.ahead import read_ahead
from course.analysis.kinematics import VISIBLE, MotionTrack
from course.analysis.presenting import Flash, VideoPlan, video_plan
from course.analysis.report import Report
from course.analysis.video import VideoFrame, VideoInfo, read_frames
from course.landmarks import CONNECTIONS, Landmark, LandmarkSequence

L = Landmark

# --- the video file ---------------------------------------------------------------------------

CODEC = "libx264"
PIX_FMT = "yuv420p"  # 4:2:0 8-bit: the only H.264 pixel format every browser decodes
TIME_BASE = Fraction(1, 90000)  # seconds per tick: MPEG's 90 kHz clock, finer than any frame
# x264's speed/size trade-off. Measured here (2 cores) on the real clips, CRF 26, encoding
# alone at 720 x 404 and 492 x 720: ultrafast 1.1-1.3 ms/frame but files 4.3-4.9 times
# veryfast's; superfast 1.9-2.1 ms/frame, twice the file; veryfast 2.1-2.9 ms/frame; medium
# (x264's default) about twice veryfast's time for a 5-10% larger file. In the whole of
# annotate_clip medium costs 2-3 ms/frame more than veryfast, ultrafast 0.3-1.3 less.
PRESET = "veryfast"
# veryfast's sub-pixel search and lookahead cut to the bone: 15-25% less encoding time
# (1.8-2.2 ms/frame) for files within 3% of veryfast's and pictures that differ by no more than
# two encodings of the same frames do (PSNR 34 dB between them; the lines and text look the same).
X264_PARAMS = "subme=1:rc-lookahead=5"
# Constant quality, 0 (lossless) to 51; x264's default is 23. 26 keeps the drawn lines and
# text sharp at phone size for about 0.4 Mbit/s at 720 x 404 (190 KB for a 4 s clip).
CRF = 26
KEYFRAME_S = 2.0  # seconds between keyframes at most: browsers seek to one, then decode on
MOVFLAGS = "+faststart"
# Frames waiting for the encoder thread: enough to ride out x264's bursts, few enough to keep
# memory small (each is one RGB frame, about 0.9 MB at 720 x 404).
QUEUE_FRAMES = 8
# The three steps on three threads: decode (read_frames), draw (the caller's thread), encode.
# Measured on the real clips at 720 pixels, the whole of annotate_clip: all on one thread
# 4.9-6.8 ms/frame; encoding on its own thread 3.9-5.3 (the CPU time is the same, about 6-8.5
# ms/frame, spread over 1.5-1.7 cores instead of 1.2); decoding on a third thread takes
# 0.3-0.4 ms/frame more off 1280 x 720 sources, whose decoding and shrinking is the slowest
# step, and changes nothing for smaller ones.
ENCODE_IN_THREAD = True
DECODE_IN_THREAD = True
PROGRESS_INTERVAL_S = 0.2  # seconds between progress calls, as track_pose's (and at the end)
VIDEO_NAME = "annotated.mp4"
SUBTITLES_NAME = "annotated.vtt"

# --- what is drawn ----------------------------------------------------------------------------

MAX_BANNERS = 2  # banners at once; more would cover the person
REP_CUE_S = 1.5  # seconds the "Rep 1 of 3" subtitle shows from the rep's start
SUBTITLE_MIN_S = 2.0  # seconds a fault subtitle shows at least: two short lines take that to read
SUBTITLE_LINE_CHARS = 42  # characters per subtitle line: the usual limit for captions on screens

# Sizes as shares of the frame's short side (pixels = share x short side).
LINE_NEAR = 0.009  # skeleton line, near side: 4 px on a 405-pixel-high frame
LINE_FAR = 0.0045  # far side
JOINT_RADIUS = 0.011
LABEL_TEXT = 0.048  # capital height of the angle labels: about 19 px on 405
REP_TEXT = 0.048  # "Rep 2 of 3"
BANNER_TEXT = 0.058  # the fault's title: about 23 px on 405, the largest text
MARGIN = 0.025  # between the frame's edge and a box
PAD = 0.45  # inside a box around text, a share of the text's height
LABEL_OFFSET = 0.05  # from a joint to its label
MIN_TEXT_SHRINK = 0.6  # a banner's text may shrink to this share of BANNER_TEXT to fit two lines
DIM = 0.35  # brightness kept under a label's box (0 black .. 1 unchanged)
MAX_SPRITES = 1500  # drawn labels kept (about 30 KB each at 720 x 404); more start afresh
# Placing a label: a place costs 1000 x the share of it covered by other labels or the header,
# plus 10 per skeleton point under it, plus its rank (behind the joint first). The previous
# frame's place is let off STICKY, so a label moves only when two more skeleton points (or a
# few percent of another label) would fall under it: hopping labels are harder to read.
STICKY = 25

FONT = cv2.FONT_HERSHEY_DUPLEX
FONT_CAP_PX = 22.0  # capital height of the Hershey fonts at scale 1, pixels

# Colours, RGB (the frames are RGB).
NEAR_COLOUR = (255, 255, 255)
NEAR_JOINT_COLOUR = (0, 200, 255)
FAR_COLOUR = (150, 150, 150)
ANGLE_COLOURS = {"hip": (255, 214, 10), "knee": (80, 230, 120), "trunk": (255, 140, 230)}
TEXT_COLOUR = (255, 255, 255)
BANNER_COLOUR = (215, 35, 35)

# The skeleton drawn: MediaPipe's connections between body points (no face, no fingers), plus
# the neck line (ear -> shoulder) that the back and head rules use.
_BODY = {L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_ELBOW, L.RIGHT_ELBOW, L.LEFT_WRIST,
         L.RIGHT_WRIST, L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_KNEE, L.RIGHT_KNEE, L.LEFT_ANKLE,
         L.RIGHT_ANKLE, L.LEFT_HEEL, L.RIGHT_HEEL, L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX}
BONES: tuple[tuple[Landmark, Landmark], ...] = tuple(sorted(
    {(a, b) for a, b in CONNECTIONS if a in _BODY and b in _BODY}
    | {(L.LEFT_EAR, L.LEFT_SHOULDER), (L.RIGHT_EAR, L.RIGHT_SHOULDER)}))
JOINTS: tuple[Landmark, ...] = tuple(sorted(_BODY | {L.LEFT_EAR, L.RIGHT_EAR}))
_BONE_INDEX = np.array(BONES, dtype=int).reshape(-1, 2)
_JOINT_INDEX = np.array(JOINTS, dtype=int)

OnFrames = Callable[[int, "int | None"], None]


@dataclass(frozen=True, slots=True)
class AnnotatedVideo:
    """What annotate_clip wrote. video_path: the H.264 MP4; subtitles_path: the WebVTT file;
    width, height: pixels of the video (even); frames: frames written; duration_s: seconds,
    the last frame's time plus its duration (what a player shows)."""

    video_path: Path
    subtitles_path: Path
    width: int
    height: int
    frames: int
    duration_s: float


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
    max_side: pixels, the video's long side at most (never enlarged; 256 or more).
    progress: called as progress(frames_done, frames_expected) about 5 times a second and once
    at the end; frames_expected is len(seq).
    frames: the clip's frames already decoded at output_size(info, max_side) (kept from the
    pose pass, course.analysis.check); None decodes the clip again.
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
    angles = ({"hip": track.hip_deg, "knee": track.knee_deg, "trunk": track.trunk_deg}
              if plan.show_angles else {})
    found = seq.visibility.max(axis=1) > 0
    total = len(seq)
    predecoded = frames  # ("frames" is reused below for the drawn frames)

    def drawn() -> Iterator[tuple[np.ndarray, float]]:
        reported = -math.inf
        painter: Painter | None = None
        if predecoded is not None:
            source: Iterable[VideoFrame] = predecoded
        else:
            decoded = read_frames(path, info, max_side=max_side)
            source = read_ahead(decoded, QUEUE_FRAMES, name="annotate-decoder") if DECODE_IN_THREAD else decoded
        for frame in source:
            if painter is None:
                height, width = frame.image.shape[:2]
                painter = Painter(width - width % 2, height - height % 2, side=track.side,
                                  facing=track.facing)
            row, t = _nearest(seq.t_s, frame.t_s), frame.t_s
            canvas = np.array(frame.image[:painter.height, :painter.width])
            if found[row]:
                painter.paint(
                    canvas, seq.image[row, :, :2], seq.visibility[row],
                    {name: float(series[row]) for name, series in angles.items()},
                    # the later rep where one ends as the next starts
                    next((label for start, end, label in reversed(reps) if start <= t <= end),
                         None),
                    [text for start, end, text in banners if start <= t <= end][:MAX_BANNERS])
            yield canvas, t
            now = time.monotonic()
            if progress is not None and now - reported >= PROGRESS_INTERVAL_S:
                progress(frame.index + 1, total)
                reported = now

    partial_video = out_dir / (VIDEO_NAME + ".part")
    partial_subtitles = out_dir / (SUBTITLES_NAME + ".part")
    try:
        with closing(drawn()) as frames:  # closed here, so the decoder thread stops on errors
            count, last_t, width, height = encode_mp4(frames, partial_video, fps=fps,
                                                      threaded=ENCODE_IN_THREAD)
        duration = last_t + 1.0 / fps  # the muxer gives the last frame the nominal duration
        partial_subtitles.write_text(webvtt(subtitle_flashes(plan, duration)),
                                     encoding="utf-8")
        partial_video.replace(video_path)
        partial_subtitles.replace(subtitles_path)
    except BaseException:
        partial_video.unlink(missing_ok=True)
        partial_subtitles.unlink(missing_ok=True)
        raise
    if progress is not None:
        progress(count, total)
    return AnnotatedVideo(video_path=video_path, subtitles_path=subtitles_path, width=width,
                          height=height, frames=count, duration_s=duration)


# --------------------------------------------------------------------------------------------
# What is shown when


def subtitle_flashes(plan: VideoPlan, duration_s: float) -> tuple[Flash, ...]:
    """The subtitle cues, ordered by start: one per rep label ("Rep 1 of 3" for REP_CUE_S, not
    past the rep's end) and one per banner ("Rep 1: " and the banner's words, the banner's
    time, at least SUBTITLE_MIN_S), all within 0..duration_s."""
    cues = [Flash(label.start_s, min(label.start_s + REP_CUE_S, label.end_s), label.text, label.rep)
            for label in plan.rep_labels]
    for banner in plan.banners:
        end = max(banner.end_s, banner.start_s + SUBTITLE_MIN_S)
        cues.append(Flash(banner.start_s, end, f"Rep {banner.rep}: {banner.text}", banner.rep,
                          banner.fault, banner.detail))
    clipped = []
    for cue in cues:
        start = min(max(cue.start_s, 0.0), duration_s)
        end = min(max(cue.end_s, start), duration_s)
        if end > start:
            clipped.append(Flash(start, end, cue.text, cue.rep, cue.fault, cue.detail))
    return tuple(sorted(clipped, key=lambda cue: (cue.start_s, cue.fault is not None, cue.end_s)))


def shorten(text: str, limit: int = SUBTITLE_LINE_CHARS) -> str:
    """The first sentence of `text` if it fits in `limit` characters; else its first clause
    (up to a comma) if that fills at least half of them; else as many whole words as fit.
    Ends with "…" when anything was cut."""
    text = " ".join(text.split())
    sentence = text.split(". ")[0].rstrip(".")
    if len(sentence) <= limit:
        return sentence + ("…" if len(sentence) < len(text.rstrip(".")) else ".")
    clause = sentence[:limit - 1]
    comma = max(clause.rfind(","), clause.rfind(";"))
    if comma >= limit // 2:
        return clause[:comma] + "…"
    space = clause.rfind(" ")
    return (clause[:space] if space > 0 else clause).rstrip(",;:") + "…"


def vtt_time(seconds: float) -> str:
    """Seconds as WebVTT's HH:MM:SS.mmm (rounded to the millisecond, never negative)."""
    ms = max(0, round(seconds * 1000))
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    secs, ms = divmod(ms, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{ms:03d}"


def webvtt(cues: Iterable[Flash]) -> str:
    """A WebVTT file: the "WEBVTT" header, then each cue as an id line ("rep-1" or
    "rep-1-rounded_back"), its times and one or two lines of text (&, < and > escaped), with a
    blank line between cues."""
    blocks = ["WEBVTT"]
    for cue in cues:
        ident = f"rep-{cue.rep}" + (f"-{cue.fault}" if cue.fault else "")
        text = cue.text + (" —\n" + shorten(cue.detail) if cue.detail else "")
        text = html.escape(text, quote=False).replace("-->", "->")
        blocks.append(f"{ident}\n{vtt_time(cue.start_s)} --> {vtt_time(cue.end_s)}\n{text}")
    return "\n\n".join(blocks) + "\n"


# --------------------------------------------------------------------------------------------
# Drawing


def _text_scale(share: float, short_side: int) -> float:
    return share * short_side / FONT_CAP_PX


def _thickness(scale: float) -> int:
    return max(1, round(2.2 * scale))


Box = tuple[int, int, int, int]  # x0, y0, x1, y1 pixels, x1 and y1 excluded


@dataclass(frozen=True, slots=True)
class Sprite:
    """Text ready to lay over a picture: picture x keep / 255 + paint, both (H, W, 3) uint8."""

    keep: np.ndarray
    paint: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return self.keep.shape[:2]


class Painter:
    """Draws the overlay on frames of one size. width, height: pixels of the frames it gets;
    side: the person's side nearest the camera ("left"/"right"); facing: the way they face in
    the picture ("left"/"right"). It remembers where each angle's label went on the previous
    frame, so labels stay put instead of hopping from frame to frame: paint the frames of one
    clip in order."""

    def __init__(self, width: int, height: int, *, side: str, facing: str) -> None:
        self.width, self.height = width, height
        self.unit = min(width, height)
        self.size = np.array([width, height], dtype=float)
        u = self.unit
        self.near_line = max(2, round(LINE_NEAR * u))
        self.far_line = max(1, round(LINE_FAR * u))
        self.radius = max(2, round(JOINT_RADIUS * u))
        self.margin = max(2, round(MARGIN * u))
        self.label_scale = _text_scale(LABEL_TEXT, u)
        self.rep_scale = _text_scale(REP_TEXT, u)
        self.banner_scale = _text_scale(BANNER_TEXT, u)
        self.offset = LABEL_OFFSET * u
        self.back = -1.0 if facing == "right" else 1.0  # x direction behind the person
        near = "LEFT" if side == "left" else "RIGHT"
        self.near_is = {lm: lm.name.startswith(near) for lm in Landmark}
        self.near_side = near
        self.far_side = "RIGHT" if near == "LEFT" else "LEFT"
        # (landmark, landmark, both near?) and (landmark, near?) as plain ints and bools, so
        # the per-frame loops stay cheap
        self._bone_rows = tuple((int(a), int(b), self.near_is[a] and self.near_is[b])
                                for a, b in BONES)
        self._joint_rows = tuple((int(lm), self.near_is[lm]) for lm in JOINTS)
        self._layouts: dict[str, tuple[float, tuple[str, ...], int, int]] = {}
        self._last_choice: dict[str, int] = {}
        self._sprites: dict[tuple[str, float, tuple[int, int, int], bool], Sprite] = {}
        self._banners: dict[str, np.ndarray] = {}

    # -- pieces ---------------------------------------------------------------------------

    def _sprite(self, text: str, scale: float, colour: tuple[int, int, int], *,
                ring: bool) -> Sprite:
        """The text in `colour` on a box padded by PAD that darkens the picture to DIM, with a
        degree sign's ring after it when `ring`. Drawn once per text and kept: putText is
        most of the drawing's cost, and a clip shows the same few hundred labels again and
        again (about 30 KB each)."""
        key = (text, scale, colour, ring)
        sprite = self._sprites.get(key)
        if sprite is None:
            thick = _thickness(scale)
            (tw, th), _ = cv2.getTextSize(text, FONT, scale, thick)
            radius = max(2, round(0.2 * th)) if ring else 0
            pad = max(2, round(PAD * th))
            cover = np.zeros((th + 2 * pad, tw + 3 * radius + 2 * pad), np.uint8)
            cv2.putText(cover, text, (pad, pad + th), FONT, scale, 255, thick, cv2.LINE_AA)
            if ring:
                cv2.circle(cover, (pad + tw + 2 * radius, pad + radius), radius, 255,
                           max(1, thick - 1), cv2.LINE_AA)
            a = cover[..., None].astype(np.float32) / 255
            keep = np.repeat(np.round(255 * DIM * (1 - a)), 3, axis=2).astype(np.uint8)
            paint = np.round(a * np.array(colour, np.float32)).astype(np.uint8)
            if len(self._sprites) >= MAX_SPRITES:
                self._sprites.clear()
            sprite = self._sprites[key] = Sprite(keep, paint)
        return sprite

    def _blend(self, canvas: np.ndarray, box: Box, sprite: Sprite) -> None:
        """A sprite at `box` (cut to the frame): picture x keep / 255 + paint."""
        x0, y0 = max(0, box[0]), max(0, box[1])
        x1, y1 = min(self.width, box[2]), min(self.height, box[3])
        if x1 <= x0 or y1 <= y0:
            return
        rows, cols = slice(y0 - box[1], y1 - box[1]), slice(x0 - box[0], x1 - box[0])
        roi = canvas[y0:y1, x0:x1]
        cv2.add(cv2.multiply(roi, sprite.keep[rows, cols], scale=1 / 255),
                sprite.paint[rows, cols], dst=roi)

    def _banner_layout(self, text: str) -> tuple[float, tuple[str, ...], int, int]:
        """(scale, lines, line height, box height) for a banner's text across the frame: up to
        two lines, shrunk down to MIN_TEXT_SHRINK if it must. Kept per text."""
        if text in self._layouts:
            return self._layouts[text]
        room = self.width - 2 * self.margin
        scale = self.banner_scale
        while True:
            thick = _thickness(scale)
            pad = max(2, round(PAD * FONT_CAP_PX * scale))
            lines = _wrap(text, room - 2 * pad, scale, thick)
            if len(lines) <= 2 or scale <= self.banner_scale * MIN_TEXT_SHRINK:
                break
            scale *= 0.9
        line_h = round(FONT_CAP_PX * scale * 1.5)
        box_h = 2 * pad + round(FONT_CAP_PX * scale) + (len(lines) - 1) * line_h
        self._layouts[text] = scale, tuple(lines), line_h, box_h
        return self._layouts[text]

    def _banner(self, text: str) -> np.ndarray:
        """The banner for a fault's title, (H, W - 2 x margin, 3) RGB: white text centred on
        BANNER_COLOUR. Kept per text."""
        banner = self._banners.get(text)
        if banner is None:
            scale, lines, line_h, box_h = self._banner_layout(text)
            banner = np.empty((box_h, self.width - 2 * self.margin, 3), np.uint8)
            banner[:] = BANNER_COLOUR
            thick = _thickness(scale)
            cap = round(FONT_CAP_PX * scale)
            pad = (box_h - cap - (len(lines) - 1) * line_h) // 2
            for i, line in enumerate(lines):
                (tw, _), _ = cv2.getTextSize(line, FONT, scale, thick)
                x = max(0, (banner.shape[1] - tw) // 2)
                cv2.putText(banner, line, (x, pad + cap + i * line_h), FONT, scale, TEXT_COLOUR,
                            thick, cv2.LINE_AA)
            self._banners[text] = banner
        return banner

    def _header(self, rep_label: str | None,
                banners: Sequence[str]) -> list[tuple[Box, Sprite | np.ndarray]]:
        """The rep label (a Sprite) and the banners (RGB pictures), top down, with their boxes."""
        out: list[tuple[Box, Sprite | np.ndarray]] = []
        top = self.margin
        if rep_label is not None:
            sprite = self._sprite(rep_label, self.rep_scale, TEXT_COLOUR, ring=False)
            h, w = sprite.shape
            out.append(((self.margin, top, self.margin + w, top + h), sprite))
            top += h + self.margin // 2
        for title in banners:
            banner = self._banner(title)
            h, w = banner.shape[:2]
            out.append(((self.margin, top, self.margin + w, top + h), banner))
            top += h + self.margin // 2
        return out

    # -- one frame ------------------------------------------------------------------------

    def paint(self, canvas: np.ndarray, points: np.ndarray, visibility: np.ndarray,
              angles: Mapping[str, float], rep_label: str | None,
              banners: Sequence[str]) -> None:
        """Draw on `canvas` (H, W, 3 uint8 RGB, written in place). points: (33, 2) normalised
        x, y of the upright picture; visibility: (33,) 0..1; angles: "hip", "knee", "trunk" ->
        degrees (NaN: not labelled); rep_label: "Rep 2 of 3" or None; banners: fault titles."""
        px = points * self.size
        seen = (visibility >= VISIBLE.value) & np.isfinite(px).all(axis=1)
        ipx = np.where(seen[:, None], px, 0).round().astype(np.int32).tolist()
        seen_list = seen.tolist()
        # far side first, so the near side is drawn over it
        for near_pass, colour, thickness in ((False, FAR_COLOUR, self.far_line),
                                             (True, NEAR_COLOUR, self.near_line)):
            for a, b, near in self._bone_rows:
                if near == near_pass and seen_list[a] and seen_list[b]:
                    cv2.line(canvas, ipx[a], ipx[b], colour, thickness, cv2.LINE_AA)
        for lm, near in self._joint_rows:
            if seen_list[lm]:
                cv2.circle(canvas, ipx[lm], self.radius if near else self.far_line + 1,
                           NEAR_JOINT_COLOUR if near else FAR_COLOUR, -1, cv2.LINE_AA)
        header = self._header(rep_label, banners)
        self._angle_labels(canvas, px, seen, angles, [box for box, _ in header])
        for box, picture in header:
            if isinstance(picture, Sprite):
                self._blend(canvas, box, picture)
            else:
                h = min(box[3], self.height) - box[1]
                if h > 0:
                    canvas[box[1]:box[1] + h, box[0]:box[2]] = picture[:h]

    def _point(self, px: np.ndarray, seen: np.ndarray, name: str) -> np.ndarray | None:
        """The near side's landmark `name` ("HIP") if seen, else the far side's, else None."""
        for side in (self.near_side, self.far_side):
            lm = L[f"{side}_{name}"]
            if seen[lm]:
                return px[lm]
        return None

    def _angle_labels(self, canvas: np.ndarray, px: np.ndarray, seen: np.ndarray,
                      angles: Mapping[str, float], taken: list[Box]) -> None:
        """'hip 84°' and the others beside their joints, each where it covers the least: of a
        few places around the joint (behind it first), the one overlapping no other label or
        header and the fewest skeleton points, the previous frame's place winning ties."""
        body = _skeleton_points(px, seen)
        b = self.back
        behind = [np.array(d) for d in
                  ((b, 0.0), (b, 0.8), (b, -0.8), (0.0, 1.0), (-b, 0.0), (0.0, -1.0))]
        hip = self._point(px, seen, "HIP")
        taken = list(taken)
        for name in ("trunk", "hip", "knee"):
            degrees = angles.get(name, math.nan)
            if not math.isfinite(degrees):
                continue
            if name == "trunk":
                shoulder = self._point(px, seen, "SHOULDER")
                if shoulder is None or hip is None:
                    continue
                along = shoulder - hip
                length = float(np.hypot(*along))
                if length < 1:
                    continue
                along /= length
                # perpendicular to the trunk on the back's side (behind a standing person,
                # above one bent over), then the others
                back_side = np.array([along[1] * -b, -along[0] * -b])
                at = 0.5 * (shoulder + hip)
                directions = [back_side, np.array([b, 0.0]), np.array([0.0, -1.0]), -back_side]
            else:
                at = hip if name == "hip" else self._point(px, seen, "KNEE")
                if at is None:
                    continue
                directions = behind
            sprite = self._sprite(f"{name} {degrees:.0f}", self.label_scale, ANGLE_COLOURS[name],
                                  ring=True)
            h, w = sprite.shape
            last = self._last_choice.get(name)
            box = None
            if last is not None and last < len(directions):  # still clear: it stays
                box = self._box_towards(at, directions[last], w, h)
                if _overlap(box, taken) > 0 or _inside(box, body) > 0:
                    box = None
            if box is None:
                boxes = [self._box_towards(at, d, w, h) for d in directions]
                costs = [_overlap(box, taken) * 1000 + _inside(box, body) * 10 + i
                         - (STICKY if i == last else 0) for i, box in enumerate(boxes)]
                self._last_choice[name] = int(np.argmin(costs))
                box = boxes[self._last_choice[name]]
            taken.append(box)
            self._blend(canvas, box, sprite)

    def _box_towards(self, at: np.ndarray, direction: np.ndarray, w: int, h: int) -> Box:
        """A w x h box whose near edge is LABEL_OFFSET from `at` in `direction`, inside the
        frame."""
        direction = direction / max(float(np.hypot(*direction)), 1e-9)
        cx, cy = at + direction * (self.offset + 0.5 * w * abs(direction[0])
                                   + 0.5 * h * abs(direction[1]))
        x0 = int(round(min(max(cx - w / 2, 0), self.width - w)))
        y0 = int(round(min(max(cy - h / 2, 0), self.height - h)))
        return x0, y0, x0 + w, y0 + h


def _skeleton_points(px: np.ndarray, seen: np.ndarray) -> np.ndarray:
    """(k, 2) pixels: the seen joints and the points a third and two thirds along each seen bone."""
    joints = px[_JOINT_INDEX[seen[_JOINT_INDEX]]]
    both = seen[_BONE_INDEX[:, 0]] & seen[_BONE_INDEX[:, 1]]
    a, b = px[_BONE_INDEX[both, 0]], px[_BONE_INDEX[both, 1]]
    return np.concatenate([joints, a + (b - a) / 3, a + 2 * (b - a) / 3])


def _inside(box: Box, points: np.ndarray) -> int:
    """How many points lie in the box."""
    x, y = points[:, 0], points[:, 1]
    return int(((x >= box[0]) & (x < box[2]) & (y >= box[1]) & (y < box[3])).sum())


def _overlap(box: Box, others: Sequence[Box]) -> float:
    """The share of `box`'s area covered by the others (summed)."""
    area = (box[2] - box[0]) * (box[3] - box[1])
    covered = 0
    for other in others:
        w = min(box[2], other[2]) - max(box[0], other[0])
        h = min(box[3], other[3]) - max(box[1], other[1])
        if w > 0 and h > 0:
            covered += w * h
    return covered / max(area, 1)


_ASCII = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                        "\u2013": "-", "\u2014": "-", "\u2026": "...", "\u00b0": " deg",
                        "\u00a0": " "})


def hershey_text(text: str) -> str:
    """`text` in the characters OpenCV's Hershey fonts can draw (ASCII): typographic quotes,
    dashes and the ellipsis become their plain forms, anything else is left out (the fonts
    would draw "?")."""
    return text.translate(_ASCII).encode("ascii", "ignore").decode("ascii")


def _wrap(text: str, room: int, scale: float, thick: int) -> list[str]:
    """Words of `text` in lines at most `room` pixels wide (a longer single word stays whole)."""
    lines: list[str] = []
    for word in text.split():
        trial = f"{lines[-1]} {word}" if lines else word
        if lines and cv2.getTextSize(trial, FONT, scale, thick)[0][0] <= room:
            lines[-1] = trial
        else:
            lines.append(word)
    return lines or [""]


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


def encode_mp4(frames: Iterable[tuple[np.ndarray, float]], path: Path, *, fps: float,
               threaded: bool = True, preset: str = PRESET, crf: int = CRF) -> (
        tuple[int, float, int, int]):
    """Write (RGB image, t_s) pairs as H.264 in MP4 (see the module docstring); every image
    the size of the first, with even width and height. fps: the nominal rate (sets the last
    frame's duration). threaded: encode on a second thread while `frames` produces the next.
    Returns (frames written, last t_s, width, height). Raises ValueError for no frames or an
    odd size, av.error.FFmpegError if the encoder fails, and whatever `frames` raises."""
    iterator = iter(frames)
    first = next(iterator, None)
    if first is None:
        raise ValueError("no frames to encode")
    height, width = first[0].shape[:2]
    if width % 2 or height % 2:
        raise ValueError(f"yuv420p needs an even width and height, got {width} x {height}")
    rate = Fraction(fps).limit_denominator(1001)
    with av.open(str(path), "w", format="mp4", options={"movflags": MOVFLAGS}) as container:
        stream = container.add_stream(CODEC, rate=rate)
        stream.width, stream.height, stream.pix_fmt = width, height, PIX_FMT
        stream.time_base = stream.codec_context.time_base = TIME_BASE
        stream.codec_context.gop_size = max(1, round(KEYFRAME_S * fps))
        stream.options = {"preset": preset, "crf": str(crf), "x264-params": X264_PARAMS}
        last_pts = -1

        def encode(image: np.ndarray, t_s: float) -> None:
            nonlocal last_pts
            # OpenCV's RGB -> I420 is BT.601 limited range, as FFmpeg's swscale would make it,
            # and faster (it releases the GIL and uses SIMD)
            frame = av.VideoFrame.from_ndarray(cv2.cvtColor(image, cv2.COLOR_RGB2YUV_I420),
                                               format=PIX_FMT)
            last_pts = max(round(t_s / TIME_BASE), last_pts + 1)
            frame.pts, frame.time_base = last_pts, TIME_BASE
            for packet in stream.encode(frame):
                container.mux(packet)

        count, last_t = 0, first[1]
        with _Worker(encode) if threaded else nullcontext() as worker:
            submit = worker.put if worker is not None else encode
            for image, t_s in _chain(first, iterator):
                if image.shape[:2] != (height, width):
                    raise ValueError("every frame must have the first frame's size")
                submit(image, t_s)
                count, last_t = count + 1, t_s
        for packet in stream.encode():
            container.mux(packet)
    return count, last_t, width, height


def _chain(first: tuple[np.ndarray, float],
           rest: Iterator[tuple[np.ndarray, float]]) -> Iterator[tuple[np.ndarray, float]]:
    yield first
    yield from rest


class _Worker:
    """Runs `work(image, t_s)` on a second thread, in order, from a bounded queue. Leaving the
    `with` block waits for the queue to empty; an error in the thread is raised in the caller
    at the next put or on leaving; an error in the caller stops the thread."""

    _STOP = object()

    def __init__(self, work: Callable[[np.ndarray, float], None]) -> None:
        self.work = work
        self.queue: queue.Queue = queue.Queue(maxsize=QUEUE_FRAMES)
        self.error: BaseException | None = None
        self.cancelled = False
        self.thread = threading.Thread(target=self._run, name="annotate-encoder", daemon=True)

    def __enter__(self) -> _Worker:
        self.thread.start()
        return self

    def _run(self) -> None:
        while True:
            item = self.queue.get()
            if item is self._STOP:
                return
            if self.error is not None or self.cancelled:
                continue  # drain, so the caller never blocks on a full queue
            try:
                self.work(*item)
            except BaseException as error:  # handed to the caller, raised there
                self.error = error

    def put(self, image: np.ndarray, t_s: float) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put((image, t_s))

    def __exit__(self, kind, value, traceback) -> None:
        if kind is not None:
            self.cancelled = True
        self.queue.put(self._STOP)
        self.thread.join()
        if kind is None and self.error is not None:
            raise self.error
