"""Which way is up in the picture: how far the phone was tilted, so leans are measured from the true vertical.

Trunk lean, leaning back at the top and how far the hips travel behind the ankles are measured
against the picture's vertical. A phone is rarely level: propped on a bench it may be off by a
few degrees, lying on the floor and tilted up at the lifter by much more, and then an upright
lockout reads as leaning back. So before the angles are measured, the true vertical at the
lifter is estimated from two kinds of evidence, and the landmarks are turned to match it
(`level_sequence`). Rules that depend on the vertical widen their margin by what is not known,
and are not judged when too little is known (course.analysis.faults, course.thresholds).

The scene (`scene_vertical`)
    Door frames, racks, wall corners and window edges are vertical in the world. In a level
    picture they are vertical in the image; a phone turned about its lens (roll) turns them
    all by the same angle; a phone tilted up or down (pitch) makes them converge on a point far
    above or below the picture (keystone), so the true vertical differs from place to place in
    the picture. Both are one model: the world's vertical lines meet at one vanishing point
    (at infinity for a camera that is not pitched), and the vertical at the lifter points from
    them towards it. Long near-vertical line segments are found with OpenCV (Canny edges and
    the probabilistic Hough transform) on the few frames kept from the pose pass, leaving out
    the lifter (their padded box), the picture's border and any black bars. The vanishing
    point is the one most segments agree with (pairs tried as in RANSAC, then a least-squares
    fit on the segments that agree, weighted by length).
The lifter (`body_vertical`)
    Standing tall, the line from ankle to hip is within a few degrees of vertical: the hip sits
    over the foot to keep balance. Its lean in the frames where the lifter stands (hips and
    knees straight) is a second, rougher estimate (BODY_VERTICAL_ERROR), independent of the
    room: it is all there is against a plain wall.

`estimate_level` combines them: where both are found and agree within their errors, their
average weighted by certainty; where they disagree, the vertical is taken as unknown within
half their disagreement (so a leaning pole or a lifter who never stands straight cannot pass
for a fact); where only one is found, that one. Where nothing is found, a level camera
within LEVEL_ASSUMED (what the thresholds already allow for). The legs alone know the vertical
only to BODY_VERTICAL_ERROR: a smaller tilt read from them alone is not corrected (it cannot be
told from a level camera, and correcting it would add as much error as it removes); a larger
one is corrected in full. Pulling every reading towards level instead (a prior belief that
phones are propped level) would take a phone turned 12 deg for one turned 5.

Signs: `up_deg` is the direction of the true vertical in the picture, in degrees clockwise
from the picture's up (a picture whose content is turned 10 deg clockwise has up_deg +10).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

import cv2
import numpy as np

from course.analysis.kinematics import MotionTrack
from course.analysis.pose import person_box
from course.analysis.video import VideoFrame
from course.landmarks import LandmarkSequence
from course.thresholds import (
    BODY_VERTICAL_ERROR,
    LEVEL_ASSUMED,
    SCENE_LINE_MIN_LENGTH,
    SCENE_LINE_SPREAD,
    SCENE_MIN_LINES,
)

NEAR_VERTICAL_DEG = 30.0  # segments further from the picture's vertical are not candidates for the world's
STANDING_MAX_DEG = 15.0  # hip and knee flexion under this: the lifter stands tall (body_vertical)
STANDING_MIN_FRAMES = 5  # fewer standing frames say too little about the vertical
EDGE_MARGIN = (
    0.02  # share of the picture: segments this close to its border or to black bars are the frame, not the room
)
BAR_LUMA = 24.0  # rows and columns with no pixel brighter than this (0..255) are black bars
CANNY_LOW, CANNY_HIGH = 50, 150  # OpenCV's usual hysteresis pair for 8-bit pictures
HOUGH_VOTES_SHARE = 0.06  # of the picture's height: edge pixels a line needs to be considered
HOUGH_GAP_SHARE = 0.01  # of the picture's height: gaps bridged within one segment
RANSAC_PAIRS = 200  # pairs of segments tried as vanishing points (fixed seed: the same clip, the same answer)


LevelSource = Literal["scene", "body", "scene+body", "disagree", "assumed"]  # where the vertical came from


@dataclass(frozen=True)
class Level:
    """Which way is up at the lifter.

    up_deg: the true vertical, degrees clockwise from the picture's up (0: level).
    plus_minus: how well it is known, degrees (one standard error).
    source: "scene", "body", "scene+body", "disagree" (scene and body conflict) or "assumed".
    reason: one plain sentence for the report.
    """

    up_deg: float
    plus_minus: float
    source: LevelSource
    reason: str


@dataclass(frozen=True)
class Estimate:
    up_deg: float
    plus_minus: float
    lines: int = 0  # distinct scene lines behind it (scene estimates)


def estimate_level(samples: Sequence[VideoFrame], seq: LandmarkSequence, track: MotionTrack) -> Level:
    """The vertical at the lifter from the scene (samples: frames kept by the pose pass, whose
    index is a row of seq) and from the lifter's standing frames (track, measured on seq as it
    is). Never raises for a clip with nothing to go on: it assumes a level camera and says so."""
    at = _lifter_point(seq)
    scene = scene_vertical(samples, seq, at) if at is not None else None
    body = body_vertical(track)
    source: LevelSource
    if scene is not None and body is not None:
        gap = abs(scene.up_deg - body.up_deg)
        if gap > 2.0 * math.hypot(scene.plus_minus, body.plus_minus):
            return Level(
                up_deg=0.5 * (scene.up_deg + body.up_deg),
                plus_minus=max(0.5 * gap, body.plus_minus),
                source="disagree",
                reason=(
                    f"The room's vertical lines put the camera {_tilt_words(scene.up_deg)}, but your legs "
                    f"when you stood tall put it {_tilt_words(body.up_deg)}: we could not tell which way is up."
                ),
            )
        evidence, source = _combined(scene, body), "scene+body"
        words = f"From {scene.lines} vertical lines in the room and your legs standing tall"
    elif scene is not None:
        evidence, source, words = scene, "scene", f"From {scene.lines} vertical lines in the room"
    elif body is not None and abs(body.up_deg) >= body.plus_minus:
        evidence, source, words = body, "body", "From your legs when you stood tall"
    elif body is not None:  # within the legs' own error of level: no tilt they can show
        return Level(
            0.0,
            LEVEL_ASSUMED.value,
            "body",
            "Your legs when you stood tall showed no tilt beyond what they can tell, so the camera was "
            "taken to be level.",
        )
    else:
        return Level(
            0.0,
            LEVEL_ASSUMED.value,
            "assumed",
            "Nothing in the picture showed which way is up, so the camera was taken to be level.",
        )
    return Level(
        evidence.up_deg, evidence.plus_minus, source, f"{words}, the camera was {_tilt_words(evidence.up_deg)}."
    )


def _combined(a: Estimate, b: Estimate) -> Estimate:
    """Two independent estimates, weighted by certainty (inverse variance)."""
    wa, wb = a.plus_minus**-2, b.plus_minus**-2
    return Estimate((wa * a.up_deg + wb * b.up_deg) / (wa + wb), (wa + wb) ** -0.5, max(a.lines, b.lines))


def _tilt_words(up_deg: float) -> str:
    if abs(up_deg) < 1.5:
        return "level"
    return f"turned about {abs(up_deg):.0f}° {'clockwise' if up_deg < 0 else 'anticlockwise'}"


def body_vertical(track: MotionTrack) -> Estimate | None:
    """The picture's true vertical from the ankle-to-hip line in the frames where the lifter
    stands tall (hip and knee flexion under STANDING_MAX_DEG: those are angles between
    segments, which a tilted camera does not change). None with fewer than STANDING_MIN_FRAMES."""
    thigh = track.shin_deg - track.knee_deg  # lean of knee -> hip (course.analysis.kinematics)
    leg = 0.5 * (track.shin_deg + thigh)  # ankle -> hip, the shin and thigh being about as long
    with np.errstate(invalid="ignore"):
        standing = (np.abs(track.hip_deg) < STANDING_MAX_DEG) & (np.abs(track.knee_deg) < STANDING_MAX_DEG)
    standing &= np.isfinite(leg)
    if standing.sum() < STANDING_MIN_FRAMES:
        return None
    forward = 1.0 if track.facing == "right" else -1.0  # leaning forward is clockwise when facing right
    return Estimate(forward * float(np.median(leg[standing])), BODY_VERTICAL_ERROR.value)


def _lifter_point(seq: LandmarkSequence) -> np.ndarray | None:
    """(x, y) normalised: the middle of the lifter's torso over the clip, where the vertical is wanted."""
    torso = seq.image[:, [11, 12, 23, 24], :2]
    centre = np.nanmedian(torso.reshape(-1, 2), axis=0) if np.isfinite(torso).any() else None
    return None if centre is None or not np.isfinite(centre).all() else centre


