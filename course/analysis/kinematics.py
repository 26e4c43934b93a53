"""Joint angles over time from MediaPipe landmarks: the side facing the camera, clean-up, reps.

`measure_motion(seq)` turns a `course.landmarks.LandmarkSequence` (33 MediaPipe Pose landmarks
per frame) into a `MotionTrack`: the angles of a side-on hinge over time, raw and smoothed, the
repetitions, and how well each frame was seen. The fault rules (`course.analysis.faults`) read
the track; nothing here judges form.

Conventions (degrees unless stated; every angle is 0 standing tall)
    All angles are measured in the IMAGE plane, from the image landmarks in pixels (x * width,
    y * height, so the picture's aspect ratio is right). MediaPipe's depth (z) and its world
    landmarks are not used: its depth is unreliable (it leans the body forward). "Forward" is
    the way the person faces in the picture (`MotionTrack.facing`); "up" is the picture's up.
    A lean from vertical is atan2(forward, up) of a segment from its lower to its upper end.

    hip flexion     0 standing tall and grows as the trunk tips forward relative to the thigh:
                    the trunk's lean minus the thigh's lean (knee -> hip). Signed: leaning back
                    past straight at lockout is negative. The trunk here is the hip -> shoulder
                    line, so this angle includes any rounding of the back (compare it with
                    `Motion.hip_angle_seen_deg`, not with the body model's hip joint angle).
    knee flexion    0 straight, + bent; negative when the knee is pushed back past the line from
                    hip to ankle ("locked"): the shin's lean minus the thigh's lean.
    trunk           inclination of hip -> shoulder from vertical, + forward, 0 upright.
    shin            inclination of ankle -> knee from vertical, + knees ahead of the ankles.
    neck            the head relative to the trunk: the lean of shoulder -> ear minus the trunk's
                    lean. 0 with ear, shoulder and hip in line; + ear ahead of the trunk line
                    (chin down, head poking forward); - ear behind it (looking up, neck cranked).
    back line       the angle at the shoulder between the ear and the hip: 180 in line, below 180
                    when the upper back rounds or the head juts forward, above 180 when the back
                    arches or the head tips back. A proxy: MediaPipe's 33 landmarks have no point
                    along the spine, so a rounded lower back with the head held in line is not
                    seen. By construction back line = 180 - neck: one measurement, kept under
                    both names because the rules read it as two cues (back shape, head position).
    hip travel      how far the hip is behind the ankle, horizontally, in units of the person's
                    thigh + shank length (scale-free): + hips behind the ankles, - in front.

These hold only for a camera side-on to the lifter and a movement in the sagittal plane; at an
angle the picture shortens forward-backward distances and every lean reads smaller.

Which side faces the camera
    The person faces the picture's right when their nose is to the right of their ears and their
    toes to the right of their heels; each visible frame votes with each cue and the clip takes
    the majority (`facing`). Neither cue depends on MediaPipe's left/right labels, so swapped
    frames don't change the vote. Geometry then gives the side: with the camera on the person's
    left (course.landmarks.Camera azimuth 90) they face the picture's LEFT, so facing left means
    the left side is nearest the camera, and facing right the right side (`side`).
    Visibility is not used to pick the side: MediaPipe often reports the hidden far side with
    high visibility. On the real side-on clips MediaPipe's labels agree (the side found this way
    is the one it sees with the higher visibility). A mirrored (selfie) video shows a mirror
    image, whose near side looks like the other one: `side` then names the mirror image's side.
    In a front view neither cue votes; `facing` falls back to "right" with agreement 0.

Left/right swaps and the far side
    MediaPipe sometimes exchanges left and right labels for a few frames. Each frame's labels
    are compared with the previous frame's: when exchanging them clearly brings every point
    closer to where it just was (SWAP_CLEAR, SWAP_MIN_GAIN), the frame is marked swapped. Runs of
    chained decisions are then oriented so most of their frames keep MediaPipe's labels (swaps
    are the exception). Then, per point (ear, shoulder, hip, knee, ankle, heel, toe): in a true
    side view the near and far point project onto each other, so where both are visible and
    within SAME_POINT of each other they are averaged (visibility-weighted; this is also immune
    to an undetected swap); where they disagree the near side's point is used alone, and where
    the near point is hidden the far one stands in. A point seen on neither side (visibility
    under VISIBLE, or missing) leaves the angles that need it NaN: "not seen", never a guess.

Clean-up (every series, using each frame's timestamp: variable frame rates are fine; the
    filters and their numbers are in course.analysis.filters)
    1. Outliers: a Hampel filter. A value further than HAMPEL_SIGMAS robust standard deviations
       (1.4826 x the median absolute deviation, floored at HAMPEL_FLOOR) from the median of the
       values within HAMPEL_HALF_WINDOW seconds becomes NaN. A median follows ramps and turning
       points, so real movement is kept and one-frame glitches are removed.
    2. Gaps: linear interpolation where no value was measured for at most MAX_GAP seconds;
       longer gaps stay NaN (a joint hidden for long is "not seen", not invented).
    3. Smoothing: a local quadratic least-squares fit over +-SMOOTH_HALF_WINDOW seconds around
       each frame - the Savitzky-Golay filter, written for uneven timestamps. It is zero-phase
       (symmetric: no lag) and, fitting a parabola rather than averaging, keeps the height of a
       turning point such as the bottom of a rep; +-0.1 s passes about 5 Hz (-3 dB), a little
       under the 6 Hz low-pass usual for human movement (Winter, Biomechanics and Motor Control
       of Human Movement), as lifts are slower than gait. A one-Euro filter would lag and a
       median filter would flatten the bottom into a plateau. Like Pose2Sim's filters, it
       smooths only the unbroken runs between gaps, never across one.

Repetitions (`segment_reps` and `split_partial`, in course.analysis.reps): hysteresis on a depth signal
    The depth signal is hip flexion (where hip flexion is missing, e.g. the knee hidden behind a
    plate, it is predicted from the trunk's lean by a straight-line fit over the frames that
    have both). Its clip's own top and bottom levels are robust percentiles (REP_TOP_PERCENTILE,
    REP_BOTTOM_PERCENTILE); the signal enters "bottom" above ENTER_BOTTOM of that range and
    "top" below ENTER_TOP, and stays in its zone until it reaches the other one, so pauses,
    jitter and small bounces cannot add reps. Before the first crossing the clip is in the zone
    of the level it is nearer to. Frames with nobody (NaN) are skipped. A clip that only shifts
    its weight (range under MIN_RANGE) or never bends deeply (bottom level under MIN_BOTTOM) has
    no reps. These segmentation settings are not form thresholds (those are in
    `course.thresholds`).
    What counts as one rep follows where the lift's load rests, as a coach counts:
    - "top-start" (squats, Romanian deadlifts, any clip that starts standing): a rep goes down
      and back up, top -> bottom -> top; the reps are the bottoms with a top on either side.
      A squat clip cut bottom -> top -> bottom -> top -> bottom has ONE full squat in it.
    - "bottom-start" (deadlifts from the floor): when the clip starts at the bottom and the hands
      are low there (wrists below mid-thigh, where a load resting on the floor puts them: a bar
      on plates or a kettlebell handle is at mid-shin; squats hold the load at the chest or
      shoulders), a rep is a pull from the floor to lockout, ending at the next bottom when the
      clip shows it. Every lockout reached from the bottom counts, the last one included even
      if the clip stops before the weight is put down: bottom -> top -> bottom -> top -> bottom
      is two deadlifts, and so is bottom -> top -> bottom -> top.
    This differs from counting max(bottoms between tops, tops between bottoms) on exactly the
    clips that start at the bottom, where that would count the squat above as two and miss a
    deadlift set's last lockout.
    - "swing" (kettlebell swings): when the arms rise forward at the tops (the shoulder-to-wrist
      line SWING_ARMS_RAISED or more from hanging: the bell floats at about chest height) and
      not at the bottoms (the bell passes between the legs), a rep is a swing: from the
      backswing up to the float and back to the next backswing. Only the floats count: standing
      with the bell hanging before the first swing or after it is parked is not a rep.
    Movements of two depths in one set (`_nested_cycles`): a swing set starts by reaching for the
    bell on the floor in front and ends by parking it there, deeper than any backswing, and held;
    the clip's levels are then those of the reach, the swings' backswings never get above
    ENTER_BOTTOM of that range, and ten swings read as one stay at the top. So every stretch
    the clip's levels saw as one visit to the top is looked at again with its own levels, under
    the same rules (MIN_RANGE, MIN_BOTTOM, the same hysteresis); the cycles found inside it
    replace it. A stretch of standing, or the plain way up and down between two bottoms, holds
    no cycle of its own and is left as it was.
    Partial reps (`split_partial`): a rep whose way up never comes back under
    course.thresholds.LOCKOUT_HIP_MAX (it stopped at the knees and went back down), or that never
    bends to course.thresholds.MIN_HINGE_DEPTH, is not counted: it goes to
    `MotionTrack.partial_reps`, for the report to name.

Uncertainty (`MotionTrack.uncertainty_deg`, `Rep.uncertainty_deg`)
    Per series, in degrees: the root of the sum of squares of (a) the scatter of the raw angle
    around its smoothed curve (RMS residual: the frame-to-frame jitter of the landmarks; the
    smoothed curve's own random error is smaller than this) and (b) half the median difference
    between the angle measured with the near side's points and with the far side's, where both
    were visible (how much the choice of side matters). It cannot include what one clip cannot
    show: a camera not quite side-on, or MediaPipe's systematic offset of its hip landmark.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Literal

import numpy as np

from course.analysis.filters import (
    HAMPEL_FLOOR,
    HAMPEL_FLOOR_TRAVEL,
    MAX_GAP,
    fill_gaps,
    quiet_numpy,
    reject_outliers,
    smooth,
)
from course.analysis.problems import NoPersonFound
from course.analysis.reps import PartialRep, Rep, segment_reps, split_partial
from course.body import Body, Joint, Pose
from course.landmarks import Landmark, LandmarkSequence
from course.thresholds import ON_SILHOUETTE, Limit

L = Landmark


# --- landmarks -----------------------------------------------------------------------------------

VISIBLE = Limit(
    0.5,
    "0..1",
    "A landmark below this visibility is treated as not seen: MediaPipe's own drawing code skips "
    "such points (_VISIBILITY_THRESHOLD in mediapipe/python/solutions/drawing_utils.py).",
)
SAME_POINT = Limit(
    0.10,
    "leg lengths",
    "In a side view a left point and its right partner project within a few percent of a leg "
    "length of each other (the body model filmed from 3 m: at most 6 %, the ankles). Further "
    "apart, one of them is misplaced or the view is not side-on: the near one is used alone.",
)
SWAP_CLEAR = Limit(
    0.5,
    "ratio",
    "A frame's left and right labels are exchanged only when that at least halves the distance "
    "of its points to where they were in the previous frame: a clear jump, not jitter.",
)
SWAP_MIN_GAIN = Limit(
    0.02,
    "leg lengths",
    "... and shortens it by at least this much per left/right pair; below it the two sides "
    "overlap too closely to tell apart, and MediaPipe's labels are kept.",
)
FACING_MIN_NOSE = Limit(
    0.02,
    "leg lengths",
    "The nose must be at least this far ahead of the ears to vote on the facing direction: about "
    "2 cm on an adult, above landmark jitter; the nose sits about 10 cm in front of the ears.",
)
FACING_MIN_FOOT = Limit(
    0.05,
    "leg lengths",
    "The toes must be at least this far ahead of the heels to vote: about 4 cm, against a foot "
    "about 26 cm long seen side-on.",
)

# --- repetitions ---------------------------------------------------------------------------------

SWING_ARMS_RAISED = Limit(
    45.0,
    "deg",
    "The arms count as raised when the shoulder-to-wrist line points at least this far forward "
    "of hanging straight down. Holding a bar or a kettlebell at lockout the arms hang within "
    "about 10 deg of plumb; a swing floats the bell to about chest height, 80 to 90 deg; half "
    "way between, the wrists are about a quarter of the trunk's length above the hips.",
)
DEPTH_FROM_TRUNK_MIN_R = Limit(
    0.9,
    "correlation (Pearson r)",
    "The trunk's lean stands in for missing hip flexion only when the two correlate this well: in "
    "a hinge and a squat they rise and fall together (r from 0.95 to 1.0 on the body model's "
    "motions), so a weaker link means the fit would invent depth.",
)
DEPTH_FROM_TRUNK_MIN_FRAMES = Limit(
    10,
    "frames",
    "... over at least this many frames where both were measured: a third of a second at 30 "
    "frames/s, too few for one glitch to make the correlation.",
)

# --- records -------------------------------------------------------------------------------------

POINTS: tuple[str, ...] = ("ear", "shoulder", "hip", "knee", "ankle", "heel", "toe")
KEY_POINTS: tuple[str, ...] = ("ear", "shoulder", "hip", "knee", "ankle")
_PAIRS: Mapping[str, tuple[Landmark, Landmark]] = MappingProxyType(
    {
        "ear": (L.LEFT_EAR, L.RIGHT_EAR),
        "shoulder": (L.LEFT_SHOULDER, L.RIGHT_SHOULDER),
        "hip": (L.LEFT_HIP, L.RIGHT_HIP),
        "knee": (L.LEFT_KNEE, L.RIGHT_KNEE),
        "ankle": (L.LEFT_ANKLE, L.RIGHT_ANKLE),
        "heel": (L.LEFT_HEEL, L.RIGHT_HEEL),
        "toe": (L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX),
    }
)
# Every left/right pair of the body (not the face): what the swap test compares.
_SWAP_PAIRS = np.array(
    [
        (lm, lm + 1)
        for lm in (
            L.LEFT_EAR,
            L.LEFT_SHOULDER,
            L.LEFT_ELBOW,
            L.LEFT_WRIST,
            L.LEFT_HIP,
            L.LEFT_KNEE,
            L.LEFT_ANKLE,
            L.LEFT_HEEL,
            L.LEFT_FOOT_INDEX,
        )
    ]
)

SERIES: tuple[str, ...] = ("hip_deg", "knee_deg", "trunk_deg", "shin_deg", "neck_deg", "back_line_deg", "hip_travel")
ANGLES: tuple[str, ...] = SERIES[:-1]  # the series in degrees


@dataclass(frozen=True, eq=False)
class MotionTrack:
    """What a clip's landmarks say about the movement; arrays are (n,), one value per frame,
    read-only, NaN where not seen. Conventions and methods: the module docstring.

    t_s: seconds, the frames' own timestamps.
    side: "left" or "right", the person's side nearest the camera.
    facing: "left" or "right", the way the person faces in the picture.
    facing_agreement: 0..1, the share of facing votes that agreed (0 when no frame could vote;
        facing then defaults to "right").
    hip_deg, knee_deg, trunk_deg, shin_deg, neck_deg, back_line_deg: smoothed, degrees.
    hip_travel: smoothed, leg lengths (thigh + shank), + hips behind the ankles.
    back_bend_deg: the back's outline on the silhouette (course.analysis.back), degrees, +
        rounded; as measured (a median around a moment is taken where it is used), NaN where
        not read or where the sequence carried no silhouette.
    raw: the same names -> the series before clean-up, for plots.
    seen: 0..1, the share of the five key points (ear, shoulder, hip, knee, ankle) seen on each
        frame, on the near side or with the far side standing in.
    visible: point name ("ear", "shoulder", "hip", "knee", "ankle", "heel", "toe") -> (n,) bool.
    leg_px: the thigh + shank length used as the scale, pixels.
    reps: the repetitions found, in order.
    uncertainty_deg: angle name ("hip", ...) -> degrees over the whole clip (see Rep).
    partial_reps: movements like reps that are not counted (PartialRep), in order.
    """

    t_s: np.ndarray
    side: Literal["left", "right"]
    facing: Literal["left", "right"]
    facing_agreement: float
    hip_deg: np.ndarray
    knee_deg: np.ndarray
    trunk_deg: np.ndarray
    shin_deg: np.ndarray
    neck_deg: np.ndarray
    back_line_deg: np.ndarray
    hip_travel: np.ndarray
    raw: Mapping[str, np.ndarray]
    seen: np.ndarray
    visible: Mapping[str, np.ndarray]
    leg_px: float
    reps: tuple[Rep, ...]
    uncertainty_deg: Mapping[str, float]
    back_bend_deg: np.ndarray
    partial_reps: tuple[PartialRep, ...] = ()

    def __len__(self) -> int:
        return len(self.t_s)


# --- the whole pipeline --------------------------------------------------------------------------


def measure_motion(seq: LandmarkSequence) -> MotionTrack:
    """Angles, side, facing and reps of one clip's landmarks (see the module docstring).

    Raises NoPersonFound when no frame shows a shoulder and a hip.
    """
    t = np.asarray(seq.t_s, dtype=float)
    px = np.array(seq.image_px(), dtype=float)
    vis = np.array(seq.visibility, dtype=float)
    seen = np.isfinite(px).all(axis=-1) & (vis >= VISIBLE.value) & on_silhouette(seq)
    if not (
        seen[:, [L.LEFT_SHOULDER, L.RIGHT_SHOULDER]].any(axis=1) & seen[:, [L.LEFT_HIP, L.RIGHT_HIP]].any(axis=1)
    ).any():
        raise NoPersonFound()

    leg = _leg_length_px(px, seen)
    facing, agreement = _facing(px, seen, leg)
    side: Literal["left", "right"] = facing  # facing the picture's left = left side nearest
    swapped = _swap_states(t, px, vis, leg)
    near_is_left = (side == "left") ^ swapped
    points, near_only, far_only, used = _fuse(px, vis, seen, near_is_left, leg)

    forward = 1.0 if facing == "right" else -1.0
    raw = _angles(points, forward, leg)
    near_angles = _angles(near_only, forward, leg)
    far_angles = _angles(far_only, forward, leg)

    smooth_series = {}
    residual = {}
    for name in SERIES:
        floor = HAMPEL_FLOOR_TRAVEL.value if name == "hip_travel" else HAMPEL_FLOOR.value
        kept = reject_outliers(t, raw[name], floor=floor)
        smooth_series[name] = smooth(t, fill_gaps(t, kept))
        residual[name] = kept - smooth_series[name]
    spread = {name: 0.5 * np.abs(near_angles[name] - far_angles[name]) for name in ANGLES}

    def uncertainty(frames: slice) -> Mapping[str, float]:
        return MappingProxyType(
            {name.removesuffix("_deg"): _uncertainty(residual[name][frames], spread[name][frames]) for name in ANGLES}
        )

    depth = _depth_signal(smooth_series["hip_deg"], smooth_series["trunk_deg"])
    reps = []
    spans = segment_reps(t, depth, _hands_low(px, seen, points), _arms_raised(px, seen, points, forward))
    spans, partial = split_partial(t, depth, spans, _hands_height(px, seen, points))
    for number, span in enumerate(spans, start=1):
        frames = slice(span.start, span.end + 1)
        reps.append(
            Rep(
                number=number,
                kind=span.kind,
                start_i=span.start,
                bottom_i=span.bottom,
                top_i=span.top,
                end_i=span.end,
                start_s=float(t[span.start]),
                bottom_s=float(t[span.bottom]),
                top_s=float(t[span.top]),
                end_s=float(t[span.end]),
                peak_hip_deg=_peak(smooth_series["hip_deg"], frames, span.bottom),
                peak_knee_deg=_peak(smooth_series["knee_deg"], frames, span.bottom),
                uncertainty_deg=uncertainty(frames),
            )
        )

    visible = {name: used[name] for name in POINTS}
    seen_share = np.mean([used[name] for name in KEY_POINTS], axis=0)
    back_bend = np.full(len(t), np.nan) if seq.back_bend_deg is None else np.array(seq.back_bend_deg, dtype=float)
    arrays = [t, seen_share, back_bend, *smooth_series.values(), *raw.values(), *visible.values()]
    for array in arrays:
        array.flags.writeable = False
    return MotionTrack(
        t_s=t,
        side=side,
        facing=facing,
        facing_agreement=agreement,
        **smooth_series,
        raw=MappingProxyType(raw),
        seen=seen_share,
        visible=MappingProxyType(visible),
        leg_px=leg,
        reps=tuple(reps),
        uncertainty_deg=uncertainty(slice(None)),
        back_bend_deg=back_bend,
        partial_reps=partial,
    )


def on_silhouette(seq: LandmarkSequence) -> np.ndarray:
    """(n, 33) bool: landmarks that lie on the person's own silhouette (segmentation mask at
    least ON_SILHOUETTE there). A joint MediaPipe places behind a plate or off the picture is
    a guess, whatever its visibility, and is not seen. All True when the sequence has no mask."""
    if seq.in_person is None:
        return np.ones(seq.visibility.shape, dtype=bool)
    return np.nan_to_num(seq.in_person, nan=1.0) >= ON_SILHOUETTE.value


# --- scale, facing, swaps, fusion ----------------------------------------------------------------


@cache
def _leg_per_torso() -> float:
    """Thigh + shank length over the mid-shoulder to mid-hip distance, from the body model."""
    p = Body().place(Pose()).points
    leg = np.linalg.norm(p[Joint.LEFT_HIP] - p[Joint.LEFT_KNEE]) + np.linalg.norm(
        p[Joint.LEFT_KNEE] - p[Joint.LEFT_ANKLE]
    )
    torso = np.linalg.norm(0.5 * (p[Joint.LEFT_SHOULDER] + p[Joint.RIGHT_SHOULDER]) - p[Joint.MID_HIP])
    return float(leg / torso)


def _leg_length_px(px: np.ndarray, seen: np.ndarray) -> float:
    """The person's thigh + shank length in pixels: a high percentile over frames and sides, as
    a leg seen at an angle only looks shorter. Falls back on the torso and body proportions."""
    lengths = []
    for hip, knee, ankle in ((L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE), (L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE)):
        ok = seen[:, hip] & seen[:, knee] & seen[:, ankle]
        lengths.append(
            np.linalg.norm(px[ok, hip] - px[ok, knee], axis=1) + np.linalg.norm(px[ok, knee] - px[ok, ankle], axis=1)
        )
    lengths = np.concatenate(lengths)
    if lengths.size:
        return float(np.percentile(lengths, 90))
    mid_shoulder = _mean_of_seen(px, seen, L.LEFT_SHOULDER, L.RIGHT_SHOULDER)
    mid_hip = _mean_of_seen(px, seen, L.LEFT_HIP, L.RIGHT_HIP)
    torso = np.linalg.norm(mid_shoulder - mid_hip, axis=1)
    return float(np.nanpercentile(torso, 90) * _leg_per_torso())


def _mean_of_seen(px: np.ndarray, seen: np.ndarray, a: Landmark, b: Landmark) -> np.ndarray:
    """(n, 2) the mean of the seen ones of two landmarks, NaN where neither was seen."""
    pair = np.where(seen[:, [a, b], None], px[:, [a, b]], np.nan)
    with quiet_numpy():
        return np.nanmean(pair, axis=1)


def _facing(px: np.ndarray, seen: np.ndarray, leg: float) -> tuple[Literal["left", "right"], float]:
    """The way the person faces in the picture, by majority of per-frame votes (nose ahead of
    the ears, toes ahead of the heels), and the share of votes that agree."""
    ears = _mean_of_seen(px, seen, L.LEFT_EAR, L.RIGHT_EAR)
    nose = np.where(seen[:, L.NOSE, None], px[:, L.NOSE], np.nan)
    nose_dx = (nose[:, 0] - ears[:, 0]) / leg
    foot_dx = []
    for heel, toe in ((L.LEFT_HEEL, L.LEFT_FOOT_INDEX), (L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX)):
        ok = seen[:, heel] & seen[:, toe]
        foot_dx.append(np.where(ok, px[:, toe, 0] - px[:, heel, 0], np.nan))
    with quiet_numpy():
        foot = np.nanmean(np.stack(foot_dx), axis=0) / leg
    votes = np.concatenate(
        [
            np.sign(nose_dx[np.abs(nose_dx) >= FACING_MIN_NOSE.value]),
            np.sign(foot[np.abs(foot) >= FACING_MIN_FOOT.value]),
        ]
    )
    if votes.size == 0:
        return "right", 0.0
    facing: Literal["left", "right"] = "right" if votes.sum() >= 0 else "left"
    agree = float(np.mean(votes == (1.0 if facing == "right" else -1.0)))
    return facing, agree


def _swap_states(t: np.ndarray, px: np.ndarray, vis: np.ndarray, leg: float) -> np.ndarray:
    """(n,) bool: True where MediaPipe's left and right labels are exchanged (module docstring)."""
    n = len(t)
    left, right = _SWAP_PAIRS[:, 0], _SWAP_PAIRS[:, 1]
    state = np.zeros(n, dtype=bool)
    run = np.full(n, -1)
    runs = 0
    previous: int | None = None
    for k in range(n):
        if not np.isfinite(px[k, _SWAP_PAIRS]).any():
            continue
        decision = None
        if previous is not None and t[k] - t[previous] <= MAX_GAP.value:
            p = px[previous]
            if state[previous]:
                p = p.copy()
                p[left], p[right] = px[previous, right], px[previous, left]
            c = px[k]
            same = np.linalg.norm(c[left] - p[left], axis=1) + np.linalg.norm(c[right] - p[right], axis=1)
            cross = np.linalg.norm(c[left] - p[right], axis=1) + np.linalg.norm(c[right] - p[left], axis=1)
            ok = np.isfinite(same) & np.isfinite(cross)
            if ok.any():
                weight = np.minimum(vis[k, left], vis[k, right])[ok] + 1e-6
                same_d = float(np.average(same[ok], weights=weight)) / leg
                cross_d = float(np.average(cross[ok], weights=weight)) / leg
                if cross_d < SWAP_CLEAR.value * same_d and same_d - cross_d > SWAP_MIN_GAIN.value:
                    decision = True
                elif same_d < SWAP_CLEAR.value * cross_d and cross_d - same_d > SWAP_MIN_GAIN.value:
                    decision = False
        if decision is None:  # no clear link to the previous frame: a new run, labels as given
            runs += 1
            state[k] = False
        else:
            state[k] = decision
        run[k] = runs
        previous = k
    for r in range(1, runs + 1):  # most frames of a run keep MediaPipe's labels
        members = run == r
        if state[members].mean() > 0.5:
            state[members] = ~state[members]
    return state


