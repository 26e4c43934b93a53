"""MediaPipe Pose on frames: landmarks, gaps, interpolation, people, and usable clips.

Three layers: a stand-in model (fast, exact) for track_pose's bookkeeping; the real model on
one photo a package ships (scikit-image's astronaut) and on blank pictures; and the real clips
where HINGE_CLIPS_DIR points at them, each decoded and tracked once per test run.
"""

from __future__ import annotations

from dataclasses import fields
from functools import cache
from types import SimpleNamespace

import numpy as np
import pytest

from course.analysis import pose
from course.analysis.ahead import read_ahead
from course.analysis.pose import (
    TrackedSequence,
    check_visibility,
    count_people,
    hide_box,
    person_box,
    require_one_person,
    track_pose,
)
from course.analysis.problems import MorePeopleThanOne, NoPersonFound, TooDark
from course.analysis.video import VideoFrame, probe, read_frames
from course.landmarks import Camera, Landmark, LandmarkSequence
from course.motions import good_hinge
from course.synthetic_landmarks import landmark_sequence
from tests.real_clips import CLIPS, needs_clips

L = Landmark

SEEN = 0.9  # visibility 0..1: "clearly seen", as FACTS.md measured on the astronaut photo
POSITION_TOL = 1e-9  # normalised image units: interpolation is exact arithmetic
MOST_FRAMES = 0.9  # share of a side clip's frames that must have landmarks
SIDE_CLIPS = ["deadlift-side-2reps.mp4", "kb-deadlift-side.mp4", "rdl-rounded-back-side.mp4", "goblet-squat-side.mp4"]
ONE_PERSON_CLIPS = [*SIDE_CLIPS, "kb-deadlift-front-oblique.mp4"]


def frames_of(images: list[np.ndarray], times: list[float] | None = None) -> list[VideoFrame]:
    times = times if times is not None else [i / 30 for i in range(len(images))]
    return [
        VideoFrame(index=i, t_s=t, image=np.ascontiguousarray(image))
        for i, (image, t) in enumerate(zip(images, times, strict=True))
    ]


# --------------------------------------------------------------------------------------------
# A stand-in for MediaPipe: the picture's first pixel says where the person is (0: nobody)


class FakePose:
    """Finds a 'person' whose every landmark sits at x = y = code / 255, world x = code / 100,
    with visibility 0.9, where code is the image's top-left red value; nobody for code 0.
    Records the timestamp each call would be stamped with."""

    def __init__(self) -> None:
        self._simulated_timestamp = 0
        self.stamps: list[int] = []

    def process(self, image: np.ndarray) -> SimpleNamespace:
        self._simulated_timestamp += pose.FRAME_INTERVAL_US
        self.stamps.append(self._simulated_timestamp)
        code = int(image[0, 0, 0])
        if code == 0:
            return SimpleNamespace(pose_landmarks=None, pose_world_landmarks=None)
        point = SimpleNamespace(x=code / 255, y=code / 255, z=0.0, visibility=0.9)
        world = SimpleNamespace(x=code / 100, y=0.0, z=0.0, visibility=0.9)
        return SimpleNamespace(
            pose_landmarks=SimpleNamespace(landmark=[point] * 33),
            pose_world_landmarks=SimpleNamespace(landmark=[world] * 33),
        )


@pytest.fixture
def fake_model(monkeypatch):
    model = FakePose()

    class Context:
        def __init__(self, **_settings) -> None:
            pass

        def __enter__(self) -> FakePose:
            return model

        def __exit__(self, *exc) -> None:
            return None

    monkeypatch.setattr(pose, "pose_model", Context)
    return model


def coded(codes: list[int], size: int = 8) -> list[np.ndarray]:
    return [np.full((size, size, 3), code, np.uint8) for code in codes]


