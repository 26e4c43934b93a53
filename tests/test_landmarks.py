"""Behaviour of the synthetic MediaPipe landmarks made from the body model's motions."""

import ast
import importlib.util
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from course.body import Joint
from course.landmarks import CONNECTIONS, MIRROR, Camera, Landmark, LandmarkSequence
from course.motions import Motion, good_hinge, squat
from course.synthetic_landmarks import Dropout, Swap, landmark_sequence

PROJECTION_TOL = 1e-9  # normalised image units: floating-point error only
WORLD_TOL_M = 1e-9  # metres: floating-point error only
ANGLE_TOL_DEG = 1.0  # degrees: angles read back from landmarks, as the brief asks
L = Landmark


@cache
def hinge() -> Motion:
    return good_hinge(reps=2)


@cache
def goblet() -> Motion:
    return squat(reps=1)


def angle_at(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Angle a-b-c at b, degrees, for (n, 3) arrays."""
    u, v = a - b, c - b
    cos = np.einsum("ij,ij->i", u, v) / (np.linalg.norm(u, axis=1) * np.linalg.norm(v, axis=1))
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def mediapipe_file(name: str) -> Path | None:
    """A source file of the installed mediapipe's pose solution, found without importing it."""
    spec = importlib.util.find_spec("mediapipe")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(spec.submodule_search_locations[0]) / "python" / "solutions" / name
    return path if path.exists() else None


def test_landmark_numbers_and_names_match_mediapipe():
    path = mediapipe_file("pose.py")
    if path is None:
        pytest.skip("mediapipe's pose solution is not installed")
    tree = ast.parse(path.read_text())
    enum = next(node for node in ast.walk(tree) if isinstance(node, ast.ClassDef) and node.name == "PoseLandmark")
    theirs = {node.targets[0].id: node.value.value for node in enum.body if isinstance(node, ast.Assign)}
    assert theirs == {landmark.name: landmark.value for landmark in Landmark}


def test_connections_match_mediapipe_and_join_every_landmark():
    assert {point for pair in CONNECTIONS for point in pair} == set(Landmark)
    path = mediapipe_file("pose_connections.py")
    if path is None:
        pytest.skip("mediapipe's pose solution is not installed")
    tree = ast.parse(path.read_text())
    call = next(
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and node.targets[0].id == "POSE_CONNECTIONS"
    )
    theirs = {tuple(sorted(pair)) for pair in ast.literal_eval(call.args[0])}
    assert {tuple(sorted(pair)) for pair in CONNECTIONS} == theirs


def test_mirror_pairs_each_left_landmark_with_its_right_one():
    assert MIRROR[L.LEFT_KNEE] is L.RIGHT_KNEE and MIRROR[L.MOUTH_RIGHT] is L.MOUTH_LEFT
    assert MIRROR[L.NOSE] is L.NOSE
    assert all(MIRROR[MIRROR[landmark]] is landmark for landmark in Landmark)


@pytest.mark.parametrize("facing, sign", [("left", -1.0), ("right", 1.0)])
def test_side_view_puts_the_nose_ahead_of_the_ears_in_the_facing_direction(facing, sign):
    seq = landmark_sequence(hinge(), Camera.side_view(facing))
    ears = 0.5 * (seq.image[:, L.LEFT_EAR, 0] + seq.image[:, L.RIGHT_EAR, 0])
    assert (sign * (seq.image[:, L.NOSE, 0] - ears) > 0).all()
    assert (sign * (seq.image[:, L.LEFT_FOOT_INDEX, 0] - seq.image[:, L.LEFT_HEEL, 0]) > 0).all()
    bottom = hinge().reps[0].bottom
    assert sign * seq.world[bottom, L.NOSE, 0] > 0.3  # head far out front at the bottom


def test_face_and_hand_points_sit_where_a_face_and_a_gripping_hand_would():
    seq = landmark_sequence(hinge(), Camera.side_view("right"))
    w = seq.world[0]  # standing tall, facing +x in world coordinates (the image's right)
    assert w[L.LEFT_EAR, 0] < w[L.LEFT_EYE_OUTER, 0] < w[L.LEFT_EYE, 0] < w[L.NOSE, 0]
    assert w[L.NOSE, 1] > w[L.LEFT_EYE, 1]  # nose below the eyes (y down)
    assert w[L.MOUTH_LEFT, 1] > w[L.NOSE, 1]
    assert 0.08 < w[L.NOSE, 0] - w[L.LEFT_EAR, 0] < 0.13  # metres
    for side in ("LEFT", "RIGHT"):
        wrist, index = w[L[f"{side}_WRIST"]], w[L[f"{side}_INDEX"]]
        assert 0.06 < np.linalg.norm(index - wrist) < 0.12  # knuckles a hand's length below
        assert index[1] > wrist[1]


@pytest.mark.parametrize("facing", ["left", "right"])
def test_hinging_hips_move_back_in_the_image(facing):
    seq = landmark_sequence(hinge(), Camera.side_view(facing))
    sign = -1.0 if facing == "left" else 1.0
    hips = 0.5 * (seq.image_px()[:, L.LEFT_HIP, 0] + seq.image_px()[:, L.RIGHT_HIP, 0])
    span = hinge().reps[0]
    assert sign * (hips[span.start] - hips[span.bottom]) > 50  # pixels backwards


def test_point_at_the_camera_height_projects_to_mid_image():
    standing_hip_m = hinge().frames[0].points[0, 2]
    camera = Camera(height_m=float(standing_hip_m))
    seq = landmark_sequence(hinge(), camera)
    assert seq.image[0, L.LEFT_HIP, 1] == pytest.approx(0.5, abs=PROJECTION_TOL)
    assert seq.image[0, L.RIGHT_HIP, 1] == pytest.approx(0.5, abs=PROJECTION_TOL)
    # the camera aims at the line above mid-ankle: in a side view the ankles are mid-image
    np.testing.assert_allclose(seq.image[:, L.LEFT_ANKLE, 0], 0.5, atol=PROJECTION_TOL)


def test_knees_and_ankles_land_where_a_pinhole_puts_them():
    camera = Camera.side_view("right", height_m=0.8, distance_m=3.5, fov_deg=50.0, width_px=1920, height_px=1080)
    seq = landmark_sequence(hinge(), camera)
    focal = 960 / np.tan(np.radians(25.0))
    points = hinge().points  # course.body frame; the camera sits at y = -3.5 looking along +y
    for landmark, joint in (
        (L.LEFT_KNEE, Joint.LEFT_KNEE),
        (L.RIGHT_ANKLE, Joint.RIGHT_ANKLE),
        (L.LEFT_HIP, Joint.LEFT_HIP),
    ):
        x, y, z = points[:, joint].T
        depth = 3.5 + y
        np.testing.assert_allclose(seq.image[:, landmark, 0], (960 + focal * x / depth) / 1920, atol=PROJECTION_TOL)
        np.testing.assert_allclose(
            seq.image[:, landmark, 1], (540 - focal * (z - 0.8) / depth) / 1080, atol=PROJECTION_TOL
        )


def test_image_z_is_negative_towards_the_camera_and_scaled_like_x():
    camera = Camera.side_view("left")  # the person's left side is nearer the camera
    seq = landmark_sequence(hinge(), camera)
    near, far = seq.image[0, L.LEFT_HIP, 2], seq.image[0, L.RIGHT_HIP, 2]
    assert near < 0 < far
    assert near == pytest.approx(-far)
    hip_width_m = np.linalg.norm(seq.world[0, L.LEFT_HIP] - seq.world[0, L.RIGHT_HIP])
    hip_depth_m = camera.distance_m  # mid-hip is on the midline, level with the camera's aim
    width_as_x = camera.focal_px * hip_width_m / (hip_depth_m * camera.width_px)
    assert far - near == pytest.approx(width_as_x, rel=0.01)


@pytest.mark.parametrize(
    "camera", [Camera(), Camera.side_view("right"), Camera(azimuth_deg=0), Camera(azimuth_deg=30, height_m=1.4)]
)
def test_world_landmarks_are_hip_centred_with_y_down(camera):
    seq = landmark_sequence(hinge(), camera)
    mid_hip = 0.5 * (seq.world[:, L.LEFT_HIP] + seq.world[:, L.RIGHT_HIP])
    np.testing.assert_allclose(mid_hip, 0.0, atol=WORLD_TOL_M)
    assert (seq.world[:, L.NOSE, 1] < -0.2).all()  # the head is above the hips: negative y
    assert (seq.world[:, L.LEFT_ANKLE, 1] > 0.7).all()


def test_world_x_follows_the_image_and_z_points_away_from_the_camera():
    seq = landmark_sequence(hinge(), Camera(azimuth_deg=0))  # person facing the camera
    assert (seq.world[:, L.LEFT_SHOULDER, 0] > 0).all()  # their left is the image's right
    assert (seq.image[:, L.LEFT_SHOULDER, 0] > seq.image[:, L.RIGHT_SHOULDER, 0]).all()
    bottom = hinge().reps[0].bottom
    assert seq.world[bottom, L.NOSE, 2] < -0.3  # bending towards the camera: smaller z
    assert seq.image[bottom, L.NOSE, 2] < 0


@pytest.mark.parametrize("motion", [hinge, goblet])
@pytest.mark.parametrize("camera", [Camera(), Camera(azimuth_deg=20, height_m=1.2)])
def test_knee_and_hip_angles_read_from_world_landmarks_match_the_motion(motion, camera):
    seq = landmark_sequence(motion(), camera)
    w = seq.world
    for hip, knee, ankle in ((L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE), (L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE)):
        knee_flexion = 180.0 - angle_at(w[:, hip], w[:, knee], w[:, ankle])
        np.testing.assert_allclose(knee_flexion, motion().angle_deg("knee"), atol=ANGLE_TOL_DEG)

    # The shoulders are wider apart than the hips, so the hip angle is read between midpoints
    # (one side's knee-hip-shoulder angle in 3D would be about 9 degrees off standing tall).
    def mid(left: Landmark) -> np.ndarray:
        return 0.5 * (w[:, left] + w[:, MIRROR[left]])

    hip_flexion = 180.0 - angle_at(mid(L.LEFT_KNEE), mid(L.LEFT_HIP), mid(L.LEFT_SHOULDER))
    np.testing.assert_allclose(hip_flexion, motion().hip_angle_seen_deg, atol=ANGLE_TOL_DEG)


def test_noise_is_reproducible_with_a_seed_and_about_the_size_asked_for():
    one = landmark_sequence(hinge(), noise_px=3.0, noise_m=0.02, rng=42)
    same = landmark_sequence(hinge(), noise_px=3.0, noise_m=0.02, rng=np.random.default_rng(42))
    other = landmark_sequence(hinge(), noise_px=3.0, noise_m=0.02, rng=7)
    clean = landmark_sequence(hinge())
    np.testing.assert_array_equal(one.image, same.image)
    np.testing.assert_array_equal(one.world, same.world)
    assert not np.allclose(one.image, other.image)
    error_px = (one.image_px() - clean.image_px()).std()
    assert 2.7 < error_px < 3.3
    mid_hip = 0.5 * (one.world[:, L.LEFT_HIP] + one.world[:, L.RIGHT_HIP])
    np.testing.assert_allclose(mid_hip, 0.0, atol=WORLD_TOL_M)  # still hip-centred
    np.testing.assert_array_equal(one.visibility, clean.visibility)


def test_dropped_landmarks_are_nan_with_zero_visibility_only_while_lost():
    gap = Dropout(start_s=1.0, end_s=2.0, landmarks=(L.LEFT_KNEE, L.LEFT_ANKLE))
    seq = landmark_sequence(hinge(), dropouts=[gap])
    during = (seq.t_s >= 1.0) & (seq.t_s <= 2.0)
    for landmark in (L.LEFT_KNEE, L.LEFT_ANKLE):
        assert np.isnan(seq.image[during, landmark]).all()
        assert np.isnan(seq.world[during, landmark]).all()
        assert (seq.visibility[during, landmark] == 0).all()
        assert np.isfinite(seq.image[~during, landmark]).all()
    assert np.isfinite(seq.image[:, L.RIGHT_KNEE]).all()


def test_drop_fraction_loses_whole_frames_reproducibly():
    seq = landmark_sequence(hinge(), drop_fraction=0.2, rng=3)
    lost = np.isnan(seq.image).all(axis=(1, 2))
    assert lost.sum() == round(0.2 * len(seq))
    assert (seq.visibility[lost] == 0).all()
    assert np.isfinite(seq.image[~lost]).all()
    again = landmark_sequence(hinge(), drop_fraction=0.2, rng=3)
    np.testing.assert_array_equal(np.isnan(again.image).all(axis=(1, 2)), lost)


def test_swap_glitch_exchanges_left_and_right():
    clean = landmark_sequence(hinge())
    seq = landmark_sequence(hinge(), swaps=[Swap(0.5, 0.6)])
    during = (seq.t_s >= 0.5) & (seq.t_s <= 0.6)
    assert during.sum() == 4
    np.testing.assert_array_equal(seq.image[during, L.LEFT_KNEE], clean.image[during, L.RIGHT_KNEE])
    np.testing.assert_array_equal(seq.visibility[during, L.RIGHT_HIP], clean.visibility[during, L.LEFT_HIP])
    np.testing.assert_array_equal(seq.image[~during], clean.image[~during])
    random = landmark_sequence(hinge(), swap_fraction=0.1, rng=5)
    swapped = ~np.all(random.image[:, L.LEFT_KNEE] == clean.image[:, L.LEFT_KNEE], axis=1)
    assert swapped.sum() == round(0.1 * len(seq))


def test_far_side_is_less_visible_in_a_side_view_but_not_from_the_front():
    side = landmark_sequence(hinge(), Camera.side_view("left"))
    assert (side.visibility[:, L.LEFT_KNEE] == 1.0).all()
    np.testing.assert_allclose(side.visibility[:, L.RIGHT_KNEE], 0.7)
    assert (side.visibility[:, L.NOSE] == 1.0).all()
    front = landmark_sequence(hinge(), Camera(azimuth_deg=0))
    np.testing.assert_allclose(front.visibility[0], 1.0)
    custom = landmark_sequence(hinge(), Camera.side_view("left"), far_side_visibility=0.95)
    np.testing.assert_allclose(custom.visibility[:, L.RIGHT_HIP], 0.95)


def test_points_outside_the_picture_get_zero_visibility():
    close = Camera(distance_m=1.5, height_m=1.0)  # too close: head and feet are cut off
    seq = landmark_sequence(hinge(), close)
    outside = ((seq.image[..., :2] < 0) | (seq.image[..., :2] > 1)).any(axis=-1)
    assert outside[:, L.LEFT_FOOT_INDEX].all() and outside[0, L.NOSE]
    assert (seq.visibility[outside] == 0).all()
    assert (seq.visibility[~outside] > 0).all()


def test_portrait_camera_keeps_the_whole_person_in_frame():
    seq = landmark_sequence(goblet(), Camera(width_px=720, height_px=1280, fov_deg=45))
    assert ((seq.image[..., :2] > 0) & (seq.image[..., :2] < 1)).all()
    assert seq.width_px == 720 and seq.height_px == 1280


@pytest.mark.parametrize(
    "setting, value", [("distance_m", 0.5), ("fov_deg", 170.0), ("height_m", -1.0), ("width_px", 0)]
)
def test_camera_refuses_impossible_settings_by_name(setting, value):
    with pytest.raises(ValueError, match=f"Camera {setting} must be"):
        Camera(**{setting: value})


def test_side_view_refuses_an_unknown_facing():
    with pytest.raises(ValueError, match="facing must be 'left' or 'right'"):
        Camera.side_view("up")


@pytest.mark.parametrize("setting, value", [("noise_px", -1.0), ("drop_fraction", 1.5), ("far_side_visibility", 2.0)])
def test_bad_synthesis_settings_are_refused_by_name(setting, value):
    with pytest.raises(ValueError, match=f"{setting} must be"):
        landmark_sequence(hinge(), **{setting: value})


def test_sequence_refuses_arrays_of_the_wrong_shape():
    n = 4
    good = dict(
        t_s=np.arange(n) / 30,
        image=np.zeros((n, 33, 3)),
        world=np.zeros((n, 33, 3)),
        visibility=np.ones((n, 33)),
        width_px=640,
        height_px=480,
    )
    assert len(LandmarkSequence(**good)) == n
    with pytest.raises(ValueError, match=r"visibility must have shape \(4, 33\)"):
        LandmarkSequence(**{**good, "visibility": np.ones((n, 32))})


def test_sequence_arrays_cannot_be_changed_by_accident():
    seq = landmark_sequence(hinge())
    with pytest.raises(ValueError):
        seq.world[0, 0, 0] = 1.0