def _fuse(
    px: np.ndarray, vis: np.ndarray, seen: np.ndarray, near_is_left: np.ndarray, leg: float
) -> tuple[dict, dict, dict, dict]:
    """Per point name: the fused (n, 2) position, the near side's alone, the far side's alone
    (each NaN where not seen), and (n,) bool whether the point was seen at all."""
    fused, near_only, far_only, used = {}, {}, {}, {}
    for name, (left, right) in _PAIRS.items():
        near = np.where(near_is_left, left, right)
        far = np.where(near_is_left, right, left)
        frames = np.arange(len(px))
        n_xy, f_xy = px[frames, near], px[frames, far]
        n_v, f_v = vis[frames, near], vis[frames, far]
        n_ok, f_ok = seen[frames, near], seen[frames, far]
        apart = np.linalg.norm(n_xy - f_xy, axis=1) / leg
        both = n_ok & f_ok & (apart <= SAME_POINT.value)
        weight = np.where(both, f_v / np.maximum(n_v + f_v, 1e-9), 0.0)[:, None]
        point = np.where(n_ok[:, None], n_xy, np.where(f_ok[:, None], f_xy, np.nan))
        point = np.where(both[:, None], (1.0 - weight) * n_xy + weight * f_xy, point)
        fused[name] = point
        near_only[name] = np.where(n_ok[:, None], n_xy, np.nan)
        far_only[name] = np.where(f_ok[:, None], f_xy, np.nan)
        used[name] = n_ok | f_ok
    return fused, near_only, far_only, used


