"""MediaPipe Pose on a clip's frames: 33 landmarks per frame, and how many people are in it.

The model: mediapipe 0.10.21's legacy `solutions.pose.Pose` with `model_complexity=1`
(BlazePose "full"), the only pose model shipped inside the wheel. Complexity 0 and 2 download
their model at run time and fail offline: never use them. The model looks at a 256 x 256 crop
around the person; about 19 ms per frame here, whatever the picture size.

One `Pose` object per analysis: it keeps tracking state from frame to frame and is not safe to
share between threads, and Streamlit serves each session on its own thread. `track_pose`
creates its own inside a `with` block and closes it when done.

What comes out: a `TrackedSequence`, which is a `course.landmarks.LandmarkSequence` (image
landmarks x, y normalised with y down and z; world landmarks in metres, hip-centred;
visibility 0..1; a frame with no person is NaN with visibility 0, never a guess) plus, per
frame, whether the model ran on it (`measured`) and how bright the picture was.

Real timestamps: MediaPipe's video mode smooths landmarks over time (a One Euro filter) using
each packet's timestamp. Its legacy Python API stamps every call 33 ms after the previous one;
`track_pose` sets the frame's own presentation time instead, so variable-frame-rate clips and
every-nth-frame runs are smoothed on their real timing.

Counting people: Pose follows one person. `count_people` hides that person on a few frames
and asks the model again (see its docstring).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import Any, NamedTuple

import cv2
import numpy as np

from course.analysis.ahead import read_ahead
from course.analysis.back import outline_bend
from course.analysis.problems import MorePeopleThanOne, NoPersonFound, TooDark
from course.analysis.video import VideoFrame
from course.landmarks import Landmark, LandmarkSequence
from course.thresholds import CUT_CHANGE, ON_SILHOUETTE, SAME_DISTANCE_SIZE, SILHOUETTE_REACH

L = Landmark
MODEL_COMPLEXITY = 1  # BlazePose "full": the only model inside mediapipe 0.10.21's wheel
# MediaPipe's own defaults (0..1): the person detector's score to start tracking, and the
# landmark model's score to keep tracking rather than detect again.
MIN_DETECTION_CONFIDENCE = 0.5
MIN_TRACKING_CONFIDENCE = 0.5
FRAME_INTERVAL_US = 33_333  # microseconds: the step MediaPipe's legacy API adds per call
# Frames decoded (and their brightness and thumbnail worked out) ahead of the pose model, on
# another thread: decoding and that arithmetic then run on the second core while MediaPipe
# works on the first. Enough to ride over a slow keyframe; at most 8 x 1280 x 720 x 3 bytes
# (22 MB) held at once.
READ_AHEAD_FRAMES = 8

TORSO = (L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_HIP, L.RIGHT_HIP)
# The joints the hinge is judged on, per side (for visibility statistics).
SIDES = {
    "left": (L.LEFT_SHOULDER, L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE),
    "right": (L.RIGHT_SHOULDER, L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE),
}

# Frames kept for count_people: those where the tracked person's shoulders and hips are seen
# at least this well (visibility 0..1), so hiding them leaves nothing of that person.
SAMPLE_TORSO_VISIBILITY = 0.5
# count_people: the hidden box grows by this share of the person's height and width per side
# (hands and hair reach past the landmarks).
MASK_PADDING = 0.15
# count_people: a second person counts when the model finds their shoulders and hips at
# least this well (each, visibility 0..1) on at least SECOND_PERSON_MIN_FRAMES samples,
# with their torso centre outside the hidden box.
SECOND_PERSON_TORSO_VISIBILITY = 0.7
SECOND_PERSON_MIN_FRAMES = 2
# ... and only when that torso stands the right way up: its shoulders above its hips in the
# picture. Frames are decoded upright (the clip's rotation applied), and people in a gym
# stand, walk or hinge (at the bottom of a hinge the shoulders come level with the hips, never
# far below). An upside-down "person" is the model reading a caption, a logo or a shadow: a
# small, compressed clip with burned-in text made exactly that on 2 of 8 samples.

# require_one_person: someone must be found in at least this share of the frames (0..1). A
# learner's set fills most of its clip; a lower share is a clip of something else.
MIN_PERSON_FRACTION = 0.2
# require_one_person: mean brightness (BT.601 luma, 0 black .. 255 white, black bars left out)
# under which a clip whose person is missing or poorly seen is called too dark rather than
# empty. The real clips average 120-220. Darkened by scaling, the tracker still found people
# down to about 16-25 and lost them at 6-15; real low light adds noise and blur, which cost
# more, so darkness is blamed below 40 (a third of an ordinary clip).
DARK_LUMA = 40.0
# require_one_person: the best side's shoulder-hip-knee-ankle mean visibility (0..1), over
# the frames with a person, under which a dark clip is TooDark.
LOW_KEY_VISIBILITY = 0.5

# Letterbox and pillarbox bars: edge rows and columns with no pixel brighter than this (luma,
# 0..255) are left out of a frame's brightness.
BAR_LUMA = 24.0

OnFrames = Callable[[int, "int | None"], None]
PROGRESS_INTERVAL_S = 0.2  # seconds between progress calls (the last frame always reports)


@cache
def _solutions_pose() -> Any:
    """mediapipe.solutions.pose, imported on first use (the import takes about 1.5 s)."""
    from mediapipe.python.solutions import pose

    return pose


@contextmanager
def pose_model(*, static_image_mode: bool = False, segmentation: bool = False) -> Iterator[Any]:
    """A fresh MediaPipe Pose (model_complexity=1), closed on exit. static_image_mode=True
    detects the person anew in every image (about 31 ms) instead of tracking (19 ms).
    segmentation=True also returns the person's silhouette (a mask the size of the picture):
    in tracking mode this cost nothing measurable here (17 ms against 18 ms a frame on 150
    frames of a 492 x 720 clip), as the landmark model computes it anyway."""
    model = _solutions_pose().Pose(
        static_image_mode=static_image_mode,
        model_complexity=MODEL_COMPLEXITY,
        smooth_landmarks=True,
        enable_segmentation=segmentation,
        min_detection_confidence=MIN_DETECTION_CONFIDENCE,
        min_tracking_confidence=MIN_TRACKING_CONFIDENCE,
    )
    try:
        yield model
    finally:
        model.close()


@dataclass(frozen=True, eq=False)
class TrackedSequence(LandmarkSequence):
    """A LandmarkSequence from a real clip, with what the tracker knows about each frame.

    measured: (n,) bool, True where the model ran on the frame; False where the landmarks were
    interpolated in time from the measured frames either side (every_nth > 1; NaN when either
    side found nobody). brightness: (n,) mean luma of the frame, 0 (black) to 255 (white).
    samples: a few frames where the person's torso was well seen, spread over the clip, kept
    for count_people (their images, at the analysis size).
    in_person (from LandmarkSequence): filled from the segmentation mask on measured frames,
    interpolated like visibility between them. back_bend_deg (from LandmarkSequence): the back's
    outline on the silhouette, on measured frames only (NaN between). change: (n,) how much the picture changed from
    the previous frame: mean absolute difference of 16 x 16 grey thumbnails, 0..255 (0 for the
    first frame), for finding cuts (course.analysis.shots).
    """

    measured: np.ndarray | None = None
    brightness: np.ndarray | None = None
    samples: tuple[VideoFrame, ...] = field(default=(), repr=False)
    change: np.ndarray | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        n = len(self)
        measured = np.ones(n, bool) if self.measured is None else np.array(self.measured, bool)
        brightness = np.full(n, np.nan) if self.brightness is None else np.array(self.brightness, dtype=float)
        change = np.zeros(n) if self.change is None else np.array(self.change, dtype=float)
        for name, array in (("measured", measured), ("brightness", brightness), ("change", change)):
            if array.shape != (n,):
                raise ValueError(f"TrackedSequence {name} must have shape {(n,)}, got {array.shape}")
            array.flags.writeable = False
            object.__setattr__(self, name, array)
        object.__setattr__(self, "samples", tuple(self.samples))

    @property
    def found(self) -> np.ndarray:
        """(n,) bool: frames with a person."""
        return self.visibility.max(axis=1) > 0


def _luma(image: np.ndarray) -> float:
    """Mean BT.601 luma of an RGB image, 0..255, from every 4th pixel, leaving out black bars
    (rows and columns at the edges with no pixel above BAR_LUMA): a portrait clip pillarboxed
    into a landscape picture is as bright as its middle."""
    luma = image[::4, ::4].astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
    rows = np.flatnonzero(luma.max(axis=1) > BAR_LUMA)
    cols = np.flatnonzero(luma.max(axis=0) > BAR_LUMA)
    if rows.size == 0 or cols.size == 0:
        return float(luma.mean())
    return float(luma[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1].mean())


class Detection(NamedTuple):
    """One person found on one picture. image: (33, 3) normalised landmarks; world: (33, 3)
    metres; visibility: (33,) 0..1; in_person: (33,) 0..1, the silhouette's mask at each
    landmark (see silhouette_at), NaN when the model made no mask; back_bend_deg: the back's
    outline on the silhouette (course.analysis.back.outline_bend), NaN when not read."""

    image: np.ndarray
    world: np.ndarray
    visibility: np.ndarray
    in_person: np.ndarray
    back_bend_deg: float = math.nan


def _thumbnail(image: np.ndarray) -> np.ndarray:
    """A 16 x 16 grey (luma) thumbnail of an RGB image, float32 0..255."""
    grey = cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_RGB2GRAY)
    return cv2.resize(grey, (16, 16), interpolation=cv2.INTER_AREA).astype(np.float32)


def _landmarks(results: Any) -> Detection | None:
    """The Detection in a Pose result, or None."""
    if not results.pose_landmarks:
        return None
    image = np.array([(p.x, p.y, p.z, p.visibility) for p in results.pose_landmarks.landmark], dtype=float)
    if results.pose_world_landmarks:
        world = np.array([(p.x, p.y, p.z) for p in results.pose_world_landmarks.landmark], dtype=float)
    else:
        world = np.full((len(Landmark), 3), np.nan)
    mask = getattr(results, "segmentation_mask", None)
    if mask is None:
        return Detection(image[:, :3], world, np.clip(image[:, 3], 0.0, 1.0), np.full(len(Landmark), np.nan))
    mask = np.asarray(mask)
    return Detection(
        image[:, :3],
        world,
        np.clip(image[:, 3], 0.0, 1.0),
        silhouette_at(mask, image[:, :2]),
        outline_bend(mask, image[:, :2]),
    )


def silhouette_at(mask: np.ndarray, points: np.ndarray) -> np.ndarray:
    """(k,) 0..1: the most a segmentation `mask` ((h, w) person probability) gives within
    SILHOUETTE_REACH of each of `points` ((k, 2) normalised x, y); 0 for a point outside the
    picture or not a number."""
    height, width = mask.shape[:2]
    reach = max(1, round(SILHOUETTE_REACH.value * math.hypot(width, height)))
    out = np.zeros(len(points))
    for k, (x, y) in enumerate(points):
        if not (0.0 <= x <= 1.0 and 0.0 <= y <= 1.0):  # NaN fails both
            continue
        col, row = min(int(x * width), width - 1), min(int(y * height), height - 1)
        window = mask[max(0, row - reach) : row + reach + 1, max(0, col - reach) : col + reach + 1]
        out[k] = float(window.max())
    return out


def detect(model: Any, image: np.ndarray, t_us: int | None = None) -> Detection | None:
    """Run a Pose model on one RGB image: the person's Detection, or None when nobody is
    found. t_us: the frame's time in microseconds, strictly after the previous call's, so
    MediaPipe's smoothing sees the real timing (video mode)."""
    if t_us is not None:
        # The legacy API adds FRAME_INTERVAL_US to this before stamping the packet.
        model._simulated_timestamp = t_us - FRAME_INTERVAL_US
    return _landmarks(model.process(image))


