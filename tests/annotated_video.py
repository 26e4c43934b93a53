"""Reading back an annotated clip in tests: its frames and its WebVTT subtitles, and the
synthetic pictures' sizes and colours the annotation tests draw on."""

from __future__ import annotations

import re
from pathlib import Path

import av
import numpy as np

WIDTH, HEIGHT = 320, 240  # pixels of the synthetic clips (landscape; portrait swaps them)
GREY = 100  # 0..255: the synthetic picture, far from white lines and the red banner
COLOUR_TOL = 40  # 0..255 per channel: lossy H.264 shifts flat colours by less than this
VTT_TIME = re.compile(r"^(\d{2}):(\d{2}):(\d{2})\.(\d{3}) --> (\d{2}):(\d{2}):(\d{2})\.(\d{3})$")


def decoded(path: Path) -> tuple[tuple[str, str, float], list[float], list[np.ndarray]]:
    """((codec, pixel format, stream duration s), frame times s, RGB pictures)."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = list(container.decode(stream))
        return (
            (stream.codec_context.name, stream.codec_context.format.name, float(stream.duration * stream.time_base)),
            [frame.time for frame in frames],
            [frame.to_ndarray(format="rgb24") for frame in frames],
        )


def parse_vtt(text: str) -> list[tuple[float, float, list[str]]]:
    """(start s, end s, text lines) per cue; asserts the file's shape as it goes."""
    blocks = text.strip("\n").split("\n\n")
    assert blocks[0] == "WEBVTT"
    cues = []
    for block in blocks[1:]:
        lines = block.split("\n")
        timing = next(i for i, line in enumerate(lines) if "-->" in line)
        assert timing <= 1, f"at most an id line before the times: {block!r}"
        match = VTT_TIME.match(lines[timing])
        assert match, f"times must be HH:MM:SS.mmm --> HH:MM:SS.mmm: {lines[timing]!r}"
        parts = [int(g) for g in match.groups()]
        start = parts[0] * 3600 + parts[1] * 60 + parts[2] + parts[3] / 1000
        end = parts[4] * 3600 + parts[5] * 60 + parts[6] + parts[7] / 1000
        cues.append((start, end, lines[timing + 1 :]))
    return cues
