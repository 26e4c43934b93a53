"""Synthetic clips with a silhouette: the body model's outline on every frame, read the way the
tracker reads MediaPipe's segmentation mask (course.analysis.back)."""

from __future__ import annotations

import dataclasses

import numpy as np

from course.analysis.back import outline_bend
from course.landmarks import Camera, LandmarkSequence
from course.motions import Motion
from course.silhouettes import body_silhouette
from course.synthetic_landmarks import landmark_sequence


def bends_on_silhouettes(motion: Motion, camera: Camera, seq: LandmarkSequence) -> np.ndarray:
    """(n,) the back outline's bend on the body model's silhouette of every frame of `motion`,
    read through the landmarks of `seq` (the same motion through the same camera)."""
    return np.array(
        [
            outline_bend(body_silhouette(posed, camera, motion.body), seq.image[i])
            for i, posed in enumerate(motion.frames)
        ]
    )


def sequence_with_silhouettes(motion: Motion, camera: Camera, **options) -> LandmarkSequence:
    """landmark_sequence(motion, camera, **options) carrying the back's outline, as a tracker
    that made a segmentation mask would."""
    seq = landmark_sequence(motion, camera, **options)
    return dataclasses.replace(seq, back_bend_deg=bends_on_silhouettes(motion, camera, seq))
