"""Behaviour of the reference motions: the hinge, the squat and the hinge's faults."""

from functools import cache

import numpy as np
import pytest

from course.body import Body, Joint
from course.motions import (
    DESCENT_S,
    MOTIONS,
    Motion,
    UnbalancedMotion,
    good_hinge,
    knee_dominant_hinge,
    lean_back_hinge,
    min_jerk,
    rounded_back_hinge,
)

COM_TOL_M = 1e-9  # metres: the balance solution is closed-form
ANGLE_TOL_DEG = 1e-9  # degrees: angles set exactly, floating-point error only
KNEE_HOLD_DEG = 5.0  # degrees: "soft knees, nearly constant" in a good hinge
STANDING_LEAN_DEG = 2.0  # degrees: how far from vertical "standing tall" may lean (shins, trunk)
HIP_TRAVEL_MIN_M = 0.10  # metres: a hinge moves the hips back by at least this much


@cache
def made(name: str, reps: int = 3, **settings) -> Motion:
    """Motions are pure functions of their arguments: make each once per test run."""
    return MOTIONS[name](reps=reps, **settings)


def descent_index(motion: Motion, fraction: float, rep: int = 0) -> int:
    """The frame `fraction` of the way through a rep's descent (0 = its start)."""
    return round((motion.reps[rep].start_s + fraction * DESCENT_S) * motion.fps)


def over_rep(series: np.ndarray, motion: Motion, rep: int = 0) -> np.ndarray:
    span = motion.reps[rep]
    return series[span.start : span.end + 1]


def test_good_hinge_sends_the_hips_back_while_the_knees_hold_their_bend():
    hinge = made("good_hinge")
    for rep in range(len(hinge.reps)):
        behind = over_rep(hinge.hips_behind_ankles_m, hinge, rep)
        knee = over_rep(hinge.angle_deg("knee"), hinge, rep)
        assert behind.max() - behind[0] > HIP_TRAVEL_MIN_M
        assert knee.max() - knee.min() <= KNEE_HOLD_DEG
        assert knee.min() >= 12.0 and knee.max() <= 22.0  # soft, not locked, not squatting
    assert 70.0 <= hinge.angle_deg("hip").max() <= 90.0


def test_good_hinge_keeps_the_back_and_neck_neutral_and_the_arms_plumb():
    hinge = made("good_hinge")
    for angle in ("lumbar", "thoracic", "neck"):
        assert np.abs(hinge.angle_deg(angle)).max() < ANGLE_TOL_DEG, angle
    assert np.abs(hinge.spine_flexion_deg).max() < 1e-6
    points = hinge.points
    hands_ahead = points[:, Joint.LEFT_HAND, 0] - points[:, Joint.LEFT_SHOULDER, 0]
    assert np.abs(hands_ahead).max() < 1e-9


def test_squat_sends_the_knees_forward_and_the_hips_down_far_more_than_the_hinge():
    hinge, goblet = made("good_hinge"), made("squat")
    assert goblet.angle_deg("knee").max() >= 100.0
    assert goblet.angle_deg("knee").max() > hinge.angle_deg("knee").max() + 60.0
    assert goblet.shin_angle_deg.max() > 25.0
    assert goblet.shin_angle_deg.max() > hinge.shin_angle_deg.max() + 15.0

    def hip_drop(motion: Motion) -> float:
        height = over_rep(motion.hip_height_m, motion)
        return float(height[0] - height.min())

    assert hip_drop(goblet) > 0.25
    assert hip_drop(goblet) > 3 * hip_drop(hinge)


def test_squat_keeps_the_trunk_more_upright_than_the_hinge():
    assert made("squat").trunk_inclination_deg.max() < 35.0
    assert made("good_hinge").trunk_inclination_deg.max() > 50.0


def test_goblet_squat_holds_the_hands_at_the_chest_throughout():
    points = made("squat").points
    hand = 0.5 * (points[:, Joint.LEFT_WRIST] + points[:, Joint.RIGHT_WRIST])
    shoulder = 0.5 * (points[:, Joint.LEFT_SHOULDER] + points[:, Joint.RIGHT_SHOULDER])
    reach = np.linalg.norm((hand - shoulder)[:, [0, 2]], axis=1)
    assert reach.max() < 0.30  # metres from the shoulder joints, in the side view
    assert (hand[:, 0] > shoulder[:, 0]).all()  # in front of the body
    assert np.abs(hand[:, 2] - shoulder[:, 2]).max() < 0.15  # at chest height