# --- angles --------------------------------------------------------------------------------------


def _angles(points: Mapping[str, np.ndarray], forward: float, leg: float) -> dict[str, np.ndarray]:
    """The raw series from fused pixel positions (module docstring for each)."""

    def lean(lower: str, upper: str) -> np.ndarray:
        d = points[upper] - points[lower]
        return np.degrees(np.arctan2(forward * d[:, 0], -d[:, 1]))

    trunk = lean("hip", "shoulder")
    thigh = lean("knee", "hip")
    shin = lean("ankle", "knee")
    neck = _wrap(lean("shoulder", "ear") - trunk)
    travel = forward * (points["ankle"][:, 0] - points["hip"][:, 0]) / leg
    return {
        "hip_deg": _wrap(trunk - thigh),
        "knee_deg": _wrap(shin - thigh),
        "trunk_deg": trunk,
        "shin_deg": shin,
        "neck_deg": neck,
        "back_line_deg": 180.0 - neck,
        "hip_travel": travel,
    }


def _wrap(deg: np.ndarray) -> np.ndarray:
    """The same angles in (-180, 180]."""
    return 180.0 - np.mod(180.0 - deg, 360.0)


# --- repetitions ---------------------------------------------------------------------------------


def _hands_low(px: np.ndarray, seen: np.ndarray, points: Mapping[str, np.ndarray]) -> np.ndarray:
    """(n,) 1.0 where the wrists (the mean of those seen) are below mid-thigh, 0.0 above, NaN
    where either is unknown."""
    wrists = _mean_of_seen(px, seen, L.LEFT_WRIST, L.RIGHT_WRIST)[:, 1]
    mid_thigh = 0.5 * (points["hip"][:, 1] + points["knee"][:, 1])
    with np.errstate(invalid="ignore"):
        return np.where(
            np.isfinite(wrists) & np.isfinite(mid_thigh), (wrists > mid_thigh).astype(float), np.nan
        )  # image y points down


