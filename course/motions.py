"""Reference motions: the hip hinge, the squat and the hinge's common faults, as angle curves.

Every motion is a sequence of `Pose`s over time, put through the one body model
(`course.body`): the ankle angle of every frame is solved by `Body.balance`, so the centre of
mass stays over mid-foot the whole time and the hips *have* to move back when the trunk tips
forward. Two faults move the centre of mass itself, with the descent, towards the toes (their
key poses name the point, ALONG_FOOT): hips that stay over the heels while the trunk tips can
only balance that far forward, and hands drifting away from the legs rock the body there.
The same motions animate the lessons, draw the angle charts and, through `course.landmarks`,
make synthetic MediaPipe landmark sequences with a known fault for testing the self-check's
rules.

Angles (degrees) are the body model's, all 0 standing tall (see `course.body`):
    hip flexion grows as the pelvis tips forward relative to the thigh; knee flexion grows as the
    knee bends (negative = hyperextended, "locked"); lumbar and thoracic flexion are positive when
    the back rounds and negative when it arches; neck flexion is positive chin-down and negative
    looking up; the ankle angle equals the shin's lean from vertical (positive = knees forward).

Shape of every motion (times in seconds, all keyword parameters)
    setup_s       standing tall -> the rep's top pose (e.g. unlocking the knees for a hinge)
    pause_top_s   hold at the top
    then `reps` times:
        descent_s       top -> bottom
        pause_bottom_s  hold at the bottom
        ascent_s        bottom -> lockout (the top pose, or an overshoot such as leaning back)
        pause_top_s     hold at the top (a lockout overshoot is held for the first half and
                        undone in the second half)
    setup_s       the top pose -> standing tall
    so the duration is  2 setup_s + (reps + 1) pause_top_s + reps (descent_s + pause_bottom_s
    + ascent_s), and every motion starts and ends standing tall (when setup_s > 0).

Time profile: each change of an angle follows the minimum-jerk curve s(u) = 10u^3 - 15u^4 + 6u^5
(u = 0..1, the fraction of the phase's time): zero speed and zero acceleration at both ends, a
bell-shaped speed in between, so the lifter eases out of the top and decelerates into the bottom,
as smooth point-to-point human movements do (Flash & Hogan 1985, J Neurosci 5(7):1688-1703).
An angle may move during only part of a phase (a "window"): that is how the knee-dominant hinge
bends its knees before its hips.

`depth` (0 < depth, default 1.0) scales how far every angle travels from the top pose to the
bottom pose: 1.0 is the motion's own bottom (given in each function's docstring), 0.5 half way.
Fault amounts are given in degrees at depth 1.0 and scale with depth too (all but the
lean-back's lockout, which is reached at the top whatever the depth).

Frames are sampled at t = k / fps from 0 up to the first frame at or after the end; frames past
the end hold the final standing pose.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType

import numpy as np

from course.body import MID_FOOT, Body, Joint, Pose, PosedBody

ANGLES: tuple[str, ...] = tuple(f.name for f in fields(Pose))
# Besides the angles, a key pose may say where the centre of mass is over the feet (a fraction
# of the foot's length from the heel, mid-foot unless a fault moves it) and, for hanging arms,
# how many degrees forward of plumb they swing (0 unless the hands drift): see Body.balance.
ALONG_FOOT = "along_foot"
ARMS_FORWARD = "arms_forward_deg"
CHANNELS: tuple[str, ...] = (*ANGLES, ALONG_FOOT, ARMS_FORWARD)
_RESTING = {**{name: 0.0 for name in ANGLES}, ALONG_FOOT: MID_FOOT, ARMS_FORWARD: 0.0}

# Default tempo (seconds): a controlled teaching tempo, about 2 s down and 1.5 s up.
DESCENT_S = 2.0
PAUSE_BOTTOM_S = 0.3
ASCENT_S = 1.5
PAUSE_TOP_S = 0.5
SETUP_S = 0.6
FPS = 30.0

# The hinge's top pose: knees unlocked ("soft"), the hips flexed just enough that the trunk stays
# upright once the balance solver has tipped the shins about 7 degrees forward.
SOFT_KNEE_DEG = 15.0
HINGE_TOP = MappingProxyType({"knee": SOFT_KNEE_DEG, "hip": 8.0})
# The good hinge's bottom: hips folded to 85 degrees, knees bent 3 degrees more than at the top.
HINGE_BOTTOM = MappingProxyType({"knee": 18.0, "hip": 85.0})
# Where the weight goes when it drifts forward: the centre of mass over the toes, 90% of the way
# from heel to toe tip, about as far forward as a lifter can stay on the feet by gripping with the
# toes (a teaching choice: far enough that the figure's plumb line visibly lands on the toes).
TOES = 0.9
# Holding a kettlebell at the chest by its horns: elbows down, hands at about collarbone height,
# some 20 cm in front of the shoulder joints. Relative to the upper back, so the hands stay at
# the chest as the trunk leans.
GOBLET_ARMS = MappingProxyType({"shoulder": 25.0, "elbow": 130.0})


# --------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class RepSpan:
    """One repetition: frame indexes into the motion and their times (seconds from 0).

    start: the descent begins. bottom: the middle of the pause at the bottom (the deepest point).
    end: the ascent is complete (lockout).
    """

    start: int
    bottom: int
    end: int
    start_s: float
    bottom_s: float
    end_s: float


class UnbalancedMotion(ValueError):
    """A frame of a reference motion cannot be balanced over the feet."""

    def __init__(self, motion: str, t_s: float, reason: str) -> None:
        self.motion, self.t_s, self.reason = motion, t_s, reason
        super().__init__(f"{motion}: the body cannot balance at {t_s:.2f} s: {reason}")


@dataclass(frozen=True, eq=False)
class Motion:
    """A reference motion: poses over time, balanced, with the reps marked.

    name: registry key ("good_hinge"). title: a short label for a gym member ("Good hinge").
    description: one plain sentence for a learner.
    t_s: (n,) seconds from 0, strictly increasing, 1/fps apart.
    poses: n Poses; the ankle (and, with hanging arms, the shoulder) as solved by Body.balance.
    frames: n PosedBody: the balanced 3D positions (metres, course.body's frame: x forward,
        y left, z up, origin on the floor between the ankles).
    reps: one RepSpan per repetition, in order.
    fps: frames per second. body: the body model that made the frames.

    Derived series below are (n,) float arrays, computed on each access.
    """

    name: str
    title: str
    description: str
    t_s: np.ndarray
    poses: tuple[Pose, ...]
    frames: tuple[PosedBody, ...]
    reps: tuple[RepSpan, ...]
    fps: float
    body: Body = field(repr=False)

    def __len__(self) -> int:
        return len(self.frames)

    @property
    def duration_s(self) -> float:
        """Time of the last frame, seconds."""
        return float(self.t_s[-1])

    def angle_deg(self, name: str) -> np.ndarray:
        """One Pose angle over time, degrees: "ankle", "knee", "hip", "lumbar", "thoracic",
        "neck", "shoulder" or "elbow" (signs as in course.body). Raises ValueError otherwise."""
        if name not in ANGLES:
            raise ValueError(f"unknown angle {name!r}; choose one of {', '.join(ANGLES)}")
        return np.array([getattr(pose, name) for pose in self.poses])

    @property
    def points(self) -> np.ndarray:
        """(n, len(Joint), 3) metres: every joint of every frame, rows indexed by Joint."""
        return np.stack([frame.points for frame in self.frames])

    @property
    def spine_flexion_deg(self) -> np.ndarray:
        """Lumbar plus thoracic flexion read from the points, degrees; + rounded, - arched."""
        return np.array([frame.spine_flexion_deg for frame in self.frames])

    @property
    def trunk_inclination_deg(self) -> np.ndarray:
        """Lean of mid-hip -> base of neck from vertical, degrees; + forward, 0 upright."""
        return np.array([frame.trunk_inclination_deg for frame in self.frames])

    @property
    def shin_angle_deg(self) -> np.ndarray:
        """Lean of ankle -> knee from vertical, degrees; + knees forward of the ankles."""
        return np.array([frame.shin_angle_deg for frame in self.frames])

    @property
    def hips_behind_ankles_m(self) -> np.ndarray:
        """How far mid-hip is behind mid-ankle along x, metres; + behind, - in front."""
        return -np.array([frame.hips_in_front_of_ankles_m for frame in self.frames])

    @property
    def hip_height_m(self) -> np.ndarray:
        """Height of mid-hip above the floor, metres."""
        return np.array([frame.points[Joint.MID_HIP, 2] for frame in self.frames])

    @property
    def com_x_m(self) -> np.ndarray:
        """Whole-body centre of mass x, metres, + forward; mid-foot is body.base_of_support."""
        return np.array([frame.com[0] for frame in self.frames])

    @property
    def com_along_foot(self) -> np.ndarray:
        """Where the centre of mass is over the feet: 0 above the heels, 1 above the toe tips,
        0.5 above mid-foot (where a balanced lifter keeps it)."""
        return self.body.base_of_support.along_foot(self.com_x_m)

    @property
    def hip_angle_seen_deg(self) -> np.ndarray:
        """Hip flexion as a side-on camera reads it, degrees: 180 minus the angle at mid-hip
        between the lines to mid-knee and to mid-shoulder. 0 standing tall; unlike the hip joint
        angle it also grows when the back rounds, as it would measured from landmarks."""
        p = self.points
        hip = p[:, Joint.MID_HIP]
        knee = 0.5 * (p[:, Joint.LEFT_KNEE] + p[:, Joint.RIGHT_KNEE])
        shoulder = 0.5 * (p[:, Joint.LEFT_SHOULDER] + p[:, Joint.RIGHT_SHOULDER])
        a, b = knee - hip, shoulder - hip
        cos = np.einsum("ij,ij->i", a, b) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
        return 180.0 - np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


# --------------------------------------------------------------------------------------------
# Building a motion from key poses


def min_jerk(u: float) -> float:
    """Minimum-jerk progress 0..1 for u = 0..1 (clipped): 10u^3 - 15u^4 + 6u^5."""
    u = min(max(u, 0.0), 1.0)
    return u * u * u * (10.0 + u * (-15.0 + 6.0 * u))


Window = tuple[float, float]  # the part of a phase (fractions 0..1 of its time) an angle moves in


@dataclass(frozen=True)
class _Move:
    """One phase: every channel (the angles, where the weight is over the feet, how far the arms
    swing forward of plumb) goes from `start` to `end` along min_jerk within its window."""

    start_s: float
    duration_s: float
    start: Mapping[str, float]
    end: Mapping[str, float]
    windows: Mapping[str, Window]

    def at(self, t_s: float) -> dict[str, float]:
        u = (t_s - self.start_s) / self.duration_s
        channels = {}
        for name in CHANNELS:
            a, b = self.windows.get(name, (0.0, 1.0))
            progress = min_jerk((u - a) / (b - a))
            channels[name] = self.start[name] + (self.end[name] - self.start[name]) * progress
        return channels


@dataclass(frozen=True)
class _Pattern:
    """What one kind of rep looks like: its key poses and when each angle moves. A key pose
    names angles in degrees and, optionally, ALONG_FOOT (where the weight is over the feet) and
    ARMS_FORWARD (hanging arms swung forward of plumb, degrees)."""

    name: str
    title: str
    description: str
    top: Mapping[str, float]
    bottom: Mapping[str, float]
    lockout: Mapping[str, float] | None = None  # end of the ascent; None = the top pose
    stand: Mapping[str, float] = field(default_factory=dict)  # standing tall; unnamed angles 0
    descent_windows: Mapping[str, Window] = field(default_factory=dict)
    ascent_windows: Mapping[str, Window] = field(default_factory=dict)
    hang_arms: bool = True  # arms hang plumb, holding a bar or kettlebells


@dataclass(frozen=True)
class _Tempo:
    reps: int
    depth: float
    descent_s: float
    pause_bottom_s: float
    ascent_s: float
    pause_top_s: float
    setup_s: float
    fps: float


def _full(angles: Mapping[str, float], base: Mapping[str, float] | None = None) -> dict[str, float]:
    """Every channel: from `angles`, else from `base`, else 0 (angles) or mid-foot (weight)."""
    base = base or {}
    return {name: float(angles.get(name, base.get(name, _RESTING[name]))) for name in CHANNELS}


def _check_tempo(name: str, tempo: _Tempo, overshoot: bool) -> None:
    def need(ok: bool, message: str) -> None:
        if not ok:
            raise ValueError(f"{name}: {message}")

    need(
        isinstance(tempo.reps, numbers.Integral) and not isinstance(tempo.reps, bool) and tempo.reps >= 1,
        f"reps must be a whole number of at least 1, got {tempo.reps!r}",
    )
    need(math.isfinite(tempo.depth) and tempo.depth > 0, f"depth must be above 0, got {tempo.depth}")
    need(math.isfinite(tempo.fps) and tempo.fps > 0, f"fps must be above 0, got {tempo.fps}")
    for label in ("descent_s", "ascent_s"):
        value = getattr(tempo, label)
        need(math.isfinite(value) and value > 0, f"{label} must be above 0 seconds, got {value}")
    for label in ("pause_bottom_s", "pause_top_s", "setup_s"):
        value = getattr(tempo, label)
        need(math.isfinite(value) and value >= 0, f"{label} must be 0 seconds or more, got {value}")
    need(
        not overshoot or tempo.pause_top_s > 0,
        "pause_top_s must be above 0 seconds: the lifter undoes the lockout during that pause",
    )


def _timeline(pattern: _Pattern, tempo: _Tempo) -> tuple[list[_Move], list[tuple[float, float, float]]]:
    """The phases of the whole motion, and (start, bottom, end) times of each rep."""
    stand = _full(pattern.stand)
    top = _full(pattern.top, pattern.stand)
    deepest = _full(pattern.bottom, top)
    bottom = {k: top[k] + tempo.depth * (deepest[k] - top[k]) for k in CHANNELS}
    lockout = _full(pattern.lockout, top) if pattern.lockout is not None else top
    moves: list[_Move] = []
    clock = 0.0

    def go(
        duration: float,
        start: Mapping[str, float],
        end: Mapping[str, float],
        windows: Mapping[str, Window] = MappingProxyType({}),
    ) -> None:
        nonlocal clock
        if duration > 0:
            moves.append(_Move(clock, duration, start, end, windows))
            clock += duration

    reps = []
    go(tempo.setup_s, stand, top)
    go(tempo.pause_top_s, top, top)
    for _ in range(tempo.reps):
        start = clock
        go(tempo.descent_s, top, bottom, pattern.descent_windows)
        bottom_s = clock + tempo.pause_bottom_s / 2
        go(tempo.pause_bottom_s, bottom, bottom)
        go(tempo.ascent_s, bottom, lockout, pattern.ascent_windows)
        reps.append((start, bottom_s, clock))
        if lockout != top:
            go(tempo.pause_top_s / 2, lockout, lockout)
            go(tempo.pause_top_s / 2, lockout, top)
        else:
            go(tempo.pause_top_s, top, top)
    go(tempo.setup_s, top, stand)
    return moves, reps


def _build(
    pattern: _Pattern,
    tempo: _Tempo,
    body: Body | None,
    timeline: Callable[[_Pattern, _Tempo], tuple[list[_Move], list[tuple[float, float, float]]]] | None = None,
) -> Motion:
    """The balanced motion of a pattern at a tempo; `timeline` lays out its phases (default
    `_timeline`: setup, then reps of descent, pause, ascent, pause)."""
    body = body if body is not None else Body()
    _check_tempo(pattern.name, tempo, overshoot=pattern.lockout is not None)
    moves, rep_times = (timeline or _timeline)(pattern, tempo)
    end_s = moves[-1].start_s + moves[-1].duration_s
    count = math.ceil(end_s * tempo.fps - 1e-9) + 1
    t_s = np.arange(count) / tempo.fps
    starts = np.array([move.start_s for move in moves])
    poses, frames = [], []
    for t in t_s:
        move = moves[max(int(np.searchsorted(starts, t, side="right")) - 1, 0)]
        channels = move.at(min(float(t), end_s))
        along_foot, arms_forward = channels.pop(ALONG_FOOT), channels.pop(ARMS_FORWARD)
        result = body.balance(
            Pose(**channels), hang_arms=pattern.hang_arms, along_foot=along_foot, arms_forward_deg=arms_forward
        )
        if not result.balanced:
            raise UnbalancedMotion(
                pattern.name,
                float(t),
                result.reason or (f"the centre of mass ends {result.com_error_m * 100:.1f} cm from mid-foot"),
            )
        poses.append(result.posed.pose)
        frames.append(result.posed)

    def index(time_s: float) -> int:
        return min(math.floor(time_s * tempo.fps + 0.5), count - 1)

    reps = tuple(
        RepSpan(start=index(a), bottom=index(b), end=index(c), start_s=a, bottom_s=b, end_s=c) for a, b, c in rep_times
    )
    t_s.flags.writeable = False
    return Motion(
        name=pattern.name,
        title=pattern.title,
        description=pattern.description,
        t_s=t_s,
        poses=tuple(poses),
        frames=tuple(frames),
        reps=reps,
        fps=float(tempo.fps),
        body=body,
    )


# --------------------------------------------------------------------------------------------
# The motions
#
# Shared keyword parameters (all optional):
#   reps            repetitions, 1 or more (1 for the lesson animations)
#   depth           fraction of the motion's own bottom to reach, above 0 (1.0 = full)
#   descent_s, pause_bottom_s, ascent_s, pause_top_s, setup_s
#                   tempo in seconds (see the module docstring); descent_s and ascent_s > 0
#   fps             frames per second, above 0
#   body            the Body to move (default Body(): 1.75 m, 75 kg)
# Each raises ValueError for a bad parameter, JointLimitError for an angle out of range and
# UnbalancedMotion when some frame cannot keep the centre of mass over the feet.


def good_hinge(
    *,
    reps: int = 1,
    depth: float = 1.0,
    descent_s: float = DESCENT_S,
    pause_bottom_s: float = PAUSE_BOTTOM_S,
    ascent_s: float = ASCENT_S,
    pause_top_s: float = PAUSE_TOP_S,
    setup_s: float = SETUP_S,
    fps: float = FPS,
    body: Body | None = None,
) -> Motion:
    """Romanian deadlift pattern. Top: knees soft (15°), trunk upright. Bottom (depth 1): hips
    flexed 85°, knees 18° (3° more than at the top), lumbar, thoracic and neck 0 (flat back, head
    in line with the trunk), arms hanging plumb as if holding a bar."""
    pattern = _Pattern(
        "good_hinge",
        "Good hinge",
        "The hips push back while the knees stay softly bent and the back stays flat.",
        top=HINGE_TOP,
        bottom=HINGE_BOTTOM,
    )
    return _build(pattern, _Tempo(reps, depth, descent_s, pause_bottom_s, ascent_s, pause_top_s, setup_s, fps), body)


def rushed_hinge(
    *,
    reps: int = 1,
    depth: float = 1.0,
    descent_s: float = 0.5,
    pause_bottom_s: float = 0.0,
    ascent_s: float = ASCENT_S,
    pause_top_s: float = PAUSE_TOP_S,
    setup_s: float = SETUP_S,
    fps: float = FPS,
    body: Body | None = None,
) -> Motion:
    """The good hinge's shape with a dropped descent: 0.5 s down with no pause at the bottom,
    then 1.5 s up (three times slower)."""
    pattern = _Pattern(
        "rushed_hinge",
        "Rushed descent",
        "The lifter drops into the bottom fast, then rises slowly.",
        top=HINGE_TOP,
        bottom=HINGE_BOTTOM,
    )
    return _build(pattern, _Tempo(reps, depth, descent_s, pause_bottom_s, ascent_s, pause_top_s, setup_s, fps), body)


def squat(
    *,
    reps: int = 1,
    depth: float = 1.0,
    descent_s: float = DESCENT_S,
    pause_bottom_s: float = PAUSE_BOTTOM_S,
    ascent_s: float = ASCENT_S,
    pause_top_s: float = PAUSE_TOP_S,
    setup_s: float = SETUP_S,
    fps: float = FPS,
    body: Body | None = None,
) -> Motion:
    """Goblet squat. Top: standing tall holding a kettlebell at the chest (shoulder 25°, elbow
    130°). Bottom (depth 1): knees 110°, hips 105°, flat back; the shins tip about 31° forward
    (solved by balance) and the trunk stays within about 30° of upright. The bell's own weight
    is not modelled: only the arms' position moves the centre of mass."""
    pattern = _Pattern(
        "squat",
        "Goblet squat",
        "Knees and hips bend together: the knees travel forward and the hips drop down.",
        stand=GOBLET_ARMS,
        top=GOBLET_ARMS,
        bottom={"knee": 110.0, "hip": 105.0},
        hang_arms=False,
    )
    return _build(pattern, _Tempo(reps, depth, descent_s, pause_bottom_s, ascent_s, pause_top_s, setup_s, fps), body)


