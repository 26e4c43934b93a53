"""What the learner says they filmed, and each exercise's norms, in one place.

Pure data: every exercise has its start and end position, the knee bend expected at its
bottom (a band, as the literature gives it), its tempo limit (or none, and why), and its
sources. The fault rules (course.analysis.faults) read the tempo from here; the report
(course.analysis.report) names the exercise and says when the movement does not match it.
"""

from __future__ import annotations

from dataclasses import dataclass

from course import thresholds as limits
from course.thresholds import Limit

NOT_SURE = "not_sure"

NSCA = (
    "Haff G. & Triplett N. (eds., 2016) NSCA Essentials of Strength Training and Conditioning, 4th ed., "
    "ch. 15 (exercise technique)"
)
RIPPETOE = "Rippetoe M. (2011) Starting Strength, 3rd ed., ch. 4 (the deadlift)"
PAVEL = "Tsatsouline P. (2006) Enter the Kettlebell! (StrongFirst): the deadlift and the Russian swing"


@dataclass(frozen=True)
class KneeBand:
    """Knee flexion at the bottom of a rep that the exercise asks for (0 = straight)."""

    low: float
    high: float
    unit: str
    why: str
    source: str


@dataclass(frozen=True)
class Exercise:
    id: str
    name: str  # as the learner reads it: "Romanian deadlift"
    start: str  # "standing" (lowered first) or "floor" (lifted first: the weight starts on the floor)
    lockout: str
    knees: KneeBand | None  # None: not sure, nothing asked
    lowering: Limit | None  # the rushed-descent limit; None: no tempo finding
    no_tempo_why: str  # when lowering is None, why tempo is not judged
    sources: tuple[str, ...]

    @property
    def in_a_sentence(self) -> str:
        """ "a Romanian deadlift", "a kettlebell swing": the name as it reads inside a sentence."""
        name = self.name if self.name.split(" ")[0] in PROPER_WORDS else f"{self.name[:1].lower()}{self.name[1:]}"
        return f"{'an' if name[:1] in 'aeiouAEIOU' else 'a'} {name}"


PROPER_WORDS = frozenset({"Romanian"})  # names that keep their capital inside a sentence


SOFT_KNEES = KneeBand(
    10.0,
    30.0,
    "deg",
    "Knees softly bent and held while the hips go back; bending them much more turns the hinge into a squat.",
    NSCA,
)

EXERCISES: dict[str, Exercise] = {
    exercise.id: exercise
    for exercise in (
        Exercise(
            "hinge_drill",
            "Hinge drill with a dowel",
            "standing",
            "standing tall, dowel on head, upper back and hips",
            SOFT_KNEES,
            limits.RUSHED_DESCENT,
            "",
            (NSCA,),
        ),
        Exercise(
            "romanian_deadlift",
            "Romanian deadlift",
            "standing",
            "standing tall, hips and knees extended",
            SOFT_KNEES,
            limits.RUSHED_DESCENT,
            "",
            (NSCA,),
        ),
        Exercise(
            "floor_deadlift",
            "Deadlift from the floor",
            "floor",
            "standing tall with the bar locked out",
            KneeBand(
                45.0,
                90.0,
                "deg",
                "The bar starts over mid-foot with the shins touching it, so the knees bend well "
                "before the pull; how much depends on the lifter's proportions.",
                RIPPETOE,
            ),
            None,
            "the lowering of a deadlift from the floor may be quicker than the lift, and is not timed",
            (RIPPETOE, NSCA),
        ),
        Exercise(
            "kettlebell_deadlift",
            "Kettlebell deadlift",
            "standing",
            "standing tall, glutes tight",
            KneeBand(
                15.0,
                45.0,
                "deg",
                "A hinge with the bell between the feet: the knees bend more than in an RDL to reach it, "
                "never as much as in a squat.",
                PAVEL,
            ),
            limits.KETTLEBELL_DEADLIFT_DROP,
            "",
            (PAVEL,),
        ),
        Exercise(
            "good_morning",
            "Good morning",
            "standing",
            "standing tall, bar on the upper back",
            KneeBand(0.0, 20.0, "deg", "The knees stay nearly straight; the trunk tips forward from the hips.", NSCA),
            limits.RUSHED_DESCENT,
            "",
            (NSCA,),
        ),
        Exercise(
            "kettlebell_swing",
            "Kettlebell swing",
            "standing",
            "the float: standing plank, bell at chest height",
            KneeBand(10.0, 35.0, "deg", "A hinge, not a squat: the hips fold back, the knees stay soft.", PAVEL),
            None,
            "a swing is ballistic: fast by design, so its tempo is not timed",
            (PAVEL,),
        ),
        Exercise(
            "single_leg_rdl",
            "Single-leg Romanian deadlift",
            "standing",
            "standing tall on one leg",
            SOFT_KNEES,
            limits.RUSHED_DESCENT,
            "",
            (NSCA,),
        ),
        Exercise(NOT_SURE, "Not sure", "standing", "standing tall", None, limits.RUSHED_DESCENT, "", ()),
    )
}
"""Every exercise a learner can choose, by id, in the order the page offers them."""

