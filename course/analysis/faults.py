"""The fault rules: from a clip's angle curves and reps to findings a coach would agree with.

Each rule looks at one rep at a time and either finds its fault (a :class:`Finding` with the
measured value, the threshold it crossed and a confidence), finds nothing, or says it cannot
judge that rep and why (a :class:`NotJudged`). Every number comes from ``course.thresholds``.

Angles follow ``course.analysis.kinematics``: hip and knee flexion 0 straight, trunk inclination
0 upright (+ forward), neck 0 in line with the trunk (- looking up), back line 180 with ear,
shoulder and hip in line. A rep's phases: for a rep that starts standing (top -> bottom ->
top) the descent runs from its start to its bottom and the lockout is its end; for a rep
that starts at the bottom (a deadlift from the floor: bottom -> top -> bottom) the lockout
is its highest point and the descent runs from there to its end.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from course import thresholds as limits
from course.analysis.exercises import NOT_SURE, Exercise, exercise_named, judged_as, lowering_limit
from course.analysis.kinematics import KEY_POINTS, MotionTrack
from course.analysis.reps import PartialRep, Rep

FAULT_IDS = (
    "rounded_back",
    "hips_rise_first",
    "squat_pattern",
    "hips_not_back",
    "locked_knees",
    "lean_back_at_top",
    "rushed_descent",
    "neck_cranked",
)
"""The fault vocabulary (shared with ``shared/clips/labels.yaml``), most important first: a
back that rounds under load matters more than where the eyes look, and hips that rise first
leave the back to lift the weight."""
MAIN_RULES = ("rounded_back", "squat_pattern", "hips_not_back")
"""The rules a hinge is about: its back, that it is not a squat, that the hips go back. A clip
is "judged" only when these ran on most of its reps (course.thresholds.MAIN_RULES_SHARE)."""

SIDE_VIEW_ONLY = "needs a camera side-on to you; from where yours stood, the angles of a hinge can't be measured."
AT_AN_ANGLE = "needs a camera side-on to you, and yours was at an angle."
ANGLE_PROOF = frozenset({"squat_pattern", "locked_knees", "rushed_descent"})
"""Rules that hold from a camera up to NEAR_SIDE_ON away from side-on (see course.thresholds)."""
VERTICAL_RULES = frozenset({"lean_back_at_top", "hips_not_back"})
"""Rules measured against the true vertical (trunk lean, hips behind the ankles), which a tilted
phone shifts; the others compare segments with each other, which a tilt does not change."""
TILT_UNKNOWN = (
    "needs to know which way is up, and the camera was tilted by an amount we could not "
    "measure well enough. Prop the phone level, upright, at hip height."
)
LUMBAR_ESTIMATED = (
    "The camera could not see the outline of your back well enough, so rounding there is "
    "estimated from how your head, shoulders and hips line up. Check it with the dowel drill."
)
POINTS_NEEDED: dict[str, tuple[str, ...]] = {
    "rounded_back": (
        "shoulder",
        "hip",
        "knee",
        "ankle",
    ),  # the fold proxy needs the knee angle; the ear line, when seen, adds to it
    "hips_rise_first": ("shoulder", "hip", "knee", "ankle"),
    "squat_pattern": ("hip", "knee", "ankle"),
    "hips_not_back": ("hip", "ankle"),
    "locked_knees": ("hip", "knee", "ankle"),
    "lean_back_at_top": ("shoulder", "hip"),
    "neck_cranked": ("ear", "shoulder", "hip"),
    "rushed_descent": ("shoulder", "hip", "knee"),
}
"""The body points (course.analysis.kinematics.POINTS) each rule's angles are drawn through."""
BODY_PART_NAMES = {"ear": "head", "shoulder": "shoulders", "hip": "hips", "knee": "knees", "ankle": "ankles"}
KNEE_HELD = (
    limits.HIPS_FIRST_KNEE_MIN.value / 5
)  # deg: knees within this of their deepest bend have not begun to straighten


@dataclass(frozen=True)
class Finding:
    """A fault seen on one rep."""

    fault: str  # one of FAULT_IDS
    rep: int  # rep number, from 1
    start_s: float  # where in the clip it shows
    end_s: float
    value: float  # what was measured
    threshold: float  # the limit it crossed
    unit: str
    confidence: float  # 0..1: how sure, from the margin over the threshold and how well the joints were seen
    measure: str = ""  # what was measured, when a fault has more than one way to be seen


