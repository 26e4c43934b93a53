"""Repetitions in a measured movement: where each rep starts, reaches its bottom, locks out and
ends, from a depth signal over time (the hip's flexion, with the trunk's lean standing in where
the hip is not seen), and the partial reps that never lock out. The records they become (Rep,
PartialRep) are what the fault rules judge. course.analysis.kinematics measures the signal and
calls `segment_reps` and `split_partial`; the method is described in its docstring.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from course.thresholds import LOCKOUT_HIP_MAX, MIN_HINGE_DEPTH, Limit

REP_TOP_PERCENTILE = Limit(
    5.0,
    "percentile",
    "The clip's top level: a low percentile of hip flexion rather than the minimum, so that a "
    "few bad frames cannot set it.",
)
REP_BOTTOM_PERCENTILE = Limit(
    95.0,
    "percentile",
    "The clip's bottom level, likewise. With one rep in a 10 s clip its bottom still fills more "
    "than 5 % of the frames.",
)
ENTER_BOTTOM = Limit(
    0.65, "fraction of the top-to-bottom range", "The signal is 'at the bottom' above this share of its range ..."
)
ENTER_TOP = Limit(
    0.35,
    "fraction of the top-to-bottom range",
    "... and 'at the top' below this one. The 30 % band between them is many times the smoothed "
    "signal's jitter, so jitter, pauses and small bounces cannot count as reps.",
)
REST_BAND = Limit(
    0.05,
    "fraction of the top-to-bottom range",
    "How still a pause is: the signal moves by less than this (about 4 deg in a hinge), a few "
    "times the smoothed signal's jitter.",
)
STILL = Limit(
    0.3,
    "s",
    "A pause at a turning point: the signal stays within REST_BAND for this long. A rep starts "
    "at the end of the pause before it and ends where the next one begins; without a pause, at "
    "the turning point itself. Shorter than the 0.5 s a lifter holds a lockout, longer than a "
    "hitch in the middle of a pull.",
)
MIN_RANGE = Limit(
    20.0,
    "deg",
    "A clip whose hip flexion moves less than this between its top and bottom levels has no "
    "reps: four times the ~5 deg a phone camera's angle wobbles (course.thresholds.ANGLE_ERROR).",
)
MIN_BOTTOM = Limit(
    40.0,
    "deg",
    "A rep must bend the hips at least this far: walking flexes the hip to about 30 deg at heel "
    "strike (Winter's gait data), while a hinge to just below the knee reaches about 45 deg.",
)
HANDS_AT_KNEES = Limit(
    0.3,
    "thigh lengths",
    "Only for the words naming where a partial rep stopped: wrists within this of the knees' "
    "height are 'at your knees', lower 'below your knees', higher 'at your thighs'. About 13 cm "
    "on an adult thigh: a bar or a kettlebell's handle hangs a hand's height below the wrists, "
    "so a load at the knees puts them that far above.",
)


RepKind = Literal["top-start", "bottom-start", "swing"]


@dataclass(frozen=True)
class Rep:
    """One full repetition. Indexes (`_i`) are frames of the track; times (`_s`) its t_s.

    number: 1, 2, ... in order. kind: "top-start" (standing -> bottom -> standing),
    "bottom-start" (a deadlift from the floor: bottom -> lockout -> bottom) or "swing" (a
    kettlebell swing: backswing -> float -> backswing, indexed like a bottom-start rep); see the
    module docstring.
    start_i: the last frame before the lifter leaves the starting turning point.
    end_i: the first frame at the finishing turning point.
    bottom_i: the bottom the rep is judged at: for a top-start rep the middle of the bottom (of
        a pause there); for a bottom-start rep its start, where the pull leaves the floor.
    top_i: the standing moment: for a top-start rep its start; for a bottom-start rep the
        middle of its lockout.
    For a bottom-start rep the clip's last lockout may end the rep (end_i in the lockout) when
    the clip stops before the weight is back down.
    peak_hip_deg, peak_knee_deg: the most hip and knee flexion within the rep; NaN when the
        angle was not seen at bottom_i.
    uncertainty_deg: per angle name ("hip", "knee", "trunk", "shin", "neck", "back_line") the
        uncertainty of that smoothed angle within this rep, degrees (module docstring).
    """

    number: int
    kind: RepKind
    start_i: int
    bottom_i: int
    top_i: int
    end_i: int
    start_s: float
    bottom_s: float
    top_s: float
    end_s: float
    peak_hip_deg: float
    peak_knee_deg: float
    uncertainty_deg: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class PartialRep:
    """A movement that went down and up (or up and down) like a rep but is not one: its way up
    never reached standing tall, or it never bent the hips to a hinge's depth (module
    docstring, "Partial reps"). Indexes are frames of the track, times its t_s.

    why: "no_lockout" or "too_shallow". top_hip_deg: the least hip flexion on its way up (0 is
    standing tall); bottom_hip_deg: the most within it. hands: where the wrists were at its
    highest point, for a no-lockout partial: "below_knees", "at_knees", "thighs", or "" when
    not seen.
    """

    why: Literal["no_lockout", "too_shallow"]
    start_i: int
    end_i: int
    start_s: float
    end_s: float
    top_hip_deg: float
    bottom_hip_deg: float
    hands: str = ""


@dataclass(frozen=True)
class RepFrames:
    """Frame indexes of one repetition found by `segment_reps` (see `Rep`)."""

    kind: RepKind
    start: int
    bottom: int
    top: int
    end: int


@dataclass
class _Visit:
    zone: Literal["top", "bottom"]
    frames: list[int]  # the frames inside the zone during this visit


def segment_reps(
    t_s: np.ndarray, depth_deg: np.ndarray, hands_low: np.ndarray | None = None, arms_raised: np.ndarray | None = None
) -> list[RepFrames]:
    """Full repetitions in a depth signal by two-threshold hysteresis relative to the clip's
    own range (module docstring, "Repetitions").

    t_s: (n,) seconds. depth_deg: (n,) hip flexion, degrees, NaN where not seen; NaN frames
    (nobody in the picture) are skipped and the zone carries over them. hands_low: (n,) 1.0
    where the wrists are below mid-thigh (a load there could rest on the floor), 0.0 where
    above, NaN where not seen; None when not known at all. When the clip starts at the bottom
    and the hands were never seen there, it is taken for a lift from the floor: in a hinge
    course, that is what a clip starting at the bottom usually shows. arms_raised: (n,) 1.0
    where the arms point SWING_ARMS_RAISED or more forward of hanging, 0.0 where not, NaN where
    not seen; None when not known (then no rep is taken for a swing).
    """
    d = np.asarray(depth_deg, dtype=float)
    finite = np.isfinite(d)
    if finite.sum() < 3:
        return []
    levels = _levels(d[finite])
    if levels is None:
        return []
    visits = _nested_cycles(d, finite, _zone_visits(d, np.flatnonzero(finite), *levels))
    if not visits:
        return []
    rest = REST_BAND.value * levels[1]

    def turning(visit: _Visit) -> np.ndarray:
        """The frames of a visit within REST_BAND of its turning point's level."""
        f = np.array(visit.frames)
        extreme = d[f].max() if visit.zone == "bottom" else d[f].min()
        return f[np.abs(d[f] - extreme) <= rest]

    still_before, still_after = _still(np.asarray(t_s, dtype=float), d, rest)

    def extreme(visit: _Visit) -> int:
        f = np.array(visit.frames)
        return int(f[np.argmax(d[f]) if visit.zone == "bottom" else np.argmin(d[f])])

    def leave(visit: _Visit) -> int:
        """The last frame before the signal moves away from this visit's level: the end of the
        last pause in the visit, or its turning point when it did not pause there."""
        paused = [k for k in visit.frames if still_before[k]]
        return paused[-1] if paused else extreme(visit)

    def arrive(visit: _Visit) -> int:
        """The first frame where the signal settles at this visit's level (mirrors `leave`)."""
        paused = [k for k in visit.frames if still_after[k]]
        return paused[0] if paused else extreme(visit)

    def raised(visit: _Visit) -> bool | None:
        """Whether the arms were raised at this visit's turning point; None when not seen."""
        if arms_raised is None:
            return None
        seen = np.asarray(arms_raised, dtype=float)[turning(visit)]
        seen = seen[np.isfinite(seen)]
        return bool(np.mean(seen) > 0.5) if seen.size else None

    tops = [raised(visit) for visit in visits if visit.zone == "top"]
    bottoms = [raised(visit) for visit in visits if visit.zone == "bottom"]
    swings = True in tops and bottoms.count(True) < max(1, bottoms.count(False))
    floor_lift = visits[0].zone == "bottom"
    if floor_lift and hands_low is not None:
        at_bottom = np.concatenate([visit.frames for visit in visits if visit.zone == "bottom"])
        low = np.asarray(hands_low, dtype=float)[at_bottom]
        low = low[np.isfinite(low)]
        floor_lift = bool(np.mean(low) > 0.5) if low.size else True

    spans = []
    if swings or floor_lift:  # bottom -> lockout (-> the next bottom, when the clip shows it)
        for i, visit in enumerate(visits):
            if visit.zone != "top" or i == 0 or (swings and raised(visit) is False):
                continue  # a swing set's stand with the bell hanging is not a swing
            start = leave(visits[i - 1])
            lockout = turning(visit)
            end = arrive(visits[i + 1]) if i + 1 < len(visits) else visit.frames[-1]
            spans.append(
                RepFrames("swing" if swings else "bottom-start", start, start, int(lockout[len(lockout) // 2]), end)
            )
    else:  # down and back up: top -> bottom -> top
        for before, turn, after in zip(visits, visits[1:], visits[2:], strict=False):
            if turn.zone != "bottom":
                continue
            start, end = leave(before), arrive(after)
            bottom = turning(turn)
            spans.append(RepFrames("top-start", start, int(bottom[len(bottom) // 2]), start, end))
    return spans


def _levels(values: np.ndarray) -> tuple[float, float] | None:
    """The top level and the top-to-bottom range of finite depth values, or None when they hold
    no rep (range under MIN_RANGE, bottom under MIN_BOTTOM)."""
    top_level = float(np.percentile(values, REP_TOP_PERCENTILE.value))
    bottom_level = float(np.percentile(values, REP_BOTTOM_PERCENTILE.value))
    span = bottom_level - top_level
    if span < MIN_RANGE.value or bottom_level < MIN_BOTTOM.value:
        return None
    return top_level, span


def _zone_visits(d: np.ndarray, frames: np.ndarray, top_level: float, span: float) -> list[_Visit]:
    """The visits to the top and bottom zones of `frames` (finite, in order) by hysteresis
    on these levels; before the first crossing a frame is in the zone of the nearer level."""
    enter_bottom = top_level + ENTER_BOTTOM.value * span
    enter_top = top_level + ENTER_TOP.value * span
    visits: list[_Visit] = []
    for k in frames:
        zone: Literal["top", "bottom"] | None = (
            "bottom" if d[k] >= enter_bottom else "top" if d[k] <= enter_top else None
        )
        if zone is None and not visits:  # before the first crossing: the nearer level
            zone = "bottom" if d[k] >= top_level + 0.5 * span else "top"
        if zone is None:
            continue
        if not visits or visits[-1].zone != zone:
            visits.append(_Visit(zone, []))
        visits[-1].frames.append(int(k))
    return visits


def _nested_cycles(d: np.ndarray, finite: np.ndarray, visits: list[_Visit]) -> list[_Visit]:
    """The visits, with every stretch the clip's levels saw as one visit to the top (from the
    bottom before it to the bottom after it, or the clip's end) replaced by the cycles it holds
    on its own levels, when it holds at least one bottom between two tops (module docstring,
    "Movements of two depths in one set")."""
    out: list[_Visit] = []
    for i, visit in enumerate(visits):
        if visit.zone == "top":
            lo = visits[i - 1].frames[-1] + 1 if i > 0 else 0
            hi = visits[i + 1].frames[0] if i + 1 < len(visits) else len(d)
            frames = np.flatnonzero(finite[lo:hi]) + lo
            levels = _levels(d[frames]) if frames.size >= 3 else None
            inner = _zone_visits(d, frames, *levels) if levels is not None else []
            tops = [j for j, v in enumerate(inner) if v.zone == "top"]
            if len(tops) >= 2:
                out += inner[tops[0] : tops[-1] + 1]
                continue
        out.append(visit)
    return out


def split_partial(
    t_s: np.ndarray,
    depth_deg: np.ndarray,
    spans: list[RepFrames],
    hands_height: np.ndarray | None = None,
) -> tuple[list[RepFrames], tuple[PartialRep, ...]]:
    """The spans that are full reps, and the ones that are not (module docstring, "Partial
    reps"). A span whose depth was seen on no frame of its way up is kept: nothing shows it
    stopped short. hands_height: (n,) where the wrists are, 0 at the knees and 1 at the hips
    (NaN where not seen), to say where a partial rep stopped."""
    d = np.asarray(depth_deg, dtype=float)
    full, partial = [], []
    for span in spans:
        up = np.arange(span.bottom if span.kind == "top-start" else span.start, span.end + 1)
        up = up[np.isfinite(d[up])]
        every = np.arange(span.start, span.end + 1)
        every = every[np.isfinite(d[every])]
        if not up.size:
            full.append(span)
            continue
        highest = int(up[np.argmin(d[up])])
        top, bottom = float(d[highest]), float(np.max(d[every]))
        why: Literal["no_lockout", "too_shallow"] | None = (
            "no_lockout" if top > LOCKOUT_HIP_MAX.value else "too_shallow" if bottom < MIN_HINGE_DEPTH.value else None
        )
        if why is None:
            full.append(span)
            continue
        hands = ""
        if why == "no_lockout" and hands_height is not None and np.isfinite(hands_height[highest]):
            h = float(hands_height[highest])
            band = HANDS_AT_KNEES.value
            hands = "below_knees" if h < -band else "at_knees" if h <= band else "thighs"
        partial.append(
            PartialRep(
                why,
                span.start,
                span.end,
                float(t_s[span.start]),
                float(t_s[span.end]),
                round(top, 1),
                round(bottom, 1),
                hands,
            )
        )
    return full, tuple(partial)


def _still(t: np.ndarray, d: np.ndarray, rest: float) -> tuple[np.ndarray, np.ndarray]:
    """(n,) bool twice: the signal stayed within `rest` for the STILL seconds up to each frame,
    and for the STILL seconds from it (finite frames only; NaN frames are False)."""
    good = np.flatnonzero(np.isfinite(d))
    tg, dg = t[good], d[good]
    before, after = np.zeros(len(d), dtype=bool), np.zeros(len(d), dtype=bool)
    first = np.searchsorted(tg, tg - STILL.value, side="left")
    last = np.searchsorted(tg, tg + STILL.value, side="right")
    for i, k in enumerate(good):
        span = tg[i] - tg[first[i]]
        before[k] = span >= 0.9 * STILL.value and np.ptp(dg[first[i] : i + 1]) <= rest
        span = tg[last[i] - 1] - tg[i]
        after[k] = span >= 0.9 * STILL.value and np.ptp(dg[i : last[i]]) <= rest
    return before, after
