"""Hostile clips are refused from their header, in well under a second, with a message for a
gym member; a normal clip still passes. The clips are built here with PyAV; sizes PyAV can't
write cheaply are patched into the AVI headers (and the MJPEG pictures' own size fields)."""

from __future__ import annotations

import struct
import time
from pathlib import Path

import av
import pytest

from course.analysis.problems import BrokenClip, ClipProblem, FrameTooLarge, TooMuchVideo
from course.analysis.video import probe, read_frames
from course.settings import ClipLimits
from tests.clip_factory import pattern, write_clip

# seconds: the issue asks for under 1 s (these clips took 69 s to 10 minutes before). Measured
# here 0.01-0.2 s; the bound is 3 s so that a CI machine busy with the browser tests does not
# fail it, while a clip that is decoded before it is refused still does.
REFUSED_WITHIN_S = 3.0


def write_avi(path: Path, codec: str = "mjpeg", frames: int = 20) -> Path:
    """A small AVI clip, 160 x 120 at 10 frames/s."""
    pix_fmt = {"mjpeg": "yuvj420p", "rawvideo": "bgr24"}[codec]
    with av.open(str(path), "w", format="avi") as container:
        stream = container.add_stream(codec, rate=10)
        stream.width, stream.height, stream.pix_fmt = 160, 120, pix_fmt
        for i in range(frames):
            frame = av.VideoFrame.from_ndarray(pattern(shade=i * 7), format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def patch_avi(
    path: Path,
    *,
    width: int | None = None,
    height: int | None = None,
    frames: int | None = None,
    rate: int | None = None,
    jpeg_size: bool = False,
) -> Path:
    """Rewrite an AVI's header fields in place: the picture size (main header and the stream's
    BITMAPINFOHEADER; with jpeg_size, every MJPEG picture's SOF0 size too), the frame count
    (main header and stream header) and the frame rate (stream header, as rate / 1)."""
    data = bytearray(path.read_bytes())
    main = data.find(b"avih") + 8
    stream = data.find(b"strh") + 8
    bitmap = data.find(b"strf") + 8
    if width is not None:
        struct.pack_into("<i", data, main + 32, width)
        struct.pack_into("<i", data, bitmap + 4, width)
    if height is not None:
        struct.pack_into("<i", data, main + 36, height)
        struct.pack_into("<i", data, bitmap + 8, height)
    if frames is not None:
        struct.pack_into("<I", data, main + 16, frames)
        struct.pack_into("<I", data, stream + 32, frames)
    if rate is not None:
        struct.pack_into("<II", data, stream + 20, 1, rate)
    if jpeg_size:
        at = data.find(b"\xff\xc0")
        while at >= 0:
            struct.pack_into(">HH", data, at + 5, height, width)
            at = data.find(b"\xff\xc0", at + 2)
    path.write_bytes(data)
    return path


def refused(path: Path, limits: ClipLimits | None = None) -> tuple[ClipProblem, float]:
    """The problem probe + read_frames raise for the clip, and the seconds it took."""
    start = time.perf_counter()
    with pytest.raises(ClipProblem) as caught:
        list(read_frames(path, probe(path, limits)))
    return caught.value, time.perf_counter() - start


def for_a_gym_member(problem: ClipProblem) -> bool:
    text = str(problem)
    return ("4K" in text or "1080p" in text) and not any(
        word in text for word in ("Traceback", "FFmpeg", "avcodec", "Errno", "PyAV")
    )


def test_16000_pixel_square_frames_are_refused_before_decoding(tmp_path):
    path = patch_avi(write_avi(tmp_path / "clip.avi"), width=16000, height=16000, jpeg_size=True)
    problem, seconds = refused(path)
    assert isinstance(problem, FrameTooLarge)
    assert (problem.width, problem.height) == (16000, 16000)
    assert seconds < REFUSED_WITHIN_S
    assert "16,000 x 16,000" in str(problem) and for_a_gym_member(problem)


def test_a_reported_4802638_by_480_frame_is_refused_before_decoding(tmp_path):
    # Raw video takes its picture size from the header alone: one frame of this would be
    # 6.9 GB. FFmpeg itself rejects a side this long, so it reads as a damaged file.
    path = patch_avi(write_avi(tmp_path / "clip.avi", codec="rawvideo"), width=4_802_638, height=480)
    problem, seconds = refused(path)
    assert isinstance(problem, BrokenClip) and seconds < REFUSED_WITHIN_S


def test_a_header_claiming_20_megapixel_frames_is_refused_before_decoding(tmp_path):
    path = patch_avi(write_avi(tmp_path / "clip.avi", codec="rawvideo"), width=5000, height=4000)
    problem, seconds = refused(path)
    assert isinstance(problem, FrameTooLarge) and seconds < REFUSED_WITHIN_S
    assert "5,000 x 4,000" in str(problem) and for_a_gym_member(problem)


@pytest.mark.slow
def test_frames_bigger_than_4k_are_refused_and_4k_sized_limits_pass_them(tmp_path):
    # Really encoded 3200 x 3200 (10.2 Mpx) frames: over the 8.9 Mpx limit, under a raised one.
    images = [pattern(3200, 3200, shade=i * 60) for i in range(3)]
    path = write_clip(tmp_path / "clip.mp4", images=images, rate=1)
    problem, seconds = refused(path, ClipLimits(min_clip_frames=2))
    assert isinstance(problem, FrameTooLarge) and seconds < REFUSED_WITHIN_S
    info = probe(path, ClipLimits(min_clip_frames=2, max_frame_megapixels=11))
    assert (info.width, info.height) == (3200, 3200)


def test_a_million_frames_in_90_seconds_does_not_add_up_and_nothing_is_decoded(tmp_path):
    path = patch_avi(write_avi(tmp_path / "clip.avi"), frames=1_000_000, rate=11_112)
    start = time.perf_counter()
    with pytest.raises(TooMuchVideo) as caught:
        probe(path)
    assert time.perf_counter() - start < REFUSED_WITHIN_S
    assert caught.value.frames == 1_000_000 and "slow motion" in str(caught.value)


def test_more_frames_than_the_duration_can_hold_is_refused(tmp_path):
    # 20 frames claimed in a 2 s clip is 10 frames/s; with the rate limit at 5 frames/s it
    # doesn't add up.
    path = write_avi(tmp_path / "clip.avi")
    with pytest.raises(TooMuchVideo):
        probe(path, ClipLimits(max_frame_rate=5))


def test_decoding_stops_as_soon_as_the_frame_count_is_passed(tmp_path):
    # A browser recording states no length or frame count: only the frames can tell.
    path = write_clip(tmp_path / "clip.webm", fmt="webm", codec="libvpx-vp9", frames=70, options={"live": "1"})
    limits = ClipLimits(max_clip_seconds=5, max_frame_rate=5)  # 25 frames at most
    info = probe(path, limits)
    assert info.frame_count is None
    decoded = []
    with pytest.raises(TooMuchVideo):
        for frame in read_frames(path, info):
            decoded.append(frame.index)
    assert len(decoded) == limits.max_frames


def test_decoding_stops_when_the_clip_holds_too_many_pixels(tmp_path):
    path = write_clip(tmp_path / "clip.webm", fmt="webm", codec="libvpx-vp9", frames=70, options={"live": "1"})
    limits = ClipLimits(max_clip_gigapixels=0.001, max_clip_seconds=10)  # 1 million pixels
    info = probe(path, limits)
    decoded = 0
    with pytest.raises(TooMuchVideo):
        for _ in read_frames(path, info):
            decoded += 1
    assert decoded == limits.max_clip_pixels // (160 * 120)  # 52 frames of 160 x 120


def test_a_normal_clip_passes_every_limit(tmp_path):
    path = write_clip(tmp_path / "clip.mp4", frames=30)
    info = probe(path)
    assert len(list(read_frames(path, info))) == 30
