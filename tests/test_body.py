"""Behaviour of the articulated body model: kinematics, mass, balance and limits."""

import math
import time
from dataclasses import fields, replace

import numpy as np
import pytest

from course.body import (
    BONES,
    DE_LEVA_MALE,
    JOINT_LIMITS,
    SEGMENT_ENDS,
    Body,
    Joint,
    JointLimitError,
    Pose,
    Segment,
    pose_from_points,
)

LENGTH_TOL_M = 1e-9  # metres: floating-point error only
ANGLE_ROUND_TRIP_TOL_DEG = 1e-6  # degrees, as the product issue asks
COM_TOL_M = 1e-9  # metres: the balance solution is closed-form


def random_poses(count: int, seed: int = 7) -> list[Pose]:
    """Poses with every angle drawn uniformly from its allowed range."""
    rng = np.random.default_rng(seed)
    return [
        Pose(**{name: float(rng.uniform(limit.low_deg, limit.high_deg)) for name, limit in JOINT_LIMITS.items()})
        for _ in range(count)
    ]


def hinge(hip: float = 70.0, knee: float = 18.0, **other: float) -> Pose:
    return Pose(hip=hip, knee=knee, **other)


def test_segment_lengths_are_preserved_in_any_valid_pose():
    body = Body()
    for pose in random_poses(200):
        points = body.place(pose).points
        for segment, (near, far) in SEGMENT_ENDS.items():
            measured = np.linalg.norm(points[far] - points[near])
            assert measured == pytest.approx(body.segment_length_m[segment], abs=LENGTH_TOL_M), (segment.name, pose)


def test_bones_join_every_point_but_the_ears():
    drawn = {joint for bone in BONES for joint in bone}
    assert set(Joint) - drawn == {Joint.LEFT_EAR, Joint.RIGHT_EAR}


def test_feet_stay_flat_on_the_floor_in_any_pose():
    body = Body()
    for pose in random_poses(50, seed=3):
        points = body.place(pose).points
        for joint in (Joint.LEFT_HEEL, Joint.RIGHT_HEEL, Joint.LEFT_TOE, Joint.RIGHT_TOE):
            assert points[joint][2] == 0.0
        assert points[Joint.LEFT_ANKLE][2] == pytest.approx(body.lengths_m["ankle_height"])


def test_angles_round_trip_through_positions_within_a_microdegree():
    body = Body()
    for pose in random_poses(200, seed=11):
        recovered = pose_from_points(body.place(pose).points)
        for f in fields(Pose):
            assert getattr(recovered, f.name) == pytest.approx(getattr(pose, f.name), abs=ANGLE_ROUND_TRIP_TOL_DEG), (
                f.name
            )


@pytest.mark.parametrize("end", ["low_deg", "high_deg"])
def test_angles_at_the_ends_of_their_ranges_round_trip_too(end):
    pose = Pose(**{name: getattr(limit, end) for name, limit in JOINT_LIMITS.items()})
    recovered = pose_from_points(Body().place(pose).points)
    for f in fields(Pose):
        assert getattr(recovered, f.name) == pytest.approx(getattr(pose, f.name), abs=ANGLE_ROUND_TRIP_TOL_DEG), f.name


def test_standing_pose_is_upright_with_its_centre_of_mass_over_mid_foot():
    body = Body(height_m=1.75, mass_kg=75.0)
    standing = body.place(Pose())
    stack = [
        Joint.HEAD_TOP,
        Joint.LEFT_EAR,
        Joint.NECK,
        Joint.THORACIC,
        Joint.LUMBAR,
        Joint.MID_HIP,
        Joint.LEFT_KNEE,
        Joint.LEFT_ANKLE,
    ]
    assert [standing[j][0] for j in stack] == pytest.approx([0.0] * len(stack), abs=1e-12)
    heights = [standing[j][2] for j in stack]
    assert heights == sorted(heights, reverse=True)  # head above hips above ankles
    assert standing[Joint.HEAD_TOP][2] == pytest.approx(1.75)
    assert standing.com[0] == pytest.approx(body.base_of_support.mid_x_m, abs=0.01)
    assert body.balance(Pose()).posed.pose.ankle == pytest.approx(0.0, abs=0.5)
    assert standing.ear_shoulder_hip_deg == pytest.approx(180.0)
    assert standing.trunk_inclination_deg == pytest.approx(0.0)