def scene_vertical(samples: Sequence[VideoFrame], seq: LandmarkSequence, at: np.ndarray) -> Estimate | None:
    """The true vertical at `at` (normalised x, y) from the scene's vertical lines on the sample
    frames (module docstring); None when fewer than SCENE_MIN_LINES distinct lines agree."""
    segments = []
    for frame in samples:
        if frame.index >= len(seq):
            continue
        segments.extend(_vertical_segments(frame.image, seq.image[frame.index]))
    if not segments:
        return None
    lines = np.array(segments, dtype=float)  # (m, 4): x1, y1, x2, y2 in picture heights, top first
    at_h = np.array([at[0] * seq.width_px / seq.height_px, at[1]])
    return vertical_from_segments(lines, at_h)


def vertical_from_segments(lines: np.ndarray, at: np.ndarray) -> Estimate | None:
    """The world's vertical at `at` from near-vertical segments (m, 4: x1, y1, x2, y2, in one
    frame of reference with square pixels, top end first), via their common vanishing point."""
    if len(lines) < SCENE_MIN_LINES.value:
        return None
    length = np.hypot(lines[:, 2] - lines[:, 0], lines[:, 3] - lines[:, 1])
    ends1 = np.c_[lines[:, :2], np.ones(len(lines))]
    ends2 = np.c_[lines[:, 2:], np.ones(len(lines))]
    homogeneous = np.cross(ends1, ends2)
    homogeneous /= np.linalg.norm(homogeneous[:, :2], axis=1, keepdims=True)
    mid = 0.5 * (lines[:, :2] + lines[:, 2:])
    spread = SCENE_LINE_SPREAD.value

    def residual(vp: np.ndarray) -> np.ndarray:
        """Degrees between each segment and the direction from its middle towards vp."""
        return np.abs(_angle_between(lines[:, 2:] - lines[:, :2], _towards(vp, mid)))

    rng = np.random.default_rng(0)
    best, best_score = None, -1.0
    candidates = [np.array([0.0, 1.0, 0.0])]  # a camera that is not pitched: verticals parallel...
    candidates += [
        np.cross(homogeneous[i], homogeneous[j])  # ... or meeting where two segments do
        for i, j in rng.integers(0, len(lines), size=(RANSAC_PAIRS, 2))
        if i != j
    ]
    for vp in candidates:
        if not np.isfinite(vp).all() or np.linalg.norm(vp) == 0:
            continue
        score = float(length[residual(vp) <= spread].sum())
        if score > best_score:
            best, best_score = vp, score
    if best is None:
        return None
    inliers = residual(best) <= spread
    if _distinct(lines[inliers]) < SCENE_MIN_LINES.value:
        return None
    # refine: the point whose weighted squared algebraic distance to the agreeing lines is least
    weights = length[inliers]
    moment = (homogeneous[inliers] * weights[:, None]).T @ homogeneous[inliers]
    refined = np.linalg.eigh(moment)[1][:, 0]
    if residual(refined)[inliers].mean() <= residual(best)[inliers].mean():
        best = refined
    up = _towards(best, np.asarray(at, dtype=float)[None, :])[0]
    up_deg = math.degrees(math.atan2(up[0], -up[1]))
    scatter = float(np.sqrt(np.average(residual(best)[inliers] ** 2, weights=weights)))
    distinct = _distinct(lines[inliers])
    # the scatter of one line about the fit, over the root of the distinct lines, floored at a degree:
    # the same few lines seen in every sample frame are not independent measurements
    plus_minus = max(1.0, scatter / math.sqrt(distinct))
    return Estimate(up_deg, plus_minus, distinct)