class _Samples:
    """Keeps at most 2 x `wanted` frames, evenly spread over however many are offered: every
    `step`-th offer is kept, and when too many are kept every other one is dropped and `step`
    doubles. `picked()` returns `wanted` of them, evenly spread."""

    def __init__(self, wanted: int) -> None:
        self.wanted = wanted
        self.kept: list[VideoFrame] = []
        self.step = 1
        self.offered = 0

    def offer(self, frame: VideoFrame) -> None:
        if self.wanted <= 0:
            return
        if self.offered % self.step == 0:
            self.kept.append(frame)
            if len(self.kept) > 2 * self.wanted:
                self.kept = self.kept[::2]
                self.step *= 2
        self.offered += 1

    def picked(self) -> tuple[VideoFrame, ...]:
        if len(self.kept) <= self.wanted:
            return tuple(self.kept)
        at = np.linspace(0, len(self.kept) - 1, self.wanted).round().astype(int)
        return tuple(self.kept[i] for i in at)


def track_pose(
    frames: Iterable[VideoFrame],
    width_px: int,
    height_px: int,
    *,
    every_nth: int = 1,
    progress: OnFrames | None = None,
    expected_frames: int | None = None,
    keep_samples: int = 8,
) -> TrackedSequence:
    """MediaPipe Pose on a clip's frames, in order.

    frames: from course.analysis.video.read_frames (upright RGB, increasing t_s).
    width_px, height_px: the clip's upright size (VideoInfo.width/height): what the normalised
        coordinates refer to. Frames may be smaller (they are scaled copies).
    every_nth: 1 or more. Run the model on every nth frame, plus the last frame, and fill the
        frames between by linear interpolation in time (`measured` says which is which).
    progress: called as progress(frames_done, expected_frames) about 5 times a second and once
        at the end; expected_frames may be None, or lower than frames_done for a wrong header.
    expected_frames: the frame count to report to `progress` (VideoInfo.frame_count).
    keep_samples: frames to keep for count_people (0 keeps none).
    Raises ValueError for every_nth < 1; whatever `frames` raises (ClipProblems) passes
    through. Returns an empty sequence for no frames.
    """
    if every_nth < 1:
        raise ValueError(f"every_nth must be 1 or more, got {every_nth}")
    count = len(Landmark)
    times: list[float] = []
    images: list[np.ndarray] = []
    worlds: list[np.ndarray] = []
    visibilities: list[np.ndarray] = []
    silhouettes: list[np.ndarray] = []
    bends: list[float] = []
    measured: list[bool] = []
    brightness: list[float] = []
    change: list[float] = []
    thumbnail: np.ndarray | None = None
    samples = _Samples(keep_samples)
    missing = Detection(np.full((count, 3), np.nan), np.full((count, 3), np.nan), np.zeros(count), np.zeros(count))
    last_us = -1
    reported = -math.inf
    pending: VideoFrame | None = None  # the latest frame skipped, measured if it is the last

    def measure(model: Any, frame: VideoFrame, row: int) -> None:
        nonlocal last_us
        t_us = max(round(frame.t_s * 1e6), last_us + 1)
        last_us = t_us
        found = detect(model, frame.image, t_us)
        image, world, visibility, in_person, bend = found if found is not None else missing
        images[row], worlds[row], visibilities[row], silhouettes[row] = image, world, visibility, in_person
        bends[row] = bend
        measured[row] = True
        if found is not None and visibility[list(TORSO)].min() >= SAMPLE_TORSO_VISIBILITY:
            samples.offer(frame)

    with ExitStack() as stack:
        model = stack.enter_context(pose_model(segmentation=True))
        for frame, luma, small in read_ahead(_with_thumbnails(frames), READ_AHEAD_FRAMES):
            row = len(times)
            times.append(frame.t_s)
            brightness.append(luma)
            previous, thumbnail = thumbnail, small
            change.append(0.0 if previous is None else float(np.abs(thumbnail - previous).mean()))
            if change[-1] > CUT_CHANGE.value:
                # A new shot: MediaPipe would carry the old shot's search region and smoothing
                # into it for several frames; a fresh tracker looks for the person anew.
                stack.close()
                model = stack.enter_context(pose_model(segmentation=True))
            images.append(missing.image)
            worlds.append(missing.world)
            visibilities.append(missing.visibility)
            silhouettes.append(missing.in_person)
            bends.append(math.nan)
            measured.append(False)
            if row % every_nth == 0:
                measure(model, frame, row)
                pending = None
            else:
                pending = frame
            now = time.monotonic()
            if progress is not None and now - reported >= PROGRESS_INTERVAL_S:
                progress(row + 1, expected_frames)
                reported = now
        if pending is not None:
            measure(model, pending, len(times) - 1)
    if progress is not None:
        progress(len(times), expected_frames)

    n = len(times)
    image = np.array(images).reshape(n, count, 3)
    world = np.array(worlds).reshape(n, count, 3)
    visibility = np.array(visibilities).reshape(n, count)
    in_person = np.array(silhouettes).reshape(n, count)
    measured_rows = np.array(measured, dtype=bool)
    t_s = np.array(times, dtype=float)
    if n and not measured_rows.all():
        _interpolate(t_s, measured_rows, image, world, visibility, in_person)
    return TrackedSequence(
        t_s=t_s,
        image=image,
        world=world,
        visibility=visibility,
        in_person=in_person,
        back_bend_deg=np.array(bends, dtype=float),
        width_px=width_px,
        height_px=height_px,
        measured=measured_rows,
        brightness=np.array(brightness),
        samples=samples.picked(),
        change=np.array(change),
    )