def test_standing_centre_of_mass_is_at_a_realistic_height():
    # Adult whole-body CoM sits at roughly 55-58% of stature when standing.
    body = Body(height_m=1.80, mass_kg=80.0)
    assert 0.55 < body.place(Pose()).com[2] / 1.80 < 0.58


@pytest.mark.parametrize(
    "pose",
    [
        Pose(),
        hinge(hip=60, knee=15),
        hinge(hip=80, knee=20),
        hinge(hip=70, knee=18, lumbar=30, thoracic=20),
        Pose(knee=90, hip=80),  # a squat: the shins tilt forward instead
        Pose(knee=-8, hip=70),  # locked knees
    ],
)
@pytest.mark.parametrize("hang_arms", [False, True])
def test_balanced_pose_has_its_centre_of_mass_over_mid_foot(pose, hang_arms):
    body = Body()
    result = body.balance(pose, hang_arms=hang_arms)
    support = body.base_of_support
    assert result.balanced, result.reason
    assert result.reason == ""
    assert result.posed.com[0] == pytest.approx(support.mid_x_m, abs=COM_TOL_M)
    assert support.heel_x_m < result.posed.com[0] < support.toe_x_m
    assert abs(result.com_error_m) < COM_TOL_M


@pytest.mark.parametrize("along_foot", [0.0, 0.3, 0.7, 0.9, 1.0])
def test_balance_can_put_the_centre_of_mass_anywhere_over_the_feet(along_foot):
    body = Body()
    result = body.balance(hinge(hip=60, knee=30), hang_arms=True, along_foot=along_foot)
    support = body.base_of_support
    assert result.balanced, result.reason
    assert result.posed.com[0] == pytest.approx(support.x_at(along_foot), abs=COM_TOL_M)
    assert support.along_foot(float(result.posed.com[0])) == pytest.approx(along_foot)


def test_weight_to_the_toes_tips_the_shins_forward():
    body = Body()
    pose = hinge(hip=60, knee=30)
    mid = body.balance(pose, hang_arms=True).posed.pose.ankle
    toes = body.balance(pose, hang_arms=True, along_foot=0.9).posed.pose.ankle
    assert toes > mid + 5.0


@pytest.mark.parametrize("along_foot", [-0.1, 1.2, float("nan")])
def test_a_centre_of_mass_beyond_the_feet_is_refused(along_foot):
    with pytest.raises(ValueError, match="along_foot must be from 0"):
        Body().balance(Pose(), along_foot=along_foot)


def test_arms_swung_forward_of_plumb_keep_their_angle_from_vertical_and_stay_balanced():
    body = Body()
    result = body.balance(hinge(hip=80, knee=18), hang_arms=True, arms_forward_deg=20.0)
    posed = result.posed
    arm = posed.points[Joint.LEFT_ELBOW] - posed.points[Joint.LEFT_SHOULDER]
    assert math.degrees(math.atan2(arm[0], -arm[2])) == pytest.approx(20.0)
    assert result.balanced, result.reason
    assert posed.com[0] == pytest.approx(body.base_of_support.mid_x_m, abs=COM_TOL_M)


def test_balance_keeps_every_angle_but_the_ankle():
    pose = hinge(hip=75, knee=20, lumbar=10, neck=-15, shoulder=30, elbow=45)
    balanced = Body().balance(pose).posed.pose
    assert replace(balanced, ankle=0.0) == pose


def test_balanced_hinge_pushes_the_hips_back_behind_the_ankles():
    body = Body()
    standing = body.balance(Pose(), hang_arms=True).posed
    for hip, knee in [(60, 15), (70, 18), (80, 20)]:
        bent = body.balance(hinge(hip=hip, knee=knee), hang_arms=True).posed
        travel = bent.hips_in_front_of_ankles_m - standing.hips_in_front_of_ankles_m
        assert travel < -0.10, (hip, knee, travel)  # at least 10 cm back
        assert abs(bent.shin_angle_deg) < 10.0  # shins stay near vertical in a hinge


def test_deeper_hinge_sends_the_hips_further_back():
    body = Body()
    travel = [body.balance(hinge(hip=hip, knee=18)).posed.hips_in_front_of_ankles_m for hip in (20, 40, 60, 80)]
    assert travel == sorted(travel, reverse=True)