def _arms_raised(px: np.ndarray, seen: np.ndarray, points: Mapping[str, np.ndarray], forward: float) -> np.ndarray:
    """(n,) 1.0 where the shoulder-to-wrist line (the mean of the wrists seen) points at least
    SWING_ARMS_RAISED forward of hanging straight down, 0.0 where less, NaN where unknown."""
    arm = _mean_of_seen(px, seen, L.LEFT_WRIST, L.RIGHT_WRIST) - points["shoulder"]
    angle = np.degrees(np.arctan2(forward * arm[:, 0], arm[:, 1]))  # image y points down
    with np.errstate(invalid="ignore"):
        return np.where(np.isfinite(angle), (angle >= SWING_ARMS_RAISED.value).astype(float), np.nan)


def _hands_height(px: np.ndarray, seen: np.ndarray, points: Mapping[str, np.ndarray]) -> np.ndarray:
    """(n,) the wrists' height (the mean of those seen) between the knees (0) and the hips (1);
    negative below the knees, NaN where unknown."""
    wrists = _mean_of_seen(px, seen, L.LEFT_WRIST, L.RIGHT_WRIST)[:, 1]
    knee, hip = points["knee"][:, 1], points["hip"][:, 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        height = (knee - wrists) / (knee - hip)  # image y points down
    return np.where(np.isfinite(height), height, np.nan)


def _depth_signal(hip_deg: np.ndarray, trunk_deg: np.ndarray) -> np.ndarray:
    """Hip flexion, with frames where it is missing filled from the trunk's lean by a straight
    line fitted where both are known (only when the two move together closely)."""
    depth = hip_deg.copy()
    missing = ~np.isfinite(hip_deg) & np.isfinite(trunk_deg)
    both = np.isfinite(hip_deg) & np.isfinite(trunk_deg)
    if missing.any() and both.sum() >= DEPTH_FROM_TRUNK_MIN_FRAMES.value:
        x, y = trunk_deg[both], hip_deg[both]
        if np.std(x) > 0 and np.std(y) > 0 and np.corrcoef(x, y)[0, 1] >= DEPTH_FROM_TRUNK_MIN_R.value:
            slope, intercept = np.polyfit(x, y, 1)
            depth[missing] = intercept + slope * trunk_deg[missing]
    return depth


# --- helpers -------------------------------------------------------------------------------------


def _uncertainty(residual: np.ndarray, spread: np.ndarray) -> float:
    """Degrees: RMS residual (jitter) combined with the median near/far half-difference."""
    r = residual[np.isfinite(residual)]
    s = spread[np.isfinite(spread)]
    jitter = float(np.sqrt(np.mean(r * r))) if r.size else 0.0
    sides = float(np.median(s)) if s.size else 0.0
    if not (r.size or s.size):
        return math.nan
    return round(math.hypot(jitter, sides), 2)


def _peak(series: np.ndarray, frames: slice, bottom: int) -> float:
    """The most of `series` within `frames`; NaN when the bottom itself was not seen, as the
    peak of what was seen would then understate it."""
    values = series[frames]
    if not np.isfinite(series[bottom]) or not np.isfinite(values).any():
        return math.nan
    return float(np.nanmax(values))


__all__ = [
    "ANGLES",
    "KEY_POINTS",
    "POINTS",
    "SERIES",
    "MotionTrack",
    "measure_motion",
]
