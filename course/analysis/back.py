"""The shape of the back, read from the person's silhouette.

MediaPipe's 33 landmarks have no point on the spine: between the shoulders and the hips the
back can round without any landmark moving. The segmentation mask the pose model makes on
every frame (course.analysis.pose) does show it: filmed from the side, the back's outline is
the edge of the silhouette behind the line from the hips to the shoulders.

How it is read, on one frame:

1. The chord: the line from the mid-hip landmark to the mid-shoulder landmark, of length L.
   The back is on the side of the chord away from the knees (in a hinge the thighs fold
   forward, in front of the trunk).
2. From evenly spaced points along the chord (OUTLINE_SPAN), a ray runs away from the knees
   until it leaves the silhouette (mask below OUTLINE_EDGE): its length, as a fraction of L,
   is how far the back's outline stands out from the chord there.
3. A straight line is fitted to the outline's lower half (hips to mid-back) and another to its
   upper half (mid-back to shoulders). The bend is the angle between them, in degrees:
   0 for a straight back, positive when the outline bows out (a rounded back), negative when
   it dips in (an arched lower back). It compares the back with itself, so neither the trunk's
   thickness nor a tilted phone changes it, and it is in the same units as the spine's own
   flexion: course.thresholds.BACK_OUTLINE_BEND says how much bend a given flexion makes.

A frame whose outline is not a smooth back (a plate, an arm, a hood or the mask's noise in the
way: the lines fit worse than OUTLINE_ROUGHNESS) gives no value rather than a wrong one.
"""

from __future__ import annotations

import math

import numpy as np

from course.landmarks import Landmark as L
from course.thresholds import OUTLINE_EDGE, OUTLINE_MIN_TORSO, OUTLINE_REACH, OUTLINE_ROUGHNESS, OUTLINE_SPAN

SHOULDERS = (L.LEFT_SHOULDER, L.RIGHT_SHOULDER)
HIPS = (L.LEFT_HIP, L.RIGHT_HIP)
KNEES = (L.LEFT_KNEE, L.RIGHT_KNEE)
SAMPLES = 17
"""Points along the chord the outline is measured at: every 5 % of its length over OUTLINE_SPAN."""


def outline_profile(mask: np.ndarray, image_landmarks: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Where the back's outline lies, on one frame.

    mask: (h, w) 0..1, the person's silhouette; image_landmarks: (33, 2 or 3) normalised x, y
    of the same picture. Returns (along, out): (SAMPLES,) positions along the chord (0 at the
    hips, 1 at the shoulders) and the outline's distance from the chord there as a fraction of
    the chord's length (NaN where the chord point is off the silhouette or the edge is beyond
    OUTLINE_REACH); None when the shoulders, hips or knees are not placed or the trunk is
    shorter than OUTLINE_MIN_TORSO pixels.
    """
    height, width = mask.shape[:2]
    points = np.asarray(image_landmarks, dtype=float)[:, :2] * np.array([width, height])
    shoulder, hip, knee = (points[list(pair)].mean(axis=0) for pair in (SHOULDERS, HIPS, KNEES))
    if not (np.isfinite(shoulder).all() and np.isfinite(hip).all() and np.isfinite(knee).all()):
        return None
    chord = shoulder - hip
    length = float(np.hypot(*chord))
    if length < OUTLINE_MIN_TORSO.value:
        return None
    along_chord = chord / length
    behind = np.array([-along_chord[1], along_chord[0]])
    if float(np.dot(behind, knee - hip)) > 0:  # the knees are in front: the back is the other way
        behind = -behind
    along = np.linspace(OUTLINE_SPAN.value, 1.0 - OUTLINE_SPAN.value, SAMPLES)
    steps = np.arange(0.0, OUTLINE_REACH.value * length, 1.0)
    rays = hip + along[:, None, None] * chord + steps[None, :, None] * behind  # (SAMPLES, steps, 2)
    cols = np.floor(rays[..., 0]).astype(int)
    rows = np.floor(rays[..., 1]).astype(int)
    inside = (cols >= 0) & (cols < width) & (rows >= 0) & (rows < height)
    on_person = np.zeros(rays.shape[:2], bool)
    on_person[inside] = mask[rows[inside], cols[inside]] >= OUTLINE_EDGE.value
    out = np.full(SAMPLES, np.nan)
    for k in range(SAMPLES):
        if not on_person[k, 0]:
            continue  # the chord itself is off the person here: nothing to measure from
        off = np.flatnonzero(~on_person[k])
        if off.size:
            out[k] = steps[off[0]] / length
    return along, out


def outline_bend(mask: np.ndarray, image_landmarks: np.ndarray) -> float:
    """The back outline's bend on one frame, degrees (see the module docstring): + bowed out
    (rounded), - dipped in (arched); NaN when it can't be read well enough."""
    profile = outline_profile(mask, image_landmarks)
    if profile is None:
        return math.nan
    along, out = profile
    lines = []
    for half in (along <= 0.5, along >= 0.5):
        good = half & np.isfinite(out)
        if good.sum() < max(3, half.sum() * 2 // 3):  # a third of the half missing: not a clean outline
            return math.nan
        slope, offset = np.polyfit(along[good], out[good], 1)
        residual = out[good] - (slope * along[good] + offset)
        if float(np.sqrt(np.mean(residual**2))) > OUTLINE_ROUGHNESS.value:
            return math.nan
        lines.append(slope)
    lower, upper = lines
    return math.degrees(math.atan(lower) - math.atan(upper))


__all__ = ["outline_bend", "outline_profile"]
