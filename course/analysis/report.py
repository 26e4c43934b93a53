"""The self-check's one result: a verdict, reps with their angles, findings, cues and what was not judged.

A :class:`Report` is plain data that serialises to JSON (:meth:`Report.to_json`). That JSON is a
stable contract other tools read (the trainers' command line, the progress store); its
top-level keys are documented on :class:`Report`. Words the learner reads about a fault come
from ``content/cues.yaml``, never from this module.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np

from course.analysis.exercises import EXERCISES, NOT_SURE, squat_mismatch
from course.analysis.faults import (
    FAULT_IDS,
    MAIN_RULES,
    Finding,
    Judgement,
    NotJudged,
    descent_seconds,
    rep_phases,
    value_at,
)
from course.analysis.kinematics import MotionTrack
from course.analysis.reps import Rep
from course.content import Cue
from course.thresholds import ANGLE_ERROR, LEG_LENGTH, MAIN_RULES_SHARE

Outcome = Literal["judged", "partial", "refused"]
SCHEMA_VERSION = 1

SQUAT_SHARE = 0.5  # when at least half the reps are squat-shaped, the verdict says it looks like a squat
MAX_WENT_WELL = 3  # praise that matters most; a list of six buries it
# A fault not found is praised, unless a fault that was found makes the praise ring false:
# "your knees stayed soft" beside "it turned into a squat" (knees bent as much as the hips),
# "your hips travelled back" beside the same squat.
NOT_PRAISED_BESIDE: dict[str, set[str]] = {
    "locked_knees": {"squat_pattern"},
    "hips_not_back": {"squat_pattern"},
    "squat_pattern": {"hips_rise_first"},  # "the movement came from your hips" beside hips that shot up
}

# Where the camera stood, in the learner's words, by view (course.analysis.camera_view's vocabulary).
CAMERA_PLACES: dict[str, str] = {
    "side": "side-on to you",
    "front": "in front of you",
    "front-oblique": "in front of you, off to one side",
    "rear-oblique": "behind you",
    "rear": "behind you",
    "oblique": "at an angle",
}
CAMERA_UNKNOWN = "where it could not see your side"


@dataclass(frozen=True)
class Angle:
    """An angle with an honest uncertainty: the camera's typical error plus the noise seen in this clip."""

    degrees: float | None  # None where the joint was not seen
    plus_minus: float | None  # None where the clip's noise could not be measured


@dataclass(frozen=True)
class RepReport:
    number: int
    start_s: float
    bottom_s: float
    end_s: float
    hip: Angle  # hip flexion at the bottom
    knee: Angle  # knee flexion at the bottom
    trunk: Angle  # trunk lean at the bottom
    descent_s: float | None  # None where the way down could not be timed
    faults: tuple[str, ...]  # fault ids found on this rep, most important first


@dataclass(frozen=True)
class FaultReport:
    id: str
    rep: int
    confidence: float
    start_s: float
    end_s: float
    value: float
    threshold: float
    unit: str
    measure: str


@dataclass(frozen=True)
class CueReport:
    """One thing to work on, in the learner's words, with the lesson and figure that fix it."""

    fault: str
    reps: tuple[int, ...]
    title: str
    seen: str
    try_this: str
    lesson_id: str
    section: str
    figure: str


@dataclass(frozen=True)
class Series:
    """The angle curves for plots, thinned to at most ~15 points a second."""

    t_s: tuple[float, ...]
    hip_deg: tuple[float | None, ...]
    knee_deg: tuple[float | None, ...]
    trunk_deg: tuple[float | None, ...]