@dataclass(frozen=True)
class NotJudged:
    """Something the self-check could not judge, with the reason in the learner's words."""

    what: str  # a fault id, or an aspect such as "lumbar_spine"
    why: str
    rep: int | None = None  # None: the whole clip


@dataclass(frozen=True)
class Judgement:
    findings: tuple[Finding, ...]
    not_judged: tuple[NotJudged, ...]
    checked: frozenset[str]  # faults judged on at least one rep (what went well comes from these)
    judged_reps: Mapping[str, frozenset[int]] = dataclasses.field(default_factory=dict)
    """Per fault id, the numbers of the reps its rule was judged on (found or fine)."""
    chosen: Exercise = dataclasses.field(default_factory=lambda: exercise_named(NOT_SURE))
    """What the learner said they filmed."""
    judged_as: Exercise = dataclasses.field(default_factory=lambda: exercise_named(NOT_SURE))
    """Whose norms the reps were judged by: the choice, or what the movement looks like."""
    mismatch: str = ""
    """When the movement does not match the choice, the sentence that says so."""
    not_applicable: frozenset[str] = frozenset()
    """Faults that have no meaning for any rep of this exercise (tempo in a swing or a pull
    from the floor): neither found, nor fine, nor a check that could not be made."""

    def reps_judged_on_all(self, faults: Sequence[str]) -> frozenset[int]:
        """The reps on which every one of `faults` was judged."""
        sets = [self.judged_reps.get(fault, frozenset()) for fault in faults]
        return frozenset.intersection(*sets) if sets else frozenset()


@dataclass(frozen=True)
class RepPhases:
    """Frame indexes of the moments the rules look at in one rep."""

    top: int  # standing: the reference the bottom is compared with
    bottom: int  # the bottom the rep is judged at
    lockout: int  # where the lifter finishes standing tall
    descent_start: int  # the way down, from the top...
    descent_end: int  # ...to the bottom