def rounded_back_hinge(
    *,
    lumbar_deg: float = 30.0,
    thoracic_deg: float = 25.0,
    hip_deg: float = 60.0,
    reps: int = 1,
    depth: float = 1.0,
    descent_s: float = DESCENT_S,
    pause_bottom_s: float = PAUSE_BOTTOM_S,
    ascent_s: float = ASCENT_S,
    pause_top_s: float = PAUSE_TOP_S,
    setup_s: float = SETUP_S,
    fps: float = FPS,
    body: Body | None = None,
) -> Motion:
    """A hinge that bends the back instead of the hips. At the bottom (depth 1): lumbar flexion
    `lumbar_deg` (default 30°), thoracic flexion `thoracic_deg` (25°), hip flexion only `hip_deg`
    (60°, against the good hinge's 85°); knees as in the good hinge. Lumbar and thoracic 0° give
    a flat back."""
    pattern = _Pattern(
        "rounded_back_hinge",
        "Rounded back",
        "The back curls forward, so the spine bends instead of the hips.",
        top=HINGE_TOP,
        bottom={**HINGE_BOTTOM, "hip": hip_deg, "lumbar": lumbar_deg, "thoracic": thoracic_deg},
    )
    return _build(pattern, _Tempo(reps, depth, descent_s, pause_bottom_s, ascent_s, pause_top_s, setup_s, fps), body)


