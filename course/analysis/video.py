"""Open an uploaded clip with PyAV, check it, and yield its frames upright, in RGB, with their
own timestamps.

Two steps, both raising only `ClipProblem`s (course.analysis.problems) for a bad clip; no
PyAV exception reaches the caller:

    probe(path, limits)          -> VideoInfo     cheap: header, first frame, limits
    read_frames(path, info, ...) -> VideoFrame... the whole clip, one frame at a time

What a clip must be
    Container: judged by the file's first bytes, never by its name. MP4 (the whole ISO family:
        MP4, M4V, 3GP), MOV, WebM and AVI are accepted (`ClipLimits.accepted_formats`). MKV,
        FLV, MPEG-TS, WMV and Ogg are real videos we refuse (UnsupportedFormat); photos, text
        and unknown bytes are NotAVideo; sound-only files are NoVideoTrack. The demuxer is
        then forced to the sniffed one (FFmpeg's own guessing is never used), so a playlist or
        image sequence dressed up as a video can't make FFmpeg open other files, and only the
        `file` protocol is allowed.
    Size, length, frames: `ClipLimits`. Length is checked from the header in `probe` and again
        from the frames' own timestamps in `read_frames`, for files whose header is missing
        or wrong.
    Pixels: `ClipLimits.max_frame_pixels` per frame and `max_clip_pixels` (frames x pixels)
        per clip, and at most `max_frames` frames. `probe` checks the header's picture size
        and frame count before decoding anything (FrameTooLarge, TooMuchVideo), and tells
        FFmpeg's decoder the same pixel limit (its `max_pixels` option) so a header that
        understates the size can't make it allocate a huge picture; `read_frames` checks
        every decoded frame and stops as soon as a limit is passed.
    Truncated or damaged: BrokenClip, never a partial result. An MP4/MOV whose index points
        past the end of the file fails in `probe`. Otherwise `read_frames` raises BrokenClip
        when FFmpeg reports a damaged packet, or after the last frame when the frames stop
        well short of the length the header promised: the frames already yielded were
        fine, but judging half a set would miss reps, so the clip is refused as a whole.

Rotation
    Phones store a portrait clip as landscape pixels plus a display matrix saying how to turn
    them. PyAV reports it (`VideoFrame.rotation`, counter-clockwise degrees, and the raw matrix
    as the frame's `DISPLAYMATRIX` side data) but does not apply it. `probe` reads the matrix
    from the first decoded frame and `read_frames` turns each picture upright with cv2.rotate
    (and cv2.flip for the rare mirrored clip). Angles that are not a multiple of 90 degrees
    are rounded to the nearest quarter turn.

Time
    `VideoFrame.t_s` is each frame's presentation time (`frame.time`), minus the first
    frame's, so variable-frame-rate phone clips keep their true timing. It is never
    index / fps.
"""

from __future__ import annotations

import math
import os
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av
import av.error
import cv2
import numpy as np
from av.sidedata.sidedata import SideData

from course.analysis.problems import (
    BrokenClip,
    ClipTooLarge,
    ClipTooLong,
    ClipTooShort,
    EmptyFile,
    FrameTooLarge,
    NotAVideo,
    NoVideoTrack,
    TooMuchVideo,
    UnsupportedFormat,
)
from course.settings import ClipLimits

HEAD_BYTES = 512  # bytes read to tell a container by its content
DEFAULT_MAX_SIDE = 1280  # pixels; see Settings.analysis_max_side for why
# The FFmpeg demuxer forced for each container we open.
DEMUXER = {"mp4": "mov", "mov": "mov", "webm": "matroska", "mkv": "matroska", "avi": "avi"}
# A clip whose frames end this far before its header's length is cut short: seconds, or this
# share of the length, whichever is more. Healthy clips here end within one frame of it.
TRUNCATION_SLACK_S = 1.0
TRUNCATION_SLACK_FRACTION = 0.1
# Seconds after the previous frame at which a frame with a repeated or backward timestamp is
# placed (damaged files only).
REPEATED_TIME_STEP_S = 0.001
# A header's frame count may exceed its duration x the highest frame rate by this share (plus
# one frame) before it is taken as not adding up: rates are rounded in headers.
FRAME_RATE_SLACK_FRACTION = 0.05
# Pixels this close to square (a share of their width) are treated as square: stretching a
# 1226-pixel picture to 1228 would cost a rescale of every frame for nothing.
SQUARE_PIXEL_TOLERANCE = 0.02