def test_rounded_back_flexes_the_spine_and_the_good_hinge_does_not():
    rounded, good = made("rounded_back_hinge"), made("good_hinge")
    assert 25.0 <= rounded.angle_deg("lumbar").max() <= 35.0
    assert 20.0 <= rounded.angle_deg("thoracic").max() <= 30.0
    assert rounded.spine_flexion_deg.max() > 45.0
    assert np.abs(good.spine_flexion_deg).max() < 1e-6
    assert rounded.angle_deg("hip").max() < good.angle_deg("hip").max() - 15.0


def test_rounding_amount_sets_the_spine_angles_at_the_bottom():
    mild = rounded_back_hinge(lumbar_deg=12.0, thoracic_deg=8.0)
    bottom = mild.reps[0].bottom
    assert mild.angle_deg("lumbar")[bottom] == pytest.approx(12.0)
    assert mild.angle_deg("thoracic")[bottom] == pytest.approx(8.0)


def test_side_camera_hip_angle_counts_the_rounding_that_the_hip_joint_does_not():
    rounded, good = made("rounded_back_hinge"), made("good_hinge")
    np.testing.assert_allclose(good.hip_angle_seen_deg, good.angle_deg("hip"), atol=1e-6)
    assert rounded.hip_angle_seen_deg.max() > rounded.angle_deg("hip").max() + 20.0


def test_locked_knees_stay_straight_or_hyperextended_throughout():
    knee = made("locked_knee_hinge").angle_deg("knee")
    assert knee.max() <= ANGLE_TOL_DEG
    assert knee.min() >= -5.0
    assert knee.min() <= -2.0  # they do push back past straight at the bottom


def test_knee_dominant_hinge_bends_the_knees_before_the_hips():
    broken, good = made("knee_dominant_hinge"), made("good_hinge")
    for motion, knees_lead in ((broken, True), (good, False)):
        start, early = motion.reps[0].start, descent_index(motion, 0.25)
        knee_gain = motion.angle_deg("knee")[early] - motion.angle_deg("knee")[start]
        hip_gain = motion.angle_deg("hip")[early] - motion.angle_deg("hip")[start]
        assert bool(knee_gain > 2 * hip_gain) == knees_lead, (motion.name, knee_gain, hip_gain)


def test_knee_dominant_hinge_drops_the_hips_and_tips_the_shins_forward():
    broken, good = made("knee_dominant_hinge"), made("good_hinge")
    assert 50.0 <= broken.angle_deg("knee").max() <= 70.0
    assert broken.shin_angle_deg.max() > good.shin_angle_deg.max() + 10.0
    assert broken.hip_height_m.min() < good.hip_height_m.min() - 0.08
    deeper = knee_dominant_hinge(knee_deg=70.0)
    assert deeper.angle_deg("knee").max() == pytest.approx(70.0)


def test_lean_back_extends_the_hips_and_arches_the_back_at_every_lockout():
    leaning, good = made("lean_back_hinge"), made("good_hinge")
    hip, lumbar = leaning.angle_deg("hip"), leaning.angle_deg("lumbar")
    for span in leaning.reps:
        assert hip[span.end] == pytest.approx(-10.0)
        assert lumbar[span.end] == pytest.approx(-15.0)
        assert leaning.trunk_inclination_deg[span.end] < -10.0  # visibly leaning back
    assert good.angle_deg("hip").min() >= 0.0
    more = lean_back_hinge(hip_deg=-20.0, lumbar_deg=-5.0)
    assert more.angle_deg("hip")[more.reps[0].end] == pytest.approx(-20.0)


def test_lean_back_needs_a_pause_at_the_top_to_undo_the_lean():
    with pytest.raises(ValueError, match="pause_top_s"):
        lean_back_hinge(pause_top_s=0.0)


def test_neck_cranked_hinge_looks_up_at_the_bottom():
    cranked = made("neck_cranked_hinge")
    assert cranked.angle_deg("neck")[cranked.reps[0].bottom] == pytest.approx(-35.0)
    assert cranked.angle_deg("neck")[cranked.reps[0].start] == pytest.approx(0.0)


def test_rushed_hinge_drops_much_faster_than_it_rises():
    rushed = made("rushed_hinge")
    speed = np.gradient(rushed.angle_deg("hip"), rushed.t_s)
    assert speed.max() > 2.5 * -speed.min()  # hip flexes (descends) faster than it extends


@pytest.mark.parametrize("name", sorted(MOTIONS))
def test_every_motion_starts_and_ends_standing_tall(name):
    motion = made(name)
    for frame in (0, -1):
        pose = motion.poses[frame]
        for angle in ("knee", "hip", "lumbar", "thoracic", "neck"):
            assert abs(getattr(pose, angle)) < ANGLE_TOL_DEG, (frame, angle)
        assert abs(pose.ankle) < STANDING_LEAN_DEG
        assert abs(motion.trunk_inclination_deg[frame]) < STANDING_LEAN_DEG


WEIGHT_FORWARD = {"hips_not_back_hinge", "weight_forward_hinge"}  # faults that move the weight