def locked_knee_hinge(
    *,
    knee_deg: float = -3.0,
    reps: int = 1,
    depth: float = 1.0,
    descent_s: float = DESCENT_S,
    pause_bottom_s: float = PAUSE_BOTTOM_S,
    ascent_s: float = ASCENT_S,
    pause_top_s: float = PAUSE_TOP_S,
    setup_s: float = SETUP_S,
    fps: float = FPS,
    body: Body | None = None,
) -> Motion:
    """A hinge on straight legs. Top: standing tall, knees straight (0°). Bottom (depth 1): hips
    flexed 85°, knees at `knee_deg` (default -3°: pushed slightly back past straight; 0 to -10).
    With no knee bend the balance solver tips the shins back about 18°."""
    pattern = _Pattern(
        "locked_knee_hinge",
        "Locked knees",
        "The knees stay locked straight, so the shins tip back and the legs cannot help.",
        top={},
        bottom={"knee": knee_deg, "hip": HINGE_BOTTOM["hip"]},
    )
    return _build(pattern, _Tempo(reps, depth, descent_s, pause_bottom_s, ascent_s, pause_top_s, setup_s, fps), body)


def knee_dominant_hinge(
    *,
    knee_deg: float = 65.0,
    hip_deg: float = 65.0,
    reps: int = 1,
    depth: float = 1.0,
    descent_s: float = DESCENT_S,
    pause_bottom_s: float = PAUSE_BOTTOM_S,
    ascent_s: float = ASCENT_S,
    pause_top_s: float = PAUSE_TOP_S,
    setup_s: float = SETUP_S,
    fps: float = FPS,
    body: Body | None = None,
) -> Motion:
    """ "Breaking at the knees": the knees bend first and far. Top as the good hinge. Bottom
    (depth 1): knees `knee_deg` (default 65°), hips `hip_deg` (65°); the hips drop and the shins
    tip forward (about 21° at the bottom, 24° on the way down). In the descent the knees move in
    the first 80% of the time and the hips only from 10% on; the ascent mirrors it (the hips
    straighten first)."""
    pattern = _Pattern(
        "knee_dominant_hinge",
        "Knees bend first",
        "The knees bend first and far, so the hips drop down instead of moving back.",
        top=HINGE_TOP,
        bottom={"knee": knee_deg, "hip": hip_deg},
        descent_windows={"knee": (0.0, 0.8), "hip": (0.1, 1.0)},
        ascent_windows={"hip": (0.0, 0.9), "knee": (0.2, 1.0)},
    )
    return _build(pattern, _Tempo(reps, depth, descent_s, pause_bottom_s, ascent_s, pause_top_s, setup_s, fps), body)