@dataclass(frozen=True)
class Report:
    """The self-check's result.

    JSON keys: ``schema`` (version of this contract), ``outcome`` (judged | partial | refused),
    ``verdict`` (a few words), ``message`` (the one line the learner reads), ``problem`` (a code
    when refused), ``view`` (side | oblique | front-oblique | front | rear-oblique | unknown),
    ``people``, ``reps`` (one object per full repetition: times, angles at the bottom, faults),
    ``faults`` (id from the fault vocabulary, rep, confidence, measured value and threshold),
    ``cues`` (at most one per rep, deduplicated), ``went_well``, ``not_judged`` (what and why),
    ``series`` (angle curves for plots), ``timings`` (seconds per stage), ``clip`` (duration,
    frames, size), ``notes`` (sentences on how the clip was read: people left out, a tilted
    phone corrected, a part skipped), ``exercise`` (what the learner said they filmed: an id of
    course.analysis.exercises.EXERCISES, ``not_sure`` by default), ``judged_as`` (whose norms the
    reps were judged by), ``mismatch`` (the sentence saying the movement did not match the
    choice, or '').
    """

    outcome: Outcome
    verdict: str
    message: str
    view: str = "unknown"
    people: int = 0
    reps: tuple[RepReport, ...] = ()
    faults: tuple[FaultReport, ...] = ()
    cues: tuple[CueReport, ...] = ()
    went_well: tuple[str, ...] = ()
    not_judged: tuple[NotJudged, ...] = ()
    series: Series | None = None
    timings: Mapping[str, float] = field(default_factory=dict)
    clip: Mapping[str, float | int | str] = field(default_factory=dict)
    problem: str | None = None
    notes: tuple[str, ...] = ()
    exercise: str = NOT_SURE
    judged_as: str = NOT_SURE
    mismatch: str = ""

    @property
    def set_words(self) -> str:
        """What was filmed and how many reps: "Kettlebell deadlift, 5 reps" ("5 reps" when not sure)."""
        count = len(self.reps)
        reps = f"{count} rep{'s' if count != 1 else ''}"
        return reps if self.exercise == NOT_SURE else f"{EXERCISES[self.exercise].name}, {reps}"

    def rep_label(self, number: int) -> str:
        """A rep's label on the video: "Kettlebell deadlift, rep 2 of 5" ("Rep 2 of 5" when not sure)."""
        label = f"rep {number} of {len(self.reps)}"
        return label.capitalize() if self.exercise == NOT_SURE else f"{EXERCISES[self.exercise].name}, {label}"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["schema"] = SCHEMA_VERSION
        data["timings"] = {stage: round(seconds, 3) for stage, seconds in self.timings.items()}
        return _plain(data)


def refused(message: str, problem: str, timings: Mapping[str, float] | None = None, **clip: Any) -> Report:
    """The report for a clip that could not be judged at all."""
    return Report(
        outcome="refused",
        verdict="Could not judge this clip",
        message=message,
        problem=problem,
        timings=dict(timings or {}),
        clip=clip,
    )


def build_report(
    track: MotionTrack,
    judgement: Judgement,
    cues: Mapping[str, Cue],
    *,
    view: str,
    people: int,
    timings: Mapping[str, float] | None = None,
    clip: Mapping[str, Any] | None = None,
    notes: Sequence[str] = (),
) -> Report:
    """Put a measured, judged clip into words and numbers. notes: how the clip was read
    (Report.notes)."""
    findings = sorted(judgement.findings, key=lambda f: (f.rep, FAULT_IDS.index(f.fault)))
    reps = []
    for rep in track.reps:
        phases = rep_phases(rep)
        reps.append(
            RepReport(
                number=rep.number,
                start_s=_seconds(rep.start_s),
                bottom_s=_seconds(float(track.t_s[phases.bottom])),
                end_s=_seconds(rep.end_s),
                hip=_angle(track, rep, "hip_deg", phases.bottom),
                knee=_angle(track, rep, "knee_deg", phases.bottom),
                trunk=_angle(track, rep, "trunk_deg", phases.bottom),
                descent_s=_r(descent_seconds(track, phases)),
                faults=tuple(f.fault for f in findings if f.rep == rep.number),
            )
        )
    # "judged" is a promise that a coach's main questions were answered on most reps; anything
    # less is partial, and its message says what was not judged.
    fully = len(judgement.reps_judged_on_all(MAIN_RULES))
    outcome: Outcome = "judged" if view == "side" and reps and fully > MAIN_RULES_SHARE.value * len(reps) else "partial"
    applicable = [fault for fault in FAULT_IDS if fault not in judgement.not_applicable]
    unchecked = sum(fault not in judgement.checked for fault in applicable)
    verdict, message = _verdict(
        view,
        reps,
        findings,
        bool(judgement.checked),
        unchecked,
        _first_reason(judgement),
        fully_judged_reps=fully,
        titles={fault: cue.title for fault, cue in cues.items()},
        checks=len(applicable),
    )
    # a squat chosen as a hinge is said as such, before how far its knees bent
    squatted = reps and judgement.judged_as == judgement.chosen and _looks_like_squat(findings, len(reps))
    mismatch = squat_mismatch(judgement.chosen) if squatted else judgement.mismatch
    if mismatch:
        message = f"{mismatch} {message}"
    found = {f.fault for f in findings}
    went_well = tuple(
        cues[fault].went_well
        for fault in FAULT_IDS
        if fault in judgement.checked
        and fault in cues
        and fault not in found
        and not found & NOT_PRAISED_BESIDE.get(fault, set())
    )[:MAX_WENT_WELL]
    return Report(
        outcome=outcome,
        verdict=verdict,
        message=message,
        view=view,
        people=people,
        reps=tuple(reps),
        faults=tuple(
            FaultReport(f.fault, f.rep, f.confidence, f.start_s, f.end_s, f.value, f.threshold, f.unit, f.measure)
            for f in findings
        ),
        cues=_cues(findings, cues),
        went_well=went_well,
        not_judged=judgement.not_judged,
        series=_series(track),
        timings=dict(timings or {}),
        clip=dict(clip or {}),
        notes=tuple(notes),
        exercise=judgement.chosen.id,
        judged_as=judgement.judged_as.id,
        mismatch=mismatch,
    )