def test_every_nth_frame_and_the_last_are_measured(fake_model):
    seq = track_pose(frames_of(coded([10] * 11)), 8, 8, every_nth=3)
    assert np.flatnonzero(seq.measured).tolist() == [0, 3, 6, 9, 10]
    assert len(fake_model.stamps) == 5


def test_skipped_frames_are_interpolated_in_time_not_by_index(fake_model):
    times = [0.0, 0.1, 0.4, 0.5]
    seq = track_pose(frames_of(coded([10, 99, 99, 60]), times), 8, 8, every_nth=3)
    x0, x3 = 10 / 255, 60 / 255
    expected = [x0, x0 + (x3 - x0) * 0.2, x0 + (x3 - x0) * 0.8, x3]
    np.testing.assert_allclose(seq.image[:, L.NOSE, 0], expected, atol=POSITION_TOL)
    np.testing.assert_allclose(seq.world[:, L.NOSE, 0], [0.1, 0.2, 0.5, 0.6], atol=POSITION_TOL)
    assert seq.measured.tolist() == [True, False, False, True]


def test_a_skipped_frame_beside_a_frame_with_nobody_has_nobody(fake_model):
    seq = track_pose(frames_of(coded([10, 10, 0, 10, 10])), 8, 8, every_nth=2)
    assert seq.measured.tolist() == [True, False, True, False, True]
    assert seq.found.tolist() == [True, False, False, False, True]
    assert np.isnan(seq.image[1:4]).all() and (seq.visibility[1:4] == 0).all()


def test_frames_with_nobody_are_nan_with_visibility_zero(fake_model):
    seq = track_pose(frames_of(coded([0, 20, 0])), 8, 8)
    assert np.isnan(seq.image[[0, 2]]).all() and np.isnan(seq.world[[0, 2]]).all()
    assert (seq.visibility[[0, 2]] == 0).all()
    assert seq.visibility[1].min() == pytest.approx(0.9)


def test_the_model_is_given_each_frames_own_time(fake_model):
    times = [0.0, 0.05, 0.2, 0.2, 0.21]  # variable rate, and a repeated time
    track_pose(frames_of(coded([10] * 5), times), 8, 8)
    assert fake_model.stamps == [0, 50_000, 200_000, 200_001, 210_000]


def test_progress_ends_with_every_frame_done(fake_model):
    calls: list[tuple[int, int | None]] = []
    track_pose(
        frames_of(coded([10] * 7)), 8, 8, progress=lambda done, total: calls.append((done, total)), expected_frames=9
    )
    assert calls[0][0] >= 1
    assert calls[-1] == (7, 9)


def test_samples_for_counting_people_are_spread_over_the_clip(fake_model):
    seq = track_pose(frames_of(coded([10] * 100)), 8, 8, keep_samples=4)
    indices = [frame.index for frame in seq.samples]
    assert len(indices) == 4 and indices == sorted(indices)
    assert indices[0] <= 10 and indices[-1] >= 80


def test_no_samples_are_kept_from_frames_with_nobody(fake_model):
    seq = track_pose(frames_of(coded([0] * 20 + [10] * 5)), 8, 8, keep_samples=4)
    assert all(frame.index >= 20 for frame in seq.samples) and seq.samples


def test_tracked_sequence_is_a_landmark_sequence_with_the_same_shapes(fake_model):
    seq = track_pose(frames_of(coded([10] * 3)), 640, 480)
    assert isinstance(seq, LandmarkSequence)
    assert (seq.image.shape, seq.world.shape, seq.visibility.shape) == ((3, 33, 3), (3, 33, 3), (3, 33))
    assert (seq.width_px, seq.height_px) == (640, 480)
    assert not seq.brightness.flags.writeable


def test_every_nth_below_one_is_refused(fake_model):
    with pytest.raises(ValueError, match="every_nth"):
        track_pose(frames_of(coded([10])), 8, 8, every_nth=0)


# --------------------------------------------------------------------------------------------
# Pure helpers for counting people


