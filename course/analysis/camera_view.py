"""Where the camera stood, and what the framing hides, read from the landmarks alone.

`classify_view(seq)` names the camera's view in the vocabulary of the clip labels ("side",
"front-oblique", "front", "rear-oblique", "oblique" when front and rear cannot be told apart,
"rear", or "unknown"). `framing_problems(seq)` lists what the picture cuts off or shrinks.

How the view is read (scale-free image geometry; MediaPipe's depth z is not used)
    Seen from the camera, the shoulders are apart across the picture by their width times
    |cos a|, where a is the camera's azimuth measured from straight in front of the person: the
    full width from the front or behind, nothing side-on. Divided by the torso's length in the
    picture (mid-shoulder to mid-hip), that is independent of the person's size and distance:
        ratio(a) = FRONT_RATIO x |cos a|,
    where FRONT_RATIO is the ratio the body model (course.body, de Leva proportions, shoulder
    joint centres 20 cm apart on a 1.75 m body) shows to `Camera(azimuth_deg=0)`. So the clip's
    ratio, taken while standing (the frames with the longest torso in the picture: a trunk tipped
    towards the camera looks shorter and would inflate the ratio), gives the angle from the front
    line, arccos(ratio / FRONT_RATIO). Which half the camera is in, front or rear, comes from
    MediaPipe's labels: facing the camera, a person's left shoulder is on the picture's right;
    from behind, on its left. The estimate then goes to the NEAREST named view, each 45 deg
    apart: front 0, front-oblique 45, side 90, rear-oblique 135, rear 180, so the cut-offs are
    22.5, 67.5, 112.5 and 157.5 deg (`VIEW_CUTOFFS_DEG`). With this, "side" is a camera within
    22.5 deg of side-on, where the picture shortens forward-backward distances by at most
    cos 22.5 = 0.92: a 45 deg trunk lean reads 43 deg, a 70 deg lean 68 deg - errors under the
    ~5 deg of a phone camera's angle estimates (course.thresholds.ANGLE_ERROR).
    Shoulders are used where MediaPipe places them, visible or not: side-on it puts the hidden
    far shoulder behind the near one, which is what a side view shows.
    Expected ratios from the body model (`expected_shoulder_ratio`): 0.65 at 0 deg, 0.46 at 45,
    0.00 at 90; real people's MediaPipe shoulders are about as wide as the model's joint centres
    (hips are not used: MediaPipe puts its hip landmarks wider apart than the joint centres).

Limits: a person turned at the waist, or shoulders rolled forward around a goblet, widens the
ratio; MediaPipe sometimes labels a person seen from behind as facing the camera, which turns a
rear view into a front one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Literal

import numpy as np

from course.analysis.kinematics import VISIBLE, on_silhouette
from course.body import Body, Pose
from course.landmarks import Camera, Landmark, LandmarkSequence, body_landmarks
from course.thresholds import Limit

L = Landmark
TORSO_POINTS = (L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_HIP, L.RIGHT_HIP)

View = Literal["side", "oblique", "front-oblique", "front", "rear-oblique", "rear", "unknown"]
NAMED_VIEWS: tuple[tuple[float, View], ...] = (
    (0.0, "front"),
    (45.0, "front-oblique"),
    (90.0, "side"),
    (135.0, "rear-oblique"),
    (180.0, "rear"),
)
VIEW_CUTOFFS_DEG = (22.5, 67.5, 112.5, 157.5)  # halfway between the named views' azimuths

STANDING_TORSO = Limit(
    0.9,
    "fraction of the clip's longest torso",
    "Frames whose torso looks at least this long count as standing: the trunk is upright, so "
    "a front view does not shorten it.",
)
CLEAR_SIDE = Limit(
    0.75,
    "share of frames",
    "Front and rear are told apart only when at least this share of the standing frames put "
    "the left shoulder on the same side of the right one.",
)
CONFIDENT_FRAMES = 5  # standing frames for full confidence: with fewer, one odd frame weighs a lot

FEET_OUT_OF_FRAME = "feet out of frame"
HEAD_OUT_OF_FRAME = "head out of frame"
PERSON_TOO_SMALL = "person too small"
OUT_OF_FRAME_SHARE = Limit(
    0.5,
    "share of frames",
    "A body part is out of frame when it is not seen on more than half the frames with a person.",
)
MIN_PERSON_HEIGHT = Limit(
    1 / 3,
    "fraction of the picture's height",
    "Below a third of the picture's height (240 px of 720) a thigh spans about 65 px, so a 3 px "
    "landmark wobble already moves a joint angle by about 3 deg.",
)


@dataclass(frozen=True)
class ViewEstimate:
    """The camera's view of the person.

    view: one of View. confidence: 0..1, the share of standing frames that point to the same
    view, scaled down when fewer than CONFIDENT_FRAMES frames were standing (0 for "unknown").
    reason: one plain sentence with the numbers behind it.
    azimuth_deg: the estimated camera angle from straight in front of the person, 0..180
        (90 side-on), NaN when unknown; for "oblique", in the half most frames point to.
    """

    view: View
    confidence: float
    reason: str
    azimuth_deg: float = math.nan


@cache
def expected_shoulder_ratio(azimuth_deg: float) -> float:
    """Horizontal shoulder separation over torso length that the body model, standing, shows to
    `Camera(azimuth_deg=...)` (default distance and height)."""
    body = Body()
    points = body_landmarks(body.place(Pose()), body.height_m)
    px = Camera(azimuth_deg=azimuth_deg).project(points)[:, :2]
    torso = np.linalg.norm(
        0.5 * (px[L.LEFT_SHOULDER] + px[L.RIGHT_SHOULDER]) - 0.5 * (px[L.LEFT_HIP] + px[L.RIGHT_HIP])
    )
    return float(abs(px[L.LEFT_SHOULDER, 0] - px[L.RIGHT_SHOULDER, 0]) / torso)


def classify_view(seq: LandmarkSequence) -> ViewEstimate:
    """The camera's view of the person in `seq` (module docstring). Never raises for an empty
    or person-less clip: it says "unknown" with the reason."""
    px = seq.image_px()
    shoulder_l, shoulder_r = px[:, L.LEFT_SHOULDER], px[:, L.RIGHT_SHOULDER]
    torso = np.linalg.norm(0.5 * (shoulder_l + shoulder_r) - 0.5 * (px[:, L.LEFT_HIP] + px[:, L.RIGHT_HIP]), axis=1)
    ok = np.isfinite(torso) & (torso > 0) & np.isfinite(shoulder_l[:, 0] - shoulder_r[:, 0])
    # Shoulders and hips off the picture (or off the person's silhouette) are MediaPipe's guess:
    # a close camera that cuts the shoulders off as the lifter stands tall would read any width.
    corners = list(TORSO_POINTS)
    inside = np.all((seq.image[:, corners, :2] >= 0.0) & (seq.image[:, corners, :2] <= 1.0), axis=(1, 2))
    ok &= inside & on_silhouette(seq)[:, corners].all(axis=1)
    if not ok.any():
        return ViewEstimate(
            "unknown", 0.0, "No frame showed both shoulders and both hips, so where the camera stood could not be told."
        )
    standing = ok & (torso >= STANDING_TORSO.value * np.max(torso[ok]))
    apart = (shoulder_l[standing, 0] - shoulder_r[standing, 0]) / torso[standing]
    front_ratio = expected_shoulder_ratio(0.0)

    def off_front(ratio: np.ndarray | float) -> np.ndarray:
        return np.degrees(np.arccos(np.clip(np.abs(ratio) / front_ratio, 0.0, 1.0)))

    ratio = float(np.median(np.abs(apart)))
    angle = float(off_front(ratio))
    left_on_right = float(np.mean(apart > 0))
    clear = max(left_on_right, 1.0 - left_on_right) >= CLEAR_SIDE.value
    front_half = left_on_right >= 0.5
    azimuth = angle if front_half else 180.0 - angle
    view: View = _nearest(azimuth)
    per_frame = off_front(apart)
    per_frame = np.where(apart > 0, per_frame, 180.0 - per_frame)
    agree = [_nearest(a) == view for a in per_frame]
    if view != "side" and not clear:
        if view in ("front-oblique", "rear-oblique"):
            view = "oblique"
            agree = [_nearest(a) in ("front-oblique", "rear-oblique") for a in per_frame]
        else:
            view = "unknown"
    frames = min(1.0, standing.sum() / CONFIDENT_FRAMES)
    confidence = 0.0 if view == "unknown" else round(float(np.mean(agree)) * frames, 2)
    where = {
        "side": "side-on",
        "front": "facing the camera",
        "rear": "with the back to it",
        "front-oblique": "at an angle, more in front than to the side",
        "rear-oblique": "at an angle, more behind than to the side",
        "oblique": "at an angle (front or back could not be told)",
        "unknown": "where front and back could not be told apart",
    }[view]
    reason = (
        f"The shoulders are {ratio:.2f} torso lengths apart across the picture "
        f"(side-on about 0, facing the camera about {front_ratio:.2f}), so the camera "
        f"stood about {abs(90.0 - angle):.0f} degrees off side-on: {where}."
    )
    return ViewEstimate(view, confidence, reason, azimuth if view != "unknown" else math.nan)


def _nearest(azimuth_deg: float) -> View:
    return min(NAMED_VIEWS, key=lambda named: abs(named[0] - azimuth_deg))[1]


def framing_problems(seq: LandmarkSequence) -> list[str]:
    """What the framing hides, from the frames with a person: FEET_OUT_OF_FRAME when the ankles
    and heels are out of the picture or unseen on most of them, HEAD_OUT_OF_FRAME likewise for
    the nose, eyes and ears, PERSON_TOO_SMALL when the person spans under MIN_PERSON_HEIGHT of
    the picture's height. An empty list when nothing is wrong or nobody was found."""
    image = seq.image[..., :2]
    inside = np.all((image >= 0.0) & (image <= 1.0), axis=-1)  # NaN compares False
    seen = inside & (seq.visibility >= VISIBLE.value)
    person = seen.any(axis=1)
    if not person.any():
        return []
    problems = []
    parts = {
        FEET_OUT_OF_FRAME: [L.LEFT_ANKLE, L.RIGHT_ANKLE, L.LEFT_HEEL, L.RIGHT_HEEL],
        HEAD_OUT_OF_FRAME: [L.NOSE, L.LEFT_EYE, L.RIGHT_EYE, L.LEFT_EAR, L.RIGHT_EAR],
    }
    for problem, landmarks in parts.items():
        missing = ~seen[person][:, landmarks].any(axis=1)
        if missing.mean() > OUT_OF_FRAME_SHARE.value:
            problems.append(problem)
    y = np.where(seen, seq.image[..., 1], np.nan)[person]
    with np.errstate(invalid="ignore"):
        extent = np.nanmax(y, axis=1) - np.nanmin(y, axis=1)
    if np.nanpercentile(extent, 90) < MIN_PERSON_HEIGHT.value:
        problems.append(PERSON_TOO_SMALL)
    return problems


__all__ = [
    "FEET_OUT_OF_FRAME",
    "HEAD_OUT_OF_FRAME",
    "NAMED_VIEWS",
    "PERSON_TOO_SMALL",
    "VIEW_CUTOFFS_DEG",
    "ViewEstimate",
    "classify_view",
    "expected_shoulder_ratio",
    "framing_problems",
]