def _first_reason(judgement: Judgement) -> str:
    """The most frequent reason a rule was not judged (the lumbar-spine note aside), or ''."""
    reasons = [item.why for item in judgement.not_judged if item.what != "lumbar_spine"]
    return max(reasons, key=reasons.count) if reasons else ""


def _verdict(
    view: str,
    reps: Sequence[RepReport],
    findings: Sequence[Finding],
    judged: bool,
    unchecked: int = 0,
    reason: str = "",
    fully_judged_reps: int | None = None,
    titles: Mapping[str, str] | None = None,
    checks: int = len(FAULT_IDS),
) -> tuple[str, str]:
    """The verdict and the learner's one line. unchecked: faults of FAULT_IDS judged on no rep
    (hidden joints, feet out of the picture), so that "nothing to fix" is never said of them,
    out of `checks` that apply to this exercise (a swing's tempo is not one);
    judged: whether any rule ran at all (a report that judged nothing never says "nothing to
    fix"); reason: why rules were not judged, for the line of a report that judged nothing;
    fully_judged_reps: reps on which every main rule ran (None: all of them), so that a set
    judged on a minority of its reps is never a "Solid hinge"; titles: each fault's cue title, so
    that a verdict with findings leads with the most important one (FAULT_IDS order), never
    with praise."""
    count = len(reps)
    reps_words = f"{count} rep{'s' if count != 1 else ''}"
    if view != "side" and judged:
        verdict, message = _verdict("side", reps, findings, judged, fully_judged_reps=fully_judged_reps, titles=titles)
        return verdict, (
            message + " The camera was at an angle to your side, so only your knees and tempo "
            "were judged; film side-on for the full check."
        )
    if view != "side":
        camera = CAMERA_PLACES.get(view, CAMERA_UNKNOWN)
        counted = f"We counted {reps_words}, but " if count else ""
        return (
            f"Could not judge fully: camera {camera}",
            f"{counted}the camera was {camera}, so your hips moving back can't be seen. "
            "Film again side-on, with your whole body in the picture.",
        )
    if not reps:
        return (
            "Could not find a full rep",
            "We saw you, but not one full hinge down and back up. Film 3 to 6 slow reps.",
        )
    if not judged:
        why = f" {reason}" if reason else ""
        return (
            "Could not judge your form",
            f"We counted {reps_words}, but none of the checks could be made.{why} "
            "See what we could not judge, and film again with your whole body in the picture.",
        )
    faults = {f.fault for f in findings}
    if _looks_like_squat(findings, count):
        return (
            "Looks like a squat",
            f"In {reps_words} your knees did as much work as your hips: that is a squat, not a hinge. "
            "Push your hips back first and keep your shins upright.",
        )
    if not faults and unchecked:
        not_made = f"all {unchecked} checks" if unchecked == checks else f"{unchecked} of the {checks} checks"
        return (
            "Nothing to fix in what we could see",
            f"Nothing to fix in {reps_words}, but {not_made} could not be made: see what we could not judge.",
        )
    if not faults and fully_judged_reps is not None and fully_judged_reps <= MAIN_RULES_SHARE.value * count:
        return (
            "Nothing to fix in what we could see",
            f"Nothing to fix in what we could see, but only {fully_judged_reps} of your {reps_words} could be "
            "checked in full: see what we could not judge.",
        )
    if not faults:
        return ("Solid hinge", f"{reps_words.capitalize()} judged and nothing to fix: well done.")
    first = min(faults, key=FAULT_IDS.index)
    title = (titles or {}).get(first, "")
    what = f": {title[:1].lower()}{title[1:]}" if title else ""
    if len(faults) == 1:
        return (f"One thing to fix{what}", f"{reps_words.capitalize()} judged. One thing to work on, below.")
    return (
        f"{len(faults)} things to fix, first{what}",
        f"{reps_words.capitalize()} judged. Start with the first cue below; it matters most.",
    )