def lean_back_hinge(
    *,
    hip_deg: float = -10.0,
    lumbar_deg: float = -15.0,
    reps: int = 1,
    depth: float = 1.0,
    descent_s: float = DESCENT_S,
    pause_bottom_s: float = PAUSE_BOTTOM_S,
    ascent_s: float = ASCENT_S,
    pause_top_s: float = PAUSE_TOP_S,
    setup_s: float = SETUP_S,
    fps: float = FPS,
    body: Body | None = None,
) -> Motion:
    """A good hinge that overshoots at lockout: the ascent ends with the hips extended to
    `hip_deg` (default -10°, past straight), the lower back arched to `lumbar_deg` (-15°, in the
    last 40% of the ascent) and the knees nearly straight (5°). The lean is held for the first
    half of pause_top_s (which must be above 0) and undone in the second half."""
    pattern = _Pattern(
        "lean_back_hinge",
        "Leaning back at the top",
        "At the top the hips push past straight and the lower back arches to lean back.",
        top=HINGE_TOP,
        bottom=HINGE_BOTTOM,
        lockout={"knee": 5.0, "hip": hip_deg, "lumbar": lumbar_deg},
        ascent_windows={"lumbar": (0.6, 1.0)},
    )
    return _build(pattern, _Tempo(reps, depth, descent_s, pause_bottom_s, ascent_s, pause_top_s, setup_s, fps), body)


