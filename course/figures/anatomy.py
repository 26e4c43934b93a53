"""The bones of the hip and shoulder joint figures, as triangle meshes: their dimensions (metres and
degrees, with sources in course.figures.joint's docstring) and shapes."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from course.figures.mesh import Triangles, cone, ellipsoid, grid, path_tube, shell, sphere, tube

KNEE_MARKER_M = 0.05  # length of the arrow showing which way the front of the knee faces

# --------------------------------------------------------------------------------------------
# Dimensions (metres and degrees; sources in the module docstring)

FEMORAL_HEAD_RADIUS_M = 0.024
FEMUR_NECK_SHAFT_DEG = 127.0
FEMUR_ANTEVERSION_DEG = 12.0
FEMUR_NECK_M = 0.05  # joint centre to where the neck axis meets the shaft axis
FEMUR_LENGTH_M = 0.42  # joint centre to knee centre
FEMUR_SHOWN_BELOW_M = 0.13  # the drawn shaft ends this far below the joint centre

ACETABULUM_ARC_DEG = 170.0  # bony cup, rim to rim through its deepest point
HIP_LABRUM_ARC_DEG = 200.0  # with the labrum
ACETABULUM_INCLINATION_DEG = 45.0  # opening faces this far below horizontal
ACETABULUM_ANTEVERSION_DEG = 20.0  # and this far forward of straight out to the side

HUMERAL_HEAD_RADIUS_M = 0.023
HUMERUS_NECK_SHAFT_DEG = 135.0
HUMERUS_NECK_M = 0.02
HUMERUS_LENGTH_M = 0.30
GLENOID_ARC_DEG = 70.0
SHOULDER_LABRUM_ARC_DEG = 90.0
GLENOID_UPWARD_TILT_DEG = 5.0


# --------------------------------------------------------------------------------------------
# Geometry: the hip


def acetabulum_pole() -> np.ndarray:
    """Unit vector from the joint centre to the deepest point of the cup (the opening faces the other way)."""
    down = math.radians(ACETABULUM_INCLINATION_DEG)
    forward = math.radians(ACETABULUM_ANTEVERSION_DEG)
    opening = np.array([math.sin(forward) * math.cos(down), -math.cos(forward) * math.cos(down), -math.sin(down)])
    return -opening


def femoral_head() -> Triangles:
    return sphere(np.zeros(3), FEMORAL_HEAD_RADIUS_M)


def acetabulum(cut: tuple[np.ndarray, np.ndarray] | None = None) -> Triangles:
    """The cartilage-lined cup: 3.5 mm thick, wrapping ``ACETABULUM_ARC_DEG`` round the ball."""
    r = FEMORAL_HEAD_RADIUS_M
    return shell(acetabulum_pole(), (0.0, ACETABULUM_ARC_DEG / 2), r + 0.0008, r + 0.0045, cut)


def hip_labrum(cut: tuple[np.ndarray, np.ndarray] | None = None) -> Triangles:
    """A ring of cartilage on the rim, thinning to an edge past the ball's equator."""
    r = FEMORAL_HEAD_RADIUS_M
    steps = 4
    outer = np.linspace(r + 0.0075, r + 0.0022, steps + 1)
    return shell(
        acetabulum_pole(), (ACETABULUM_ARC_DEG / 2, HIP_LABRUM_ARC_DEG / 2), r + 0.0008, outer, cut, steps=steps
    )


