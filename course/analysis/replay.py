"""The learner's own movement replayed on the course's body model, to stand beside the reference hinge.

The replay is driven by the angles the self-check measured in the side view (hip, knee, neck;
course.analysis.motion), not by MediaPipe's 3D world landmarks: their depth leans the body
forward (shared/design/FACTS.md), while the side-view angles are what the report judged, so
the learner sees the very numbers the verdict came from. The body model then balances each
pose over the feet, as in the lessons.

What the camera measures between thigh and trunk is one angle. The replay shows it as hip
flexion up to FOLD_AT_HIP_MAX and as lower-back rounding beyond it: the same reading as the
rounded-back rule (course.thresholds.FOLD_BEYOND_HAMSTRINGS), so a back the report calls
rounded also looks rounded here.
"""

from __future__ import annotations

import math

import numpy as np

from course.analysis.motion import MotionTrack
from course.body import JOINT_LIMITS, Body, Pose
from course.motions import Motion, RepSpan

REPLAY_FPS = 12.0  # the body figure draws 12 frames a second anyway
FOLD_AT_HIP_MAX = 110.0  # deg of the measured fold shown at the hip; the rest rounds the lower back


def replay_motion(track: MotionTrack, body: Body | None = None, title: str = "You") -> Motion:
    """A Motion of the learner's clip on the body model. Raises ValueError when no frame was measured."""
    body = body or Body()
    t = np.asarray(track.t_s, dtype=float)
    hip, knee, neck = (_filled(t, series) for series in (track.hip_deg, track.knee_deg, track.neck_deg))
    if hip is None or knee is None:
        raise ValueError("no frame had a measured hip and knee angle to replay")
    neck = neck if neck is not None else np.zeros_like(t)
    clock = np.arange(t[0], t[-1] + 1e-9, 1.0 / REPLAY_FPS)
    poses, frames = [], []
    for moment in clock:
        fold = float(np.interp(moment, t, hip))
        pose = Pose(
            hip=_within("hip", min(fold, FOLD_AT_HIP_MAX)),
            lumbar=_within("lumbar", max(0.0, fold - FOLD_AT_HIP_MAX)),
            knee=_within("knee", float(np.interp(moment, t, knee))),
            neck=_within("neck", float(np.interp(moment, t, neck))),
        )
        posed = body.balance(pose, hang_arms=True).posed
        poses.append(posed.pose)
        frames.append(posed)

    def index(time_s: float) -> int:
        return int(np.clip(round((time_s - clock[0]) * REPLAY_FPS), 0, len(clock) - 1))

    reps = tuple(
        RepSpan(start=index(rep.start_s), bottom=index(rep.bottom_s), end=index(rep.end_s),
                start_s=rep.start_s - clock[0], bottom_s=rep.bottom_s - clock[0], end_s=rep.end_s - clock[0])
        for rep in track.reps
    )
    return Motion(
        name="your_clip", title=title, description="Your clip, replayed on the course's body model.",
        t_s=clock - clock[0], poses=tuple(poses), frames=tuple(frames), reps=reps, fps=REPLAY_FPS, body=body,
    )


def _filled(t: np.ndarray, series: np.ndarray) -> np.ndarray | None:
    """The series with unseen frames filled from their seen neighbours; None when nothing was seen."""
    values = np.asarray(series, dtype=float)
    seen = np.isfinite(values)
    if not seen.any():
        return None
    return np.interp(t, t[seen], values[seen])


def _within(angle: str, value: float) -> float:
    limit = JOINT_LIMITS[angle]
    return float(min(max(value, limit.low_deg), limit.high_deg)) if math.isfinite(value) else 0.0