def neck_cranked_hinge(
    *,
    neck_deg: float = -35.0,
    reps: int = 1,
    depth: float = 1.0,
    descent_s: float = DESCENT_S,
    pause_bottom_s: float = PAUSE_BOTTOM_S,
    ascent_s: float = ASCENT_S,
    pause_top_s: float = PAUSE_TOP_S,
    setup_s: float = SETUP_S,
    fps: float = FPS,
    body: Body | None = None,
) -> Motion:
    """A good hinge that keeps looking ahead: the neck extends to `neck_deg` at the bottom
    (default -35°: looking up), returning to 0 as the trunk comes upright."""
    pattern = _Pattern(
        "neck_cranked_hinge",
        "Looking up",
        "The head tips back to keep looking ahead, bending the neck as the trunk tips forward.",
        top=HINGE_TOP,
        bottom={**HINGE_BOTTOM, "neck": neck_deg},
    )
    return _build(pattern, _Tempo(reps, depth, descent_s, pause_bottom_s, ascent_s, pause_top_s, setup_s, fps), body)


def hips_not_back_hinge(
    *,
    knee_deg: float = 35.0,
    hip_deg: float = 60.0,
    along_foot: float = TOES,
    reps: int = 1,
    depth: float = 1.0,
    descent_s: float = DESCENT_S,
    pause_bottom_s: float = PAUSE_BOTTOM_S,
    ascent_s: float = ASCENT_S,
    pause_top_s: float = PAUSE_TOP_S,
    setup_s: float = SETUP_S,
    fps: float = FPS,
    body: Body | None = None,
) -> Motion:
    """The trunk tips forward but the hips stay over the heels. Top as the good hinge. Bottom
    (depth 1): hips `hip_deg` (default 60°), knees `knee_deg` (35°), back flat, and the weight
    moved with the descent from mid-foot to `along_foot` of the way to the toe tips (TOES, 0.9):
    with the centre of mass that far forward the balance solver tips the shins about 13° forward
    (the knees push over the toes) and the hips move back only about 6 cm (the good hinge's
    travel is about 23 cm), with the trunk about 38° from upright."""
    pattern = _Pattern(
        "hips_not_back_hinge",
        "Hips not going back",
        "The trunk tips forward but the hips stay over the heels, so the knees and the weight go to the toes.",
        top=HINGE_TOP,
        bottom={"knee": knee_deg, "hip": hip_deg, ALONG_FOOT: along_foot},
    )
    return _build(pattern, _Tempo(reps, depth, descent_s, pause_bottom_s, ascent_s, pause_top_s, setup_s, fps), body)


