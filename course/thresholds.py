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

Angles follow ``course.analysis.kinematics``: hip flexion 0 standing tall, knee flexion 0 straight,
trunk inclination 0 upright (+ forward), neck angle 0 in line with the trunk (- looking up).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Limit(Generic[T]):
    """One tunable number of the course, in the one shape every such number has (the fault rules'
    here, the store's in course.store.rules, the settings' in course.settings): its value, its
    unit, why it is what it is and, where one exists, its source. A setting that a deployment may
    change also names its environment variable and the range it must stay in (checked at start)."""

    value: T
    unit: str
    why: str
    source: str = ""
    env: str | None = None
    low: float | None = None
    high: float | None = None


ANGLE_ERROR = Limit(
    5.0,
    "deg",
    "How far a single-camera 2D pose estimate of a hip or knee angle typically strays from the "
    "true angle on a clean side view; a finding closer to its threshold than this is uncertain.",
    "Wade L. et al. (2022) PeerJ 10:e12995; Needham L. et al. (2021) Sci Rep 11:20673",
)

# --- when is a rep a hinge at all ----------------------------------------------------------

MIN_HINGE_DEPTH = Limit(
    35.0,
    "deg",
    "Hip flexion at the bottom below this is a stand with a nod, not a hinge: too shallow to judge "
    "the pattern (a Romanian deadlift to mid-shin reaches 70 to 90 degrees).",
)

LOCKOUT_HIP_MAX = Limit(
    30.0,
    "deg",
    "A rep reaches lockout when its hip flexion comes back under this on the way up; one that "
    "doesn't is a partial rep, named and not counted. Standing tall reads 0 (the soft-kneed top "
    "of a hinge about 8, and the camera's error is up to 5 either way). The shallowest bottom "
    "judged as a hinge is MIN_HINGE_DEPTH: a top within one ANGLE_ERROR of it (30) is still a "
    "hinge position, not standing. A pull that stops at the knees leaves the hips bent 50 to 70.",
)

# --- locked knees ----------------------------------------------------------------------------

LOCKED_KNEE_MAX = Limit(
    5.0,
    "deg",
    "Soft knees keep a visible bend, typically 15 to 25 degrees in a Romanian deadlift. Knees at "
    "or under 5 degrees at the bottom of a hinge are straight within what the camera can measure.",
)

# --- squatting the hinge ---------------------------------------------------------------------

SQUAT_KNEE_TO_HIP = Limit(
    0.85,
    "ratio",
    "In a squat the knees bend about as much as the hips (goblet squat: knee 110, hip 105 degrees, "
    "ratio about 1). A Romanian deadlift bends the knee a fifth as much as the hip, and a "
    "conventional deadlift from the floor about 0.6 to 0.75 of it: under 0.85 is still a hinge.",
)
SQUAT_SHIN_MIN = Limit(
    20.0,
    "deg",
    "A squat pushes the knees forward so the shins tip well past vertical; in a hinge the shins "
    "stay close to vertical (under about 10 degrees). Both must agree before we call it a squat.",
)
KNEES_LEAD_RATIO = Limit(
    1.5,
    "ratio",
    "Breaking at the knees first: in the first third of the descent the knees gain at least 1.5 "
    "times as many degrees as the hips. In a hinge the hips lead from the first moment.",
)
KNEES_LEAD_MIN_CHANGE = Limit(
    15.0,
    "deg",
    "The knees must also bend at least this much in that first third, three times the angle "
    "error, so that noise at the top of a rep cannot look like knees leading.",
)

# --- hips rising first --------------------------------------------------------------------

HIPS_FIRST_KNEE_MIN = Limit(
    15.0,
    "deg",
    "Hips rising first is judged only on a rep whose knees straighten at least this much in the "
    "first half of their way up (three angle errors, as KNEES_LEAD_MIN_CHANGE): a Romanian "
    "deadlift, whose knees barely move, has no first part for the hips to rise in.",
)
HIPS_FIRST_TRUNK_TIP = Limit(
    10.0,
    "deg",
    "While the knees do the first half of their straightening, the trunk tips this much further "
    "forward than it was at the bottom: the hips rise and the shoulders don't, so the back "
    "lifts the rest. Coaches ask for hips and shoulders to rise together: the back keeps its "
    "angle to the floor (or comes up) until the weight passes the knees, while the knees "
    "straighten first. A ratio of knee extension to trunk rise would call that correct pull a "
    "fault, as its trunk hardly rises; the fault is the trunk tipping further. Hips rising 10 cm "
    "with the chest held (a trunk 50 cm long, 50 deg from upright) tip it about 14 deg; 10 is "
    "two angle errors, so the few degrees a good pull's back angle drifts don't fire.",
    "Rippetoe M. (2011) Starting Strength, 3rd ed., ch. 4 (back angle constant until the bar "
    "passes the knees); Haff G.G. & Triplett N.T. (2016) NSCA Essentials of Strength Training "
    "and Conditioning, 4th ed. (deadlift: hips and shoulders rise at the same rate)",
)