def _looks_like_squat(findings: Sequence[Finding], count: int) -> bool:
    """At least SQUAT_SHARE of the reps were squat-shaped."""
    return len({f.rep for f in findings if f.fault == "squat_pattern"}) >= SQUAT_SHARE * count


def _cues(findings: Sequence[Finding], cues: Mapping[str, Cue]) -> tuple[CueReport, ...]:
    """At most one cue per rep (its most important fault), merged across reps with the same fault."""
    first_fault: dict[int, str] = {}
    for finding in findings:  # already ordered by rep, then importance
        first_fault.setdefault(finding.rep, finding.fault)
    reps_of: dict[str, list[int]] = {}
    for rep, fault in first_fault.items():
        reps_of.setdefault(fault, []).append(rep)
    out = []
    for fault in FAULT_IDS:
        if fault not in reps_of or fault not in cues:
            continue
        cue = cues[fault]
        worst = max((f for f in findings if f.fault == fault), key=lambda f: f.confidence)
        out.append(
            CueReport(
                fault=fault,
                reps=tuple(reps_of[fault]),
                title=cue.title,
                seen=cue.seen_with(_value_text(worst)),
                try_this=cue.try_this,
                lesson_id=cue.lesson_id,
                section=cue.section,
                figure=cue.figure,
            )
        )
    return tuple(out)


def _value_text(finding: Finding) -> str:
    """What was measured, in the words the cue's "seen" sentence wants at its "{value}": a
    number for most faults, a clause where the same fault is seen in more than one way."""
    if finding.measure == "back outline":
        return (
            f"the outline of your back, seen on your silhouette, curved out {finding.value:.0f}° from a straight line"
        )
    if finding.measure == "ear-shoulder-hip closing":
        return f"your upper back and head curled down {finding.value:.0f}°"
    if finding.measure == "trunk-to-thigh fold":
        return (
            f"your trunk folded {finding.value:.0f}° onto your thighs with your knees nearly straight, "
            "more than the hips alone usually allow"
        )
    if finding.measure == "knees lead":
        return f"at the start of the way down your knees bent {_times(finding.value)} your hips"
    if finding.unit == "ratio":
        return "at the bottom your knees were bent about as much as your hips, and your shins tipped forward"
    if finding.unit == "leg lengths":
        centimetres = round(finding.value * LEG_LENGTH.value * 100)
        return (
            "your hips hardly moved back" if centimetres <= 1 else f"your hips moved back only about {centimetres} cm"
        )
    if finding.unit == "s":
        return f"{finding.value:.1f}"
    return f"{abs(finding.value):.0f}"