def test_person_box_pads_the_landmarks_and_stays_inside_the_picture():
    landmarks = np.full((33, 3), np.nan)
    landmarks[:2, :2] = [[0.4, 0.2], [0.6, 0.8]]
    assert person_box(landmarks, 100, 100, padding=0.15) == (37, 11, 63, 89)
    landmarks[0, :2] = [-0.5, 0.0]  # a point outside the picture
    assert person_box(landmarks, 100, 100)[0] == 0


def test_hide_box_fills_only_the_box_with_the_mean_colour():
    image = np.zeros((10, 10, 3), np.uint8)
    image[:, 5:] = 200
    hidden = hide_box(image, (0, 0, 5, 10))
    assert (hidden[:, :5] == 100).all() and (hidden[:, 5:] == 200).all()
    assert (image[:, :5] == 0).all()  # the original is untouched


# --------------------------------------------------------------------------------------------
# Is the clip usable? (synthetic landmarks from the body model)


@cache
def side_hinge() -> LandmarkSequence:
    return landmark_sequence(good_hinge(reps=1), Camera.side_view(facing="right"))


def tracked(
    seq: LandmarkSequence, *, luma: float, visibility_scale: float = 1.0, drop: slice | None = None
) -> TrackedSequence:
    values = {item.name: getattr(seq, item.name) for item in fields(LandmarkSequence)}
    values["visibility"] = seq.visibility * visibility_scale
    if drop is not None:
        for name in ("image", "world"):
            values[name] = np.array(values[name])
            values[name][drop] = np.nan
        values["visibility"][drop] = 0.0
    return TrackedSequence(**values, brightness=np.full(len(seq), luma))


def test_visibility_stats_pick_the_side_nearer_the_camera():
    stats = check_visibility(side_hinge())  # the camera stands on the person's right
    assert stats.side == "right"
    assert stats.person_fraction == 1.0 and stats.key_visibility == pytest.approx(1.0)


def test_a_well_lit_clip_with_one_person_passes():
    stats = require_one_person(tracked(side_hinge(), luma=120), people=1)
    assert stats.person_fraction == 1.0 and stats.brightness == 120


def test_a_clip_with_nobody_in_it_has_no_person():
    with pytest.raises(NoPersonFound):
        require_one_person(tracked(side_hinge(), luma=120, drop=slice(None)), people=0)


def test_a_dark_clip_with_nobody_found_is_too_dark():
    with pytest.raises(TooDark):
        require_one_person(tracked(side_hinge(), luma=15, drop=slice(None)), people=0)


def test_a_dark_clip_with_joints_barely_seen_is_too_dark():
    with pytest.raises(TooDark):
        require_one_person(tracked(side_hinge(), luma=20, visibility_scale=0.3), people=1)


def test_a_dark_clip_where_the_person_is_seen_well_passes():
    assert require_one_person(tracked(side_hinge(), luma=20), people=1).side == "right"


def test_hidden_joints_in_good_light_are_left_for_the_report_to_explain():
    stats = require_one_person(tracked(side_hinge(), luma=120, visibility_scale=0.3), people=1)
    assert stats.key_visibility < pose.LOW_KEY_VISIBILITY


def test_two_people_are_more_than_one():
    with pytest.raises(MorePeopleThanOne):
        require_one_person(tracked(side_hinge(), luma=120), people=2)


# --------------------------------------------------------------------------------------------
# The real model on pictures made by code or shipped by a package


@pytest.fixture(scope="module")
def astronaut() -> TrackedSequence:
    data = pytest.importorskip("skimage.data", reason="scikit-image (a dev dependency) ships the astronaut photo")
    image = data.astronaut()
    return track_pose(frames_of([image]), image.shape[1], image.shape[0])


