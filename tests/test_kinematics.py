"""Behaviour of course.analysis.kinematics on synthetic landmark sequences from the body model."""

from functools import cache

import numpy as np
import pytest

from course.analysis.filters import MAX_GAP, fill_gaps, reject_outliers, smooth
from course.analysis.kinematics import (
    ANGLES,
    MotionTrack,
    measure_motion,
)
from course.analysis.problems import NoPersonFound
from course.analysis.reps import segment_reps
from course.body import Body
from course.landmarks import Camera, Landmark, LandmarkSequence
from course.motions import MOTIONS as REFERENCE_MOTIONS
from course.motions import (
    Motion,
    good_hinge,
    kettlebell_swing,
    knee_dominant_hinge,
    lean_back_hinge,
    locked_knee_hinge,
    neck_cranked_hinge,
    partial_pull,
    rounded_back_hinge,
    squat,
)
from course.synthetic_landmarks import Dropout, Swap, landmark_sequence
from course.thresholds import LOCKOUT_HIP_MAX

L = Landmark
ANGLE_TOL_DEG = 3.0  # degrees: 95th percentile error of a smoothed angle with 3 px of noise
CLEAN_TOL_DEG = 0.5  # degrees: an angle read from noise-free landmarks
PEAK_TOL_DEG = 2.0  # degrees: the deepest hip flexion of a rep after smoothing
NOISE_PX = 3.0  # pixels: landmark jitter of the noisy fixtures
BOTTOM_TOL_S = 0.2  # seconds: the middle of the bottom against the motion's own
# seconds: a rep starts (ends) where the hip is REST_BAND (5 %) of its range from the top level;
# a 2 s minimum-jerk descent gets there about 0.45 s after it starts moving
EDGE_LAG_S = 0.6

MOTIONS = {
    "good_hinge": good_hinge,
    "squat": squat,
    "rounded_back_hinge": rounded_back_hinge,
    "knee_dominant_hinge": knee_dominant_hinge,
    "locked_knee_hinge": locked_knee_hinge,
    "neck_cranked_hinge": neck_cranked_hinge,
    "lean_back_hinge": lean_back_hinge,
}


@cache
def motion(name: str, reps: int = 2, **tempo: float) -> Motion:
    return MOTIONS[name](reps=reps, **tempo)


@cache
def track(name: str, reps: int = 2, facing: str = "right", noise_px: float = 0.0, seed: int = 0) -> MotionTrack:
    seq = landmark_sequence(motion(name, reps), Camera.side_view(facing), noise_px=noise_px, rng=seed)
    return measure_motion(seq)


def cut(
    seq: LandmarkSequence,
    keep: np.ndarray,
    t_s: np.ndarray | None = None,
    image: np.ndarray | None = None,
    visibility: np.ndarray | None = None,
) -> LandmarkSequence:
    """The frames `keep` of `seq`, optionally with new times, image landmarks or visibility."""
    return LandmarkSequence(
        t_s=seq.t_s[keep] if t_s is None else t_s,
        image=seq.image[keep] if image is None else image,
        world=seq.world[keep] if image is None else np.full(image.shape, np.nan),
        visibility=seq.visibility[keep] if visibility is None else visibility,
        width_px=seq.width_px,
        height_px=seq.height_px,
    )


def p95_error(measured: np.ndarray, truth: np.ndarray) -> float:
    error = np.abs(measured - truth)
    return float(np.percentile(error[np.isfinite(error)], 95))


# --- angles ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["good_hinge", "squat", "rounded_back_hinge", "knee_dominant_hinge", "locked_knee_hinge"]
)
@pytest.mark.parametrize("facing", ["left", "right"])
def test_hip_and_knee_angles_match_the_body_model_through_noise(name, facing):
    m, got = motion(name), track(name, facing=facing, noise_px=NOISE_PX)
    assert p95_error(got.hip_deg, m.hip_angle_seen_deg) < ANGLE_TOL_DEG
    assert p95_error(got.knee_deg, m.angle_deg("knee")) < ANGLE_TOL_DEG
    assert np.isfinite(got.hip_deg).all() and np.isfinite(got.knee_deg).all()