def test_hanging_arms_stay_plumb_after_balancing():
    posed = Body().balance(hinge(hip=80, knee=20), hang_arms=True).posed
    for shoulder, elbow, hand in [
        (Joint.LEFT_SHOULDER, Joint.LEFT_ELBOW, Joint.LEFT_HAND),
        (Joint.RIGHT_SHOULDER, Joint.RIGHT_ELBOW, Joint.RIGHT_HAND),
    ]:
        assert posed[elbow][0] == pytest.approx(posed[shoulder][0], abs=1e-12)
        assert posed[hand][0] == pytest.approx(posed[shoulder][0], abs=1e-12)
        assert posed[hand][2] < posed[elbow][2] < posed[shoulder][2]


def test_unreachable_balance_says_why_and_stops_at_the_ankle_limit():
    # Sitting deep with an upright trunk puts the CoM far behind the feet.
    result = Body().balance(Pose(knee=150, hip=40))
    assert not result.balanced
    assert "shins would have to tilt" in result.reason
    assert "35°" in result.reason
    assert result.posed.pose.ankle == JOINT_LIMITS["ankle"].high_deg
    assert result.com_error_m < -0.01  # CoM still behind mid-foot


@pytest.mark.parametrize("angle", list(JOINT_LIMITS))
def test_each_joint_limit_raises_a_named_error_that_names_the_joint_value_and_range(angle):
    limit = JOINT_LIMITS[angle]
    too_far = limit.high_deg + 20.0
    with pytest.raises(JointLimitError) as caught:
        Pose(**{angle: too_far})
    assert str(caught.value) == (
        f"{limit.label} {too_far:.1f}° is outside {limit.low_deg:.1f}° to {limit.high_deg:.1f}°"
    )
    assert (caught.value.angle, caught.value.value_deg) == (angle, too_far)
    assert isinstance(caught.value, ValueError)  # callers may catch either


def test_knee_limit_message_reads_naturally():
    expected = r"^knee flexion 170\.0° is outside -10\.0° to 150\.0°$"
    with pytest.raises(JointLimitError, match=expected):
        Pose(knee=170)
    with pytest.raises(JointLimitError, match=r"hip flexion -31\.0°"):
        replace(Pose(), hip=-31)


def test_angle_that_is_not_a_number_is_refused():
    with pytest.raises(JointLimitError, match="lumbar flexion must be a number of degrees"):
        Pose(lumbar=float("nan"))


def test_scaling_by_height_scales_lengths_and_positions_proportionally():
    short, tall = Body(height_m=1.50), Body(height_m=1.95)
    ratio = 1.95 / 1.50
    np.testing.assert_allclose(tall.segment_length_m, short.segment_length_m * ratio)
    pose = hinge(hip=65, knee=15, lumbar=10)
    np.testing.assert_allclose(tall.place(pose).points, short.place(pose).points * ratio, atol=1e-12)


def test_thigh_length_follows_de_leva_for_the_reference_stature():
    body = Body(height_m=1.741)
    assert body.segment_length_m[Segment.LEFT_THIGH] == pytest.approx(0.4222)
    assert body.segment_length_m[Segment.PELVIS] == pytest.approx(0.1457)


@pytest.mark.parametrize("mass_kg", [45.0, 75.0, 120.0])
def test_segment_masses_add_up_to_the_body_mass(mass_kg):
    body = Body(mass_kg=mass_kg)
    assert body.segment_mass_kg.sum() == pytest.approx(mass_kg, rel=1e-12)
    thigh_share = body.segment_mass_kg[Segment.LEFT_THIGH] / mass_kg
    assert thigh_share == pytest.approx(DE_LEVA_MALE["thigh"].mass_fraction, rel=1e-3)


def test_de_leva_mass_fractions_cover_the_whole_body():
    paired = ("upper_arm", "forearm", "hand", "thigh", "shank", "foot")
    total = sum(row.mass_fraction * (2 if name in paired else 1) for name, row in DE_LEVA_MALE.items())
    assert total == pytest.approx(1.0, abs=1e-3)


def test_whole_body_com_is_the_mass_weighted_mean_of_segment_coms():
    body = Body(mass_kg=68.0)
    posed = body.place(hinge(hip=50, knee=25, shoulder=40, elbow=60))
    expected = (body.segment_mass_kg[:, None] * posed.segment_com).sum(axis=0) / 68.0
    np.testing.assert_allclose(posed.com, expected, atol=1e-12)
    assert posed.com[1] == pytest.approx(0.0, abs=1e-12)  # symmetric pose: CoM on the midline


