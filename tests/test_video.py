"""Opening uploaded clips: what is refused and why, and how accepted clips come out.

Every clip here is written by PyAV into tmp_path from NumPy frames (as PyAV's own
tests/test_display_matrix.py does); no video file is checked in. The real clips are used only
where HINGE_CLIPS_DIR points at them.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from course.analysis.problems import (
    BrokenClip,
    ClipProblem,
    ClipTooLarge,
    ClipTooLong,
    ClipTooShort,
    EmptyFile,
    NotAVideo,
    NoVideoTrack,
    UnsupportedFormat,
)
from course.analysis.video import VideoInfo, output_size, probe, read_frames, sniff_container
from course.settings import ClipLimits
from tests.clip_factory import HEIGHT, RATE, WIDTH, pattern, write_audio, write_clip
from tests.real_clips import CLIPS, needs_clips

PIXEL_TOL = 40  # 0..255: lossy encoding blurs edges and shifts colours by less than this


def decode_all(path: Path, limits: ClipLimits | None = None, **kwargs) -> tuple[VideoInfo, list]:
    info = probe(path, limits)
    return info, list(read_frames(path, info, **kwargs))


def close(image: np.ndarray, expected: np.ndarray) -> bool:
    """Same picture within lossy-encoding error."""
    return (
        image.shape == expected.shape and float(np.abs(image.astype(int) - expected.astype(int)).mean()) < PIXEL_TOL / 4
    )


# --------------------------------------------------------------------------------------------
# Files that are not videos


def test_text_file_named_mp4_is_not_a_video(tmp_path):
    path = tmp_path / "clip.mp4"
    path.write_text("This is my hinge clip, honest.\n" * 50)
    with pytest.raises(NotAVideo):
        probe(path)


def test_png_image_named_mp4_is_not_a_video(tmp_path):
    ok, png = cv2.imencode(".png", pattern())
    assert ok
    path = tmp_path / "clip.mp4"
    path.write_bytes(png.tobytes())
    with pytest.raises(NotAVideo):
        probe(path)


def test_jpeg_photo_named_mov_is_not_a_video(tmp_path):
    ok, jpeg = cv2.imencode(".jpg", pattern())
    assert ok
    path = tmp_path / "clip.mov"
    path.write_bytes(jpeg.tobytes())
    with pytest.raises(NotAVideo):
        probe(path)


def test_empty_file_is_reported_as_empty(tmp_path):
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"")
    with pytest.raises(EmptyFile):
        probe(path)


@pytest.mark.parametrize("fmt,codec", [("mp4", "aac"), ("wav", "pcm_s16le")])
def test_sound_only_file_has_no_video_track(tmp_path, fmt, codec):
    path = write_audio(tmp_path / f"clip.{fmt}", fmt, codec)
    with pytest.raises(NoVideoTrack):
        probe(path)


def test_missing_file_is_the_callers_mistake_not_a_clip_problem(tmp_path):
    with pytest.raises(FileNotFoundError) as caught:
        probe(tmp_path / "gone.mp4")
    assert not isinstance(caught.value, ClipProblem)


# --------------------------------------------------------------------------------------------
# Containers, by content


@pytest.mark.parametrize(
    "fmt,codec,kind",
    [
        ("mp4", "libx264", "mp4"),
        ("mov", "libx264", "mov"),
        ("webm", "libvpx-vp9", "webm"),
        ("avi", "mpeg4", "avi"),
    ],
)
def test_accepted_containers_decode_every_frame(tmp_path, fmt, codec, kind):
    info, frames = decode_all(write_clip(tmp_path / f"clip.{fmt}", fmt=fmt, codec=codec))
    assert (info.container, info.width, info.height) == (kind, WIDTH, HEIGHT)
    assert len(frames) == 2 * RATE
    assert info.duration_s == pytest.approx(2.0, abs=0.15)
    assert close(frames[0].image, pattern(shade=0))


@pytest.mark.parametrize(
    "fmt,codec,kind",
    [
        ("matroska", "libx264", "mkv"),
        ("flv", "flv", "flv"),
        ("mpegts", "mpeg2video", "mpeg-ts"),
    ],
)
def test_other_video_containers_are_refused_by_name(tmp_path, fmt, codec, kind):
    path = write_clip(tmp_path / "clip.mp4", fmt=fmt, codec=codec)  # the name says mp4
    with pytest.raises(UnsupportedFormat) as caught:
        probe(path)
    assert caught.value.kind == kind
    assert "MP4" in str(caught.value)


def test_webm_named_mp4_is_read_as_webm(tmp_path):
    path = write_clip(tmp_path / "clip.mp4", fmt="webm", codec="libvpx-vp9")
    assert probe(path).container == "webm"


def test_mkv_is_accepted_when_the_settings_allow_it(tmp_path):
    path = write_clip(tmp_path / "clip.mkv", fmt="matroska")
    limits = ClipLimits(accepted_formats=("mp4", "mov", "webm", "avi", "mkv"))
    info, frames = decode_all(path, limits)
    assert info.container == "mkv"
    assert len(frames) == 2 * RATE


@pytest.mark.parametrize(
    "head,kind",
    [
        (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00", "mp4"),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00", "mov"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", "image"),
        (b"\x00\x00\x00\x08wide\x00\x00\x00\x00mdat", "mov"),
        (b"RIFF\x00\x00\x00\x00AVI LIST", "avi"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00", "audio"),
        (b"hello, world", "unknown"),
    ],
)
def test_containers_are_told_by_their_first_bytes(head, kind):
    assert sniff_container(head) == kind


# --------------------------------------------------------------------------------------------
# Damaged clips: refused as a whole, never judged in part


def test_mp4_cut_in_half_is_broken(tmp_path):
    path = write_clip(tmp_path / "clip.mp4", frames=40)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # the index (moov) sits at the end: gone
    with pytest.raises(BrokenClip):
        probe(path)


def test_streamable_mp4_cut_in_half_is_broken_before_decoding(tmp_path):
    path = write_clip(tmp_path / "clip.mp4", frames=40, options={"movflags": "faststart"})
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # the index is whole, half the frames are gone
    with pytest.raises(BrokenClip):
        probe(path)


@pytest.mark.parametrize("fmt,codec", [("webm", "libvpx-vp9"), ("avi", "mpeg4")])
@pytest.mark.slow
def test_clip_cut_in_half_is_broken_after_its_frames(tmp_path, fmt, codec):
    images = [
        np.random.default_rng(i).integers(0, 255, (HEIGHT, WIDTH, 3), np.uint8) for i in range(40)
    ]  # noise: every frame is big, so half the bytes is half the clip
    path = write_clip(tmp_path / f"clip.{fmt}", fmt=fmt, codec=codec, images=images)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    info = probe(path)  # the header is whole
    with pytest.raises(BrokenClip):
        list(read_frames(path, info))


@pytest.mark.parametrize("seed", range(6))
def test_damaged_bytes_give_frames_or_a_clip_problem_never_a_library_error(tmp_path, seed):
    path = write_clip(tmp_path / "clip.mp4", frames=30)
    data = bytearray(path.read_bytes())
    rng = np.random.default_rng(seed)
    start = rng.integers(48, len(data) - 64)
    data[start : start + 64] = rng.integers(0, 256, 64, dtype=np.uint8).tobytes()
    path.write_bytes(bytes(data))
    try:
        _info, frames = decode_all(path)
    except ClipProblem:
        return
    assert all(frame.image.shape == (HEIGHT, WIDTH, 3) for frame in frames)


# --------------------------------------------------------------------------------------------
# Limits


def test_clip_bigger_than_the_limit_is_too_large_before_anything_is_read(tmp_path):
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"\x00" * (2 * 1024 * 1024))  # not even a video: size is checked first
    with pytest.raises(ClipTooLarge) as caught:
        probe(path, ClipLimits(max_clip_mb=1))
    assert "2 MB" in str(caught.value) and "1 MB" in str(caught.value)


def test_clip_longer_than_the_limit_is_too_long(tmp_path):
    path = write_clip(tmp_path / "clip.mp4", frames=70, rate=10)  # 7 s
    with pytest.raises(ClipTooLong) as caught:
        probe(path, ClipLimits(max_clip_seconds=5))
    assert caught.value.duration_s == pytest.approx(7.0, abs=0.2)


def test_clip_without_a_stated_length_is_stopped_at_the_limit(tmp_path):
    # Browser recordings (MediaRecorder) write WebM with no duration in the header.
    path = write_clip(tmp_path / "clip.webm", fmt="webm", codec="libvpx-vp9", frames=70, options={"live": "1"})
    info = probe(path, ClipLimits(max_clip_seconds=5))
    assert info.duration_s is None
    with pytest.raises(ClipTooLong):
        list(read_frames(path, info))


def test_one_frame_clip_is_too_short(tmp_path):
    path = write_clip(tmp_path / "clip.mp4", frames=1)
    with pytest.raises(ClipTooShort) as caught:
        probe(path)
    assert "single picture" in str(caught.value)


def test_half_second_clip_is_too_short(tmp_path):
    path = write_clip(tmp_path / "clip.mp4", frames=15, rate=30)
    with pytest.raises(ClipTooShort):
        probe(path)


# --------------------------------------------------------------------------------------------
# Rotation, size, colour, time


def stored_for(upright: np.ndarray, degrees: int, hflip: bool, vflip: bool) -> np.ndarray:
    """The pixels a camera stores so that rotating them `degrees` counter-clockwise, then
    mirroring (PyAV's set_display_rotation semantics), shows `upright`."""
    image = upright[::-1] if vflip else upright
    image = image[:, ::-1] if hflip else image
    return np.ascontiguousarray(np.rot90(image, k=-(degrees // 90)))


@pytest.mark.parametrize(
    "degrees,hflip,vflip",
    [
        (-90, False, False),  # EXIF 6: a phone held upright, the usual portrait clip
        (90, False, False),  # EXIF 8: held upside down
        (180, False, False),  # EXIF 3: landscape, upside down
        (0, True, False),  # EXIF 2: mirrored (a front camera)
        (90, True, False),  # EXIF 5
        (90, True, True),  # EXIF 6 written with flips
    ],
)
def test_rotated_phone_clip_comes_out_upright(tmp_path, degrees, hflip, vflip):
    upright = pattern(width=96, height=128)  # portrait: white block at the top left
    stored = stored_for(upright, degrees % 360, hflip, vflip)
    path = write_clip(tmp_path / "clip.mp4", images=[stored] * 12, rotation=degrees, hflip=hflip, vflip=vflip)
    info, frames = decode_all(path)
    assert (info.width, info.height, info.portrait) == (96, 128, True)
    image = frames[0].image
    assert image.shape == (128, 96, 3)
    assert image[:32, :32].mean() > 200  # the white block is at the top left
    assert image[-24:, -24:, 0].mean() > 200 and image[-24:, -24:, 1].mean() < 60  # red
    assert close(image, upright)


def test_big_frames_are_shrunk_to_the_long_side_keeping_their_shape(tmp_path):
    path = write_clip(tmp_path / "clip.mp4", images=[pattern(320, 240)] * 12)
    info, frames = decode_all(path, max_side=160)
    assert (info.width, info.height) == (320, 240)
    assert output_size(info, 160) == (160, 120)
    assert frames[0].image.shape == (120, 160, 3)
    assert close(frames[0].image, cv2.resize(pattern(320, 240), (160, 120), interpolation=cv2.INTER_AREA))


def test_small_frames_are_never_enlarged(tmp_path):
    _info, frames = decode_all(write_clip(tmp_path / "clip.mp4"), max_side=4096)
    assert frames[0].image.shape == (HEIGHT, WIDTH, 3)


def test_frames_are_rgb_uint8_contiguous_and_read_only(tmp_path):
    _, frames = decode_all(write_clip(tmp_path / "clip.mp4"))
    image = frames[0].image
    assert image.dtype == np.uint8 and image.flags.c_contiguous
    assert not image.flags.writeable
    red = image[-HEIGHT // 8 :, -WIDTH // 8 :].reshape(-1, 3).mean(axis=0)
    assert red[0] > 200 and red[1] < 60 and red[2] < 60


@pytest.mark.parametrize("fmt,codec", [("mp4", "libx264"), ("webm", "libvpx-vp9")])
def test_variable_frame_rate_clip_keeps_each_frames_own_time(tmp_path, fmt, codec):
    times_ms = [0, 33, 100, 133, 250, 283, 316, 500, 533, 566, 700, 900, 933, 1200, 1233, 1500]
    path = write_clip(tmp_path / f"clip.{fmt}", fmt=fmt, codec=codec, frames=len(times_ms), times_ms=times_ms)
    _, frames = decode_all(path)
    assert [round(frame.t_s * 1000) for frame in frames] == times_ms
    assert [frame.index for frame in frames] == list(range(len(times_ms)))


def test_timestamps_start_at_zero_for_a_clip_that_starts_late(tmp_path):
    times_ms = [500 + 100 * i for i in range(15)]
    path = write_clip(tmp_path / "clip.mp4", frames=len(times_ms), times_ms=times_ms)
    _, frames = decode_all(path)
    assert frames[0].t_s == 0.0
    assert frames[-1].t_s == pytest.approx(1.4, abs=1e-3)


def test_stopping_early_closes_the_clip_cleanly(tmp_path):
    path = write_clip(tmp_path / "clip.mp4")
    info = probe(path)
    frames = read_frames(path, info)
    first = next(frames)
    frames.close()  # the consumer gives up: no error, no frames after
    assert first.index == 0
    assert list(frames) == []


# --------------------------------------------------------------------------------------------
# Real clips


@needs_clips
def test_real_one_frame_clip_is_too_short():
    with pytest.raises(ClipTooShort):
        probe(CLIPS / "one-frame.mp4")


@needs_clips
@pytest.mark.slow
def test_real_variable_rate_clip_keeps_its_uneven_timing():
    path = CLIPS / "goblet-squat-side.mp4"
    _, frames = decode_all(path)
    gaps = np.diff([frame.t_s for frame in frames])
    assert gaps.min() > 0
    assert gaps.max() > 1.3 * gaps.min()  # 33 to 55 ms: not index / fps