# --- hips not going back ---------------------------------------------------------------------

HIPS_BACK_MIN = Limit(
    0.08,
    "leg lengths",
    "To keep balance while the trunk tips forward, the hips must travel back: on the course's "
    "body model a good hinge moves them back about 0.27 leg lengths (23 cm). Less than 0.08 "
    "(about 7 cm) with the trunk tipped past 30 degrees means the weight has gone to the toes.",
)
LEG_LENGTH = Limit(
    0.85,
    "m",
    "Hip to ankle (thigh plus shank) of an adult of average height, 1.73 m: segment lengths are "
    "about 0.245 and 0.246 of height. Only turns a hip travel measured in leg lengths into the "
    "centimetres a learner can picture, so the cue says 'about'; no rule uses it.",
    "Winter D.A. (2009) Biomechanics and Motor Control of Human Movement, 4th ed., segment lengths",
)
HIPS_BACK_TRUNK_MIN = Limit(
    30.0,
    "deg",
    "The hips-back rule only applies once the trunk tips this far: before that, little travel is needed.",
)

# --- rounding of the back --------------------------------------------------------------------

BACK_ROUNDING = Limit(
    20.0,
    "deg",
    "Closing of the ear-shoulder-hip angle between the top and the bottom of a rep. A neutral "
    "spine keeps ear, shoulder and hip roughly in line as the trunk tips; upper-back rounding "
    "brings the head and shoulders down towards the hips. 20 degrees is four times the angle "
    "error and about what a coach sees as a visibly rounded upper back.",
)

SPINE_ROUNDED = Limit(
    20.0,
    "deg",
    "Flexion of the lumbar and thoracic spine together, beyond a straight back, that the self-check "
    "calls a rounded back: four times the angle error, the smallest difference any rule here "
    "reports. Thoracolumbar flexion spans about 80 degrees (AAOS), so this is a quarter of it, "
    "and it is past straight: what a coach calls rounded is the back visibly curving outward, not "
    "the lower back's normal inward curve flattening.",
    "AAOS thoracolumbar flexion norms (course.body.JOINT_LIMITS)",
)
BACK_OUTLINE_BEND = Limit(
    8.0,
    "deg",
    "Bend of the back's outline on the silhouette (course.analysis.back) at which the back counts "
    "as rounded: what a spine flexed by SPINE_ROUNDED, shared evenly between the lumbar and "
    "thoracic joints, makes on the body model's silhouette filmed side-on (8.3 to 8.9 degrees at "
    "the bottoms of a Romanian deadlift, a deadlift and a shallow hinge; a straight back reads 0; "
    "tests/test_back_outline.py measures it). The outline bends less than the spine because each "
    "of its halves straddles a joint. For comparison, the rule's readings on our real side views: "
    "flat backs -2.5 to +2.0 degrees (a lower back's inward curve bends the outline in), the "
    "labelled rounded back 21.7.",
    "geometry of the body model (course.body, de Leva 1996 segment lengths; course.silhouettes)",
)
OUTLINE_TRUNK_MIN = Limit(
    45.0,
    "deg",
    "Trunk inclination below which the back's outline is not read. Nearer upright the load's "
    "lever on the spine is under 70 % of its largest (sin 45 degrees), so the back rarely rounds "
    "there, and the hanging arms and the weight run along the trunk's outline in a side view.",
)
OUTLINE_EDGE = Limit(
    0.5,
    "probability",
    "Segmentation mask value taken as the silhouette's edge: the model's even odds that a pixel is the person.",
)
OUTLINE_SPAN = Limit(
    0.1,
    "fraction of the trunk",
    "Share of the hip-to-shoulder line left out at each end: at the hips the outline turns round "
    "the buttocks, at the shoulders into the neck (and a hood or a ponytail).",
)
OUTLINE_REACH = Limit(
    0.8,
    "fraction of the trunk",
    "How far behind the hip-to-shoulder line the back's edge is looked for. A trunk is about 0.4 "
    "of its hip-to-shoulder length deep (chest depth about 24 cm: ANSUR II); twice that leaves "
    "room for a hunched back and loose clothes, and an edge further out is not the back.",
    "Gordon C.C. et al. (2014) 2012 Anthropometric Survey of U.S. Army Personnel (ANSUR II)",
)
OUTLINE_ROUGHNESS = Limit(
    0.025,
    "fraction of the trunk",
    "Largest scatter (root mean square) of the outline about its two fitted lines for a frame to "
    "count. The mask's edge wanders by about a pixel and cloth folds by about a centimetre (0.02 "
    "of a 50 cm trunk); a plate, an arm or a bag in the way makes steps far larger.",
)
OUTLINE_MIN_TORSO = Limit(
    40.0,
    "px",
    "Shortest hip-to-shoulder line the outline is read on: at 40 pixels a pixel of the mask's edge "
    "moves each half's fitted line by about 1 degree.",
)
OUTLINE_CONFIDENCE = Limit(
    0.85,
    "fraction",
    "Most confidence a rounded back found on the outline can have: loose clothing and long hair "
    "can bow the outline a little where the spine does not.",
)
FOLD_BEYOND_HAMSTRINGS = Limit(
    115.0,
    "deg",
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
    45.0,
    "deg",
    "Above 45 degrees of knee bend the hamstrings are slack enough (a deadlift from the floor, a "
    "squat) that a deep fold at the hip says nothing about the back.",
)
FOLD_CONFIDENCE = Limit(
    0.6,
    "fraction",
    "Most confidence a finding inferred from the fold can have: flexibility varies from person to person.",
)