def test_left_and_right_limbs_mirror_across_the_midline():
    posed = Body().place(random_poses(1, seed=5)[0])
    pairs = [(j, Joint[j.name.replace("LEFT_", "RIGHT_")]) for j in Joint if j.name.startswith("LEFT_")]
    for left, right in pairs:
        assert posed[left][1] > 0 > posed[right][1], left.name
        assert posed[left] == pytest.approx(posed[right] * np.array([1.0, -1.0, 1.0])), left.name


def test_lumbar_flexion_rounds_the_measured_spine():
    body = Body()
    neutral = body.place(hinge(hip=70, knee=15))
    rounded = body.place(hinge(hip=70, knee=15, lumbar=30))
    arched = body.place(hinge(hip=70, knee=15, lumbar=-15))
    assert (neutral.spine_flexion_deg, rounded.spine_flexion_deg, arched.spine_flexion_deg) == (
        pytest.approx(0.0, abs=1e-9),
        pytest.approx(30.0),
        pytest.approx(-15.0),
    )
    # What a pose tracker can see: ear, shoulder and hip no longer line up.
    assert rounded.ear_shoulder_hip_deg < neutral.ear_shoulder_hip_deg - 5.0
    assert arched.ear_shoulder_hip_deg > neutral.ear_shoulder_hip_deg + 2.0
    assert rounded.trunk_inclination_deg > neutral.trunk_inclination_deg + 5.0

    def chord(posed):  # straight-line distance hip -> base of neck shrinks as the spine bends
        return np.linalg.norm(posed[Joint.NECK] - posed[Joint.MID_HIP])

    assert chord(rounded) < chord(neutral) - 0.01


def test_angle_signs_match_the_documented_conventions():
    body = Body()

    def x(pose, joint):
        return body.place(pose)[joint][0]

    assert x(Pose(ankle=10), Joint.LEFT_KNEE) > 0  # shin tilts forward
    assert x(Pose(knee=30), Joint.MID_HIP) < 0  # bent knee: hips behind knee (shin vertical)
    assert x(Pose(hip=30), Joint.NECK) > 0  # hip flexion tips the trunk forward
    assert x(Pose(hip=30, lumbar=20), Joint.NECK) > x(Pose(hip=30), Joint.NECK)  # rounding
    assert x(Pose(neck=30), Joint.HEAD_TOP) > 0  # chin to chest
    assert x(Pose(shoulder=90), Joint.LEFT_WRIST) > 0.4  # arm raised forward
    assert x(Pose(elbow=90), Joint.LEFT_WRIST) > 0.2  # forearm comes forward
    posed = body.place(Pose(ankle=12, knee=20, hip=40))
    assert posed.shin_angle_deg == pytest.approx(12.0)
    assert posed.trunk_inclination_deg == pytest.approx(12 - 20 + 40)


def test_points_that_bend_a_joint_too_far_are_refused_by_name():
    points = Body().place(Pose()).points.copy()
    for hip in (Joint.MID_HIP, Joint.LEFT_HIP, Joint.RIGHT_HIP):
        points[hip] += np.array([0.3, 0.0, 0.0])  # hips far ahead of the knees
    with pytest.raises(JointLimitError, match=r"^knee flexion -3[0-9]\.[0-9]° is outside"):
        pose_from_points(points)


def test_pose_from_points_rejects_a_wrongly_shaped_array():
    with pytest.raises(ValueError, match=r"shape \(25, 3\)"):
        pose_from_points(np.zeros((33, 3)))


@pytest.mark.parametrize(
    "height_m, mass_kg, message",
    [
        (3.0, 75.0, "height_m must be between"),
        (1.75, 5.0, "mass_kg must be between"),
    ],
)
def test_implausible_body_is_refused(height_m, mass_kg, message):
    with pytest.raises(ValueError, match=message):
        Body(height_m=height_m, mass_kg=mass_kg)


def test_posed_arrays_cannot_be_changed_by_accident():
    posed = Body().place(Pose())
    with pytest.raises(ValueError):
        posed.points[Joint.MID_HIP] = 0.0
    with pytest.raises(ValueError):
        Body().segment_mass_kg[0] = 1.0


def test_balancing_an_animation_is_fast():
    body = Body()
    frames = [hinge(hip=80 * math.sin(math.pi * i / 300) ** 2, knee=18) for i in range(300)]
    start = time.perf_counter()
    results = [body.balance(frame, hang_arms=True) for frame in frames]
    elapsed = time.perf_counter() - start
    assert all(r.balanced for r in results)
    assert elapsed / len(frames) < 0.002  # seconds per frame: generous, measured ~0.1 ms