def test_trunk_shin_back_line_and_hip_travel_match_the_body_model():
    m, got = motion("rounded_back_hinge"), track("rounded_back_hinge")
    assert p95_error(got.trunk_deg, m.trunk_inclination_deg) < CLEAN_TOL_DEG
    assert p95_error(got.shin_deg, m.shin_angle_deg) < CLEAN_TOL_DEG
    back_line = np.array([frame.ear_shoulder_hip_deg for frame in m.frames])
    assert p95_error(got.back_line_deg, back_line) < 2 * CLEAN_TOL_DEG
    leg_m = m.body.lengths_m["thigh"] + m.body.lengths_m["shank"]
    assert p95_error(got.hip_travel, m.hips_behind_ankles_m / leg_m) < 0.02  # leg lengths


def test_rounding_the_back_drops_the_back_line_below_180():
    rep = motion("rounded_back_hinge").reps[0]
    rounded, flat = track("rounded_back_hinge"), track("good_hinge")
    assert rounded.back_line_deg[rep.bottom] < 160.0
    assert flat.back_line_deg[rep.bottom] == pytest.approx(180.0, abs=2.0)
    assert flat.back_line_deg[0] == pytest.approx(180.0, abs=1.0)


def test_looking_up_makes_the_neck_angle_negative():
    rep = motion("neck_cranked_hinge").reps[0]
    cranked, neutral = track("neck_cranked_hinge"), track("good_hinge")
    assert cranked.neck_deg[rep.bottom] == pytest.approx(-35.0, abs=3.0)
    assert neutral.neck_deg[rep.bottom] == pytest.approx(0.0, abs=2.0)


def test_leaning_back_at_lockout_reads_as_negative_hip_flexion():
    got = track("lean_back_hinge")
    rep = motion("lean_back_hinge").reps[0]
    lockout = slice(rep.end, rep.end + 8)
    assert got.hip_deg[lockout].min() < -15.0  # hip -10 plus a 15 degree lumbar arch
    assert got.trunk_deg[lockout].min() < -5.0


def test_hips_move_back_and_knees_stay_soft_in_a_hinge_but_not_in_a_squat():
    hinge, deep = track("good_hinge"), track("squat")
    assert hinge.reps[0].peak_knee_deg < 25.0 < deep.reps[0].peak_knee_deg - 60.0
    assert hinge.hip_travel[motion("good_hinge").reps[0].bottom] > 0.2


# --- side and facing ---------------------------------------------------------------------------


@pytest.mark.parametrize("facing", ["left", "right"])
def test_side_and_facing_follow_the_camera(facing):
    got = track("good_hinge", facing=facing, noise_px=NOISE_PX)
    assert (got.side, got.facing) == (facing, facing)
    assert got.facing_agreement > 0.9


@pytest.mark.parametrize("facing", ["left", "right"])
def test_side_survives_swapped_labels_and_a_far_side_reported_as_visible(facing):
    seq = landmark_sequence(
        motion("good_hinge"),
        Camera.side_view(facing),
        noise_px=NOISE_PX,
        rng=3,
        swap_fraction=0.3,
        swaps=[Swap(2.0, 2.6)],
        far_side_visibility=1.0,
    )
    got = measure_motion(seq)
    assert (got.side, got.facing) == (facing, facing)
    assert len(got.reps) == 2
    assert p95_error(got.hip_deg, motion("good_hinge").hip_angle_seen_deg) < ANGLE_TOL_DEG


def test_swapped_frames_take_the_near_leg_when_the_legs_are_apart():
    # from 3/4 in front the two knees are well apart in the picture: a swap must be undone
    m = motion("good_hinge")
    camera = Camera(azimuth_deg=60.0)
    clean = measure_motion(landmark_sequence(m, camera))
    swapped = measure_motion(landmark_sequence(m, camera, swaps=[Swap(1.5, 2.5)]))
    np.testing.assert_allclose(swapped.raw["knee_deg"], clean.raw["knee_deg"], atol=1e-6)


# --- clean-up ----------------------------------------------------------------------------------


