"""Every number a fault rule uses, with its unit, the reason for it and, where one exists, its source.

The self-check is judged on clips filmed by strangers in gyms we have never seen, so these
numbers come from biomechanics and from what a phone camera can measure, not from tuning
to our few test clips. Two facts set most margins:

- A single phone camera and a pose model read a joint angle in the image plane to within
  about 5 degrees on a clean side view (2D pose models against marker-based motion capture
  report mean errors of 3 to 10 degrees at the hip and knee: Wade et al. 2022, PeerJ 10:e12995;
  Needham et al. 2021, Sci Rep 11:20673). A rule never fires on a difference smaller than that.
- What a coach calls a fault is a difference a coach can see from across the gym: tens of
  degrees, not a few.

Angles follow ``course.analysis.motion``: hip flexion 0 standing tall, knee flexion 0 straight,
trunk inclination 0 upright (+ forward), neck angle 0 in line with the trunk (- looking up).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    value: float
    unit: str
    why: str
    source: str = ""


ANGLE_ERROR = Limit(
    5.0, "deg",
    "How far a single-camera 2D pose estimate of a hip or knee angle typically strays from the "
    "true angle on a clean side view; a finding closer to its threshold than this is uncertain.",
    "Wade L. et al. (2022) PeerJ 10:e12995; Needham L. et al. (2021) Sci Rep 11:20673",
)

# --- when is a rep a hinge at all ----------------------------------------------------------

MIN_HINGE_DEPTH = Limit(
    35.0, "deg",
    "Hip flexion at the bottom below this is a stand with a nod, not a hinge: too shallow to judge "
    "the pattern (a Romanian deadlift to mid-shin reaches 70 to 90 degrees).",
)

# --- locked knees ----------------------------------------------------------------------------

LOCKED_KNEE_MAX = Limit(
    5.0, "deg",
    "Soft knees keep a visible bend, typically 15 to 25 degrees in a Romanian deadlift. Knees at "
    "or under 5 degrees at the bottom of a hinge are straight within what the camera can measure.",
)

# --- squatting the hinge ---------------------------------------------------------------------

SQUAT_KNEE_TO_HIP = Limit(
    0.85, "ratio",
    "In a squat the knees bend about as much as the hips (goblet squat: knee 110, hip 105 degrees, "
    "ratio about 1). A Romanian deadlift bends the knee a fifth as much as the hip, and a "
    "conventional deadlift from the floor about 0.6 to 0.75 of it: under 0.85 is still a hinge.",
)
SQUAT_SHIN_MIN = Limit(
    20.0, "deg",
    "A squat pushes the knees forward so the shins tip well past vertical; in a hinge the shins "
    "stay close to vertical (under about 10 degrees). Both must agree before we call it a squat.",
)
KNEES_LEAD_RATIO = Limit(
    1.5, "ratio",
    "Breaking at the knees first: in the first third of the descent the knees gain at least 1.5 "
    "times as many degrees as the hips. In a hinge the hips lead from the first moment.",
)
KNEES_LEAD_MIN_CHANGE = Limit(
    15.0, "deg",
    "The knees must also bend at least this much in that first third, three times the angle "
    "error, so that noise at the top of a rep cannot look like knees leading.",
)

# --- hips not going back ---------------------------------------------------------------------

HIPS_BACK_MIN = Limit(
    0.08, "leg lengths",
    "To keep balance while the trunk tips forward, the hips must travel back: on the course's "
    "body model a good hinge moves them back about 0.27 leg lengths (23 cm). Less than 0.08 "
    "(about 7 cm) with the trunk tipped past 30 degrees means the weight has gone to the toes.",
)
LEG_LENGTH = Limit(
    0.85, "m",
    "Hip to ankle (thigh plus shank) of an adult of average height, 1.73 m: segment lengths are "
    "about 0.245 and 0.246 of height. Only turns a hip travel measured in leg lengths into the "
    "centimetres a learner can picture, so the cue says 'about'; no rule uses it.",
    "Winter D.A. (2009) Biomechanics and Motor Control of Human Movement, 4th ed., segment lengths",
)
HIPS_BACK_TRUNK_MIN = Limit(
    30.0, "deg",
    "The hips-back rule only applies once the trunk tips this far: before that, little travel is needed.",
)

# --- rounding of the back --------------------------------------------------------------------

BACK_ROUNDING = Limit(
    20.0, "deg",
    "Closing of the ear-shoulder-hip angle between the top and the bottom of a rep. A neutral "
    "spine keeps ear, shoulder and hip roughly in line as the trunk tips; upper-back rounding "
    "brings the head and shoulders down towards the hips. 20 degrees is four times the angle "
    "error and about what a coach sees as a visibly rounded upper back.",
)

FOLD_BEYOND_HAMSTRINGS = Limit(
    115.0, "deg",
    "Trunk-to-thigh angle at the bottom while the knees stay nearly straight (see "
    "STRAIGHTISH_KNEE). The hamstrings tie the pelvis to the shin: with the knee straight, "
    "healthy adults flex the hip about 80 degrees before the pelvis stops (straight-leg raise), "
    "a little more with soft knees. A trunk folded 115 degrees or more onto the thigh with the "
    "knees that straight gets the rest from the spine bending: the lower back rounds even when "
    "the head is held up. Very flexible people can reach it with a flat back, so findings "
    "from this rule carry a lower confidence.",
    "Straight-leg-raise norms: Magee D.J., Orthopedic Physical Assessment (hip chapter)",
)
STRAIGHTISH_KNEE = Limit(
    45.0, "deg",
    "Above 45 degrees of knee bend the hamstrings are slack enough (a deadlift from the floor, a "
    "squat) that a deep fold at the hip says nothing about the back.",
)
FOLD_CONFIDENCE = Limit(
    0.6, "fraction",
    "Most confidence a finding inferred from the fold can have: flexibility varies from person to person.",
)

# --- leaning back at the top -----------------------------------------------------------------

LEAN_BACK = Limit(
    -10.0, "deg",
    "Trunk inclination at lockout. Standing tall is 0 plus or minus a few degrees (and a phone "
    "propped a little off level adds up to 5). Past 10 degrees behind vertical the lower back is "
    "arching to finish the rep instead of the glutes.",
)

# --- head and neck ---------------------------------------------------------------------------

NECK_CRANKED = Limit(
    -25.0, "deg",
    "Head angle against the trunk at the bottom of a rep. A neutral neck keeps the ear on the "
    "line of the back (0, with about 10 to 15 degrees of normal gaze movement); looking up at "
    "a mirror bends the neck back 30 to 45 degrees.",
)

# --- tempo -----------------------------------------------------------------------------------

RUSHED_DESCENT = Limit(
    0.6, "s",
    "Time from the top to the bottom of a rep. A controlled lowering takes 1 to 3 seconds "
    "(tempo prescriptions such as 2-0-1 or 3-1-1); under 0.6 seconds the lifter is dropping "
    "into the bottom rather than lowering under control.",
    "Wilk M. et al. (2021), Sports Medicine: a review of movement tempo in resistance training",
)

# --- where the camera may stand --------------------------------------------------------------

NEAR_SIDE_ON = Limit(
    45.0, "deg",
    "Camera angle away from side-on up to which the rules that do not depend on distances "
    "along the line of sight are still judged: a knee that is straight looks straight from any "
    "angle, the knee and hip bend foreshorten together so their ratio holds, and time is time. "
    "Hip travel, trunk lean, the back line and the neck need a side view (within 22.5 degrees, "
    "see course.analysis.view) and are not judged past it.",
)

# --- what the camera must see ----------------------------------------------------------------

MAIN_RULES_SHARE = Limit(
    0.5, "fraction of the reps",
    "A clip is called judged only when the rules a hinge is about (course.analysis.faults."
    "MAIN_RULES: back, squat pattern, hips back) ran on more than half of its reps; otherwise "
    "the verdict is partial and says what was not judged. A beginner reads 'judged' as 'a coach "
    "looked at my set': a verdict resting on a minority of the reps, or on the minor rules "
    "alone, would claim more than was seen.",
)

MIN_SEEN = Limit(
    0.6, "fraction",
    "Share of a rep's frames in which the near-side shoulder, hip, knee and ankle are visible. "
    "Under this a rule on that rep is not judged rather than guessed.",
)

# --- which way is up (course.analysis.level) ---------------------------------------------------

LEVEL_ASSUMED = Limit(
    5.0, "deg",
    "How far from level a phone propped up by hand usually is, taken as the uncertainty of the "
    "vertical when nothing in the picture shows it. The lean thresholds already allow for this "
    "much (see LEAN_BACK), so a camera known this well changes no verdict.",
)
LEVEL_UNKNOWN = Limit(
    10.0, "deg",
    "Uncertainty of the vertical above which trunk lean, leaning back at the top and hip travel "
    "are not judged: twice what the thresholds allow for, as large as the whole margin between "
    "an upright lockout (0) and leaning back (-10).",
)
BODY_VERTICAL_ERROR = Limit(
    6.0, "deg",
    "How far the ankle-to-hip line of a person standing tall may be from vertical: the hip joint "
    "sits within about 5 cm in front of or behind the ankle over an 85 cm leg to keep balance "
    "(about 3 deg), plus a few centimetres of the pose model's misplacement of the hip and "
    "ankle landmarks (another 3 to 5 deg). A tilt the legs show smaller than this cannot be told "
    "from a level camera and is not corrected (LEVEL_ASSUMED covers it).",
    "Wade L. et al. (2022) PeerJ 10:e12995 (2D landmark offsets)",
)
SCENE_LINE_MIN_LENGTH = Limit(
    0.12, "fraction of the picture's height",
    "A straight edge this long (about 20 cm of a door frame or rack upright beside a lifter "
    "filling the picture) gives its direction to within a degree or two; shorter edges are "
    "mostly texture, writing and clutter.",
)
SCENE_LINE_SPREAD = Limit(
    2.0, "deg",
    "A segment agrees with the scene's vertical when it points within this of the vanishing "
    "point: an edge detector and a Hough transform place a long edge to about a degree; "
    "slanted things (a leaning bar, a roof, a diagonal brace) are further off.",
)
SCENE_MIN_LINES = Limit(
    3, "lines",
    "Distinct scene lines that must agree before the room is trusted for the vertical: one or "
    "two could be a leaning pole or a diagonal; three vertical edges at different places in the "
    "picture agreeing on one vanishing point are the room's verticals.",
)