def find_faults(
    track: MotionTrack,
    view: str = "side",
    off_side_deg: float = float("inf"),
    vertical_error_deg: float = 0.0,
    exercise: str = NOT_SURE,
) -> Judgement:
    """Run the rules on every rep of a measured clip.

    view: the camera's view (course.analysis.camera_view); off_side_deg: how far the camera stood
    from side-on. A side view gets every rule; a camera up to NEAR_SIDE_ON off side-on gets the
    ANGLE_PROOF rules and names the others as not judged; anything else gets none.
    vertical_error_deg: how well the true vertical is known (course.analysis.level; the track
    is measured against it). Beyond LEVEL_ASSUMED it widens the margin the VERTICAL_RULES need
    before they report a fault; beyond LEVEL_UNKNOWN they are not judged.
    exercise: what the learner says they filmed (an id of course.analysis.exercises.EXERCISES);
    its norms (tempo) apply when the movement fits it, the recognised movement's when not.
    """
    chosen = exercise_named(exercise)
    norms, mismatch = judged_as(
        chosen,
        [rep.kind for rep in track.reps],
        [value_at(track.knee_deg, track, rep_phases(rep).bottom) for rep in track.reps],
    )
    findings: list[Finding] = []
    not_judged: list[NotJudged] = []
    if not any(np.isfinite(outline_in_rep(track, rep)[0]) for rep in track.reps):
        not_judged.append(NotJudged("lumbar_spine", LUMBAR_ESTIMATED))
    not_judged += [NotJudged("partial_rep", partial_rep_words(partial)) for partial in track.partial_reps]
    checked: set[str] = set()
    judged_reps: dict[str, set[int]] = {}
    untimed: set[int] = set()  # reps with no controlled lowering for this exercise
    if view == "side":
        rules = RULES
    elif np.isfinite(off_side_deg) and abs(off_side_deg) <= limits.NEAR_SIDE_ON.value:
        rules = {fault: rule for fault, rule in RULES.items() if fault in ANGLE_PROOF}
        not_judged += [NotJudged(fault, AT_AN_ANGLE) for fault in FAULT_IDS if fault not in ANGLE_PROOF]
    else:
        not_judged += [NotJudged(fault, SIDE_VIEW_ONLY) for fault in FAULT_IDS]
        return Judgement(
            tuple(findings), tuple(not_judged), frozenset(), chosen=chosen, judged_as=norms, mismatch=mismatch
        )
    if vertical_error_deg > limits.LEVEL_UNKNOWN.value:
        not_judged += [
            NotJudged(fault, TILT_UNKNOWN) for fault in FAULT_IDS if fault in VERTICAL_RULES and fault in rules
        ]
        rules = {fault: rule for fault, rule in rules.items() if fault not in VERTICAL_RULES}
    extra_error = max(0.0, vertical_error_deg - limits.LEVEL_ASSUMED.value)
    for rep in track.reps:
        seen = float(np.nanmean(track.seen[rep.start_i : rep.end_i + 1]))
        hidden = hidden_points(track, rep)
        if seen < limits.MIN_SEEN.value:
            what = _and(BODY_PART_NAMES[p] for p in hidden) if hidden else "hip, knee or ankle"
            not_judged.append(
                NotJudged(
                    "rep", f"Something hid your {what} for most of rep {rep.number}, so it was not judged.", rep.number
                )
            )
            continue
        phases = rep_phases(rep)
        depth = value_at(track.hip_deg, track, phases.bottom)
        if not np.isfinite(depth):
            what = _and(BODY_PART_NAMES[p] for p in hidden) if hidden else "hips"
            not_judged.append(
                NotJudged(
                    "rep",
                    f"Something hid your {what} at the bottom of rep {rep.number}, so it was not judged.",
                    rep.number,
                )
            )
            continue
        if depth < limits.MIN_HINGE_DEPTH.value:
            not_judged.append(
                NotJudged("rep", f"Rep {rep.number} was too shallow to judge (hips bent {depth:.0f}°).", rep.number)
            )
            continue
        for fault, rule in rules.items():
            covered = [point for point in POINTS_NEEDED[fault] if point in hidden]
            if covered:
                not_judged.append(
                    NotJudged(
                        fault,
                        f"Something hid your {_and(BODY_PART_NAMES[p] for p in covered)} for most of rep {rep.number}.",
                        rep.number,
                    )
                )
                continue
            if fault in VERTICAL_RULES:
                result = rule(track, rep, phases, seen, vertical_error=extra_error)
            elif fault == "rushed_descent":
                limit = lowering_limit(norms, rep.kind)
                if limit is None:
                    untimed.add(rep.number)
                    continue  # no controlled lowering to judge: neither found nor fine
                result = rule(track, rep, phases, seen, limit=limit)
            else:
                result = rule(track, rep, phases, seen)
            if isinstance(result, NotJudged):
                not_judged.append(result)
                continue
            checked.add(fault)
            judged_reps.setdefault(fault, set()).add(rep.number)
            if result is not None:
                findings.append(result)
    every_rep = {rep.number for rep in track.reps}
    return Judgement(
        tuple(findings),
        tuple(not_judged),
        frozenset(checked),
        {fault: frozenset(reps) for fault, reps in judged_reps.items()},
        chosen=chosen,
        judged_as=norms,
        mismatch=mismatch,
        not_applicable=frozenset({"rushed_descent"} if every_rep and untimed >= every_rep else ()),
    )


HANDS_WORDS = {
    "below_knees": "with your hands below your knees",
    "at_knees": "at your knees",
    "thighs": "with your hands at your thighs",
    "": "part of the way up",
}


def partial_rep_words(partial: PartialRep) -> str:
    """Why a movement like a rep was not counted, in the learner's words."""
    when = f"{partial.start_s:.1f} to {partial.end_s:.1f} s"
    if partial.why == "no_lockout":
        return (
            f"The lift from {when} stopped {HANDS_WORDS.get(partial.hands, HANDS_WORDS[''])} and never "
            "reached standing tall, so it was not counted or judged as a rep."
        )
    return (
        f"The bend from {when} only bent your hips {partial.bottom_hip_deg:.0f}°, too little to be a "
        "hinge, so it was not counted or judged as a rep."
    )


def hidden_points(track: MotionTrack, rep: Rep) -> tuple[str, ...]:
    """The key points (ear, shoulder, hip, knee, ankle) not seen, on either side, in more than
    HIDDEN_SHARE of a rep's frames: covered by a plate, a bench or another person, or out of the
    picture. A short cover (the plate passing the shins at the bottom) is bridged by the frames
    either side; a long one leaves only the tracker's guess."""
    frames = slice(rep.start_i, rep.end_i + 1)
    return tuple(
        point for point in KEY_POINTS if float(np.mean(track.visible[point][frames])) < 1.0 - limits.HIDDEN_SHARE.value
    )


