"""Writing the annotated frames as an H.264 MP4 that every browser plays, on a thread of its own."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from fractions import Fraction
from pathlib import Path
from typing import Any, Final, cast

import av
import cv2
import numpy as np

# --- the video file ---------------------------------------------------------------------------

CODEC: Final = "libx264"
PIX_FMT = "yuv420p"  # 4:2:0 8-bit: the only H.264 pixel format every browser decodes
TIME_BASE = Fraction(1, 90000)  # seconds per tick: MPEG's 90 kHz clock, finer than any frame
# x264's speed/size trade-off. Measured here (2 cores) on the real clips, CRF 26, encoding
# alone at 720 x 404 and 492 x 720: ultrafast 1.1-1.3 ms/frame but files 4.3-4.9 times
# veryfast's; superfast 1.9-2.1 ms/frame, twice the file; veryfast 2.1-2.9 ms/frame; medium
# (x264's default) about twice veryfast's time for a 5-10% larger file. In the whole of
# annotate_clip medium costs 2-3 ms/frame more than veryfast, ultrafast 0.3-1.3 less.
PRESET = "veryfast"
# veryfast's sub-pixel search and lookahead cut to the bone: 15-25% less encoding time
# (1.8-2.2 ms/frame) for files within 3% of veryfast's and pictures that differ by no more than
# two encodings of the same frames do (PSNR 34 dB between them; the lines and text look the same).
X264_PARAMS = "subme=1:rc-lookahead=5"
# Constant quality, 0 (lossless) to 51; x264's default is 23. 26 keeps the drawn lines and
# text sharp at phone size for about 0.4 Mbit/s at 720 x 404 (190 KB for a 4 s clip).
CRF = 26
KEYFRAME_S = 2.0  # seconds between keyframes at most: browsers seek to one, then decode on
MOVFLAGS = "+faststart"
# Frames waiting for the encoder thread: enough to ride out x264's bursts, few enough to keep
# memory small (each is one RGB frame, about 0.9 MB at 720 x 404).
QUEUE_FRAMES = 8
# The three steps on three threads: decode (read_frames), draw (the caller's thread), encode.
# Measured on the real clips at 720 pixels, the whole of annotate_clip: all on one thread
# 4.9-6.8 ms/frame; encoding on its own thread 3.9-5.3 (the CPU time is the same, about 6-8.5
# ms/frame, spread over 1.5-1.7 cores instead of 1.2); decoding on a third thread takes
# 0.3-0.4 ms/frame more off 1280 x 720 sources, whose decoding and shrinking is the slowest
# step, and changes nothing for smaller ones.
ENCODE_IN_THREAD = True


def encode_mp4(
    frames: Iterable[tuple[np.ndarray, float]],
    path: Path,
    *,
    fps: float,
    threaded: bool = True,
    preset: str = PRESET,
    crf: int = CRF,
) -> tuple[int, float, int, int]:
    """Write (RGB image, t_s) pairs as H.264 in MP4 (see the module docstring); every image
    the size of the first, with even width and height. fps: the nominal rate (sets the last
    frame's duration). threaded: encode on a second thread while `frames` produces the next.
    Returns (frames written, last t_s, width, height). Raises ValueError for no frames or an
    odd size, av.error.FFmpegError if the encoder fails, and whatever `frames` raises."""
    iterator = iter(frames)
    first = next(iterator, None)
    if first is None:
        raise ValueError("no frames to encode")
    height, width = first[0].shape[:2]
    if width % 2 or height % 2:
        raise ValueError(f"yuv420p needs an even width and height, got {width} x {height}")
    rate = Fraction(fps).limit_denominator(1001)
    with av.open(str(path), "w", format="mp4", options={"movflags": MOVFLAGS}) as container:
        stream = container.add_stream(CODEC, rate=rate)
        stream.width, stream.height, stream.pix_fmt = width, height, PIX_FMT
        stream.time_base = stream.codec_context.time_base = TIME_BASE
        stream.codec_context.gop_size = max(1, round(KEYFRAME_S * fps))
        stream.options = {"preset": preset, "crf": str(crf), "x264-params": X264_PARAMS}
        last_pts = -1

        def encode(image: np.ndarray, t_s: float) -> None:
            nonlocal last_pts
            # OpenCV's RGB -> I420 is BT.601 limited range, as FFmpeg's swscale would make it,
            # and faster (it releases the GIL and uses SIMD). It keeps the frame's uint8 depth,
            # which its stubs do not say.
            yuv = cast("np.ndarray[Any, np.dtype[np.uint8]]", cv2.cvtColor(image, cv2.COLOR_RGB2YUV_I420))
            frame = av.VideoFrame.from_ndarray(yuv, format=PIX_FMT)
            last_pts = max(round(t_s / TIME_BASE), last_pts + 1)
            frame.pts, frame.time_base = last_pts, TIME_BASE
            for packet in stream.encode(frame):
                container.mux(packet)

        count, last_t = 0, first[1]
        with _Worker(encode) if threaded else nullcontext() as worker:
            submit = worker.put if worker is not None else encode
            for image, t_s in _chain(first, iterator):
                if image.shape[:2] != (height, width):
                    raise ValueError("every frame must have the first frame's size")
                submit(image, t_s)
                count, last_t = count + 1, t_s
        for packet in stream.encode():
            container.mux(packet)
    return count, last_t, width, height


def _chain(
    first: tuple[np.ndarray, float], rest: Iterator[tuple[np.ndarray, float]]
) -> Iterator[tuple[np.ndarray, float]]:
    yield first
    yield from rest


class _Worker:
    """Runs `work(image, t_s)` on a second thread, in order, from a bounded queue. Leaving the
    `with` block waits for the queue to empty; an error in the thread is raised in the caller
    at the next put or on leaving; an error in the caller stops the thread."""

    _STOP = object()

    def __init__(self, work: Callable[[np.ndarray, float], None]) -> None:
        self.work = work
        self.queue: queue.Queue = queue.Queue(maxsize=QUEUE_FRAMES)
        self.error: BaseException | None = None
        self.cancelled = False
        self.thread = threading.Thread(target=self._run, name="annotate-encoder", daemon=True)

    def __enter__(self) -> _Worker:
        self.thread.start()
        return self

    def _run(self) -> None:
        while True:
            item = self.queue.get()
            if item is self._STOP:
                return
            if self.error is not None or self.cancelled:
                continue  # drain, so the caller never blocks on a full queue
            try:
                self.work(*item)
            except BaseException as error:  # handed to the caller, raised there
                self.error = error

    def put(self, image: np.ndarray, t_s: float) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put((image, t_s))

    def __exit__(self, kind, value, traceback) -> None:
        if kind is not None:
            self.cancelled = True
        self.queue.put(self._STOP)
        self.thread.join()
        if kind is None and self.error is not None:
            raise self.error
