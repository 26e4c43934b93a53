"""The annotated video shows the lifter: the picture is cut to where they move before it is sized
down (course.analysis.annotate.person_crop and framed_size), so a lifter in a pillarboxed phone
clip, or small in a wide frame, is large on a phone.

The crop box is checked on landmark tracks made in code (the body model filmed by
course.synthetic_landmarks); the whole self-check on real clips (HINGE_CLIPS_DIR) placed in code
into a wide black frame, the person's width in the annotated video measured from MediaPipe's own
silhouette of it.
"""

from __future__ import annotations

import io
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from course.analysis.annotate import framed_size, person_crop
from course.analysis.check import analyse_clip
from course.analysis.kinematics import VISIBLE
from course.analysis.video import VideoInfo
from course.landmarks import Camera
from course.motions import good_hinge
from course.settings import ClipLimits
from course.synthetic_landmarks import landmark_sequence
from course.thresholds import CROP_ASPECT, CROP_MARGIN, CROP_MAX_ENLARGE, CROP_MIN_SIDE
from tests.real_clips import CLIPS, needs_clips
from tests.stress import find_person, read_frames, write_frames

WIDE = (1280, 720)  # pixels: a landscape phone frame
MAX_SIDE = 480  # pixels: Settings.annotated_max_side's default


def filmed(width: int = WIDE[0], height: int = WIDE[1], distance_m: float = 6.0):
    """A good hinge filmed side-on from `distance_m` (6 m: the lifter spans about half the
    height of a wide frame): (points (frames, 33, 2), visibility (frames, 33))."""
    camera = Camera.side_view("right", width_px=width, height_px=height, distance_m=distance_m)
    seq = landmark_sequence(good_hinge(), camera)
    return seq.image[..., :2], seq.visibility


def seen_box(points: np.ndarray, visibility: np.ndarray, size: tuple[int, int]) -> tuple[float, float, float, float]:
    seen = visibility >= VISIBLE.value
    xs, ys = points[..., 0][seen] * size[0], points[..., 1][seen] * size[1]
    return float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())


def test_the_crop_holds_every_landmark_seen_with_room_around_it_inside_the_frame():
    points, visibility = filmed()
    x0, y0, x1, y1 = person_crop(points, visibility, *WIDE)
    left, top, right, bottom = seen_box(points, visibility, WIDE)
    room = CROP_MARGIN.value * (bottom - top)
    assert x0 >= 0 and y0 >= 0 and x1 <= WIDE[0] and y1 <= WIDE[1]
    # the margin on every side, unless the frame's edge comes first
    assert x0 <= max(0, left - room) and y0 <= max(0, top - room)
    assert x1 >= min(WIDE[0], right + room) and y1 >= min(WIDE[1], bottom + room)
    assert (x1 - x0) * (y1 - y0) < 0.5 * WIDE[0] * WIDE[1], "the lifter is small: the crop must be much smaller"


def test_the_crop_has_even_sides_and_corner_for_yuv420():
    for distance in (3.5, 5.0, 6.0, 9.0):
        points, visibility = filmed(1279, 719, distance)  # odd frame sizes too
        box = person_crop(points, visibility, 1279, 719)
        assert box is not None
        assert all(v % 2 == 0 for v in box), box
        assert box[2] <= 1278 and box[3] <= 718


def test_one_crop_for_the_whole_clip_whatever_order_its_frames_come_in():
    points, visibility = filmed()
    box = person_crop(points, visibility, *WIDE)
    order = np.random.default_rng(1).permutation(len(points))
    assert person_crop(points[order], visibility[order], *WIDE) == box
    # and every single frame's person lies inside it: the picture never has to move
    for frame in range(0, len(points), 7):
        left, top, right, bottom = seen_box(points[frame : frame + 1], visibility[frame : frame + 1], WIDE)
        assert box[0] <= left and box[1] <= top and right <= box[2] and bottom <= box[3]


def test_a_crop_of_a_lone_far_landmark_still_holds_it():
    points, visibility = filmed()
    points, visibility = points.copy(), visibility.copy()
    points[10, 15] = (0.97, 0.5)  # a wrist far out on one frame (a hand, a bar end)
    visibility[10, 15] = 1.0
    box = person_crop(points, visibility, *WIDE)
    assert box is not None and box[2] >= 0.97 * WIDE[0]


def test_nobody_seen_means_no_crop():
    points, visibility = filmed()
    assert person_crop(points, np.zeros_like(visibility), *WIDE) is None
    assert person_crop(np.full_like(points, np.nan), visibility, *WIDE) is None


def test_a_person_who_fills_the_picture_keeps_the_whole_picture():
    size = (404, 720)  # a portrait phone frame
    points, visibility = filmed(*size, 3.0)
    # filmed close: the lifter's box grown about its centre to span 90 % of the frame's height
    left, top, right, bottom = seen_box(points, visibility, size)
    centre = np.array([left + right, top + bottom]) / 2
    pixels = size[1] / 2 + (points * size - centre) * 0.9 * size[1] / (bottom - top)
    pixels[..., 0] += size[0] / 2 - size[1] / 2
    points = pixels / size
    left, top, right, bottom = seen_box(points, visibility, size)
    assert bottom - top > 0.85 * size[1] and left >= 0 and right <= size[0]
    assert person_crop(points, visibility, *size) is None