@pytest.mark.parametrize("name", sorted(set(MOTIONS) - WEIGHT_FORWARD))
def test_every_frame_keeps_the_centre_of_mass_over_mid_foot(name):
    motion = made(name)
    feet = motion.body.base_of_support
    assert np.abs(motion.com_x_m - feet.mid_x_m).max() < COM_TOL_M


@pytest.mark.parametrize("name", sorted(WEIGHT_FORWARD))
def test_weight_forward_faults_roll_the_weight_to_the_toes_at_the_bottom_and_back_at_the_top(name):
    motion = made(name)
    along = motion.com_along_foot
    for span in motion.reps:
        assert along[span.start] == pytest.approx(0.5, abs=1e-9)
        assert along[span.bottom] >= 0.75  # past the balls of the feet
        assert along[span.end] == pytest.approx(0.5, abs=1e-9)
    assert along.max() < 1.0  # still on the feet, never past the toe tips


def test_hips_that_do_not_go_back_push_the_knees_forward_while_the_trunk_tips():
    stuck, good = made("hips_not_back_hinge"), made("good_hinge")
    span, good_span = stuck.reps[0], good.reps[0]
    travel = stuck.hips_behind_ankles_m[span.bottom] - stuck.hips_behind_ankles_m[span.start]
    good_travel = good.hips_behind_ankles_m[good_span.bottom] - good.hips_behind_ankles_m[good_span.start]
    assert stuck.trunk_inclination_deg[span.bottom] > 30.0  # the trunk does tip forward
    assert travel < 0.08 < HIP_TRAVEL_MIN_M < good_travel  # the hips hardly move back
    heel = stuck.body.base_of_support.heel_x_m
    assert stuck.points[span.bottom, Joint.MID_HIP, 0] > heel  # still over the heels
    assert stuck.shin_angle_deg[span.bottom] > 10.0 > good.shin_angle_deg[good_span.bottom]
    assert np.abs(stuck.spine_flexion_deg).max() < 1e-6  # the back stays flat: only the hips fault


def test_weight_on_the_toes_lets_the_hands_drift_away_from_the_legs():
    drifting, good = made("weight_forward_hinge"), made("good_hinge")

    def hands_ahead_of_shoulders(motion: Motion) -> np.ndarray:
        return motion.points[:, Joint.LEFT_HAND, 0] - motion.points[:, Joint.LEFT_SHOULDER, 0]

    bottom = drifting.reps[0].bottom
    assert hands_ahead_of_shoulders(drifting)[bottom] > 0.15  # metres forward of plumb
    assert np.abs(hands_ahead_of_shoulders(good)).max() < 1e-9
    np.testing.assert_allclose(drifting.angle_deg("hip"), good.angle_deg("hip"))  # same fold
    assert drifting.shin_angle_deg[bottom] > good.shin_angle_deg[good.reps[0].bottom] + 3.0


HIKED = {"kettlebell_swing"}  # the first swing is hiked from the reach for the bell on the floor, deeper


@pytest.mark.parametrize("name", sorted(set(MOTIONS) - HIKED))
def test_each_rep_is_deepest_at_its_bottom_frame(name):
    motion = made(name)
    hip = motion.angle_deg("hip")
    knee = motion.angle_deg("knee")
    for span in motion.reps:
        assert span.start < span.bottom < span.end
        assert span.start_s < span.bottom_s < span.end_s
        assert motion.t_s[span.bottom] == pytest.approx(span.bottom_s, abs=0.5 / motion.fps + 1e-9)
        assert hip[span.bottom] == pytest.approx(hip[span.start : span.end + 1].max())
        assert abs(knee[span.bottom]) == pytest.approx(np.abs(knee[span.start : span.end + 1]).max())


@pytest.mark.parametrize("reps", [1, 2, 5])
def test_rep_count_matches_the_reps_asked_for(reps):
    motion = good_hinge(reps=reps, fps=15)
    assert len(motion.reps) == reps
    ends = [span.end for span in motion.reps]
    starts = [span.start for span in motion.reps]
    assert all(end <= start for end, start in zip(ends, starts[1:], strict=False))


def test_tempo_parameters_set_the_duration():
    base = dict(reps=3, descent_s=2.0, pause_bottom_s=0.3, ascent_s=1.5, pause_top_s=0.5, setup_s=0.6)
    motion = good_hinge(**base)
    expected = 2 * 0.6 + 4 * 0.5 + 3 * (2.0 + 0.3 + 1.5)
    assert motion.duration_s == pytest.approx(expected, abs=1 / motion.fps)
    slower = good_hinge(**{**base, "descent_s": 3.0, "pause_bottom_s": 1.0})
    assert slower.duration_s - motion.duration_s == pytest.approx(3 * (1.0 + 0.7), abs=0.05)
    span = slower.reps[0]
    assert span.bottom_s - span.start_s == pytest.approx(3.0 + 1.0 / 2)