# --- leaning back at the top -----------------------------------------------------------------

LEAN_BACK = Limit(
    -10.0,
    "deg",
    "Trunk inclination at lockout. Standing tall is 0 plus or minus a few degrees (and a phone "
    "propped a little off level adds up to 5). Past 10 degrees behind vertical the lower back is "
    "arching to finish the rep instead of the glutes.",
)

# --- head and neck ---------------------------------------------------------------------------

NECK_CRANKED = Limit(
    -25.0,
    "deg",
    "Head angle against the trunk at the bottom of a rep. A neutral neck keeps the ear on the "
    "line of the back (0, with about 10 to 15 degrees of normal gaze movement); looking up at "
    "a mirror bends the neck back 30 to 45 degrees.",
)

# --- tempo -----------------------------------------------------------------------------------

RUSHED_DESCENT = Limit(
    0.6,
    "s",
    "Time from the top to the bottom of a rep. A controlled lowering takes 1 to 3 seconds "
    "(tempo prescriptions such as 2-0-1 or 3-1-1); under 0.6 seconds the lifter is dropping "
    "into the bottom rather than lowering under control.",
    "Wilk M. et al. (2021), Sports Medicine: a review of movement tempo in resistance training",
)
DESCENT_TIMED_EDGE = Limit(
    0.10,
    "fraction of the rep's depth",
    "The lowering is timed from 10 % to 90 % of the rep's depth (its hip flexion), leaving out "
    "the first and last tenth, where a pause at the top or a settle at the bottom would count as "
    "lowering; DESCENT_MIDDLE_SHARE turns that stretch back into the whole lowering's time.",
)

DESCENT_MIDDLE_SHARE = Limit(
    0.52,
    "fraction of the lowering's time",
    "A smooth lowering covers its middle 10 % to 90 % of depth in about half its time: a "
    "human point-to-point movement follows the minimum-jerk profile (10u^3 - 15u^4 + 6u^5), "
    "which passes 10 % at u = 0.24 and 90 % at u = 0.76. The lowering's length is that middle "
    "stretch divided by 0.52. Dividing by 0.8, as the rule once did, read a controlled 0.7 s "
    "kettlebell lowering as 0.45 s and called it rushed.",
    "Flash T. & Hogan N. (1985) J Neurosci 5:1688-1703 (minimum-jerk model of human movement)",
)

# --- where the camera may stand --------------------------------------------------------------

NEAR_SIDE_ON = Limit(
    45.0,
    "deg",
    "Camera angle away from side-on up to which the rules that do not depend on distances "
    "along the line of sight are still judged: a knee that is straight looks straight from any "
    "angle, the knee and hip bend foreshorten together so their ratio holds, and time is time. "
    "Hip travel, trunk lean, the back line and the neck need a side view (within 22.5 degrees, "
    "see course.analysis.camera_view) and are not judged past it.",
)