def weight_forward_hinge(
    *,
    arms_forward_deg: float = 20.0,
    along_foot: float = 0.8,
    reps: int = 1,
    depth: float = 1.0,
    descent_s: float = DESCENT_S,
    pause_bottom_s: float = PAUSE_BOTTOM_S,
    ascent_s: float = ASCENT_S,
    pause_top_s: float = PAUSE_TOP_S,
    setup_s: float = SETUP_S,
    fps: float = FPS,
    body: Body | None = None,
) -> Motion:
    """The good hinge's shape with the weight drifting to the toes. At the bottom (depth 1) the
    arms reach `arms_forward_deg` (default 20°) forward of hanging plumb, so the hands drift away
    from the legs, and the weight has moved from mid-foot to `along_foot` of the way to the toe
    tips (default 0.8): the shins stand nearly upright instead of tipping back and the hips
    travel less than in the good hinge. Both drift with the descent, from plumb arms and
    mid-foot at the top."""
    pattern = _Pattern(
        "weight_forward_hinge",
        "Weight on the toes",
        "The hands drift away from the legs and the whole body rocks forward onto the toes.",
        top=HINGE_TOP,
        bottom={**HINGE_BOTTOM, ARMS_FORWARD: arms_forward_deg, ALONG_FOOT: along_foot},
    )
    return _build(pattern, _Tempo(reps, depth, descent_s, pause_bottom_s, ascent_s, pause_top_s, setup_s, fps), body)