def pelvis(cut: tuple[np.ndarray, np.ndarray] | None = None) -> Triangles:
    """A hint of the right hip bone: bone behind the cup, the iliac wing above, the ring of the pubis and ischium."""
    r = FEMORAL_HEAD_RADIUS_M
    backing = shell(acetabulum_pole(), (0.0, ACETABULUM_ARC_DEG / 2), r + 0.0045, r + 0.0125, cut)
    if cut is not None:
        return backing  # the cut-away shows the socket only
    # iliac wing: a thick curved sheet from just above the cup to the crest
    # from the front (anterior superior iliac spine) to the back (posterior superior iliac spine)
    base = np.array(
        [
            [0.024, 0.000, 0.018],
            [0.012, 0.006, 0.026],
            [-0.002, 0.012, 0.030],
            [-0.016, 0.018, 0.029],
            [-0.028, 0.024, 0.022],
            [-0.036, 0.030, 0.010],
        ]
    )
    crest = np.array(
        [
            [0.046, -0.030, 0.068],
            [0.030, -0.042, 0.094],
            [0.004, -0.040, 0.108],
            [-0.026, -0.024, 0.106],
            [-0.052, 0.004, 0.092],
            [-0.066, 0.034, 0.066],
        ]
    )
    heights = np.linspace(0.0, 1.0, 6)
    bulge = np.array([0.0, -0.006, 0.0]) * np.sin(np.pi * heights)[:, None, None]  # outer surface rounds outwards
    sheet = np.stack([base + (crest - base) * t for t in heights]) + bulge  # (6, 6, 3)
    thickness = np.array([0.0, 0.007, 0.0])
    outside, inside = sheet, sheet + thickness
    wing = Triangles.merge(
        grid(outside, wrap=False),
        grid(inside[:, ::-1], wrap=False),
        *(
            grid(np.stack([a, b]), wrap=False)
            for a, b in (
                (outside[-1], inside[-1]),
                (inside[0], outside[0]),
                (outside[:, 0], inside[:, 0]),
                (inside[:, -1], outside[:, -1]),
            )
        ),
    )
    # the ring round the obturator foramen: superior pubic ramus, down to the ischium and back up
    ring = np.array(
        [
            [0.022, 0.010, -0.012],
            [0.040, 0.040, -0.020],
            [0.046, 0.062, -0.032],
            [0.034, 0.060, -0.058],
            [0.004, 0.044, -0.072],
            [-0.022, 0.030, -0.066],
            [-0.030, 0.018, -0.040],
            [-0.022, 0.012, -0.018],
        ]
    )
    obturator = path_tube(_smooth_loop(ring, 5), 0.0075, closed=True)
    return Triangles.merge(backing, wing, obturator)


def _smooth_loop(points: np.ndarray, per_segment: int) -> np.ndarray:
    """A closed Catmull-Rom curve through ``points``."""
    out = []
    n = len(points)
    for i in range(n):
        p0, p1, p2, p3 = points[i - 1], points[i], points[(i + 1) % n], points[(i + 2) % n]
        for t in np.linspace(0.0, 1.0, per_segment, endpoint=False):
            out.append(
                0.5
                * (
                    2 * p1
                    + (-p0 + p2) * t
                    + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t * t
                    + (-p0 + 3 * p1 - 3 * p2 + p3) * t**3
                )
            )
    return np.array(out)


@dataclass(frozen=True)
class _LongBoneLandmarks:
    neck_base: np.ndarray  # where the neck axis meets the shaft axis
    knee: np.ndarray  # far end of the bone (knee or elbow centre)
    shaft_end: np.ndarray  # where the drawn shaft stops


def _long_bone_landmarks(
    neck_m: float, neck_shaft_deg: float, length_m: float, version_deg: float, shown_below_m: float
) -> _LongBoneLandmarks:
    """Neck base and shaft of a right femur or humerus hanging straight down from the joint centre.

    The bone's long axis (joint centre to knee) is vertical; the neck leaves the head outwards and
    downwards at the neck-shaft angle, turned back by ``version_deg`` so it points forwards at the
    head (anteversion).
    """
    knee = np.array([0.0, 0.0, -length_m])
    # triangle joint centre C, neck base J, knee K: |CJ| = neck, |CK| = length, angle at J = neck-shaft
    angle_k = math.asin(neck_m * math.sin(math.radians(neck_shaft_deg)) / length_m)
    angle_c = math.pi - math.radians(neck_shaft_deg) - angle_k  # between CJ and straight down
    version = math.radians(version_deg)
    neck_dir = np.array(
        [-math.sin(version) * math.sin(angle_c), -math.cos(version) * math.sin(angle_c), -math.cos(angle_c)]
    )
    neck_base = neck_dir * neck_m
    along = (knee - neck_base) / np.linalg.norm(knee - neck_base)
    shaft_end = neck_base + along * ((neck_base[2] + shown_below_m) / -along[2])
    return _LongBoneLandmarks(neck_base, knee, shaft_end)


