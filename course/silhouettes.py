"""The body model's silhouette as a phone camera would see it: a stand-in for MediaPipe's
segmentation mask, with a spine whose bend is known.

Each segment of course.body is drawn as a capsule (a thick line with round ends) around the
line between its joints, as thick as that part of an adult is deep or wide; the trunk is three
such capsules, so a flexed lumbar or thoracic joint makes the back's outline bow out exactly as
far as the model's spine bends. Depths are for the reference stature and scale with it.
Used to set and check course.thresholds.BACK_OUTLINE_BEND and to test the rounded-back rule
on synthetic clips (tests).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import cv2
import numpy as np

from course.body import SEGMENT_ENDS, Body, Joint, PosedBody, Segment
from course.landmarks import Camera

REFERENCE_STATURE_M = 1.75
THICKNESS_M: Mapping[Segment, float] = MappingProxyType(
    {
        # trunk depth (front to back) of an adult man: buttocks, waist and chest all about 24 cm
        # (ANSUR II: Gordon et al. 2014). One depth for all three trunk links: the model's neutral
        # spine is straight (no lumbar curve), so its back's outline is straight too and reads 0.
        # Limbs: their side-on widths.
        Segment.PELVIS: 0.24,
        Segment.LUMBAR: 0.24,
        Segment.THORAX: 0.24,
        Segment.LEFT_UPPER_ARM: 0.09,
        Segment.RIGHT_UPPER_ARM: 0.09,
        Segment.LEFT_FOREARM: 0.07,
        Segment.RIGHT_FOREARM: 0.07,
        Segment.LEFT_HAND: 0.05,
        Segment.RIGHT_HAND: 0.05,
        Segment.LEFT_THIGH: 0.16,
        Segment.RIGHT_THIGH: 0.16,
        Segment.LEFT_SHANK: 0.11,
        Segment.RIGHT_SHANK: 0.11,
        Segment.LEFT_FOOT: 0.07,
        Segment.RIGHT_FOOT: 0.07,
    }
)
HEAD_RADIUS_M = 0.10
NECK_THICKNESS_M = 0.12


def body_silhouette(posed: PosedBody, camera: Camera, body: Body | None = None) -> np.ndarray:
    """(camera.height_px, camera.width_px) float32 mask, 1 on the body and 0 elsewhere.

    posed: a pose placed by `body` (course.body.Body.place); body: sets the stature the
    thicknesses scale with (default the reference 1.75 m)."""
    scale = (body.height_m if body is not None else REFERENCE_STATURE_M) / REFERENCE_STATURE_M
    mask = np.zeros((camera.height_px, camera.width_px), np.uint8)
    pixels = camera.project(posed.points)

    def capsule(a: int, b: int, thickness_m: float) -> None:
        ends = pixels[[a, b]]
        if not np.isfinite(ends).all():
            return
        depth = float(ends[:, 2].mean())
        radius = max(1, round(camera.focal_px * 0.5 * thickness_m * scale / depth))
        p, q = (tuple(round(v) for v in end[:2]) for end in ends)
        cv2.line(mask, p, q, (1,), thickness=2 * radius, lineType=cv2.LINE_8)
        cv2.circle(mask, p, radius, (1,), thickness=-1)
        cv2.circle(mask, q, radius, (1,), thickness=-1)

    for segment, thickness in THICKNESS_M.items():
        first, last = SEGMENT_ENDS[segment]
        capsule(first, last, thickness)
    # the head: a neck up to the ears, and a ball around the head's middle
    ears = 0.5 * (posed.points[Joint.LEFT_EAR] + posed.points[Joint.RIGHT_EAR])
    middle = 0.5 * (ears + posed.points[Joint.HEAD_TOP])
    centre = camera.project(middle)
    if np.isfinite(centre).all():
        capsule(Joint.NECK, Joint.LEFT_EAR, NECK_THICKNESS_M)
        radius = max(1, round(camera.focal_px * HEAD_RADIUS_M * scale / float(centre[2])))
        cv2.circle(mask, (round(centre[0]), round(centre[1])), radius, (1,), thickness=-1)
    return mask.astype(np.float32)


__all__ = ["THICKNESS_M", "body_silhouette"]