# The bottom of a pull from the floor: knees bent 70 degrees, hips 110 (knee to hip 0.64, a
# hinge: course.thresholds.SQUAT_KNEE_TO_HIP), trunk about 53 degrees from upright once balanced,
# the wrists at knee height (a bar or a kettlebell's handle in the hands hangs lower, at mid-shin).
FLOOR_PULL_BOTTOM = MappingProxyType({"knee": 70.0, "hip": 110.0})


def hips_rise_first_hinge(
    *,
    hips_wait: float = 0.3,
    knee_deg: float = 90.0,
    hip_deg: float = 105.0,
    reps: int = 1,
    depth: float = 1.0,
    descent_s: float = DESCENT_S,
    pause_bottom_s: float = PAUSE_BOTTOM_S,
    ascent_s: float = ASCENT_S,
    pause_top_s: float = PAUSE_TOP_S,
    setup_s: float = SETUP_S,
    fps: float = FPS,
    body: Body | None = None,
) -> Motion:
    """A pull from the floor whose hips rise first. Top as the good hinge. Bottom (depth 1): the
    hips start low, like a squat: knees `knee_deg` (default 90°), hips `hip_deg` (105°), shins
    about 23° forward, trunk about 38° from upright; the way down hips and knees together. On
    the way up the hips keep their bend for the first `hips_wait` of the ascent (default 0.3,
    from 0 to 0.5) while the knees straighten from the start, over the first 1 - hips_wait of
    it: the hips rise and the chest stays down, so the trunk tips about 25° further forward
    (to about 63° from upright) before it comes up (12° with hips_wait 0.2, 7° with 0.15). With
    hips_wait 0 hips and knees straighten together over the whole way up and the trunk rises
    from the first moment; the squat-like bottom then stays a squatted pull."""
    if not (math.isfinite(hips_wait) and 0.0 <= hips_wait <= 0.5):
        raise ValueError(f"hips_rise_first_hinge: hips_wait must be from 0 to 0.5, got {hips_wait}")
    pattern = _Pattern(
        "hips_rise_first_hinge",
        "Hips rising first",
        "On the way up the knees straighten first and the hips rise while the chest stays down.",
        top=HINGE_TOP,
        bottom={"knee": knee_deg, "hip": hip_deg},
        ascent_windows={"knee": (0.0, 1.0 - hips_wait), "hip": (hips_wait, 1.0)},
    )
    return _build(pattern, _Tempo(reps, depth, descent_s, pause_bottom_s, ascent_s, pause_top_s, setup_s, fps), body)


def partial_pull(
    *,
    top_hip_deg: float = 65.0,
    top_knee_deg: float = 25.0,
    reps: int = 1,
    descent_s: float = 1.0,
    pause_bottom_s: float = 0.5,
    ascent_s: float = 1.0,
    pause_top_s: float = 0.3,
    setup_s: float = SETUP_S,
    fps: float = FPS,
    body: Body | None = None,
) -> Motion:
    """Pulls that never stand up: from the bottom of a pull from the floor (FLOOR_PULL_BOTTOM,
    the load at mid-shin) up only until the load passes the knees (hips still bent
    `top_hip_deg`, default 65°, knees `top_knee_deg`, 25°, the wrists at mid-thigh) and back
    down. Like every motion it starts and ends standing tall (the setup goes to and from that
    highest point): cut it from its first bottom to its last for a clip that starts at the
    bottom and never stands."""
    pattern = _Pattern(
        "partial_pull",
        "Partial pull",
        "The weight leaves the floor but stops at the knees and goes back down.",
        top={"knee": top_knee_deg, "hip": top_hip_deg},
        bottom=FLOOR_PULL_BOTTOM,
    )
    return _build(pattern, _Tempo(reps, 1.0, descent_s, pause_bottom_s, ascent_s, pause_top_s, setup_s, fps), body)


