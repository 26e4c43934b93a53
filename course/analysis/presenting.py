"""What a self-check report says, decided once for every place that shows it.

    present(report, course) -> Presentation

The self-check page, the trainer's dashboard (through the page's ``show_report``), the
``hinge-check`` command line and the annotated video each lay out one :class:`Presentation`
and decide no words of their own, so they cannot disagree about a report: the same verdict,
the same things to work on (with the cue titles of ``content/cues.yaml``, never a fault's id),
the same line for each rep, the same list of what could not be judged, and one answer to
whether the angles may be shown at all (:func:`angles_shown`).

Plain data only, no Streamlit: the command line and ``course.analysis.annotate`` import it.
The report itself (its verdict, message and cues, and the JSON they are saved as) is made by
``course.analysis.report``; this module only chooses what of it each line says.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from course.analysis.faults import FAULT_IDS
from course.analysis.replay import BeyondModel
from course.analysis.report import CAMERA_PLACES, CAMERA_UNKNOWN, Angle, CueReport, Report, RepReport
from course.content import Course, Cue
from course.thresholds import BANNER_HOLD, BANNER_LEAD

# The report's parts, as headings (the page's subheadings; the command line's, with a colon).
WORK_ON = "What to work on"
WENT_WELL = "What went well"
REP_BY_REP = "Rep by rep"
NOT_JUDGED = "What we could not judge"

# A rep's line when nothing was found on it, or when nothing could be judged on it.
NOTHING_TO_FIX = "nothing to fix"
NOT_JUDGED_FROM_HERE = "form not judged from this camera angle"
NOT_JUDGED_HERE = "not judged: see what we could not judge"
# A fault of an older version of the course that has no words any more (a stored report).
RETIRED_FAULT = "a check this version of the course no longer makes"
# In a cue's place of its lesson link, when the lesson it names is gone (a stored report).
LESSON_MOVED = (
    "This check was saved by an older version of the course, whose lesson on it has "
    "since moved: find it in the lessons' list."
)

Tone = Literal["refused", "well_done", "to_read"]


def section_anchor(heading: str) -> str:
    """The anchor of a lesson's section headed `heading` (its HTML id, and what a link to it
    names): the heading's letters and digits, lower case, words joined by "-", as Streamlit
    makes a heading's own anchor ("2. Rounded back" -> "2-rounded-back"). The lesson page
    writes each section heading with this anchor (course.views.sections), and every cue links
    to it, so both ends come from here."""
    plain = unicodedata.normalize("NFKD", heading).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


@dataclass(frozen=True)
class LessonLink:
    """Where the fix for a cue is taught: the lesson (its id, order and title) and its section."""

    lesson_id: str
    order: int
    title: str
    section: str

    @property
    def label(self) -> str:
        return f"Learn the fix: Lesson {self.order}, {self.section}"

    @property
    def anchor(self) -> str:
        """The section's anchor in its lesson (section_anchor)."""
        return section_anchor(self.section)


@dataclass(frozen=True)
class CueLine:
    """One thing to work on. number: its place in the list, from 1 (the first matters most);
    reps: the rep numbers it was the thing to fix on; lesson: where the fix is taught now (None
    when that lesson no longer exists: say LESSON_MOVED); figure: the figure's name as the
    course has it now (the page draws it if its figure registry knows it)."""

    number: int
    fault: str
    title: str
    reps: tuple[int, ...]
    seen: str
    try_this: str
    lesson: LessonLink | None
    figure: str

    @property
    def heading(self) -> str:
        """ "1. Your back rounded" """
        return f"{self.number}. {self.title}"

    @property
    def reps_words(self) -> str:
        """ "rep 1, 2, 3" """
        return "rep " + ", ".join(str(rep) for rep in self.reps)


@dataclass(frozen=True)
class RepLine:
    """One rep. findings: the cue titles of what was found on it, most important first (the
    first is its thing to work on); words: those titles, or why nothing is listed; angles: its
    angles at the bottom and how long the way down took, '' where angles are not shown."""

    number: int
    start_s: float
    end_s: float
    judged: bool
    findings: tuple[str, ...]
    words: str
    angles: str

    @property
    def heading(self) -> str:
        """ "Rep 1" """
        return f"Rep {self.number}"

    @property
    def times(self) -> str:
        """ "0.2 to 2.4 s" """
        return f"{self.start_s:.1f} to {self.end_s:.1f} s"