def _with_thumbnails(frames: Iterable[VideoFrame]) -> Iterator[tuple[VideoFrame, float, np.ndarray]]:
    """Each frame with its brightness (_luma) and 16 x 16 thumbnail (_thumbnail)."""
    for frame in frames:
        yield frame, _luma(frame.image), _thumbnail(frame.image)


def _interpolate(
    t_s: np.ndarray,
    measured: np.ndarray,
    image: np.ndarray,
    world: np.ndarray,
    visibility: np.ndarray,
    in_person: np.ndarray,
) -> None:
    """Fill the unmeasured rows in place, linearly in time between the measured rows either
    side (the first and last rows are measured). NaN, visibility 0 and in_person 0, when
    either side found nobody."""
    rows = np.flatnonzero(measured)
    gaps = np.flatnonzero(~measured)
    right = rows[np.searchsorted(rows, gaps)]
    left = rows[np.searchsorted(rows, gaps) - 1]
    w = ((t_s[gaps] - t_s[left]) / (t_s[right] - t_s[left]))[:, None]
    image[gaps] = (1 - w[..., None]) * image[left] + w[..., None] * image[right]
    world[gaps] = (1 - w[..., None]) * world[left] + w[..., None] * world[right]
    both = (visibility[left].max(axis=1) > 0) & (visibility[right].max(axis=1) > 0)
    visibility[gaps] = np.where(both[:, None], (1 - w) * visibility[left] + w * visibility[right], 0.0)
    in_person[gaps] = np.where(both[:, None], (1 - w) * in_person[left] + w * in_person[right], 0.0)