def test_a_one_frame_glitch_is_rejected_and_a_real_turn_is_kept():
    t = np.arange(90) / 30.0
    x = 40.0 - 40.0 * np.cos(2 * np.pi * t / 3.0)  # one smooth rep-like cycle
    glitch = x.copy()
    glitch[45] += 25.0
    kept = reject_outliers(t, glitch)
    assert np.isnan(kept[45])
    assert np.isfinite(np.delete(kept, 45)).all()


def test_short_gaps_are_bridged_and_long_ones_stay_empty():
    t = np.arange(60) / 30.0
    x = np.linspace(0.0, 59.0, 60)
    x[10:14] = np.nan  # 5/30 s without a value: bridged
    x[30:45] = np.nan  # 0.53 s: left open
    filled = fill_gaps(t, x)
    np.testing.assert_allclose(filled[10:14], np.arange(10, 14), atol=1e-9)
    assert np.isnan(filled[30:45]).all()
    assert t[45] - t[29] > MAX_GAP.value


def test_smoothing_follows_uneven_timestamps_without_crossing_a_gap():
    rng = np.random.default_rng(7)
    t = np.sort(rng.uniform(0.0, 4.0, 100))
    truth = 50.0 + 30.0 * np.sin(2 * np.pi * t / 4.0)
    noisy = truth + rng.normal(0.0, 1.5, t.size)
    noisy[40:50] = np.nan
    out = smooth(t, noisy)
    assert np.isnan(out[40:50]).all()
    ok = np.isfinite(out)
    assert np.sqrt(np.mean((out[ok] - truth[ok]) ** 2)) < 1.2  # below the 1.5 deg of noise


def test_smoothing_keeps_the_bottom_of_each_rep_within_two_degrees():
    m = motion("good_hinge", 3)
    got = measure_motion(landmark_sequence(m, Camera.side_view("left"), noise_px=NOISE_PX, rng=5))
    truth = m.hip_angle_seen_deg
    for rep in got.reps:
        assert rep.peak_hip_deg == pytest.approx(truth[rep.start_i : rep.end_i + 1].max(), abs=PEAK_TOL_DEG)


def test_a_half_second_knee_occlusion_is_not_invented_but_reps_still_count():
    m = motion("good_hinge", 3)
    bottom_s = m.reps[1].bottom_s
    hidden = Dropout(bottom_s - 0.25, bottom_s + 0.25, (L.LEFT_KNEE, L.RIGHT_KNEE))
    seq = landmark_sequence(
        m, Camera.side_view("right"), noise_px=NOISE_PX, rng=2, dropouts=[hidden], drop_fraction=0.1
    )
    got = measure_motion(seq)
    during = (got.t_s > bottom_s - 0.2) & (got.t_s < bottom_s + 0.2)
    assert np.isnan(got.knee_deg[during]).all() and np.isnan(got.hip_deg[during]).all()
    assert not got.visible["knee"][during].any()
    # four of the five key points, or none on the frames where the whole person was dropped
    assert set(np.round(got.seen[during], 6)) <= {0.0, 0.8} and np.median(got.seen[during]) == 0.8
    assert len(got.reps) == 3
    assert np.isfinite(got.trunk_deg[during]).all()  # the 10 % dropped frames are bridged


def test_uncertainty_is_reported_per_rep_and_grows_with_noise():
    clean, noisy = track("good_hinge"), track("good_hinge", noise_px=2 * NOISE_PX)
    assert set(clean.uncertainty_deg) == {name.removesuffix("_deg") for name in ANGLES}
    for rep in noisy.reps:
        assert set(rep.uncertainty_deg) == set(clean.uncertainty_deg)
        assert all(0.0 < value < 10.0 for value in rep.uncertainty_deg.values())
    assert noisy.uncertainty_deg["hip"] > clean.uncertainty_deg["hip"] + 1.0
    assert clean.uncertainty_deg["hip"] < 0.5


def test_raw_series_are_kept_beside_the_smoothed_ones():
    got = track("good_hinge", noise_px=NOISE_PX)
    assert set(got.raw) == {"hip_deg", "knee_deg", "trunk_deg", "shin_deg", "neck_deg", "back_line_deg", "hip_travel"}
    jitter = np.nanstd(np.diff(got.raw["hip_deg"], 2))
    assert np.nanstd(np.diff(got.hip_deg, 2)) < jitter / 3
    with pytest.raises(ValueError):
        got.hip_deg[0] = 0.0  # read-only