@dataclass(frozen=True, slots=True)
class Flash:
    """Something shown on the annotated clip for a while: on the picture (a rep's label, a
    fault's banner) or as a subtitle. start_s, end_s: seconds; text: the words; rep: the rep
    number; fault: the fault id, None for a rep's label; detail: what to try (a subtitle's
    second line), may be empty."""

    start_s: float
    end_s: float
    text: str
    rep: int
    fault: str | None = None
    detail: str = ""


@dataclass(frozen=True)
class VideoPlan:
    """What the annotated clip shows when. rep_labels: one per rep ("Rep 2 of 3"), over the
    rep's time; banners: one per rep that has a thing to work on, its cue's title, in order of
    time; show_angles: whether the angles are written beside the joints."""

    rep_labels: tuple[Flash, ...]
    banners: tuple[Flash, ...]
    show_angles: bool


@dataclass(frozen=True)
class Presentation:
    """Everything a report says, in the order the page shows it. tone: refused (the clip could
    not be judged at all), well_done (judged in full, nothing found) or to_read (the rest);
    verdict, message: the report's few words and the learner's one line; camera: where the
    camera stood; set_words: what was filmed and how many reps."""

    tone: Tone
    verdict: str
    message: str
    notes: tuple[str, ...]
    camera: str
    set_words: str
    cues: tuple[CueLine, ...]
    went_well: tuple[str, ...]
    reps: tuple[RepLine, ...]
    show_angles: bool
    not_judged: tuple[str, ...]
    video: VideoPlan


def present(report: Report, course: Course) -> Presentation:
    """What `report` says. course: the course as it is now, for the cue titles of every fault
    found (the report keeps only the cued ones' words) and where each fix is taught today (a
    stored report may name a lesson since renamed)."""
    show_angles = angles_shown(report)
    cues = course.cues
    return Presentation(
        tone="refused"
        if report.outcome == "refused"
        else ("well_done" if report.outcome == "judged" and not report.faults else "to_read"),
        verdict=report.verdict,
        message=report.message,
        notes=tuple(report.notes),
        camera=CAMERA_PLACES.get(report.view, CAMERA_UNKNOWN),
        set_words=report.set_words,
        cues=tuple(_cue_line(number, cue, course) for number, cue in enumerate(report.cues, start=1)),
        went_well=tuple(report.went_well),
        reps=tuple(_rep_line(report, rep, cues, show_angles) for rep in report.reps),
        show_angles=show_angles,
        not_judged=tuple(not_judged_lines(report, cues)) if report.outcome != "refused" else (),
        video=video_plan(report),
    )


def angles_shown(report: Report) -> bool:
    """Whether the camera saw the side of the body well enough for the angles to mean anything:
    on at least one rep, some rule was not ruled out by the camera or hidden joints
    (course.analysis.faults decides from how far the camera stood from side-on). A rep left
    out for its own sake (too shallow to judge) still shows its angles. From in front, a
    hinge's angles fold into the picture's depth and the numbers would mislead: then no place
    shows them (not a rep's line, the chart, the 3D replay or the labels on the annotated
    clip), only the reps' times."""
    return any(_rules_could_run(report, rep.number) for rep in report.reps)


def judged_on(report: Report, rep: int) -> bool:
    """Whether at least one fault was checked on this rep: not every fault is in the report's
    not_judged for it or for the whole clip, and the rep itself was not left out ("Rep 2 was
    too shallow to judge")."""
    left_out = any(item.what == "rep" and item.rep == rep for item in report.not_judged)
    return not left_out and _rules_could_run(report, rep)


def _rules_could_run(report: Report, rep: int) -> bool:
    """Whether some fault's rule was not ruled out on this rep (by the camera, for the whole
    clip, or by joints hidden in it)."""
    skipped = {item.what for item in report.not_judged if item.rep in (None, rep)}
    return any(fault not in skipped for fault in FAULT_IDS)


def fault_title(fault: str, report: Report, cues: Mapping[str, Cue]) -> str:
    """A fault in the learner's words: the title the report's cue was saved with, else the
    course's cue title today, else RETIRED_FAULT (never the id)."""
    for cue in report.cues:
        if cue.fault == fault:
            return cue.title
    return cues[fault].title if fault in cues else RETIRED_FAULT