def _femur_landmarks() -> _LongBoneLandmarks:
    return _long_bone_landmarks(
        FEMUR_NECK_M, FEMUR_NECK_SHAFT_DEG, FEMUR_LENGTH_M, FEMUR_ANTEVERSION_DEG, FEMUR_SHOWN_BELOW_M
    )


@functools.cache
def femur() -> Triangles:
    """Right femur without its head, in the anatomical position: neck, greater trochanter, top of the shaft."""
    marks = _femur_landmarks()
    j = marks.neck_base
    along = (marks.knee - j) / np.linalg.norm(marks.knee - j)
    neck = tube(np.zeros(3), j, 0.0135, 0.0165)
    shaft = tube(j - along * 0.022, marks.shaft_end, 0.0165, 0.0135)
    trochanter = ellipsoid(j + np.array([-0.004, -0.007, 0.013]), (0.014, 0.011, 0.019))
    lesser = ellipsoid(j + along * 0.030 + np.array([-0.008, 0.011, 0.0]), (0.007, 0.007, 0.009))
    return Triangles.merge(neck, shaft, trochanter, lesser)


def knee_marker_base() -> np.ndarray:
    return _femur_landmarks().shaft_end + np.array([0.012, 0.0, 0.0])


def knee_marker() -> Triangles:
    """An arrow out of the front of the shaft's end: the way the kneecap faces."""
    base = knee_marker_base()
    head = 0.018
    along = np.array([1.0, 0.0, 0.0])
    return Triangles.merge(
        tube(base - along * 0.01, base + along * (KNEE_MARKER_M - head), 0.0045, 0.0045),
        cone(base + along * (KNEE_MARKER_M - head), base + along * KNEE_MARKER_M, 0.011),
    )


# --------------------------------------------------------------------------------------------
# Geometry: the shoulder


def glenoid_pole() -> np.ndarray:
    tilt = math.radians(GLENOID_UPWARD_TILT_DEG)
    opening = np.array([0.0, -math.cos(tilt), math.sin(tilt)])
    return -opening


def glenoid(cut: tuple[np.ndarray, np.ndarray] | None = None) -> Triangles:
    r = HUMERAL_HEAD_RADIUS_M
    return shell(glenoid_pole(), (0.0, GLENOID_ARC_DEG / 2), r + 0.0008, r + 0.0045, cut, steps=6)


def shoulder_labrum(cut: tuple[np.ndarray, np.ndarray] | None = None) -> Triangles:
    r = HUMERAL_HEAD_RADIUS_M
    outer = np.linspace(r + 0.0075, r + 0.0022, 4)
    return shell(glenoid_pole(), (GLENOID_ARC_DEG / 2, SHOULDER_LABRUM_ARC_DEG / 2), r + 0.0008, outer, cut, steps=3)


def scapula(cut: tuple[np.ndarray, np.ndarray] | None = None) -> Triangles:
    """A hint of the shoulder blade: bone behind the glenoid and its neck running towards the spine."""
    r = HUMERAL_HEAD_RADIUS_M
    pole = glenoid_pole()
    backing = shell(pole, (0.0, GLENOID_ARC_DEG / 2), r + 0.0045, r + 0.0105, cut, steps=6)
    if cut is not None:
        return backing
    neck = tube(pole * (r + 0.008), pole * (r + 0.03), 0.014, 0.011)
    return Triangles.merge(backing, neck)


def humerus() -> Triangles:
    marks = _long_bone_landmarks(HUMERUS_NECK_M, HUMERUS_NECK_SHAFT_DEG, HUMERUS_LENGTH_M, 0.0, 0.085)
    j = marks.neck_base
    along = (marks.knee - j) / np.linalg.norm(marks.knee - j)
    neck = tube(np.zeros(3), j, 0.015, 0.016)
    shaft = tube(j - along * 0.012, marks.shaft_end, 0.016, 0.0115)
    tuberosity = ellipsoid(j + np.array([0.0, -0.008, 0.008]), (0.012, 0.010, 0.014))
    return Triangles.merge(neck, shaft, tuberosity)