def test_mediapipe_finds_the_astronauts_face_and_shoulders(astronaut):
    clear = [L.NOSE, L.LEFT_EYE, L.RIGHT_EYE, L.LEFT_SHOULDER, L.RIGHT_SHOULDER]
    assert (astronaut.visibility[0, clear] > SEEN).all()
    xy = astronaut.image[0]
    assert xy[L.NOSE, 1] < xy[L.LEFT_SHOULDER, 1] and xy[L.NOSE, 1] < xy[L.RIGHT_SHOULDER, 1]
    # She faces the camera: her left shoulder is on the picture's right.
    assert xy[L.LEFT_SHOULDER, 0] > xy[L.NOSE, 0] > xy[L.RIGHT_SHOULDER, 0]
    assert np.isfinite(astronaut.world[0]).all()


def test_blank_grey_pictures_give_no_landmarks_not_a_guess():
    seq = track_pose(frames_of([np.full((240, 320, 3), 128, np.uint8)] * 3), 320, 240)
    assert np.isnan(seq.image).all() and np.isnan(seq.world).all()
    assert (seq.visibility == 0).all() and not seq.found.any()
    assert seq.samples == ()
    assert count_people(seq.samples, seq).count == 1 and count_people(seq.samples, seq).sightings == ()
    with pytest.raises(NoPersonFound):
        require_one_person(seq)


def test_a_black_clip_is_too_dark_rather_than_empty():
    seq = track_pose(frames_of([np.full((240, 320, 3), 8, np.uint8)] * 3), 320, 240)
    with pytest.raises(TooDark):
        require_one_person(seq)


# --------------------------------------------------------------------------------------------
# Real clips: each decoded and tracked once


@cache
def real(name: str) -> tuple:
    path = CLIPS / name
    info = probe(path)
    # The front-oblique clip (505 frames) is only checked for shape, orientation and people:
    # every 2nd frame halves its cost.
    every_nth = 2 if name == "kb-deadlift-front-oblique.mp4" else 1
    frames = read_frames(path, info)
    seq = track_pose(frames, info.width, info.height, every_nth=every_nth)
    return info, seq


@needs_clips
@pytest.mark.parametrize("name", SIDE_CLIPS)
@pytest.mark.slow
def test_single_person_side_clips_have_landmarks_on_most_frames(name):
    info, seq = real(name)
    assert len(seq) >= info.frame_count - 1
    assert seq.found.mean() >= MOST_FRAMES
    assert seq.measured.all()


@needs_clips
@pytest.mark.parametrize("name", ONE_PERSON_CLIPS)
@pytest.mark.slow
def test_single_person_clips_count_one_person(name):
    _, seq = real(name)
    people = count_people(seq.samples, seq)
    assert (people.count, people.background) == (1, False)
    assert require_one_person(seq).person_fraction >= 0.8


@needs_clips
@pytest.mark.slow
def test_two_people_clip_counts_two_and_is_refused():
    _, seq = real("two-people.mp4")
    people = count_people(seq.samples, seq)
    assert people.count == 2 and all(s.size >= 0.6 for s in people.beside)
    with pytest.raises(MorePeopleThanOne):
        require_one_person(seq)


@needs_clips
@pytest.mark.slow
def test_portrait_clip_is_decoded_portrait_and_upright():
    info, seq = real("kb-deadlift-front-oblique.mp4")
    assert (info.width, info.height) == (404, 720)
    assert all(frame.image.shape == (720, 404, 3) for frame in seq.samples)
    found = seq.found & seq.measured
    nose_y = seq.image[found, L.NOSE, 1]
    hip_y = seq.image[found][:, [L.LEFT_HIP, L.RIGHT_HIP], 1].mean(axis=1)
    assert (nose_y < hip_y).mean() > 0.95  # the head is above the hips: upright


class FixedPose:
    """Always 'finds' the same 33 image landmarks, with visibility 0.9."""

    def __init__(self, landmarks: np.ndarray) -> None:
        self.landmarks = landmarks

    def process(self, image: np.ndarray) -> SimpleNamespace:
        points = [SimpleNamespace(x=float(x), y=float(y), z=0.0, visibility=0.9) for x, y in self.landmarks]
        world = [SimpleNamespace(x=0.0, y=0.0, z=0.0, visibility=0.9)] * 33
        return SimpleNamespace(
            pose_landmarks=SimpleNamespace(landmark=points), pose_world_landmarks=SimpleNamespace(landmark=world)
        )