def video_plan(report: Report) -> VideoPlan:
    """The rep labels and fault banners of the annotated clip (see VideoPlan). A rep's banner
    is the title of its thing to work on (the report's cue that names the rep), never another
    fault found on it; it shows from BANNER_LEAD before the moment the rule measured that fault
    on that rep (the finding's end_s) to BANNER_HOLD after, moved to lie within the rep's own
    time (the whole rep when it is shorter)."""
    labels = tuple(Flash(rep.start_s, rep.end_s, report.rep_label(rep.number), rep.number) for rep in report.reps)
    cue_of = {rep: cue for cue in report.cues for rep in cue.reps}
    banners = []
    for rep in report.reps:
        cue = cue_of.get(rep.number)
        if cue is None:
            continue
        finding = next((f for f in report.faults if f.id == cue.fault and f.rep == rep.number), None)
        if finding is None:
            continue
        start, end = _within(finding.end_s - BANNER_LEAD.value, finding.end_s + BANNER_HOLD.value, rep)
        banners.append(Flash(start, end, cue.title, rep.number, cue.fault, cue.try_this))
    return VideoPlan(labels, tuple(sorted(banners, key=lambda flash: flash.start_s)), angles_shown(report))


def not_judged_lines(report: Report, cues: Mapping[str, Cue]) -> list[str]:
    """What could not be judged, one line per reason, naming the checks it covers."""
    reasons: dict[str, list[str]] = {}
    for item in report.not_judged:
        names = reasons.setdefault(item.why, [])
        name = cues[item.what].name if item.what in cues else None
        if name and name not in names:
            names.append(name)
    lines = []
    for why, names in reasons.items():
        if names:  # "Back rounding, hips travelling back: needs a camera side-on to you..."
            listed = ", ".join([names[0]] + [name[0].lower() + name[1:] for name in names[1:]])
            lines.append(f"{listed}: {why}")
        else:
            lines.append(why)
    return lines


def beyond_model_note(beyond: Sequence[BeyondModel]) -> str:
    """What the learner reads under a 3D replay that held some angles at the body model's
    limits ('' when none is off by a whole degree)."""
    held = [b for b in beyond if round(b.asked_deg) != round(b.limit_deg)]
    if not held:
        return ""
    angles = "; ".join(f"{b.label} {b.asked_deg:.0f}°, where the model stops at {b.limit_deg:.0f}°" for b in held)
    return (
        f"At some moments your position asked more of the body model than it can bend ({angles}), "
        "so the replay holds those moments at the model's limit. Your measured angles above are unchanged."
    )


def _within(start: float, end: float, rep: RepReport) -> tuple[float, float]:
    """The span start..end moved (not shortened) to lie within the rep; the rep's own span when
    it is shorter than that."""
    if end - start >= rep.end_s - rep.start_s:
        return rep.start_s, rep.end_s
    shift = max(0.0, rep.start_s - start) - max(0.0, end - rep.end_s)
    return start + shift, end + shift


def _cue_line(number: int, cue: CueReport, course: Course) -> CueLine:
    """The report's cue in its saved words, linked to where its fix is taught now: a report
    saved before a lesson, section or figure was renamed (the dashboard shows old hand-ins)
    links to today's, and only to the saved names when the fault has no cue any more."""
    current = course.cues.get(cue.fault)
    lesson_id, section, figure = (
        (current.lesson_id, current.section, current.figure)
        if current is not None
        else (cue.lesson_id, cue.section, cue.figure)
    )
    lesson = next((item for item in course.lessons if item.id == lesson_id), None)
    link = None if lesson is None else LessonLink(lesson.id, lesson.order, lesson.title, section)
    return CueLine(number, cue.fault, cue.title, tuple(cue.reps), cue.seen, cue.try_this, link, figure)


def _rep_line(report: Report, rep: RepReport, cues: Mapping[str, Cue], show_angles: bool) -> RepLine:
    judged = judged_on(report, rep.number)
    findings = tuple(fault_title(fault, report, cues) for fault in rep.faults)
    left_out = next((item.why for item in report.not_judged if item.what == "rep" and item.rep == rep.number), None)
    if findings:  # "You leaned back at the top, you dropped into the bottom"
        words = ", ".join([findings[0]] + [title[:1].lower() + title[1:] for title in findings[1:]])
    elif judged:
        words = NOTHING_TO_FIX
    elif left_out:
        words = left_out
    else:
        words = NOT_JUDGED_FROM_HERE if report.view != "side" else NOT_JUDGED_HERE
    angles = ""
    if show_angles:
        angles = f"At the bottom: hips {_angle(rep.hip)}, knees {_angle(rep.knee)}, trunk {_angle(rep.trunk)}" + (
            "" if rep.descent_s is None else f" · down in {rep.descent_s:.1f} s"
        )
    return RepLine(rep.number, rep.start_s, rep.end_s, judged, findings, words, angles)


def _angle(angle: Angle) -> str:
    return "not seen" if angle.degrees is None else f"{angle.degrees:.0f}° (±{angle.plus_minus:.0f})"