# --------------------------------------------------------------------------------------------
# People


def person_box(
    image_landmarks: np.ndarray, width_px: int, height_px: int, padding: float = MASK_PADDING
) -> tuple[int, int, int, int] | None:
    """(x0, y0, x1, y1) pixels around one person's 33 landmarks (normalised), grown by
    `padding` of the box's width and height on each side, clipped to the picture. None when no
    landmark is known."""
    xy = image_landmarks[:, :2]
    xy = xy[np.isfinite(xy).all(axis=1)]
    if len(xy) == 0:
        return None
    (x0, y0), (x1, y1) = xy.min(axis=0), xy.max(axis=0)
    pad_x, pad_y = padding * (x1 - x0), padding * (y1 - y0)
    x0, x1 = np.clip([x0 - pad_x, x1 + pad_x], 0.0, 1.0) * width_px
    y0, y1 = np.clip([y0 - pad_y, y1 + pad_y], 0.0, 1.0) * height_px
    return math.floor(x0), math.floor(y0), math.ceil(x1), math.ceil(y1)


def hide_box(image: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """A copy of `image` with `box` (x0, y0, x1, y1 pixels) filled with the image's mean
    colour."""
    out = np.array(image, copy=True)
    x0, y0, x1, y1 = box
    out[y0:y1, x0:x1] = image.reshape(-1, 3).mean(axis=0).round().astype(np.uint8)
    return out


def torso_length_px(image_landmarks: np.ndarray, width_px: int, height_px: int) -> float:
    """Distance from the mid-shoulder to the mid-hip point, pixels (NaN when not known): a
    person's size in the picture that hardly changes as they bend, turn or walk."""
    xy = image_landmarks[:, :2] * (width_px, height_px)
    shoulders = xy[[L.LEFT_SHOULDER, L.RIGHT_SHOULDER]].mean(axis=0)
    hips = xy[[L.LEFT_HIP, L.RIGHT_HIP]].mean(axis=0)
    return float(np.hypot(*(shoulders - hips)))


@dataclass(frozen=True)
class Sighting:
    """Another person found on one sample frame (index: its row). size: their torso length over
    the lifter's (1 = as big in the picture, so about as near the camera)."""

    index: int
    size: float


def second_person(model: Any, image: np.ndarray, first: np.ndarray) -> float | None:
    """Another person on `image` once the person at `first` (33 normalised image landmarks) is
    hidden, found by a static-mode Pose `model` with segmentation: shoulders and hips each seen
    with visibility >= SECOND_PERSON_TORSO_VISIBILITY, the torso the right way up (shoulders
    above hips), its centre outside the hidden box, and at least half of it on a person's
    silhouette (a rack, a fan or a stack of plates can look like a body to the landmark model,
    not to the segmentation). Returns their torso length over the picture's height; None when
    there is nobody else."""
    height, width = image.shape[:2]
    box = person_box(first, width, height)
    if box is None:
        return None
    found = detect(model, hide_box(image, box))
    if found is None:
        return None
    landmarks, visibility = found.image, found.visibility
    if visibility[list(TORSO)].min() < SECOND_PERSON_TORSO_VISIBILITY:
        return None
    shoulders_y = landmarks[[L.LEFT_SHOULDER, L.RIGHT_SHOULDER], 1].mean()
    hips_y = landmarks[[L.LEFT_HIP, L.RIGHT_HIP], 1].mean()
    if shoulders_y >= hips_y:  # upside down: not a person (see SECOND_PERSON_MIN_FRAMES)
        return None
    on_person = np.nan_to_num(found.in_person[list(TORSO)], nan=1.0) >= ON_SILHOUETTE.value
    if on_person.sum() < 2:
        return None
    cx, cy = landmarks[list(TORSO), :2].mean(axis=0) * (width, height)
    x0, y0, x1, y1 = box
    if x0 <= cx <= x1 and y0 <= cy <= y1:
        return None
    return torso_length_px(landmarks, width, height) / height


@dataclass(frozen=True)
class People:
    """Who else is in the clip, from count_people.

    sightings: another person on the sample frames, one per frame where one was seen.
    """

    sightings: tuple[Sighting, ...] = ()

    @property
    def beside(self) -> tuple[Sighting, ...]:
        """Sightings of someone about as near the camera as the lifter (SAME_DISTANCE_SIZE)."""
        return tuple(s for s in self.sightings if s.size >= SAME_DISTANCE_SIZE.value)

    @property
    def count(self) -> int:
        """1 for the lifter alone or with people in the background; 2 when someone else was
        seen on at least SECOND_PERSON_MIN_FRAMES samples (so not a one-frame mistake) and at
        least once about as near the camera as the lifter (so not only far behind): two people
        walking past each other are side by side for a moment, then one hides the other."""
        return 2 if len(self.sightings) >= SECOND_PERSON_MIN_FRAMES and self.beside else 1

    @property
    def background(self) -> bool:
        """Whether people further back were seen (and left out) on at least
        SECOND_PERSON_MIN_FRAMES samples, and nobody near the lifter."""
        return len(self.sightings) >= SECOND_PERSON_MIN_FRAMES and not self.beside


def count_people(samples: Sequence[VideoFrame], first_pass: LandmarkSequence) -> People:
    """Who else the clip shows besides the person the tracker follows.

    MediaPipe Pose follows one person. On each sample frame (TrackedSequence.samples: frames
    where that person's torso was well seen, spread over the clip) the tracked person's box
    (their landmarks, padded by MASK_PADDING) is filled with the picture's mean colour and a
    fresh static-image Pose looks again (second_person). Someone found there about as big as
    the lifter (SAME_DISTANCE_SIZE) is training beside them or crossing in front: whose hinge
    is it? Someone smaller is further back, as in any gym, and is left out. About 35 ms per
    sample. A second person standing behind the first, inside the box, is not seen.
    samples' `index` must be rows of `first_pass`.
    """
    found = first_pass.visibility.max(axis=1) > 0
    sightings = []
    if not found.any():
        return People()
    lifter = _torso_size(first_pass)
    with pose_model(static_image_mode=True, segmentation=True) as model:
        for frame in samples:
            if not found[frame.index]:
                continue
            size = second_person(model, frame.image, first_pass.image[frame.index])
            if size is not None:
                sightings.append(Sighting(frame.index, size / lifter if lifter > 0 else math.inf))
    return People(tuple(sightings))


def _torso_size(seq: LandmarkSequence) -> float:
    """The tracked person's torso length over the picture's height, as it is when nothing
    foreshortens it: the 90th percentile over the frames with a person (a torso bent towards
    the camera only looks shorter, never longer). NaN with nobody found."""
    px = seq.image_px()
    shoulders = px[:, [L.LEFT_SHOULDER, L.RIGHT_SHOULDER]].mean(axis=1)
    hips = px[:, [L.LEFT_HIP, L.RIGHT_HIP]].mean(axis=1)
    lengths = np.linalg.norm(shoulders - hips, axis=1)
    lengths = lengths[np.isfinite(lengths)]
    return float(np.percentile(lengths, 90)) / seq.height_px if len(lengths) else math.nan


# --------------------------------------------------------------------------------------------
# Is the clip usable?


@dataclass(frozen=True)
class VisibilityStats:
    """How well the tracker saw the person.

    frames: frames in the clip. person_fraction: 0..1, share of frames with a person.
    side: "left" or "right", the side whose shoulder, hip, knee and ankle were seen better
    (the side nearer a side-on camera; None with nobody found). key_visibility: 0..1, that
    side's mean visibility of those four joints over the frames with a person (NaN with
    nobody). landmark_visibility: (33,) mean visibility per landmark over the frames with a
    person (NaN with nobody). brightness: mean luma 0..255 over all frames (NaN if unknown).
    """

    frames: int
    person_fraction: float
    side: str | None
    key_visibility: float
    landmark_visibility: np.ndarray = field(repr=False)
    brightness: float


def person_frames(seq: LandmarkSequence) -> np.ndarray:
    """(n,) bool: frames that show a person: the model found one, and (where it made a mask)
    at least half of the shoulders and hips it placed lie on a person's silhouette. A tracker can lock
    on to a drawing of a skeleton, a statue or a pattern of rocks; the segmentation model,
    asked separately whether those pixels are a person, says no."""
    if not len(seq):
        return np.zeros(0, bool)
    found = seq.visibility.max(axis=1) > 0
    if seq.in_person is None:
        return found
    torso = np.nan_to_num(seq.in_person[:, list(TORSO)], nan=1.0) >= ON_SILHOUETTE.value
    return found & (torso.sum(axis=1) >= 2)  # half the torso: a lifter half out of the picture is still there


def check_visibility(seq: LandmarkSequence) -> VisibilityStats:
    """Visibility statistics of a tracked clip (see VisibilityStats); judges nothing."""
    n = len(seq)
    found = person_frames(seq)
    brightness = getattr(seq, "brightness", None)
    mean_luma = (
        float(np.nanmean(brightness)) if brightness is not None and n and np.isfinite(brightness).any() else math.nan
    )
    if not found.any():
        return VisibilityStats(
            frames=n,
            person_fraction=0.0,
            side=None,
            key_visibility=math.nan,
            landmark_visibility=np.full(len(Landmark), np.nan),
            brightness=mean_luma,
        )
    seen = seq.visibility[found]
    per_side = {side: float(seen[:, list(joints)].mean()) for side, joints in SIDES.items()}
    side = max(per_side, key=per_side.__getitem__)
    return VisibilityStats(
        frames=n,
        person_fraction=float(found.mean()),
        side=side,
        key_visibility=per_side[side],
        landmark_visibility=seen.mean(axis=0),
        brightness=mean_luma,
    )


def require_one_person(seq: LandmarkSequence, people: int | None = None) -> VisibilityStats:
    """Check that a tracked clip shows one person the analysis can follow.

    people: count_people's answer; None counts it here from seq.samples (a TrackedSequence).
    Raises TooDark when the picture is dark (mean luma < DARK_LUMA) and the person is missing
    or poorly seen (key_visibility < LOW_KEY_VISIBILITY); NoPersonFound when someone is found
    in fewer than MIN_PERSON_FRACTION of the frames; MorePeopleThanOne for two or more.
    Returns the clip's VisibilityStats. Hidden joints in a well-lit clip are not a problem
    here: the report says what it cannot judge.
    """
    stats = check_visibility(seq)
    no_person = stats.person_fraction < MIN_PERSON_FRACTION
    poorly_seen = no_person or stats.key_visibility < LOW_KEY_VISIBILITY
    if poorly_seen and stats.brightness < DARK_LUMA:
        raise TooDark()
    if no_person:
        raise NoPersonFound()
    if people is None:
        people = count_people(getattr(seq, "samples", ()), seq).count
    if people >= 2:
        raise MorePeopleThanOne()
    return stats