# --- repetitions -------------------------------------------------------------------------------


@pytest.mark.parametrize("reps", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("name", ["good_hinge", "squat", "knee_dominant_hinge"])
def test_every_rep_is_counted(name, reps):
    got = track(name, reps, noise_px=NOISE_PX, seed=reps)
    assert len(got.reps) == reps
    assert [rep.number for rep in got.reps] == list(range(1, reps + 1))
    assert {rep.kind for rep in got.reps} == {"top-start"}


def test_reps_start_bottom_and_end_where_the_motion_does():
    m, got = motion("good_hinge", 3), track("good_hinge", 3, noise_px=NOISE_PX)
    for found, true in zip(got.reps, m.reps, strict=True):
        assert true.start_s - BOTTOM_TOL_S <= found.start_s <= true.start_s + EDGE_LAG_S
        assert found.bottom_s == pytest.approx(true.bottom_s, abs=BOTTOM_TOL_S)
        assert true.end_s - EDGE_LAG_S <= found.end_s <= true.end_s + BOTTOM_TOL_S
        assert found.start_i < found.bottom_i < found.end_i
        assert got.t_s[found.bottom_i] == found.bottom_s


def test_reps_survive_noise_dropouts_and_left_right_swaps_together():
    m = motion("squat", 4)
    seq = landmark_sequence(
        m,
        Camera.side_view("left"),
        noise_px=NOISE_PX,
        rng=11,
        drop_fraction=0.1,
        swap_fraction=0.1,
        swaps=[Swap(m.reps[2].bottom_s - 0.3, m.reps[2].bottom_s + 0.3)],
    )
    got = measure_motion(seq)
    assert len(got.reps) == 4 and got.side == "left"


def test_pauses_at_the_top_and_bottom_add_no_reps():
    m = good_hinge(reps=2, pause_bottom_s=2.0, pause_top_s=2.5)
    got = measure_motion(landmark_sequence(m, Camera.side_view("right"), noise_px=NOISE_PX, rng=4))
    assert len(got.reps) == 2


def _from_first_bottom_to_last(m: Motion, seq: LandmarkSequence) -> LandmarkSequence:
    keep = np.arange(m.reps[0].bottom, m.reps[-1].bottom + 1)
    return cut(seq, keep, t_s=seq.t_s[keep] - seq.t_s[keep[0]])


def test_a_deadlift_clip_from_the_floor_counts_each_pull():
    # hands hang below the knees at the bottom: the load rests on the floor there
    m = motion("good_hinge", 3)
    seq = landmark_sequence(m, Camera.side_view("left"), noise_px=NOISE_PX, rng=6)
    got = measure_motion(_from_first_bottom_to_last(m, seq))  # bottom, top, bottom, top, bottom
    assert [rep.kind for rep in got.reps] == ["bottom-start", "bottom-start"]
    first = got.reps[0]
    assert first.start_i == first.bottom_i < first.top_i < first.end_i
    assert got.hip_deg[first.bottom_i] > 70.0 and got.hip_deg[first.top_i] < 20.0


def test_a_deadlift_clip_that_stops_at_lockout_counts_the_last_pull():
    m = motion("good_hinge", 3)
    seq = landmark_sequence(m, Camera.side_view("right"))
    keep = np.arange(m.reps[0].bottom, m.reps[-1].end + 5)  # bottom, top, ..., bottom, top
    got = measure_motion(cut(seq, keep))
    assert len(got.reps) == 3
    assert got.reps[-1].end_i == len(keep) - 1


def test_a_squat_clip_cut_bottom_to_bottom_holds_one_full_squat_per_stand_between():
    # goblet: hands at the chest. bottom, top, bottom, top, bottom = one whole squat in the middle
    m = motion("squat", 3)
    seq = landmark_sequence(m, Camera.side_view("right"), noise_px=NOISE_PX, rng=8)
    got = measure_motion(_from_first_bottom_to_last(m, seq))
    assert [rep.kind for rep in got.reps] == ["top-start"]


def test_a_clip_ending_at_the_bottom_counts_only_completed_cycles():
    m = motion("good_hinge", 2)
    seq = landmark_sequence(m, Camera.side_view("right"), noise_px=NOISE_PX, rng=9)
    got = measure_motion(cut(seq, np.arange(0, m.reps[1].bottom + 1)))  # top ... top, bottom
    assert len(got.reps) == 1 and got.reps[0].kind == "top-start"


def test_a_title_card_at_the_end_leaves_nan_and_counts_the_same_reps():
    m = motion("good_hinge", 2)
    seq = landmark_sequence(m, Camera.side_view("right"), noise_px=NOISE_PX, rng=10)
    n, extra = len(seq), 40
    image = np.concatenate([seq.image, np.full((extra, 33, 3), np.nan)])
    visibility = np.concatenate([seq.visibility, np.zeros((extra, 33))])
    t_s = np.concatenate([seq.t_s, seq.t_s[-1] + (1 + np.arange(extra)) / 30.0])
    got = measure_motion(cut(seq, np.arange(n + extra) % n, t_s=t_s, image=image, visibility=visibility))
    assert len(got.reps) == 2
    assert np.isnan(got.hip_deg[n:]).all() and (got.seen[n:] == 0).all()


def test_walking_into_the_picture_before_the_first_rep_adds_no_rep():
    m = motion("good_hinge", 2)
    seq = landmark_sequence(m, Camera.side_view("right"), noise_px=NOISE_PX, rng=12)
    walk = 45  # 1.5 s at 30 frames/s, sliding in from beyond the left edge
    image = np.repeat(seq.image[:1], walk, axis=0)
    image[..., 0] -= np.linspace(0.7, 0.02, walk)[:, None]
    inside = (image[..., 0] >= 0) & (image[..., 0] <= 1)
    visibility = np.where(inside, np.repeat(seq.visibility[:1], walk, axis=0), 0.0)
    got = measure_motion(
        LandmarkSequence(
            t_s=np.concatenate([np.arange(walk) / 30.0, seq.t_s + walk / 30.0]),
            image=np.concatenate([image, seq.image]),
            world=np.full((walk + len(seq), 33, 3), 0.0),
            visibility=np.concatenate([visibility, seq.visibility]),
            width_px=seq.width_px,
            height_px=seq.height_px,
        )
    )
    assert len(got.reps) == 2 and got.reps[0].start_s > walk / 30.0


def test_a_variable_frame_rate_clip_gives_the_same_reps_and_angles():
    m = motion("good_hinge", 2)
    seq = landmark_sequence(m, Camera.side_view("right"), noise_px=NOISE_PX, rng=13)
    keep = np.flatnonzero(np.random.default_rng(0).random(len(seq)) > 0.35)  # 12-30 frames/s
    got = measure_motion(cut(seq, keep))
    assert len(got.reps) == 2
    assert p95_error(got.hip_deg, m.hip_angle_seen_deg[keep]) < ANGLE_TOL_DEG


def test_standing_still_or_bending_a_little_is_not_a_rep():
    t = np.arange(181) / 30.0  # 6 s: three 2 s cycles from the top
    cycle = 1 - np.cos(np.pi * t)
    assert segment_reps(t, 5.0 + 9.0 * cycle) == []  # 18 deg: under MIN_RANGE
    assert segment_reps(t, 5.0 + 15.0 * cycle) == []  # bottom at 35 deg: under MIN_BOTTOM
    assert len(segment_reps(t, 5.0 + 40.0 * cycle)) == 3


def test_nobody_in_the_clip_is_a_clip_problem():
    seq = landmark_sequence(motion("good_hinge", 1), drop_fraction=1.0, rng=0)
    with pytest.raises(NoPersonFound):
        measure_motion(seq)


def test_leg_length_scale_matches_the_projected_body():
    got = track("good_hinge")
    body = Body()
    leg_m = body.lengths_m["thigh"] + body.lengths_m["shank"]
    camera = Camera.side_view("right")
    assert got.leg_px == pytest.approx(leg_m * camera.focal_px / camera.distance_m, rel=0.05)


def test_a_bottom_hidden_from_the_knee_is_counted_from_the_trunk_but_not_measured():
    m = motion("good_hinge", 3)
    bottom_s = m.reps[1].bottom_s
    hidden = Dropout(bottom_s - 1.2, bottom_s + 1.2, (L.LEFT_KNEE, L.RIGHT_KNEE))
    got = measure_motion(landmark_sequence(m, Camera.side_view("right"), noise_px=NOISE_PX, rng=2, dropouts=[hidden]))
    assert len(got.reps) == 3
    assert got.reps[1].bottom_s == pytest.approx(bottom_s, abs=BOTTOM_TOL_S)
    assert np.isnan(got.reps[1].peak_hip_deg) and np.isnan(got.reps[1].peak_knee_deg)
    assert got.reps[0].peak_hip_deg > 80.0


# --- swings and partial reps -------------------------------------------------------------------

FLOAT_TOL_S = 0.15  # seconds: a swing's float found against the motion's own (no pause there)


@pytest.mark.parametrize("from_floor", [True, False])
@pytest.mark.parametrize("rep_s", [1.0, 1.2, 1.5])
def test_ten_kettlebell_swings_count_as_ten_swings(from_floor, rep_s):
    m = kettlebell_swing(reps=10, rep_s=rep_s, from_floor=from_floor)
    got = measure_motion(landmark_sequence(m, Camera.side_view("left"), noise_px=NOISE_PX, rng=int(rep_s * 10)))
    assert [rep.kind for rep in got.reps] == ["swing"] * 10
    assert [rep.top_s for rep in got.reps] == pytest.approx([span.end_s for span in m.reps], abs=FLOAT_TOL_S)
    assert got.partial_reps == ()


def test_swings_between_a_deeper_reach_for_the_bell_and_its_park_are_not_merged():
    """The reach to the bell on the floor (hips 110°, held) sets the clip's levels; the swings'
    backswings (60°) never get past ENTER_BOTTOM of that range, which read ten swings as one."""
    t = np.arange(0, 20.0, 1 / 30)
    swinging = (t >= 3.0) & (t < 15.0)
    swings = 30.0 * (1 + np.cos(2 * np.pi * (t - 3.0) / 1.2))  # from a backswing: 10 floats
    reach = np.interp(t, [0.5, 1.5, 3.0, 15.0, 15.5, 17.5, 18.5], [0, 110, 110, 60, 110, 110, 0])
    depth = np.where(swinging, swings, reach)
    arms = np.where(swinging & (swings < 10.0), 1.0, 0.0)  # raised at each float only
    floats = [span.top for span in segment_reps(t, depth, arms_raised=arms)]
    assert [round(float(t[k]), 1) for k in floats] == pytest.approx([3.6 + 1.2 * n for n in range(10)], abs=0.1)
    # without the arms they are still cycles of their own: the reach, nine backswings between
    # the floats and the park, each a bottom between two tops
    assert len(segment_reps(t, depth)) == 11


def test_a_good_hinge_with_the_arms_hanging_is_never_taken_for_swings():
    got = track("good_hinge", 3, noise_px=NOISE_PX, seed=3)
    assert {rep.kind for rep in got.reps} == {"top-start"}


def test_a_pull_that_never_stands_up_is_a_partial_rep_not_a_rep():
    m = partial_pull(reps=2)
    seq = landmark_sequence(m, Camera.side_view("right"), noise_px=NOISE_PX, rng=14)
    got = measure_motion(_from_first_bottom_to_last(m, seq))
    assert got.reps == ()
    (partial,) = got.partial_reps
    assert partial.why == "no_lockout" and partial.hands == "thighs"
    assert partial.top_hip_deg > LOCKOUT_HIP_MAX.value and partial.bottom_hip_deg > 100.0


@pytest.mark.parametrize("reps", [1, 3, 5])
@pytest.mark.parametrize("name", sorted(set(REFERENCE_MOTIONS) - {"partial_pull"}))
def test_every_rep_of_every_reference_motion_is_counted(name, reps):
    m = REFERENCE_MOTIONS[name](reps=reps)
    got = measure_motion(landmark_sequence(m, Camera.side_view("left"), noise_px=NOISE_PX, rng=reps))
    assert len(got.reps) == reps and got.partial_reps == ()