def _towards(vp: np.ndarray, points: np.ndarray) -> np.ndarray:
    """(m, 2) unit vectors from points towards the vanishing point vp (homogeneous), turned
    to point up in the picture (y < 0)."""
    if abs(vp[2]) < 1e-9:
        direction = np.broadcast_to(vp[:2], points.shape).astype(float)
    else:
        direction = vp[:2] / vp[2] - points
    direction = direction / np.maximum(np.linalg.norm(direction, axis=1, keepdims=True), 1e-12)
    return np.where(direction[:, 1:2] > 0, -direction, direction)


def _angle_between(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Degrees between undirected directions a and b (m, 2 each), -90..90."""
    angle = np.degrees(np.arctan2(a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0], (a * b).sum(axis=1)))
    return (angle + 90.0) % 180.0 - 90.0


def _distinct(lines: np.ndarray) -> int:
    """Segments that are different lines of the scene: the same edge found in several sample
    frames (a still camera) or broken in two counts once. Lines are told apart by where they
    cross the picture's middle row, to a hundredth of its width."""
    if len(lines) == 0:
        return 0
    dy = lines[:, 3] - lines[:, 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = np.where(np.abs(dy) > 1e-9, (lines[:, 2] - lines[:, 0]) / dy, 0.0)
    x_mid = lines[:, 0] + slope * (0.5 - lines[:, 1])
    return len(np.unique(np.round(x_mid / 0.01)))


def _vertical_segments(image: np.ndarray, landmarks: np.ndarray) -> list[tuple[float, float, float, float]]:
    """Long near-vertical segments of one RGB frame, outside the lifter's box, the border and
    black bars: (x1, y1, x2, y2) in units of the picture's height (square pixels), top first."""
    height, width = image.shape[:2]
    gray = cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_RGB2GRAY)
    rows = np.flatnonzero(gray.max(axis=1) > BAR_LUMA)
    cols = np.flatnonzero(gray.max(axis=0) > BAR_LUMA)
    if rows.size == 0 or cols.size == 0:
        return []
    content = (cols[0], rows[0], cols[-1], rows[-1])
    edges = cv2.Canny(gray, CANNY_LOW, CANNY_HIGH)
    found = cv2.HoughLinesP(
        edges,
        1,
        np.pi / 360,
        threshold=max(10, int(HOUGH_VOTES_SHARE * height)),
        minLineLength=SCENE_LINE_MIN_LENGTH.value * height,
        maxLineGap=max(2, int(HOUGH_GAP_SHARE * height)),
    )
    if found is None:
        return []
    box = person_box(landmarks, width, height)
    margin = EDGE_MARGIN * max(width, height)
    out = []
    for x1, y1, x2, y2 in found[:, 0, :].astype(float):
        if y1 > y2:
            x1, y1, x2, y2 = x2, y2, x1, y1
        if abs(math.degrees(math.atan2(x2 - x1, y2 - y1))) > NEAR_VERTICAL_DEG:
            continue
        if box is not None and _crosses(box, (x1, y1, x2, y2)):
            continue  # the lifter's own outline, the bar and the plates
        if min(abs(x1 - content[0]), abs(x2 - content[0]), abs(x1 - content[2]), abs(x2 - content[2])) < margin:
            continue  # the edge of the picture or of a black bar: always vertical, says nothing
        out.append((x1 / height, y1 / height, x2 / height, y2 / height))
    return out


def _crosses(box: tuple[int, int, int, int], segment: tuple[float, float, float, float]) -> bool:
    """Whether a segment has a point inside the box (tested at its ends and ten points between)."""
    x0, y0, x1, y1 = box
    xs = np.linspace(segment[0], segment[2], 12)
    ys = np.linspace(segment[1], segment[3], 12)
    return bool(np.any((xs >= x0) & (xs <= x1) & (ys >= y0) & (ys <= y1)))


def level_sequence(seq: LandmarkSequence, up_deg: float) -> LandmarkSequence:
    """The same sequence with its image landmarks turned about the picture's centre by -up_deg,
    so that the true vertical becomes the picture's vertical (square pixels; normalised
    coordinates of the same picture size). A copy of the same type."""
    if up_deg == 0.0:
        return seq
    size = np.array([seq.width_px, seq.height_px], dtype=float)
    px = seq.image[..., :2] * size
    centre = 0.5 * size
    a = math.radians(-up_deg)
    c, s = math.cos(a), math.sin(a)
    d = px - centre
    turned = np.stack([d[..., 0] * c - d[..., 1] * s, d[..., 0] * s + d[..., 1] * c], axis=-1) + centre
    image = np.array(seq.image, dtype=float)
    image[..., :2] = turned / size
    return replace(seq, image=image)


__all__ = [
    "Estimate",
    "Level",
    "body_vertical",
    "estimate_level",
    "level_sequence",
    "scene_vertical",
    "vertical_from_segments",
]
