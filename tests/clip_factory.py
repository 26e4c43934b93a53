"""Clips made in code for the tests: PyAV writes small MP4s from NumPy pictures (as PyAV's own
tests/test_display_matrix.py does), and real clips (HINGE_CLIPS_DIR) are cut, darkened or
re-timed into new ones. No video file is checked in."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from tests.real_clips import CLIPS

WIDTH, HEIGHT = 160, 120  # pixels: small, and divisible by 16 for every encoder
RATE = 10  # frames per second: 20 frames make a 2 s clip
SHORT_CLIP_S = 4.0  # seconds: clips derived from the real ones are cut to this so the tests stay fast
DARK_SCALE = 0.05  # times each pixel's value: the kettlebell clip's mean luma falls from 123 to 6 (of 255)


def pattern(width: int = WIDTH, height: int = HEIGHT, shade: int = 0) -> np.ndarray:
    """An asymmetric RGB picture: white block at the top left, red block at the bottom right,
    grey `shade` elsewhere."""
    image = np.full((height, width, 3), shade, np.uint8)
    image[: height // 4, : width // 3] = 255
    image[-height // 4 :, -width // 3 :] = (255, 0, 0)
    return image


def write_clip(
    path: Path,
    *,
    fmt: str | None = None,
    codec: str = "libx264",
    frames: int = 2 * RATE,
    rate: int = RATE,
    images: list[np.ndarray] | None = None,
    rotation: int | None = None,
    hflip: bool = False,
    vflip: bool = False,
    times_ms: list[int] | None = None,
    options: dict[str, str] | None = None,
) -> Path:
    """Write a small clip with PyAV and return its path.

    images: the stored pictures (default: `pattern` with a changing shade). rotation, hflip,
    vflip: a display matrix as stream.set_display_rotation writes it. times_ms: each frame's
    presentation time (variable frame rate), in milliseconds.
    """
    if images is None:
        images = [pattern(shade=(i * 7) % 200) for i in range(frames)]
    height, width = images[0].shape[:2]
    with av.open(str(path), "w", format=fmt, container_options=options or {}) as container:
        stream = container.add_stream(codec, rate=rate)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        if times_ms is not None:
            stream.time_base = stream.codec_context.time_base = Fraction(1, 1000)
        if rotation is not None:
            stream.set_display_rotation(rotation, hflip=hflip, vflip=vflip)
        for i, image in enumerate(images):
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            if times_ms is not None:
                frame.pts, frame.time_base = times_ms[i], Fraction(1, 1000)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def write_audio(path: Path, fmt: str, codec: str) -> Path:
    """Two seconds of silence with no picture."""
    planar = not codec.startswith("pcm")
    with av.open(str(path), "w", format=fmt) as container:
        stream = container.add_stream(codec, rate=44100)
        for i in range(86):
            samples = np.zeros((1, 1024), np.float32 if planar else np.int16)
            frame = av.AudioFrame.from_ndarray(samples, format="fltp" if planar else "s16", layout="mono")
            frame.sample_rate, frame.pts = 44100, i * 1024
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


Frames = list[tuple[float, np.ndarray]]  # (seconds from the first frame, RGB picture)


def real_frames(
    name: str, *, keep_top: float = 1.0, columns: slice = slice(None), seconds: float = SHORT_CLIP_S
) -> Frames:
    """A real clip's first `seconds` as RGB pictures with their own times, cropped to the top
    `keep_top` share of the height and to `columns`, and to even sizes for H.264."""
    frames: Frames = []
    with av.open(str(CLIPS / name)) as container:
        for frame in container.decode(video=0):
            if frames and frame.time - frames[0][0] > seconds:
                break
            image = frame.to_ndarray(format="rgb24")[:, columns]
            height = round(image.shape[0] * keep_top) // 2 * 2
            frames.append((float(frame.time), np.ascontiguousarray(image[:height, : image.shape[1] // 2 * 2])))
    start = frames[0][0]
    return [(t - start, image) for t, image in frames]


def write_frames(path: Path, frames: Frames, rotation: int | None = None) -> Path:
    """An H.264 MP4 in which every frame keeps its own time (milliseconds). rotation: a
    display matrix, counter-clockwise degrees, as a phone writes for a portrait clip."""
    return write_clip(
        path,
        images=[image for _, image in frames],
        rate=30,
        rotation=rotation,
        times_ms=[round(t * 1000) for t, _ in frames],
    )