def torso_at(x: float, shoulders_y: float, hips_y: float) -> np.ndarray:
    points = np.full((33, 2), [x, (shoulders_y + hips_y) / 2])
    points[[L.LEFT_SHOULDER, L.RIGHT_SHOULDER], 1] = shoulders_y
    points[[L.LEFT_HIP, L.RIGHT_HIP], 1] = hips_y
    return points


@pytest.mark.parametrize("shoulders_y,hips_y,counts", [(0.3, 0.55, True), (0.6, 0.35, False)])
def test_a_second_person_counts_only_the_right_way_up(shoulders_y, hips_y, counts):
    from course.analysis.pose import second_person

    first = np.zeros((33, 3))
    first[:, :2] = torso_at(0.2, 0.3, 0.55)  # the learner, on the left
    first[:, 1] = np.linspace(0.1, 0.9, 33)
    image = np.full((200, 200, 3), 128, np.uint8)
    found = FixedPose(torso_at(0.8, shoulders_y, hips_y))  # someone on the right
    assert (second_person(found, image, first) is not None) is counts


@pytest.mark.parametrize(
    "sizes, count, background",
    [
        ((), 1, False),
        ((0.45,), 1, False),  # one sighting: a poster, a mirror or a mistake
        ((0.4, 0.5, 0.3), 1, True),  # people further back, as in any gym: left out, and said so
        ((0.45, 0.75), 2, False),  # seen twice, once as near as the lifter: whose hinge is it?
        ((0.59, 0.45, 0.35), 1, True),  # a small figure misread a third too big is still far behind
        ((1.0, 1.1), 2, False),
    ],
)
def test_people_far_behind_are_left_out_and_someone_as_near_as_the_lifter_refuses(sizes, count, background):
    from course.analysis.pose import People, Sighting

    people = People(tuple(Sighting(index, size) for index, size in enumerate(sizes)))
    assert (people.count, people.background) == (count, background)


# --------------------------------------------------------------------------------------------
# Reading ahead: frames decoded on another thread while the model works


def test_read_ahead_yields_every_item_in_order():
    assert list(read_ahead(iter(range(100)), depth=3)) == list(range(100))


def test_read_ahead_raises_the_producers_error_after_the_items_before_it():
    from course.analysis.problems import ClipTooLong

    def frames():
        yield from range(5)
        raise ClipTooLong(None, 60)

    got = []
    with pytest.raises(ClipTooLong):
        for item in read_ahead(frames(), depth=2):
            got.append(item)
    assert got == [0, 1, 2, 3, 4]


def test_leaving_read_ahead_early_stops_and_closes_the_producer_on_its_thread():
    import threading

    closed_on = []

    def endless():
        try:
            n = 0
            while True:
                yield n
                n += 1
        finally:
            closed_on.append(threading.current_thread().name)

    ahead = read_ahead(endless(), depth=4)
    assert [next(ahead) for _ in range(10)] == list(range(10))
    ahead.close()  # what leaving a for loop early, or an exception in its body, does
    assert closed_on == ["read-ahead"]
    assert not any(thread.name == "read-ahead" for thread in threading.enumerate())


def test_track_pose_reads_frames_on_the_read_ahead_thread(fake_model):
    import threading

    decoded_on = set()

    def frames():
        for frame in frames_of(coded([10, 20, 30])):
            decoded_on.add(threading.current_thread().name)
            yield frame

    track_pose(frames(), 8, 8)
    assert decoded_on == {"read-ahead"}


def test_read_ahead_refuses_a_depth_below_one():
    with pytest.raises(ValueError):
        list(read_ahead(iter([1]), depth=0))
