"""The learner's own movement replayed on the course's body model, to stand beside the reference hinge.

The replay is driven by the angles the self-check measured in the side view (hip, knee, neck;
course.analysis.kinematics), not by MediaPipe's 3D world landmarks: their depth leans the body
forward (shared/design/FACTS.md), while the side-view angles are what the report judged, so
the learner sees the very numbers the verdict came from. The body model then balances each
pose over the feet, as in the lessons.

The replay shows the shape the report judged, so that the picture never contradicts the
verdict. What the camera measures between thigh and trunk is one angle:
- in a rep where the report found a rounded back, the replay bends the hip up to
  FOLD_AT_HIP_MAX and rounds the lower back by the rest: the same reading as the rounded-back
  rule (course.thresholds.FOLD_BEYOND_HAMSTRINGS);
- elsewhere the whole fold goes to the hip, and only what lies beyond the hip's own range
  (course.body.JOINT_LIMITS) rounds the back;
- the head bends back as measured only in a rep where the report found the neck cranked;
  elsewhere it stays in line with the trunk (the rule allows the normal movement of the gaze,
  course.thresholds.NECK_CRANKED, which the model would otherwise label as a bent neck).

A measured pose can ask more of the body model than its joints allow (course.body.JOINT_LIMITS):
a knee bent past 150°, or a trunk leaning so far back that arms hanging plumb would need the
shoulder 71° behind the trunk. Such a frame is drawn at the end of the joint's range, and the
replay says which angles were held there and how far they were asked to go (Replay.beyond_model),
so that the page can say so instead of failing.

`reference_hinge` times the good hinge like the learner's reps, so that the two bodies reach
the bottom together when they are played side by side.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from course.analysis.kinematics import MotionTrack
from course.body import JOINT_LIMITS, Body, JointLimitError, Pose, PosedBody
from course.motions import ASCENT_S, DESCENT_S, PAUSE_BOTTOM_S, Motion, RepSpan, good_hinge

REPLAY_FPS = 12.0  # the body figure draws 12 frames a second anyway
FOLD_AT_HIP_MAX = 110.0  # deg of the measured fold shown at the hip in a rep found rounded
HIP_RANGE_MAX = JOINT_LIMITS["hip"].high_deg  # beyond this the hip cannot fold: the back must round
SHORTEST_REFERENCE_MOVE_S = 0.8  # the reference never lowers or rises faster than this, even beside fast reps


class FoundFault(Protocol):
    """What the replay needs of a fault the report found (course.analysis.report.FaultReport)."""

    @property
    def id(self) -> str: ...

    @property
    def rep(self) -> int: ...


@dataclass(frozen=True)
class BeyondModel:
    """An angle the clip asked of the body model beyond the model's range: the replay shows the
    frames that asked for it at the end of the range."""

    angle: str  # a Pose angle: "knee", "shoulder", ...
    label: str  # how a learner reads it: "knee flexion" (course.body.JOINT_LIMITS)
    asked_deg: float  # the furthest the clip asked, degrees
    limit_deg: float  # the end of the model's range the frames were drawn at, degrees


@dataclass(frozen=True)
class Replay:
    """The learner's clip on the body model, and the angles it had to hold at the model's limits."""

    motion: Motion
    beyond_model: tuple[BeyondModel, ...] = ()  # empty when every frame fitted the model


def replay_motion(
    track: MotionTrack, found: Iterable[FoundFault] = (), body: Body | None = None, title: str = "You"
) -> Replay:
    """The learner's clip on the body model, in the shape the report judged (module docstring).
    Raises ValueError when no frame was measured."""
    body = body or Body()
    t = np.asarray(track.t_s, dtype=float)
    hip, knee, neck = (_filled(t, series) for series in (track.hip_deg, track.knee_deg, track.neck_deg))
    if hip is None or knee is None:
        raise ValueError("no frame had a measured hip and knee angle to replay")
    neck = neck if neck is not None else np.zeros_like(t)
    spans = {fault: _rep_spans(track, t, found, fault) for fault in ("rounded_back", "neck_cranked")}
    clock = np.arange(t[0], t[-1] + 1e-9, 1.0 / REPLAY_FPS)
    limits = _Limits()
    poses, frames = [], []
    for moment in clock:
        fold = float(np.interp(moment, t, hip))
        at_hip = min(fold, FOLD_AT_HIP_MAX if _inside(moment, spans["rounded_back"]) else HIP_RANGE_MAX)
        pose = Pose(
            hip=limits.within("hip", at_hip),
            lumbar=limits.within("lumbar", max(0.0, fold - at_hip)),
            knee=limits.within("knee", float(np.interp(moment, t, knee))),
            neck=limits.within("neck", float(np.interp(moment, t, neck)))
            if _inside(moment, spans["neck_cranked"])
            else 0.0,
        )
        try:
            posed = body.balance(pose, hang_arms=True).posed
        except JointLimitError as beyond:  # plumb arms would need a shoulder past its range
            if beyond.angle != "shoulder":
                raise
            posed = _balanced_arms_held(body, pose, limits, beyond.value_deg)
        poses.append(posed.pose)
        frames.append(posed)

    def index(time_s: float) -> int:
        return int(np.clip(round((time_s - clock[0]) * REPLAY_FPS), 0, len(clock) - 1))

    reps = tuple(
        RepSpan(
            start=index(rep.start_s),
            bottom=index(rep.bottom_s),
            end=index(rep.end_s),
            start_s=rep.start_s - clock[0],
            bottom_s=rep.bottom_s - clock[0],
            end_s=rep.end_s - clock[0],
        )
        for rep in track.reps
    )
    motion = Motion(
        name="your_clip",
        title=title,
        description="Your clip, replayed on the course's body model.",
        t_s=clock - clock[0],
        poses=tuple(poses),
        frames=tuple(frames),
        reps=reps,
        fps=REPLAY_FPS,
        body=body,
    )
    return Replay(motion, limits.beyond_model())


def _balanced_arms_held(body: Body, pose: Pose, limits: _Limits, asked_deg: float) -> PosedBody:
    """The pose balanced with its arms as near plumb as the shoulder's range lets them hang.

    Body.balance(hang_arms=True) asks for plumb arms before it has found the ankle angle and
    refuses a shoulder past its range even where the balanced shins would bring it back in.
    Here the ankle is found first with the arms held at the end of the range nearest asked_deg
    (the shoulder angle Body.balance refused); then the arms take the angle that is plumb over
    those shins (the upper back's lean: ankle - knee + hip + lumbar + thoracic, course.body's
    signs), held in the range, and the pose is balanced again.
    """
    shoulder = JOINT_LIMITS["shoulder"]
    held = shoulder.low_deg if asked_deg < shoulder.low_deg else shoulder.high_deg
    first = body.balance(dataclasses.replace(pose, shoulder=held)).posed.pose
    plumb = first.ankle - pose.knee + pose.hip + pose.lumbar + pose.thoracic
    return body.balance(dataclasses.replace(pose, shoulder=limits.within("shoulder", plumb))).posed


class _Limits:
    """Puts angles inside JOINT_LIMITS, remembering the furthest each was asked beyond its range."""

    def __init__(self) -> None:
        self.furthest: dict[str, float] = {}

    def within(self, angle: str, value: float) -> float:
        if not math.isfinite(value):
            return 0.0
        limit = JOINT_LIMITS[angle]
        held = float(min(max(value, limit.low_deg), limit.high_deg))
        if held != value and abs(value - held) > abs(self.furthest.get(angle, held) - held):
            self.furthest[angle] = float(value)
        return held

    def beyond_model(self) -> tuple[BeyondModel, ...]:
        found = []
        for angle, asked in self.furthest.items():
            limit = JOINT_LIMITS[angle]
            end = limit.low_deg if asked < limit.low_deg else limit.high_deg
            found.append(BeyondModel(angle, limit.label, asked, end))
        return tuple(found)


def reference_hinge(track: MotionTrack, body: Body | None = None) -> Motion:
    """The course's good hinge with as many reps as the clip, its bottoms at the clip's bottoms.

    Its tempo is the lessons' (2 s down, 1.5 s up) unless the learner's reps follow each other
    faster, when it speeds up to keep pace, never below SHORTEST_REFERENCE_MOVE_S a way.
    """
    t = np.asarray(track.t_s, dtype=float)
    bottoms = [float(t[rep.bottom_i] - t[0]) for rep in track.reps]
    if not bottoms:
        return good_hinge(body=body)
    descent, ascent, pause_bottom = DESCENT_S, ASCENT_S, PAUSE_BOTTOM_S
    period = float(np.median(np.diff(bottoms))) if len(bottoms) > 1 else math.inf
    moving = descent + pause_bottom + ascent
    if period < moving + 0.2:
        scale = max((period - 0.2) / moving, SHORTEST_REFERENCE_MOVE_S / min(descent, ascent))
        descent, ascent, pause_bottom = descent * scale, ascent * scale, pause_bottom * scale
    pause_top = max(0.1, period - (descent + pause_bottom + ascent)) if math.isfinite(period) else 0.5
    reference = good_hinge(
        reps=len(bottoms),
        descent_s=descent,
        ascent_s=ascent,
        pause_bottom_s=pause_bottom,
        pause_top_s=pause_top,
        setup_s=0.0,
        body=body,
    )
    return _shifted(reference, bottoms[0] - reference.reps[0].bottom_s)


def _shifted(motion: Motion, by_s: float) -> Motion:
    """The motion started by_s seconds later (held still before), or its first -by_s seconds cut."""
    step = 1.0 / motion.fps
    frames = round(abs(by_s) / step)
    if frames == 0:
        return motion
    if by_s > 0:
        keep = [0] * frames + list(range(len(motion)))
    else:
        keep = list(range(min(frames, len(motion) - 1), len(motion)))
    moved = frames if by_s > 0 else -frames

    def index(i: int) -> int:
        return int(np.clip(i + moved, 0, len(keep) - 1))

    reps = tuple(
        RepSpan(
            start=index(r.start),
            bottom=index(r.bottom),
            end=index(r.end),
            start_s=index(r.start) * step,
            bottom_s=index(r.bottom) * step,
            end_s=index(r.end) * step,
        )
        for r in motion.reps
        if r.end + moved > 0
    )
    return dataclasses.replace(
        motion,
        t_s=np.arange(len(keep)) * step,
        poses=tuple(motion.poses[i] for i in keep),
        frames=tuple(motion.frames[i] for i in keep),
        reps=reps,
    )


def _rep_spans(track: MotionTrack, t: np.ndarray, found: Iterable[FoundFault], fault: str) -> list[tuple[float, float]]:
    reps = {rep.number: rep for rep in track.reps}
    return [
        (float(t[reps[f.rep].start_i]), float(t[reps[f.rep].end_i])) for f in found if f.id == fault and f.rep in reps
    ]


def _inside(moment: float, spans: list[tuple[float, float]]) -> bool:
    return any(start <= moment <= end for start, end in spans)


def _filled(t: np.ndarray, series: np.ndarray) -> np.ndarray | None:
    """The series with unseen frames filled from their seen neighbours; None when nothing was seen."""
    values = np.asarray(series, dtype=float)
    seen = np.isfinite(values)
    if not seen.any():
        return None
    return np.interp(t, t[seen], values[seen])
