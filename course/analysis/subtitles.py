"""The annotated clip's WebVTT subtitles: which cues, when, and in what words (from the report's
VideoPlan, course.analysis.presenting), shortened to fit two lines on a phone."""

from __future__ import annotations

import html
from collections.abc import Iterable

from course.analysis.presenting import Flash, VideoPlan

REP_CUE_S = 1.5  # seconds the "Rep 1 of 3" subtitle shows from the rep's start
SUBTITLE_MIN_S = 2.0  # seconds a fault subtitle shows at least: two short lines take that to read
SUBTITLE_LINE_CHARS = 42  # characters per subtitle line: the usual limit for captions on screens

# --------------------------------------------------------------------------------------------
# What is shown when


def subtitle_flashes(plan: VideoPlan, duration_s: float) -> tuple[Flash, ...]:
    """The subtitle cues, ordered by start: one per rep label ("Rep 1 of 3" for REP_CUE_S, not
    past the rep's end) and one per banner ("Rep 1: " and the banner's words, the banner's
    time, at least SUBTITLE_MIN_S), all within 0..duration_s."""
    cues = [
        Flash(label.start_s, min(label.start_s + REP_CUE_S, label.end_s), label.text, label.rep)
        for label in plan.rep_labels
    ]
    for banner in plan.banners:
        end = max(banner.end_s, banner.start_s + SUBTITLE_MIN_S)
        cues.append(
            Flash(banner.start_s, end, f"Rep {banner.rep}: {banner.text}", banner.rep, banner.fault, banner.detail)
        )
    clipped = []
    for cue in cues:
        start = min(max(cue.start_s, 0.0), duration_s)
        end = min(max(cue.end_s, start), duration_s)
        if end > start:
            clipped.append(Flash(start, end, cue.text, cue.rep, cue.fault, cue.detail))
    return tuple(sorted(clipped, key=lambda cue: (cue.start_s, cue.fault is not None, cue.end_s)))


def shorten(text: str, limit: int = SUBTITLE_LINE_CHARS) -> str:
    """The first sentence of `text` if it fits in `limit` characters; else its first clause
    (up to a comma) if that fills at least half of them; else as many whole words as fit.
    Ends with "…" when anything was cut."""
    text = " ".join(text.split())
    sentence = text.split(". ")[0].rstrip(".")
    if len(sentence) <= limit:
        return sentence + ("…" if len(sentence) < len(text.rstrip(".")) else ".")
    clause = sentence[: limit - 1]
    comma = max(clause.rfind(","), clause.rfind(";"))
    if comma >= limit // 2:
        return clause[:comma] + "…"
    space = clause.rfind(" ")
    return (clause[:space] if space > 0 else clause).rstrip(",;:") + "…"


def vtt_time(seconds: float) -> str:
    """Seconds as WebVTT's HH:MM:SS.mmm (rounded to the millisecond, never negative)."""
    ms = max(0, round(seconds * 1000))
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    secs, ms = divmod(ms, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{ms:03d}"


def webvtt(cues: Iterable[Flash]) -> str:
    """A WebVTT file: the "WEBVTT" header, then each cue as an id line ("rep-1" or
    "rep-1-rounded_back"), its times and one or two lines of text (&, < and > escaped), with a
    blank line between cues."""
    blocks = ["WEBVTT"]
    for cue in cues:
        ident = f"rep-{cue.rep}" + (f"-{cue.fault}" if cue.fault else "")
        text = cue.text + (" —\n" + shorten(cue.detail) if cue.detail else "")
        text = html.escape(text, quote=False).replace("-->", "->")
        blocks.append(f"{ident}\n{vtt_time(cue.start_s)} --> {vtt_time(cue.end_s)}\n{text}")
    return "\n\n".join(blocks) + "\n"