SWING_KINDS = frozenset({"swing"})


def exercise_named(exercise_id: str | None) -> Exercise:
    """The exercise with this id (None: not sure). Raises KeyError for an unknown id."""
    return EXERCISES[exercise_id or NOT_SURE]


def lowering_limit(exercise: Exercise, rep_kind: str) -> Limit | None:
    """The rushed-descent limit for one rep, or None when its tempo is not judged.

    A rep that starts at the bottom (lifted from the floor) or a swing has no controlled
    lowering to judge, whatever was chosen; otherwise the chosen exercise's own limit."""
    if rep_kind != "top-start":
        return None
    return exercise.lowering


def judged_as(chosen: Exercise, rep_kinds: list[str], bottom_knees_deg: list[float]) -> tuple[Exercise, str]:
    """The exercise whose norms the reps are judged by, and the sentence that says so when the
    movement does not match the choice ('' when it fits, or when the learner was not sure).

    Swings are recognised by their rhythm (course.analysis.kinematics): a set of swings chosen as
    something else is judged as swings, and slow reps chosen as swings as the hinge they are
    (tempo as when not sure). A deadlift from the floor whose knees hardly bent never took the
    weight near the floor, and is judged as the Romanian deadlift it looks like."""
    if chosen.id == NOT_SURE or not rep_kinds:
        return chosen, ""
    swings = sum(kind in SWING_KINDS for kind in rep_kinds)
    you_chose = f"You chose {chosen.in_a_sentence}"
    if chosen.id == "kettlebell_swing" and swings == 0:
        return (
            EXERCISES[NOT_SURE],
            f"{you_chose}; these look like slow deadlifts (each rep stops at the top), "
            "so they were judged as deadlifts.",
        )
    if chosen.id != "kettlebell_swing" and swings > len(rep_kinds) / 2:
        return (
            EXERCISES["kettlebell_swing"],
            f"{you_chose}; these look like kettlebell swings (one flowing into the next), "
            "so they were judged as swings.",
        )
    knees = [knee for knee in bottom_knees_deg if knee == knee]  # NaN: not seen
    if not knees or chosen.knees is None:
        return chosen, ""
    knee = sorted(knees)[len(knees) // 2]
    band, error = chosen.knees, limits.ANGLE_ERROR.value
    if chosen.id == "floor_deadlift" and knee < band.low - error:
        return (
            EXERCISES["romanian_deadlift"],
            f"{you_chose}; your knees bent only about {knee:.0f}° at the bottom, so the weight never went "
            "below your knees: these look like Romanian deadlifts, and were judged as such.",
        )
    if knee > band.high + error:
        return (
            chosen,
            f"{you_chose}; your knees bent about {knee:.0f}° at the bottom, more than the "
            f"{band.low:.0f}-{band.high:.0f}° {chosen.in_a_sentence} asks for.",
        )
    return chosen, ""


def squat_mismatch(chosen: Exercise) -> str:
    """The sentence for a set chosen as a hinge that the rules found to be a squat."""
    if chosen.id == NOT_SURE:
        return ""
    return f"You chose {chosen.in_a_sentence}; this looks like a squat."