def test_a_standing_person_is_framed_no_narrower_than_a_phone_screen():
    points, visibility = filmed()
    standing = slice(0, 3)  # the motion starts standing tall: a tall, narrow box
    x0, y0, x1, y1 = person_crop(points[standing], visibility[standing], *WIDE)
    assert (x1 - x0) / (y1 - y0) >= CROP_ASPECT.value[0] - 0.01


def test_a_tiny_person_gets_a_crop_of_at_least_the_smallest_share():
    points, visibility = filmed(distance_m=20.0)
    x0, y0, x1, y1 = person_crop(points, visibility, *WIDE)
    assert max(x1 - x0, y1 - y0) >= CROP_MIN_SIDE.value * WIDE[0] - 2


def test_the_video_size_is_even_shrinks_a_large_crop_and_enlarges_a_small_one_at_most_twice():
    info = VideoInfo(Path("clip.mp4"), "mp4", "h264", *WIDE, 0, False, 30.0, 4.0, 120, 1_000_000, ClipLimits())
    assert framed_size(info, None, MAX_SIDE) == (480, 270)
    assert framed_size(info, (400, 0, 892, 720), MAX_SIDE) == (328, 480)
    assert (
        framed_size(info, (0, 0, 100, 150), MAX_SIDE)
        == (2 * 100, 2 * 150)
        == (
            CROP_MAX_ENLARGE.value * 100,
            CROP_MAX_ENLARGE.value * 150,
        )
    )
    for crop in ((0, 0, 402, 720), (10, 20, 333, 301)):
        width, height = framed_size(info, crop, MAX_SIDE)
        assert width % 2 == 0 and height % 2 == 0


# --------------------------------------------------------------------------------------------
# Real clips in a wide black frame


def in_black_frame(frames, size: tuple[int, int], scale: float):
    """Each picture shrunk by `scale` and centred in a black `size` frame (width, height)."""
    placed = []
    for t, image in frames:
        small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        canvas = np.zeros((size[1], size[0], 3), np.uint8)
        h, w = small.shape[:2]
        y, x = (size[1] - h) // 2, (size[0] - w) // 2
        canvas[y : y + h, x : x + w] = small
        placed.append((t, canvas))
    return placed


def person_widths(video: Path, every: int = 6) -> tuple[np.ndarray, int]:
    """The silhouette's width (pixels) on every `every`th frame of the annotated video, and
    the video's width."""
    frames = []
    with av.open(str(video)) as container:
        for i, frame in enumerate(container.decode(video=0)):
            if i % every == 0:
                frames.append((float(frame.time), frame.to_ndarray(format="rgb24")))
    widths = []
    for mask in find_person(frames).silhouettes:
        columns = np.nonzero(mask.sum(axis=0) > 2)[0]
        widths.append(columns.max() - columns.min() + 1 if len(columns) else 0)
    return np.array(widths), frames[0][1].shape[1]


@needs_clips
@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "scale"),
    [
        ("deadlift-side-2reps.mp4", 1.0),  # a portrait phone clip pillarboxed into landscape
        ("kb-deadlift-side.mp4", 0.8),  # a lifter small in a wide frame
    ],
)
def test_a_lifter_in_a_wide_black_frame_fills_the_annotated_video(tmp_path, name, scale):
    source = read_frames(CLIPS / name, seconds=4.0, max_side=720)
    clip = write_frames(tmp_path / "wide.mp4", in_black_frame(source, WIDE, scale))
    out = tmp_path / "out"
    out.mkdir()
    analysis = analyse_clip(clip, annotate_in=out)
    assert analysis.video is not None, analysis.report.message
    video = tmp_path / "annotated.mp4"
    video.write_bytes(analysis.video)
    widths, video_width = person_widths(video)
    whole_frame_widths = np.array([mask.any(axis=0).sum() for mask in find_person(source[::6]).silhouettes])
    before = np.median(whole_frame_widths) * scale * MAX_SIDE / WIDE[0]  # the whole frame at 480 wide
    assert np.median(widths) >= 0.5 * video_width, (np.median(widths), video_width)
    assert np.median(widths) >= 1.5 * before, (np.median(widths), before)


@needs_clips
@pytest.mark.slow
def test_a_clip_whose_lifter_fills_the_picture_is_not_cut(real_clip_analysis):
    analysis = real_clip_analysis("deadlift-side-2reps.mp4")  # 492 x 720, the lifter top to bottom
    assert analysis.video is not None
    with av.open(io.BytesIO(analysis.video)) as container:
        stream = container.streams.video[0]
        assert (stream.width, stream.height) == (328, 480)  # the whole picture, shrunk


def test_frames_for_the_video_are_kept_as_large_as_the_memory_budget_allows():
    from course.analysis.check import _kept_side
    from course.settings import Settings

    settings = Settings()  # analysis at 1280 pixels, the video at 480, 512 MB for kept frames

    def clip(frames: int) -> VideoInfo:
        return VideoInfo(Path("clip.mp4"), "mp4", "h264", *WIDE, 0, False, 30.0, frames / 30, frames, 1, ClipLimits())

    assert _kept_side(clip(120), settings) == 1280  # 4 s: the pose pass's own frames, no copy
    assert _kept_side(clip(250), settings) == 960  # 8 s: twice the video's size
    assert _kept_side(clip(1200), settings) == 480  # 40 s: the video's size
    assert _kept_side(clip(2000), settings) is None  # decoded again