# ISO brands of still pictures (HEIF/AVIF photos share MP4's box format).
_IMAGE_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif", b"avis"}
_QUICKTIME_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}


@dataclass(frozen=True, slots=True)
class VideoInfo:
    """What `probe` learned about a clip that can be analysed.

    path: the file. container: "mp4", "mov", "webm", "avi" (or "mkv" if accepted). codec: the
    video decoder's name ("h264", "hevc", "vp9", ...). width, height: pixels of the UPRIGHT
    picture (after rotation, and after stretching non-square pixels). rotation_deg: the
    counter-clockwise quarter turn (0, 90, 180, 270) read_frames applies to make it upright;
    mirrored: flipped left to right after turning (rare). fps: average frames per second, None
    when the file doesn't say. duration_s: seconds, None when the file doesn't say (browser
    recordings). frame_count: frames, from the header or duration x fps; None when unknown
    (for progress bars only). size_bytes: the file's size. limits: the limits it was checked
    against; read_frames enforces them again on the frames.
    """

    path: Path
    container: str
    codec: str
    width: int
    height: int
    rotation_deg: int
    mirrored: bool
    fps: float | None
    duration_s: float | None
    frame_count: int | None
    size_bytes: int
    limits: ClipLimits = field(repr=False)

    @property
    def portrait(self) -> bool:
        """True when the upright picture is taller than wide."""
        return self.height > self.width


@dataclass(frozen=True, slots=True)
class VideoFrame:
    """One decoded frame. index: 0, 1, 2... in decoding order. t_s: seconds from the first
    frame (its presentation time, not index / fps), increasing. image: (H, W, 3) uint8 RGB,
    upright, C-contiguous (MediaPipe needs that), read-only, the long side at most
    read_frames' max_side."""

    index: int
    t_s: float
    image: np.ndarray = field(repr=False)