def _and(words: Iterable[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(words)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def rep_phases(rep: Rep) -> RepPhases:
    if rep.kind in ("bottom-start", "swing"):  # bottom -> lockout -> bottom: judged at the pull, lowered at the end
        return RepPhases(
            top=rep.top_i, bottom=rep.bottom_i, lockout=rep.top_i, descent_start=rep.top_i, descent_end=rep.end_i
        )
    return RepPhases(
        top=rep.top_i, bottom=rep.bottom_i, lockout=rep.end_i, descent_start=rep.start_i, descent_end=rep.bottom_i
    )


# --- the rules -------------------------------------------------------------------------------
# Each takes (track, rep, phases, seen) and returns a Finding, None (checked, fine) or NotJudged.


def _locked_knees(track: MotionTrack, rep: Rep, phases: RepPhases, seen: float) -> Finding | NotJudged | None:
    knee = value_at(track.knee_deg, track, phases.bottom)
    if not np.isfinite(knee):
        return NotJudged("locked_knees", f"Your knee was not seen at the bottom of rep {rep.number}.", rep.number)
    limit = limits.LOCKED_KNEE_MAX
    if knee > limit.value:
        return None
    return _finding(
        "locked_knees", track, rep, phases.descent_start, phases.bottom, knee, limit, limit.value - knee, seen
    )


def _squat_pattern(track: MotionTrack, rep: Rep, phases: RepPhases, seen: float) -> Finding | NotJudged | None:
    if _hips_rose_first(track, rep, phases):
        # the opposite fault: a squat keeps the chest up as the knees straighten; here the chest
        # stayed down and the back lifted, so a squat-shaped bottom is where a hips-first pull began
        return None
    hip = value_at(track.hip_deg, track, phases.bottom)
    knee = value_at(track.knee_deg, track, phases.bottom)
    shin = value_at(track.shin_deg, track, phases.bottom)
    if not (np.isfinite(knee) and np.isfinite(shin)):
        return NotJudged(
            "squat_pattern", f"Your knee or shin was not seen at the bottom of rep {rep.number}.", rep.number
        )
    ratio = knee / hip
    ratio_limit, shin_limit = limits.SQUAT_KNEE_TO_HIP, limits.SQUAT_SHIN_MIN
    if ratio >= ratio_limit.value and shin >= shin_limit.value:
        # margin in degrees of knee bend beyond the ratio, and of shin tilt beyond its limit
        margin = min((ratio - ratio_limit.value) * hip, shin - shin_limit.value)
        return _finding(
            "squat_pattern", track, rep, phases.descent_start, phases.bottom, ratio, ratio_limit, margin, seen
        )
    # knees breaking first: the first third of the descent (for a rep that starts at the bottom,
    # its lowering at the end: descent_end, not the bottom it is judged at, which comes before)
    third = phases.descent_start + max(1, (phases.descent_end - phases.descent_start) // 3)
    knee_gain = value_at(track.knee_deg, track, third) - value_at(track.knee_deg, track, phases.descent_start)
    hip_gain = value_at(track.hip_deg, track, third) - value_at(track.hip_deg, track, phases.descent_start)
    lead, least = limits.KNEES_LEAD_RATIO, limits.KNEES_LEAD_MIN_CHANGE
    if np.isfinite(knee_gain) and knee_gain >= least.value and knee_gain >= lead.value * max(hip_gain, 0.0):
        margin = min(knee_gain - least.value, knee_gain - lead.value * max(hip_gain, 0.0))
        finding = _finding(
            "squat_pattern", track, rep, phases.descent_start, third, knee_gain / max(hip_gain, 1.0), lead, margin, seen
        )
        return dataclasses.replace(finding, measure="knees lead")
    return None


def _hips_rise_first(track: MotionTrack, rep: Rep, phases: RepPhases, seen: float) -> Finding | NotJudged | None:
    rise = hips_rise(track, rep, phases)
    if rise is None:
        return NotJudged(
            "hips_rise_first", f"Your knees or trunk were not seen on the way up of rep {rep.number}.", rep.number
        )
    least, limit = limits.HIPS_FIRST_KNEE_MIN, limits.HIPS_FIRST_TRUNK_TIP
    if rise.knee_extension >= least.value and rise.trunk_tip >= limit.value:
        margin = min(rise.knee_extension - least.value, rise.trunk_tip - limit.value)
        return _finding("hips_rise_first", track, rep, rise.first, rise.last, rise.trunk_tip, limit, margin, seen)
    return None


@dataclass(frozen=True)
class HipsRise:
    """The first part of a rep's way up: from the knees' deepest bend (frame `first`) to where
    the trunk leaned furthest forward on the way up (frame `last`; `first` itself when it rose
    from the start). knee_extension: degrees the knees straightened in it; trunk_tip: degrees
    the trunk tipped further forward in it."""

    knee_extension: float
    trunk_tip: float
    first: int
    last: int


def hips_rise(track: MotionTrack, rep: Rep, phases: RepPhases) -> HipsRise | None:
    """How the first part of the way up went (HipsRise), or None when the knees or the trunk
    were not seen there. While the knees straighten and the hips hold their bend, the hip angle
    that finds the reps barely moves, so the rep's own bottom (or, for a rep that starts at the
    bottom, its start) can fall after the knees have begun: the way up is looked for from where
    the hips arrived at the bottom (within ANGLE_ERROR of its bend; for a rep that starts at the
    bottom, from the end of the rep before it, or the clip's start), and begins where the knees
    were last within KNEE_HELD of their deepest bend."""
    if rep.kind == "top-start":
        way_down = track.hip_deg[rep.start_i : rep.bottom_i + 1]
        deep = value_at(track.hip_deg, track, rep.bottom_i)
        arrived = np.flatnonzero(way_down >= deep - limits.ANGLE_ERROR.value)
        start = rep.start_i + (int(arrived[0]) if arrived.size else len(way_down) - 1)
    else:
        earlier = [other.end_i for other in track.reps if other.number == rep.number - 1]
        start = earlier[0] if earlier else 0
    knee = track.knee_deg[start : phases.lockout + 1]
    trunk = track.trunk_deg[start : phases.lockout + 1]
    if not (np.isfinite(knee).any() and np.isfinite(trunk).any()):
        return None
    deepest = int(np.flatnonzero(knee >= np.nanmax(knee) - KNEE_HELD)[-1])
    if not np.isfinite(trunk[deepest]):
        return None
    last = deepest + int(np.nanargmax(trunk[deepest:]))
    tip = float(trunk[last] - trunk[deepest])
    return HipsRise(float(knee[deepest] - knee[last]), tip, start + deepest, start + last)


def _hips_rose_first(track: MotionTrack, rep: Rep, phases: RepPhases) -> bool:
    rise = hips_rise(track, rep, phases)
    return (
        rise is not None
        and rise.knee_extension >= limits.HIPS_FIRST_KNEE_MIN.value
        and rise.trunk_tip >= limits.HIPS_FIRST_TRUNK_TIP.value
    )


def _hips_not_back(
    track: MotionTrack, rep: Rep, phases: RepPhases, seen: float, vertical_error: float = 0.0
) -> Finding | NotJudged | None:
    trunk = value_at(track.trunk_deg, track, phases.bottom)
    if not np.isfinite(trunk) or trunk < limits.HIPS_BACK_TRUNK_MIN.value:
        return None  # the trunk barely tipped: the hips need not travel
    travel = value_at(track.hip_travel, track, phases.bottom) - value_at(track.hip_travel, track, phases.top)
    if not np.isfinite(travel):
        return NotJudged(
            "hips_not_back", f"Your ankles or hips were not seen well enough in rep {rep.number}.", rep.number
        )
    limit = limits.HIPS_BACK_MIN
    # a vertical known only to within e degrees moves the hip, about a leg length above the ankle,
    # by up to sin(e) leg lengths across the picture
    if travel + np.sin(np.radians(vertical_error)) >= limit.value:
        return None
    shortfall = limit.value - travel - np.sin(np.radians(vertical_error))
    margin = shortfall / limits.HIP_TRAVEL_PER_ANGLE_ERROR.value * limits.ANGLE_ERROR.value
    return _finding("hips_not_back", track, rep, phases.descent_start, phases.bottom, travel, limit, margin, seen)


def outline_in_rep(track: MotionTrack, rep: Rep) -> tuple[float, int]:
    """The most the back's outline (course.analysis.back) bent in a rep, held for MOMENT_WINDOW
    either side, and the frame where it did: (degrees, frame index), or (NaN, -1) where it was
    never read with the trunk inclined OUTLINE_TRUNK_MIN or more. A back rounds under load,
    which is where the trunk leans; it may round on the way down and straighten at the bottom."""
    t, bend = track.t_s, track.back_bend_deg
    most, where = float("nan"), -1
    for i in range(rep.start_i, rep.end_i + 1):
        if not track.trunk_deg[i] >= limits.OUTLINE_TRUNK_MIN.value:  # NaN fails too
            continue
        window = limits.MOMENT_WINDOW.value
        around = bend[np.searchsorted(t, t[i] - window) : np.searchsorted(t, t[i] + window, side="right")]
        around = around[np.isfinite(around)]
        if around.size < limits.OUTLINE_MIN_READINGS.value:
            continue
        held = float(np.median(around))
        if not held <= most:  # also takes the first reading over NaN
            most, where = held, i
    return most, where


def _rounded_back(track: MotionTrack, rep: Rep, phases: RepPhases, seen: float) -> Finding | NotJudged | None:
    """The back's outline on the silhouette when it could be read at the bottom: it shows the
    spine itself (course.analysis.back). Otherwise two proxies, because 33 landmarks have no
    point on the spine: the ear-shoulder-hip line closing (the upper back and head curl down),
    and a fold at the hip deeper than the hamstrings allow with nearly straight knees (the lower
    back must be bending)."""
    bend, at = outline_in_rep(track, rep)
    if np.isfinite(bend):
        limit = limits.BACK_OUTLINE_BEND
        if bend < limit.value:
            return None
        finding = _finding(
            "rounded_back",
            track,
            rep,
            min(at, phases.bottom),
            max(at, phases.bottom),
            bend,
            limit,
            bend - limit.value,
            seen,
        )
        return dataclasses.replace(
            finding,
            confidence=round(min(finding.confidence, limits.OUTLINE_CONFIDENCE.value), 2),
            measure="back outline",
        )
    top = value_at(track.back_line_deg, track, phases.top)
    bottom = value_at(track.back_line_deg, track, phases.bottom)
    if np.isfinite(top) and np.isfinite(bottom):
        closing = top - bottom
        limit = limits.BACK_ROUNDING
        if closing >= limit.value:
            finding = _finding(
                "rounded_back",
                track,
                rep,
                phases.descent_start,
                phases.bottom,
                closing,
                limit,
                closing - limit.value,
                seen,
            )
            return dataclasses.replace(finding, measure="ear-shoulder-hip closing")
    fold = value_at(track.hip_deg, track, phases.bottom)
    knee = value_at(track.knee_deg, track, phases.bottom)
    if not (np.isfinite(fold) and np.isfinite(knee)):
        return NotJudged("rounded_back", f"Your hip or knee was hidden at the bottom of rep {rep.number}.", rep.number)
    limit = limits.FOLD_BEYOND_HAMSTRINGS
    if knee <= limits.STRAIGHTISH_KNEE.value and fold >= limit.value:
        finding = _finding(
            "rounded_back", track, rep, phases.descent_start, phases.bottom, fold, limit, fold - limit.value, seen
        )
        return dataclasses.replace(
            finding,
            confidence=round(min(finding.confidence, limits.FOLD_CONFIDENCE.value), 2),
            measure="trunk-to-thigh fold",
        )
    return None


def _lean_back_at_top(
    track: MotionTrack, rep: Rep, phases: RepPhases, seen: float, vertical_error: float = 0.0
) -> Finding | NotJudged | None:
    half = max(1, round(0.4 * _frames_per_s(track)))
    window = track.trunk_deg[max(0, phases.lockout - half) : phases.lockout + half + 1]
    if not np.isfinite(window).any():
        return NotJudged("lean_back_at_top", f"Your trunk was not seen at the top of rep {rep.number}.", rep.number)
    lean = float(np.nanmin(window))
    limit = limits.LEAN_BACK
    if lean > limit.value - vertical_error:
        return None
    return _finding(
        "lean_back_at_top",
        track,
        rep,
        phases.lockout,
        phases.lockout,
        lean,
        limit,
        limit.value - vertical_error - lean,
        seen,
    )


def _neck_cranked(track: MotionTrack, rep: Rep, phases: RepPhases, seen: float) -> Finding | NotJudged | None:
    neck = value_at(track.neck_deg, track, phases.bottom)
    if not np.isfinite(neck):
        return NotJudged("neck_cranked", f"Your head was not seen at the bottom of rep {rep.number}.", rep.number)
    limit = limits.NECK_CRANKED
    if neck > limit.value:
        return None
    return _finding("neck_cranked", track, rep, phases.bottom, phases.bottom, neck, limit, limit.value - neck, seen)


def _rushed_descent(
    track: MotionTrack, rep: Rep, phases: RepPhases, seen: float, limit: limits.Limit = limits.RUSHED_DESCENT
) -> Finding | NotJudged | None:
    seconds = descent_seconds(track, phases)
    if not np.isfinite(seconds):
        return NotJudged("rushed_descent", f"The way down of rep {rep.number} was not seen clearly.", rep.number)
    if seconds >= limit.value:
        return None
    margin = (limit.value - seconds) / limits.TEMPO_PER_ANGLE_ERROR.value * limits.ANGLE_ERROR.value
    return _finding(
        "rushed_descent", track, rep, phases.descent_start, phases.descent_end, seconds, limit, margin, seen
    )


RULES: dict[str, Callable[..., Finding | NotJudged | None]] = {
    "rounded_back": _rounded_back,
    "hips_rise_first": _hips_rise_first,
    "squat_pattern": _squat_pattern,
    "hips_not_back": _hips_not_back,
    "locked_knees": _locked_knees,
    "lean_back_at_top": _lean_back_at_top,
    "rushed_descent": _rushed_descent,
    "neck_cranked": _neck_cranked,
}


def descent_seconds(track: MotionTrack, phases: RepPhases) -> float:
    """How long the way down took: the time the hip angle needs to go from 10% to 90% of the
    rep's depth, divided by the share of a smooth movement's time that stretch takes
    (DESCENT_MIDDLE_SHARE). Pauses at the top and at the bottom are not counted."""
    hip = track.hip_deg[phases.descent_start : phases.descent_end + 1]
    t = track.t_s[phases.descent_start : phases.descent_end + 1]
    good = np.isfinite(hip)
    if good.sum() < 3:
        return float("nan")
    hip, t = hip[good], t[good]
    top, bottom = hip[0], hip.max()
    if bottom - top < limits.MIN_HINGE_DEPTH.value / 2:
        return float("nan")
    edge = limits.DESCENT_TIMED_EDGE.value
    low = top + edge * (bottom - top)
    high = top + (1 - edge) * (bottom - top)
    start = t[int(np.argmax(hip >= low))]
    end = t[int(np.argmax(hip >= high))]
    return float(end - start) / limits.DESCENT_MIDDLE_SHARE.value


# --- helpers -----------------------------------------------------------------------------------


def _frames_per_s(track: MotionTrack) -> float:
    if len(track.t_s) < 2:
        return 30.0
    return float((len(track.t_s) - 1) / max(track.t_s[-1] - track.t_s[0], 1e-6))


def value_at(series: np.ndarray, track: MotionTrack, index: int) -> float:
    """The series around a frame: the median within MOMENT_WINDOW either side, NaN when none was seen."""
    t = track.t_s
    window = limits.MOMENT_WINDOW.value
    around = (t >= t[index] - window) & (t <= t[index] + window)
    values = series[around]
    values = values[np.isfinite(values)]
    return float(np.median(values)) if values.size else float("nan")


def _finding(
    fault: str,
    track: MotionTrack,
    rep: Rep,
    first: int,
    last: int,
    value: float,
    limit: limits.Limit,
    margin_deg: float,
    seen: float,
) -> Finding:
    """A finding whose confidence grows with its margin over the threshold (in units of the
    camera's angle error: one error of margin gives 0.75) and with how well the joints were seen.
    first, last: frame indexes, from where the fault begins to show to the moment the rule
    measured it (end_s, where the annotated clip shows its banner). A rep that starts at the
    bottom is judged at that first bottom, before its lockout (first): its finding is then that
    moment alone, never the lockout, where the lifter stands tall."""
    error = limits.ANGLE_ERROR.value
    at_threshold = limits.CONFIDENCE_AT_THRESHOLD.value
    sureness = float(
        np.clip(at_threshold + limits.CONFIDENCE_PER_ANGLE_ERROR.value * margin_deg / error, at_threshold, 1.0)
    )
    return Finding(
        fault=fault,
        rep=rep.number,
        start_s=float(track.t_s[min(first, last)]),
        end_s=float(track.t_s[last]),
        value=round(float(value), 3),
        threshold=limit.value,
        unit=limit.unit,
        confidence=round(sureness * float(np.clip(seen, 0.0, 1.0)), 2),
    )