# --- what the camera must see ----------------------------------------------------------------

MAIN_RULES_SHARE = Limit(
    0.5,
    "fraction of the reps",
    "A clip is called judged only when the rules a hinge is about (course.analysis.faults."
    "MAIN_RULES: back, squat pattern, hips back) ran on more than half of its reps; otherwise "
    "the verdict is partial and says what was not judged. A beginner reads 'judged' as 'a coach "
    "looked at my set': a verdict resting on a minority of the reps, or on the minor rules "
    "alone, would claim more than was seen.",
)

MIN_SEEN = Limit(
    0.6,
    "fraction",
    "Share of a rep's frames in which the near-side shoulder, hip, knee and ankle are visible. "
    "Under this a rule on that rep is not judged rather than guessed.",
)

# --- which way is up (course.analysis.level) ---------------------------------------------------

LEVEL_ASSUMED = Limit(
    5.0,
    "deg",
    "How far from level a phone propped up by hand usually is, taken as the uncertainty of the "
    "vertical when nothing in the picture shows it. The lean thresholds already allow for this "
    "much (see LEAN_BACK), so a camera known this well changes no verdict.",
)
LEVEL_UNKNOWN = Limit(
    10.0,
    "deg",
    "Uncertainty of the vertical above which trunk lean, leaning back at the top and hip travel "
    "are not judged: twice what the thresholds allow for, as large as the whole margin between "
    "an upright lockout (0) and leaning back (-10).",
)
BODY_VERTICAL_ERROR = Limit(
    6.0,
    "deg",
    "How far the ankle-to-hip line of a person standing tall may be from vertical: the hip joint "
    "sits within about 5 cm in front of or behind the ankle over an 85 cm leg to keep balance "
    "(about 3 deg), plus a few centimetres of the pose model's misplacement of the hip and "
    "ankle landmarks (another 3 to 5 deg). A tilt the legs show smaller than this cannot be told "
    "from a level camera and is not corrected (LEVEL_ASSUMED covers it).",
    "Wade L. et al. (2022) PeerJ 10:e12995 (2D landmark offsets)",
)
SCENE_LINE_MIN_LENGTH = Limit(
    0.12,
    "fraction of the picture's height",
    "A straight edge this long (about 20 cm of a door frame or rack upright beside a lifter "
    "filling the picture) gives its direction to within a degree or two; shorter edges are "
    "mostly texture, writing and clutter.",
)
SCENE_LINE_SPREAD = Limit(
    2.0,
    "deg",
    "A segment agrees with the scene's vertical when it points within this of the vanishing "
    "point: an edge detector and a Hough transform place a long edge to about a degree; "
    "slanted things (a leaning bar, a roof, a diagonal brace) are further off.",
)
SCENE_MIN_LINES = Limit(
    3,
    "lines",
    "Distinct scene lines that must agree before the room is trusted for the vertical: one or "
    "two could be a leaning pole or a diagonal; three vertical edges at different places in the "
    "picture agreeing on one vanishing point are the room's verticals.",
)

# --- what the camera really saw ------------------------------------------------------------

SILHOUETTE_REACH = Limit(
    0.01,
    "fraction of the picture's diagonal",
    "A landmark counts as on the person's silhouette when the segmentation mask covers a point "
    "within this distance of it. Joint centres sit inside the body by half a limb's width "
    "(3 % of a stature or more), but the mask is drawn on the model's 256-pixel crop, so its "
    "edge is soft by a cell or two (about 0.4 % of the diagonal each for a person filling half "
    "the picture); a joint behind a plate lies a plate's radius (over 5 %) off the person.",
    "MediaPipe Pose model card (BlazePose GHUM, 256 x 256 input, segmentation output)",
)
ON_SILHOUETTE = Limit(
    0.5,
    "0..1",
    "Mask value above which a point is the person's: the segmentation output is a per-pixel "
    "probability, and MediaPipe's own examples draw the person where it exceeds 0.5 "
    "(selfie-segmentation and pose examples use the same cut).",
    "mediapipe/python/solutions/pose.py examples (segmentation_mask > 0.1 to 0.5)",
)
HIDDEN_SHARE = Limit(
    0.5,
    "fraction of a rep's frames",
    "A body point covered (off the silhouette or out of the picture) for more than this share "
    "of a rep is taken as hidden for that rep, and the rules drawn through it are not judged "
    "there. A shorter cover, such as a plate passing the shins at the bottom of a deadlift, is "
    "bridged by the frames either side (the tracker and the angle smoothing carry the point "
    "through); over most of a rep there is nothing to carry it but the tracker's guess.",
)