def sniff_container(head: bytes) -> str:
    """What a file is, from its first bytes (HEAD_BYTES are enough).

    Returns a container we may accept: "mp4" (any ISO brand but QuickTime), "mov", "webm",
    "mkv", "avi"; a video container we refuse: "flv", "mpeg-ts", "mpeg-ps", "wmv", "ogg",
    "realmedia"; or "image", "audio", "unknown".
    """
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _IMAGE_BRANDS:
            return "image"
        return "mov" if brand == b"qt  " else "mp4"
    if len(head) >= 8 and head[4:8] in _QUICKTIME_ATOMS:
        return "mov"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm" if _ebml_doctype(head) == "webm" else "mkv"
    if head.startswith(b"RIFF") and len(head) >= 12:
        return {b"AVI ": "avi", b"WAVE": "audio", b"WEBP": "image"}.get(head[8:12], "unknown")
    if head.startswith(
        (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM", b"II*\x00", b"MM\x00*", b"8BPS")
    ):
        return "image"
    if head.startswith(b"FLV\x01"):
        return "flv"
    if head.startswith(b"\x30\x26\xb2\x75\x8e\x66\xcf\x11"):
        return "wmv"
    if head.startswith(b".RMF"):
        return "realmedia"
    if head.startswith(b"\x00\x00\x01\xba"):
        return "mpeg-ps"
    if len(head) > 188 and head[0] == 0x47 and head[188] == 0x47:
        return "mpeg-ts"
    if head.startswith(b"OggS"):
        return "ogg" if b"theora" in head[:64] else "audio"
    if head.startswith((b"ID3", b"fLaC", b"#!AMR", b"FORM")) or (
        len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0
    ):
        return "audio"
    return "unknown"


def _ebml_doctype(head: bytes) -> str | None:
    """The DocType ("webm", "matroska") from an EBML header, or None."""
    at = head.find(b"\x42\x82", 4, 64)
    if at < 0 or at + 2 >= len(head):
        return None
    first = head[at + 2]
    width = 1
    while width <= 8 and not first & (0x80 >> (width - 1)):
        width += 1
    if width > 8:
        return None
    size = first & (0xFF >> width)
    for byte in head[at + 3 : at + 2 + width]:
        size = (size << 8) | byte
    start = at + 2 + width
    return head[start : start + size].rstrip(b"\x00").decode("ascii", "replace")


@contextmanager
def _open(path: Path, container: str) -> Iterator[av.container.InputContainer]:
    """The file opened with the demuxer for `container` forced and only local files allowed.
    FFmpeg errors while opening mean a damaged file of a kind we know: BrokenClip."""
    try:
        handle = av.open(str(path), format=DEMUXER[container], container_options={"protocol_whitelist": "file"})
    except av.error.FFmpegError as error:
        raise BrokenClip() from error
    with handle:
        yield handle


def _video_stream(container: av.container.InputContainer) -> av.video.stream.VideoStream:
    """The first real video stream (not cover art). Raises NoVideoTrack."""
    for stream in container.streams.video:
        if not stream.disposition & av.stream.Disposition.attached_pic:
            return stream
    raise NoVideoTrack()


def _seconds(value: int | None, time_base: Fraction | None) -> float | None:
    if value is None or time_base is None:
        return None
    return float(value * time_base)


def _duration_s(container: av.container.InputContainer, stream: av.video.stream.VideoStream) -> float | None:
    seconds = _seconds(stream.duration, stream.time_base)
    if seconds is None and container.duration is not None:
        seconds = container.duration / av.time_base
    return seconds if seconds is not None and math.isfinite(seconds) and seconds > 0 else None


def _fps(stream: av.video.stream.VideoStream) -> float | None:
    for rate in (stream.average_rate, stream.guessed_rate):
        if rate:
            return float(rate)
    return None


def _orientation(frame: av.VideoFrame) -> tuple[int, bool]:
    """(counter-clockwise quarter turn in degrees, mirrored) from the frame's display matrix.

    The matrix is FFmpeg's AV_PKT_DATA_DISPLAYMATRIX (9 int32, 16.16 fixed point in the 2 x 2
    part). PyAV's set_display_rotation(deg, hflip) writes rotate-counter-clockwise-then-mirror
    as a = cos, b = -sin, c = sin, d = cos with the first column (a, c) negated to mirror; read
    it back the same way. Anything else (a skew, an odd angle) falls back to
    `frame.rotation`, rounded to a quarter turn.
    """
    data = frame.side_data.get("DISPLAYMATRIX")
    if isinstance(data, SideData) and len(bytes(data)) >= 36:
        m = struct.unpack("=9i", bytes(data)[:36])
        sign = tuple(round(v / 65536) for v in (m[0], m[1], m[3], m[4]))
        for degrees, (cos, sin) in zip((0, 90, 180, 270), ((1, 0), (0, 1), (-1, 0), (0, -1)), strict=True):
            if sign == (cos, -sin, sin, cos):
                return degrees, False
            if sign == (-cos, -sin, -sin, cos):
                return degrees, True
    return round(frame.rotation / 90.0) % 4 * 90, False


def _upright(image: np.ndarray, rotation_deg: int, mirrored: bool) -> np.ndarray:
    if rotation_deg == 90:
        image = cv2.rotate(image, cv2.ROTATE_90_COUNTERCLOCKWISE)
    elif rotation_deg == 180:
        image = cv2.rotate(image, cv2.ROTATE_180)
    elif rotation_deg == 270:
        image = cv2.rotate(image, cv2.ROTATE_90_CLOCKWISE)
    if mirrored:
        image = cv2.flip(image, 1)
    return image


def _index_past_end(stream: av.video.stream.VideoStream, size_bytes: int) -> bool:
    """True when an MP4/MOV's sample index points beyond the end of the file (cut short)."""
    entries = stream.index_entries
    return any(entry.pos + entry.size > size_bytes for entry in entries)


def _limit_decoder(stream: av.video.stream.VideoStream, limits: ClipLimits) -> None:
    """Tell FFmpeg's decoder to refuse pictures over the per-frame pixel limit (before it
    allocates them)."""
    if stream.codec_context is not None:
        stream.codec_context.options = {**stream.codec_context.options, "max_pixels": str(limits.max_frame_pixels)}


def _check_frame_size(width: int, height: int, limits: ClipLimits) -> None:
    """Raises FrameTooLarge for a picture over the per-frame pixel limit."""
    if width * height > limits.max_frame_pixels:
        raise FrameTooLarge(width, height, limits.max_frame_pixels)


def _check_header_counts(frame_count: int | None, duration: float | None, pixels: int, limits: ClipLimits) -> None:
    """Raises TooMuchVideo when the header's frame count passes the limits or does not add up
    with its duration (more frames than the highest frame rate can fill)."""
    if frame_count is None:
        return
    allowed = limits.max_frames
    if duration is not None:
        allowed = min(allowed, math.ceil(duration * limits.max_frame_rate * (1 + FRAME_RATE_SLACK_FRACTION)) + 1)
    if frame_count > allowed or frame_count * pixels > limits.max_clip_pixels:
        raise TooMuchVideo(frame_count)


def probe(path: str | os.PathLike[str], limits: ClipLimits | None = None) -> VideoInfo:
    """Check that `path` is a clip the self-check can analyse and describe it.

    Reads the header and decodes the first frame (tens of milliseconds). limits: default
    ClipLimits() (use Settings.from_env().limits in the app).
    Raises EmptyFile, ClipTooLarge, NotAVideo, UnsupportedFormat, NoVideoTrack, BrokenClip,
    ClipTooLong, ClipTooShort, FrameTooLarge, TooMuchVideo. A path that does not exist raises the built-in
    FileNotFoundError: that is the caller's mistake, not the learner's.
    """
    limits = limits if limits is not None else ClipLimits()
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise EmptyFile()
    if size > limits.max_bytes:
        raise ClipTooLarge(size, limits.max_bytes)
    with path.open("rb") as file:
        kind = sniff_container(file.read(HEAD_BYTES))
    if kind in ("image", "unknown"):
        raise NotAVideo()
    if kind == "audio":
        raise NoVideoTrack()
    if kind not in limits.accepted_formats or kind not in DEMUXER:
        raise UnsupportedFormat(kind if kind not in ("mp4", "mov") else None, limits.accepted_formats)

    with _open(path, kind) as container:
        stream = _video_stream(container)
        if stream.codec_context is None:
            raise UnsupportedFormat(None, limits.accepted_formats)
        codec = stream.codec_context.name
        duration = _duration_s(container, stream)
        fps = _fps(stream)
        if DEMUXER[kind] == "mov" and _index_past_end(stream, size):
            raise BrokenClip()
        if duration is not None and duration > limits.max_clip_seconds:
            raise ClipTooLong(duration, limits.max_clip_seconds)
        frame_count = stream.frames or None
        if frame_count is None and duration is not None and fps is not None:
            frame_count = max(1, round(duration * fps))
        if frame_count is not None and frame_count < limits.min_clip_frames:
            raise ClipTooShort(duration, frame_count)
        if duration is not None and duration < limits.min_clip_seconds:
            raise ClipTooShort(duration, frame_count)
        header_width, header_height = stream.codec_context.width, stream.codec_context.height
        _check_frame_size(header_width, header_height, limits)
        _check_header_counts(stream.frames or None, duration, header_width * header_height, limits)
        _limit_decoder(stream, limits)
        try:
            first = next(container.decode(stream), None)
        except av.error.DecoderNotFoundError as error:
            raise UnsupportedFormat(None, limits.accepted_formats) from error
        except av.error.FFmpegError as error:
            raise BrokenClip() from error
        if first is None:
            raise BrokenClip()
        _check_frame_size(first.width, first.height, limits)
        _check_header_counts(frame_count, duration, first.width * first.height, limits)
        rotation, mirrored = _orientation(first)
        width, height = first.width, first.height
        aspect = stream.sample_aspect_ratio
        if aspect and abs(aspect - 1) > SQUARE_PIXEL_TOLERANCE:
            width = max(1, round(width * aspect))
    if rotation in (90, 270):
        width, height = height, width
    return VideoInfo(
        path=path,
        container=kind,
        codec=codec,
        width=width,
        height=height,
        rotation_deg=rotation,
        mirrored=mirrored,
        fps=fps,
        duration_s=duration,
        frame_count=frame_count,
        size_bytes=size,
        limits=limits,
    )


def output_size(info: VideoInfo, max_side: int = DEFAULT_MAX_SIDE) -> tuple[int, int]:
    """(width, height) in pixels of the frames read_frames yields: the upright picture shrunk
    (never enlarged) so its long side is at most max_side."""
    scale = min(1.0, max_side / max(info.width, info.height))
    return max(2, round(info.width * scale)), max(2, round(info.height * scale))


def read_frames(
    path: str | os.PathLike[str], info: VideoInfo, *, max_side: int = DEFAULT_MAX_SIDE
) -> Iterator[VideoFrame]:
    """Every frame of a probed clip, decoded in order: upright RGB, long side <= max_side
    pixels (see output_size), with its own timestamp.

    A frame without a timestamp is placed one average frame interval after the previous
    frame; one whose timestamp is not after the previous frame's, REPEATED_TIME_STEP_S after
    it (so t_s always increases and later frames keep their own times).
    Raises (possibly after yielding frames) ClipTooLong when the frames run past
    info.limits.max_clip_seconds, FrameTooLarge for a frame over the per-frame pixel limit,
    TooMuchVideo as soon as the frames pass max_frames or max_clip_pixels, BrokenClip when the
    file is damaged or ends well before its header's length, ClipTooShort when fewer frames
    or seconds than info.limits' minimum decode.
    """
    limits = info.limits
    width, height = output_size(info, max_side)
    coded_size = (height, width) if info.rotation_deg in (90, 270) else (width, height)
    interval = 1.0 / info.fps if info.fps else 1.0 / 30
    count, first_time, t_s, pixels = 0, None, -math.inf, 0
    with _open(Path(path), info.container) as container:
        stream = _video_stream(container)
        stream.thread_type = "AUTO"  # FFmpeg decodes ahead on other threads while pose runs
        _limit_decoder(stream, limits)
        start = _seconds(stream.start_time, stream.time_base)
        header_frames = stream.frames or None
        try:
            for frame in container.decode(stream):
                time = frame.time
                if first_time is None:
                    first_time = time if time is not None else 0.0
                if count == 0:
                    t_s = 0.0
                elif time is None:
                    t_s += interval
                else:
                    t_s = max(time - first_time, t_s + REPEATED_TIME_STEP_S)
                if t_s > limits.max_clip_seconds:
                    raise ClipTooLong(None, limits.max_clip_seconds)
                _check_frame_size(frame.width, frame.height, limits)
                pixels += frame.width * frame.height
                if count >= limits.max_frames or pixels > limits.max_clip_pixels:
                    raise TooMuchVideo(count + 1)
                image = frame.to_ndarray(format="rgb24", width=coded_size[0], height=coded_size[1])
                image = np.ascontiguousarray(_upright(image, info.rotation_deg, info.mirrored))
                image.flags.writeable = False
                yield VideoFrame(index=count, t_s=t_s, image=image)
                count += 1
        except av.error.FFmpegError as error:
            raise BrokenClip() from error
    if count == 0:
        raise BrokenClip()
    if DEMUXER[info.container] != "mov":  # MP4/MOV: probe checked the index against the size
        span = t_s + interval
        promised = info.duration_s
        if promised is not None and start is not None and first_time is not None:
            promised -= max(0.0, first_time - start)
        slack = max(TRUNCATION_SLACK_S, TRUNCATION_SLACK_FRACTION * (promised or 0.0))
        if promised is not None and span < promised - slack:
            raise BrokenClip()
        if header_frames and count < header_frames * (1 - TRUNCATION_SLACK_FRACTION) - 1:
            raise BrokenClip()
    if count < limits.min_clip_frames or t_s + interval < limits.min_clip_seconds:
        raise ClipTooShort(t_s + interval, count)
