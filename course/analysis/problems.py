"""Why a clip can't be judged, in words a gym member understands.

The analysis raises these deep inside (video decoding, pose tracking); only the pages and the
command line catch them, show `str(problem)` to the learner and put `problem.code` in the JSON
report. Every message says what went wrong and what to do next, without library names, error
numbers or tracebacks. Problems about the file itself also inherit `ValueError`, as PyAV's
errors inherit the matching built-in, so code that only knows built-ins can still catch them.

Each class has a stable `code` (snake_case) that tests and the JSON report rely on: never
rename one. `PROBLEMS` maps every code to its class.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import ClassVar

from course.settings import MEGABYTE, ClipLimits


def _seconds(value: float) -> str:
    """A duration for a learner: "0.5 seconds", "45 seconds", "2 min 30 s"."""
    if value < 10:
        return f"{value:.1f} seconds"
    if value < 120:
        return f"{round(value)} seconds"
    minutes, seconds = divmod(round(value), 60)
    return f"{minutes} min {seconds} s" if seconds else f"{minutes} minutes"


def _megabytes(size_bytes: float) -> str:
    return f"{size_bytes / MEGABYTE:,.0f} MB" if size_bytes >= MEGABYTE else (f"{size_bytes / MEGABYTE:.1f} MB")


def _over_and_limit(
    value: float | None, limit: float | None, words: Callable[[float], str], unit: float, unit_name: str
) -> tuple[str | None, str | None]:
    """A measured value and the limit it is over, in words (None where not known). Just over the
    limit the two would read the same ("1 MB; up to 1 MB"): then both get one decimal, the
    value rounded up and the limit down, so the learner sees which is bigger."""
    value_text = words(value) if value is not None else None
    limit_text = words(limit) if limit else None
    if value is not None and limit and value_text == limit_text:
        value_text = f"{math.ceil(round(value / unit * 10, 6)) / 10:,.1f} {unit_name}"
        limit_text = f"{math.floor(round(limit / unit * 10, 6)) / 10:,.1f} {unit_name}"
    return value_text, limit_text


class ClipProblem(Exception):
    """The clip can't be judged; the message is for the learner."""

    code: ClassVar[str] = "clip_problem"
    default_message: ClassVar[str] = (
        "We couldn't check this clip. Please film your hinge again and upload the new clip."
    )

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message if message is not None else self.default_message)

    @property
    def message(self) -> str:
        """The text the learner reads."""
        return str(self)

    def to_dict(self) -> dict[str, str]:
        """{"code": ..., "message": ...} for the JSON report."""
        return {"code": self.code, "message": self.message}


class NotAVideo(ClipProblem, ValueError):
    """The file is not a video at all: text, a photo, or a container we don't recognise."""

    code = "not_a_video"
    default_message = (
        "This file doesn't look like a video. Please choose the clip you filmed (for example "
        "the MP4 or MOV file from your phone's camera) and upload it again."
    )


class UnsupportedFormat(ClipProblem, ValueError):
    """A real video, in a container or picture format the self-check doesn't take."""

    code = "unsupported_format"

    def __init__(self, kind: str | None = None, accepted: Iterable[str] | None = None) -> None:
        accepted = ClipLimits().accepted_formats if accepted is None else accepted  # the setting's default
        self.kind = kind
        self.accepted = tuple(accepted)
        names = [name.upper() if name != "webm" else "WebM" for name in self.accepted]
        listed = ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]
        what = f"saved as {kind.upper()}, which" if kind else "saved in a format"
        super().__init__(
            f"This video is {what} we can't read here. Please upload the clip as "
            f"{listed}: "
            "the file straight from your phone's camera works, or save it again in one of "
            "those formats."
        )


class EmptyFile(ClipProblem, ValueError):
    """The file has no bytes."""

    code = "empty_file"
    default_message = (
        "This file is empty: nothing of the clip arrived. Please choose your clip again and upload it once more."
    )


class BrokenClip(ClipProblem, ValueError):
    """The file is a video but is damaged or cut short: too little of it plays."""

    code = "broken_clip"
    default_message = (
        "We couldn't play this clip all the way through: the file looks damaged or only "
        "partly copied. Please upload the original clip from your phone again."
    )


class NoVideoTrack(ClipProblem, ValueError):
    """The file holds sound (or nothing) but no moving picture."""

    code = "no_video_track"
    default_message = (
        "This file has no picture in it, only sound or nothing at all. Please upload the video of your hinge."
    )


class ClipTooLarge(ClipProblem, ValueError):
    """The file is bigger than the self-check takes."""

    code = "clip_too_large"

    def __init__(self, size_bytes: int | None = None, limit_bytes: int | None = None) -> None:
        self.size_bytes = size_bytes
        self.limit_bytes = limit_bytes
        size_text, limit_text = _over_and_limit(size_bytes, limit_bytes, _megabytes, MEGABYTE, "MB")
        size = f" at {size_text}" if size_text is not None else ""
        limit = f"; we can take up to {limit_text}" if limit_text else ""
        super().__init__(
            f"This clip is too big{size}{limit}. Film only your set: 15 to 40 seconds is "
            "plenty. Or trim the clip on your phone, then upload it again."
        )