# --- who else is in the picture ------------------------------------------------------------

SAME_DISTANCE_SIZE = Limit(
    0.7,
    "torso length over the lifter's",
    "Another person whose torso is at least this big in the picture, on any sample, stands "
    "about as near the camera as the lifter: training beside them or crossing in front, and the "
    "clip is refused (whose hinge is it?). Size in the picture falls as one over distance: "
    "someone beside the lifter reads about 1 (0.8 to 1.0 for a second lifter pasted beside a "
    "real one), people 2 m or more behind a lifter filmed from 3 m read 0.6 or less. The "
    "static model misjudges a small figure's torso by up to a third (a copy pasted at 0.45 "
    "read 0.35 to 0.59), so the line sits between the two, not at 0.6. The lifter's own torso "
    "is its 90th percentile over the clip, as bending only foreshortens it.",
    "Pinhole projection; measured on the derived cases of tests/stress.py",
)

# --- cuts and takeovers ----------------------------------------------------------------------

CUT_CHANGE = Limit(
    20.0,
    "grey levels (0..255)",
    "Mean change of a 16 x 16 grey thumbnail from one frame to the next above which the picture "
    "was cut to another shot. Within one shot only what moves changes: a lifter filling half the "
    "picture, hinging briskly, moved the thumbnail by at most 4 levels on every real clip here; "
    "a cut replaces the whole picture (76 to 132 levels on the spliced and title-card cuts). A "
    "hand-held pan or a light switched on stays well under 20.",
)
TAKEOVER_JUMP = Limit(
    1.0,
    "torso lengths",
    "A tracked torso whose centre moves further than its own length from one measured frame to "
    "the next (at most 0.1 s apart) is another person or another shot: about 0.5 m in a frame, "
    "5 m/s or more, which a lifter's torso never reaches (a fast swing moves it about 1 m/s).",
)
MIN_SHOT = Limit(
    1.5,
    "s",
    "Shortest stretch filmed in one go that can hold a whole rep: a controlled hinge takes about "
    "2 s down and up, a brisk one 1.5 s. A clip whose longest shot is shorter is asked again as "
    "one continuous clip.",
)

# --- what the self-check page offers to watch (course.views.self_check) -----------------------

REP_CLIP_MIN = Limit(
    1.0,
    "s",
    "The shortest rep offered as a clip of its own. The page's video player starts and stops on "
    "whole seconds (st.video truncates start_time and end_time to whole seconds and refuses an end "
    "that is not after the start), so a shorter rep would play as a clip made mostly of what "
    "comes before and after it; and no hinge a coach would count is that quick (a brisk "
    "kettlebell deadlift takes about a second down and up): a shorter 'rep' is a twitch the rep "
    "counter caught, better watched in the whole clip.",
)
REP_CLIP_MARGIN = Limit(
    0.3,
    "s",
    "Shown before and after a rep in its own clip, so that it opens on the stand before the "
    "first move and closes on the lockout, not mid-movement.",
)
BANNER_LEAD = Limit(
    0.5,
    "s",
    "A fault's banner on the annotated clip goes up this long before the moment its rule measured "
    "it (the bottom for most faults, the lockout for leaning back, the end of the way down for a "
    "rushed descent), so it is up as the fault shows. Not from the start of the way down: there the "
    "lifter still stands tall, and a squat's banner over someone standing tall reads as a mistake.",
)
BANNER_HOLD = Limit(
    1.0,
    "s",
    "A fault's banner stays this long after the moment its rule measured it, so that it shows "
    "1.5 s in all: two short lines take that long to read. It is kept inside its own rep's time "
    "(moved earlier at a rep's end), so one rep's banner never lies over the next rep.",
)
FEET_AWAY = Limit(
    0.5,
    "leg lengths (mid-hip to mid-ankle)",
    "Feet further than this from where they stand for the set are walking in or away: about "
    "40 cm, a step. A hinge, a squat or a swing never moves the feet; their landmarks wobble by a "
    "few centimetres.",
)