def _times(ratio: float) -> str:
    """A ratio of 1.5 or more as words a beginner reads at a glance, before what it compares with."""
    if ratio < 1.75:
        return "half as much again as"
    if ratio < 2.5:
        return "about twice as much as"
    if ratio < 3.5:
        return "about three times as much as"
    return "more than three times as much as"


def _angle(track: MotionTrack, rep: Rep, name: str, index: int) -> Angle:
    value = value_at(getattr(track, name), track, index)
    noise = float(rep.uncertainty_deg.get(name.removesuffix("_deg"), 0.0))
    return Angle(degrees=_r(value, 1), plus_minus=_r(math.hypot(ANGLE_ERROR.value, noise), 1))


def _series(track: MotionTrack, per_second: float = 15.0) -> Series:
    t = track.t_s
    if len(t) > 1:
        step = max(1, round((len(t) - 1) / max(t[-1] - t[0], 1e-6) / per_second))
    else:
        step = 1
    pick = slice(None, None, step)
    return Series(
        t_s=tuple(_seconds(v) for v in t[pick]),
        hip_deg=tuple(_r(v, 1) for v in track.hip_deg[pick]),
        knee_deg=tuple(_r(v, 1) for v in track.knee_deg[pick]),
        trunk_deg=tuple(_r(v, 1) for v in track.trunk_deg[pick]),
    )


def _r(value: float, digits: int = 2) -> float | None:
    value = float(value)
    return round(value, digits) if math.isfinite(value) else None


def _seconds(t_s: float) -> float:
    """A time on the clip's clock (always known: decoder timestamps), to the hundredth."""
    return round(float(t_s), 2)


def _plain(value: Any) -> Any:
    """Tuples to lists and numpy scalars to Python numbers, so ``json.dumps`` takes it as is."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def report_from_json(data: Mapping[str, Any]) -> Report:
    """The Report that ``Report.to_json()`` wrote (a stored self-check, redrawn for a trainer).

    Keys this version does not know are ignored, so a report saved by a newer version still
    opens; missing optional keys take their defaults. Raises KeyError or TypeError when a
    required key is missing or malformed."""

    def angle(value: Mapping[str, Any]) -> Angle:
        return Angle(value.get("degrees"), value.get("plus_minus"))

    def cue(value: Mapping[str, Any]) -> CueReport:
        fields: dict[str, Any] = {name: value[name] for name in CueReport.__dataclass_fields__}
        return CueReport(**{**fields, "reps": tuple(value["reps"])})

    series = data.get("series")
    return Report(
        outcome=data["outcome"],
        verdict=data["verdict"],
        message=data["message"],
        view=data.get("view", "unknown"),
        people=data.get("people", 0),
        reps=tuple(
            RepReport(
                number=r["number"],
                start_s=r["start_s"],
                bottom_s=r["bottom_s"],
                end_s=r["end_s"],
                hip=angle(r["hip"]),
                knee=angle(r["knee"]),
                trunk=angle(r["trunk"]),
                descent_s=r.get("descent_s"),
                faults=tuple(r.get("faults", ())),
            )
            for r in data.get("reps", ())
        ),
        faults=tuple(
            FaultReport(**{name: f[name] for name in FaultReport.__dataclass_fields__}) for f in data.get("faults", ())
        ),
        cues=tuple(cue(c) for c in data.get("cues", ())),
        went_well=tuple(data.get("went_well", ())),
        not_judged=tuple(NotJudged(n["what"], n["why"], n.get("rep")) for n in data.get("not_judged", ())),
        series=None
        if series is None
        else Series(
            t_s=tuple(series["t_s"]),
            hip_deg=tuple(series["hip_deg"]),
            knee_deg=tuple(series["knee_deg"]),
            trunk_deg=tuple(series["trunk_deg"]),
        ),
        timings=dict(data.get("timings", {})),
        clip=dict(data.get("clip", {})),
        problem=data.get("problem"),
        notes=tuple(data.get("notes", ())),
        exercise=data.get("exercise", NOT_SURE) if data.get("exercise") in EXERCISES else NOT_SURE,
        judged_as=data.get("judged_as", NOT_SURE) if data.get("judged_as") in EXERCISES else NOT_SURE,
        mismatch=data.get("mismatch", ""),
    )