class ClipTooLong(ClipProblem, ValueError):
    """The clip runs longer than the self-check takes."""

    code = "clip_too_long"

    def __init__(self, duration_s: float | None = None, limit_s: float | None = None) -> None:
        self.duration_s = duration_s
        self.limit_s = limit_s
        runs_text, limit_text = _over_and_limit(duration_s, limit_s, _seconds, 1.0, "seconds")
        runs = f"runs {runs_text}" if runs_text is not None else "is too long"
        limit = f"; we check clips up to {limit_text}" if limit_text else ""
        super().__init__(
            f"This clip {runs}{limit}. Trim it to just your set of 3 to 6 hinges (15 to 40 "
            "seconds is plenty) and upload it again."
        )


class FrameTooLarge(ClipProblem, ValueError):
    """Each picture has more pixels than the self-check decodes (or the header claims so)."""

    code = "frame_too_large"

    def __init__(self, width: int | None = None, height: int | None = None, limit_pixels: int | None = None) -> None:
        self.width, self.height, self.limit_pixels = width, height, limit_pixels
        size = f" ({width:,} x {height:,} pixels)" if width and height else ""
        limit = (
            (f"; we check pictures up to {limit_pixels / 1e6:.1f} million pixels, which is 4K (3840 x 2160)")
            if limit_pixels
            else ""
        )
        super().__init__(
            f"This clip's picture is bigger than we can check{size}{limit}. Set your phone's "
            "camera to 4K or 1080p (HD), film your set again and upload the new clip."
        )


class TooMuchVideo(ClipProblem, ValueError):
    """More frames, or frames x pixels, than the self-check decodes in one clip."""

    code = "too_much_video"

    def __init__(self, frames: int | None = None) -> None:
        self.frames = frames
        held = f" (it holds {frames:,} pictures or more)" if frames else ""
        super().__init__(
            f"This clip holds more video than we can check{held}. Film at normal speed, not "
            "slow motion, in 1080p (HD) or 4K at 30 frames a second, for 15 to 40 seconds, "
            "and upload it again."
        )


class ClipTooShort(ClipProblem, ValueError):
    """Too few frames or seconds to see a hinge go down and up."""

    code = "clip_too_short"

    def __init__(self, duration_s: float | None = None, frames: int | None = None) -> None:
        self.duration_s = duration_s
        self.frames = frames
        if frames is not None and frames <= 1:
            got = " (it holds a single picture)"
        elif duration_s is not None:
            got = f" (it lasts {_seconds(duration_s)})"
        else:
            got = ""
        super().__init__(
            f"This clip is too short to see a hinge{got}. Film at least one whole rep, down "
            "and back up; a set of 3 to 6 hinges, about 15 to 40 seconds, is best."
        )


class NoPersonFound(ClipProblem):
    """Nobody was found in (enough of) the clip."""

    code = "no_person_found"
    default_message = (
        "We couldn't find you in this clip. Film from the side with your whole body, head to "
        "feet, in the picture, stand 2 to 4 metres from the phone, and try again."
    )


class MorePeopleThanOne(ClipProblem):
    """A second person is in the picture, so we can't tell whose hinge to judge."""

    code = "more_people_than_one"
    default_message = (
        "We can see more than one person in this clip, so we can't tell whose hinge to check. "
        "Film again with only you in the picture."
    )


class CutIntoPieces(ClipProblem):
    """The clip is edited together from shots too short to hold a whole rep."""

    code = "cut_into_pieces"
    default_message = (
        "This clip is cut together from short pieces, so no whole rep is filmed in one go. "
        "Upload one continuous clip of your set, straight from the camera."
    )


class TooDark(ClipProblem):
    """The picture is too dark for the pose tracker to see the joints."""

    code = "too_dark"
    default_message = (
        "The clip is too dark for us to see your joints clearly. Film in a brighter spot or "
        "switch on more lights, with the light falling on you rather than behind you, and "
        "try again."
    )


def _all_problems() -> Mapping[str, type[ClipProblem]]:
    found: dict[str, type[ClipProblem]] = {}
    pending = list(ClipProblem.__subclasses__())
    while pending:
        cls = pending.pop()
        if cls.code in found:
            raise RuntimeError(f"two clip problems share the code {cls.code!r}")
        found[cls.code] = cls
        pending.extend(cls.__subclasses__())
    return MappingProxyType(dict(sorted(found.items())))


# Every problem by its code.
PROBLEMS: Mapping[str, type[ClipProblem]] = _all_problems()