# --- tempo per exercise (course.analysis.exercises) -------------------------------------------

KETTLEBELL_DEADLIFT_DROP = Limit(
    0.4,
    "s",
    "Time from the top to the bottom of a kettlebell deadlift. It is taught as the swing's "
    "first step, lowered briskly but under control (about 0.7 s is a good, brisk rep). A bell "
    "falling freely from the hips to the floor (about 0.4 m) needs sqrt(2 x 0.4 / 9.81) = 0.29 s; "
    "a lowering under 0.4 s is within about one frame-timing error of that fall, so it is a drop, "
    "not a lowering.",
    "Tsatsouline P. (2006) Enter the Kettlebell!, the deadlift as the swing's teaching step; free fall from geometry",
)


# --- how a finding is measured and how sure it is ----------------------------------------------

MOMENT_WINDOW = Limit(
    0.15,
    "s",
    "A series' value 'at' a moment (the bottom, the lockout) is its median within this much "
    "time either side: one frame can be noise, and 0.3 s is still shorter than any phase of a "
    "rep (a brisk kettlebell lowering takes 0.7 s).",
)

OUTLINE_MIN_READINGS = Limit(
    3,
    "readings",
    "Readings of the back's outline a median needs within MOMENT_WINDOW: fewer could be one "
    "frame's noise (a hand or a strap crossing the back for a frame).",
)

CONFIDENCE_AT_THRESHOLD = Limit(
    0.5,
    "confidence (0..1)",
    "A finding exactly at its threshold is as likely a measurement error as a fault: even odds.",
)

CONFIDENCE_PER_ANGLE_ERROR = Limit(
    0.25,
    "confidence per ANGLE_ERROR of margin",
    "Each ANGLE_ERROR the measured value is past its threshold adds this much, so one error of "
    "margin reads 0.75 and two or more are sure (1.0); then scaled by how well the joints were seen.",
)

HIP_TRAVEL_PER_ANGLE_ERROR = Limit(
    0.05,
    "leg lengths",
    "A shortfall of hip travel this big (about 5 cm) counts, for a finding's confidence, as one "
    "ANGLE_ERROR of margin. It is the same order as what the camera's error does to the travel: "
    "a vertical off by 5 degrees moves a hip a leg length above the ankle by sin 5 = 0.09 leg "
    "lengths, and the rule already allows for the vertical's own error.",
)

TEMPO_PER_ANGLE_ERROR = Limit(
    0.1,
    "s",
    "A lowering this much quicker than its limit counts, for a finding's confidence, as one "
    "ANGLE_ERROR of margin: 0.1 s is three frames at 30 frames/s, about what the timing of the "
    "10 % and 90 % points can be off by.",
)

# --- the annotated video frames the person (course.analysis.annotate) ---------------------------

CROP_MARGIN = Limit(
    0.15,
    "share of the person's height",
    "Room left on every side of the box that the landmarks seen during the clip span. The "
    "landmarks stop at the eyes, the wrists and the toes, while the top of the head is about "
    "0.06 of a lifter's height above the eyes and a 45 cm plate reaches about 0.13 of a 1.75 m "
    "lifter's height beyond the bar in the hands; the angle labels sit beside the joints.",
)

CROP_KEEP_WHOLE = Limit(
    0.75,
    "share of the frame's area",
    "A crop covering at least this much of the picture is not made: it would enlarge the person "
    "by under 15 % (1 / sqrt 0.75), not worth losing the room around them.",
)

CROP_MIN_SIDE = Limit(
    1 / 3,
    "share of the frame's long side",
    "The crop's long side is at least this: a person spanning less is already told to stand "
    "closer (course.analysis.camera_view's MIN_PERSON_HEIGHT, a third of the picture), and a "
    "tighter crop would only enlarge the blur of too few pixels.",
)

CROP_ASPECT = Limit(
    (9 / 16, 16 / 9),
    "width / height",
    "The crop is widened or heightened (about its centre) to stay between a phone's portrait "
    "and landscape screen: a narrower picture leaves the fault banners no room for their words, "
    "a flatter one shows the person small on a phone.",
)

CROP_MAX_ENLARGE = Limit(
    2.0,
    "times the clip's pixels",
    "A crop is enlarged to the annotated video's size (Settings.annotated_max_side) by at most "
    "this much: the labels are drawn at the video's own pixels, so a small crop shown at phone "
    "width keeps sharp text, while the picture under it gains nothing from more.",
)