# A Russian kettlebell swing's two turning points: the float, a standing plank with straight
# knees and hips and the arms forward at about chest height (80 to 90 degrees from hanging), and
# the backswing, hips folded about 80 degrees, knees soft, the bell between the legs behind them
# (the arms about 30 degrees behind plumb). The bell's own mass is not modelled. Before the first
# swing the lifter reaches for the bell on the floor about a foot in front of the toes (a deeper
# fold, arms reaching forward), and after the last one parks it there.
SWING_FLOAT = MappingProxyType({"knee": 3.0, "hip": 0.0, ARMS_FORWARD: 85.0})
SWING_BACKSWING = MappingProxyType({"knee": 25.0, "hip": 80.0, ARMS_FORWARD: -30.0})
SWING_REACH = MappingProxyType({"knee": 35.0, "hip": 105.0, ARMS_FORWARD: 20.0})
SWING_REP_S = 1.2  # Russian swings, float to float: about 1 to 1.5 s


def kettlebell_swing(
    *,
    reps: int = 10,
    rep_s: float = SWING_REP_S,
    from_floor: bool = True,
    float_hip_deg: float = 0.0,
    fps: float = FPS,
    body: Body | None = None,
) -> Motion:
    """Russian kettlebell swings: `reps` swings of `rep_s` seconds each (default 10 of 1.2 s),
    half of it up from the backswing to the float and half back down, with no pause at either
    (SWING_FLOAT, SWING_BACKSWING). from_floor (default True): the set starts standing, reaches
    for the bell on the floor (SWING_REACH, held 1 s), hikes it back into the first backswing,
    and after the last swing parks it on the floor again (held 1 s) and stands; False: the set
    starts and ends standing with the bell hanging, the first move is the first backswing.
    float_hip_deg: hip flexion at the float (default 0; negative leans back past straight, as
    far as -15). Each rep runs from the float before it (or the hike) through the backswing to
    its float."""
    if not (math.isfinite(rep_s) and rep_s > 0):
        raise ValueError(f"kettlebell_swing: rep_s must be above 0 seconds, got {rep_s}")
    if not (math.isfinite(float_hip_deg) and -15.0 <= float_hip_deg <= 10.0):
        raise ValueError(f"kettlebell_swing: float_hip_deg must be from -15 to 10, got {float_hip_deg}")
    pattern = _Pattern(
        "kettlebell_swing",
        "Kettlebell swing",
        "The hips snap the bell up to chest height and fold back as it falls between the legs.",
        top={**SWING_FLOAT, "hip": float_hip_deg},
        bottom=SWING_BACKSWING,
    )
    half = rep_s / 2

    def swings(pattern: _Pattern, tempo: _Tempo) -> tuple[list[_Move], list[tuple[float, float, float]]]:
        stand, up = _full(pattern.stand), _full(pattern.top)
        down, reach = _full(pattern.bottom), _full(SWING_REACH)
        moves: list[_Move] = []
        clock = 0.0

        def go(duration: float, start: Mapping[str, float], end: Mapping[str, float]) -> None:
            nonlocal clock
            moves.append(_Move(clock, duration, start, end, {}))
            clock += duration

        go(0.5, stand, stand)
        if from_floor:
            go(1.0, stand, reach)
            go(1.0, reach, reach)
            go(half, reach, down)  # the hike
        else:
            go(half, stand, down)
        times = []
        for number in range(tempo.reps):
            start = clock - half
            if number:
                go(half, up, down)
            bottom = clock
            go(half, down, up)
            times.append((start, bottom, clock))
        go(half, up, down)
        if from_floor:
            go(half, down, reach)
            go(1.0, reach, reach)
            go(1.0, reach, stand)
        else:
            go(half, down, stand)
        go(0.5, stand, stand)
        return moves, times

    return _build(pattern, _Tempo(reps, 1.0, half, 0.0, half, 0.0, 0.0, fps), body, swings)


MOTIONS: Mapping[str, Callable[..., Motion]] = MappingProxyType(
    {
        "good_hinge": good_hinge,
        "squat": squat,
        "rounded_back_hinge": rounded_back_hinge,
        "locked_knee_hinge": locked_knee_hinge,
        "knee_dominant_hinge": knee_dominant_hinge,
        "lean_back_hinge": lean_back_hinge,
        "neck_cranked_hinge": neck_cranked_hinge,
        "rushed_hinge": rushed_hinge,
        "hips_not_back_hinge": hips_not_back_hinge,
        "weight_forward_hinge": weight_forward_hinge,
        "hips_rise_first_hinge": hips_rise_first_hinge,
        "partial_pull": partial_pull,
        "kettlebell_swing": kettlebell_swing,
    }
)