def test_frames_are_evenly_spaced_at_the_frame_rate():
    motion = good_hinge(fps=24)
    assert motion.t_s[0] == 0.0
    np.testing.assert_allclose(np.diff(motion.t_s), 1 / 24)
    assert len(motion.poses) == len(motion.frames) == len(motion.t_s)


def test_depth_scales_the_way_down():
    half, full = good_hinge(depth=0.5), good_hinge()
    top = full.angle_deg("hip")[full.reps[0].start]
    assert half.angle_deg("hip").max() - top == pytest.approx(0.5 * (full.angle_deg("hip").max() - top))


def test_motion_eases_out_of_the_top_and_into_the_bottom():
    hinge = made("good_hinge")
    speed = np.abs(np.gradient(hinge.angle_deg("hip"), hinge.t_s))
    span = hinge.reps[0]
    fastest = speed[span.start : span.bottom].max()
    assert speed[span.start] < 0.05 * fastest
    assert speed[span.bottom - int(0.15 * hinge.fps)] < 0.05 * fastest  # pause begins at rest


def test_minimum_jerk_runs_from_rest_to_rest():
    assert (min_jerk(0.0), min_jerk(0.5), min_jerk(1.0)) == (0.0, 0.5, 1.0)
    assert min_jerk(-1.0) == 0.0 and min_jerk(2.0) == 1.0
    step = 1e-4
    assert min_jerk(step) / step < 1e-6 and (1.0 - min_jerk(1.0 - step)) / step < 1e-6


def test_unreachable_balance_names_the_motion_the_moment_and_the_reason():
    with pytest.raises(UnbalancedMotion) as caught:
        knee_dominant_hinge(knee_deg=100.0, hip_deg=40.0)
    message = str(caught.value)
    assert message.startswith("knee_dominant_hinge: the body cannot balance at ")
    assert "shins would have to tilt" in message
    assert 0 < caught.value.t_s < 5


@pytest.mark.parametrize(
    "setting, value",
    [("reps", 0), ("reps", 2.5), ("descent_s", 0.0), ("pause_top_s", -1.0), ("fps", 0.0), ("depth", 0.0)],
)
def test_bad_settings_are_refused_by_name(setting, value):
    with pytest.raises(ValueError, match=f"good_hinge: {setting} must"):
        good_hinge(**{setting: value})


def test_asking_for_an_unknown_angle_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"unknown angle 'hips'.*hip"):
        made("good_hinge").angle_deg("hips")


@pytest.mark.parametrize("name", sorted(MOTIONS))
def test_registered_motions_carry_their_name_and_words_for_a_learner(name):
    motion = made(name)
    assert motion.name == name
    assert motion.title and len(motion.title) <= 30
    assert motion.description.endswith(".") and len(motion.description) < 120


def test_smaller_body_makes_the_same_angles_with_shorter_travel():
    small = good_hinge(body=Body(height_m=1.5, mass_kg=50.0))
    tall = made("good_hinge", reps=1)
    np.testing.assert_allclose(small.angle_deg("hip"), tall.angle_deg("hip"))
    assert small.hips_behind_ankles_m.max() == pytest.approx(tall.hips_behind_ankles_m.max() * 1.5 / 1.75, rel=1e-6)


def _arm_from_hanging_deg(motion: Motion, frame: int) -> float:
    """How far forward of hanging straight down the left arm points, side view, degrees."""
    points = motion.frames[frame].points
    arm = points[Joint.LEFT_WRIST] - points[Joint.LEFT_SHOULDER]
    return float(np.degrees(np.arctan2(arm[0], -arm[2])))


def test_a_swing_floats_the_bell_to_chest_height_every_rep_s_and_never_pauses():
    from course.motions import SWING_REP_S, kettlebell_swing

    motion = kettlebell_swing()
    floats = [span.end_s for span in motion.reps]
    assert len(floats) == 10
    assert np.diff(floats) == pytest.approx(SWING_REP_S, abs=1e-9)
    for span in motion.reps:
        assert _arm_from_hanging_deg(motion, span.end) > 75.0  # about chest height
        assert _arm_from_hanging_deg(motion, span.bottom) < 0.0  # between the legs, behind plumb
        assert abs(motion.poses[span.end].hip) < ANGLE_TOL_DEG + 1e-6  # a standing plank
    # no pause at the top or the bottom: the hips never hold still for two frames in a row
    hip = motion.angle_deg("hip")[motion.reps[0].bottom : motion.reps[-1].end]
    still = np.abs(np.diff(hip)) < 1e-6
    assert not (still[1:] & still[:-1]).any()
