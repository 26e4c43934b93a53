"""Landmarks, tracks and reports made from the body model's reference motions (course.motions),
as a phone on a tripod would give them: the fixtures of the fault rules' and the report's tests."""

from __future__ import annotations

import numpy as np

from course.analysis.faults import find_faults
from course.analysis.kinematics import measure_motion
from course.analysis.report import Report, build_report
from course.landmarks import Camera, LandmarkSequence
from course.motions import MOTIONS
from course.synthetic_landmarks import landmark_sequence

NOISE_PX = 2.0  # a steady phone on a tripod: landmarks jitter by a pixel or two at 720p


def from_first_bottom(motion, seq: LandmarkSequence) -> LandmarkSequence:
    """The clip from the motion's first bottom to its last: it starts and ends at the bottom."""
    keep = np.arange(motion.reps[0].bottom, motion.reps[-1].bottom + 1)
    return LandmarkSequence(
        t_s=seq.t_s[keep] - seq.t_s[keep[0]],
        image=seq.image[keep],
        world=seq.world[keep],
        visibility=seq.visibility[keep],
        width_px=seq.width_px,
        height_px=seq.height_px,
    )


def report_for(name: str, cues, view: str = "side", reps: int = 3, **motion_options) -> Report:
    """The report of `reps` reps of the reference motion `name`, seen side-on from the right and
    judged as `view`, with `cues` (a course's cues by fault id)."""
    motion = MOTIONS[name](reps=reps, **motion_options)
    seq = landmark_sequence(motion, Camera.side_view("right"), noise_px=NOISE_PX, rng=np.random.default_rng(5))
    track = measure_motion(seq)
    return build_report(track, find_faults(track, view), cues, view=view, people=1, timings={"pose": 1.23456})
