"""The self-check's limits and analysis settings, in one place, each with its unit and reason.

Every setting can be changed with an environment variable (listed in `ENVIRONMENT`, e.g.
`HINGE_MAX_CLIP_SECONDS=120`), read by `Settings.from_env()`. A value that is not a number, or
is out of its range, raises `SettingsError` naming the variable, its unit and its range, so a
typo in a deployment fails at start-up instead of mid-analysis.

    ClipLimits  what clip the self-check accepts (size, length, frames, containers):
                `course.analysis.video.probe` enforces it.
    Settings    the limits plus how the analysis runs (picture size, how often pose runs).
"""

from __future__ import annotations

import difflib
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any

from course.thresholds import Limit

MEGABYTE = 1_000_000  # bytes: the "MB" of every clip size the course shows and checks
MEBIBYTE = 1024 * 1024  # bytes: the "MB" of Streamlit's server.maxUploadSize (its server counts in these)

# Containers the self-check can be given, by content (see video.py): "mp4" covers the whole
# ISO family (MP4, M4V, 3GP), "mov" QuickTime.
KNOWN_FORMATS = ("mp4", "mov", "webm", "avi", "mkv")
# The file endings each container goes by: what the upload widget lets a learner pick.
FILE_ENDINGS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "mp4": ("mp4", "m4v", "3gp"),
        "mov": ("mov", "qt"),
        "webm": ("webm",),
        "avi": ("avi",),
        "mkv": ("mkv",),
    }
)


class SettingsError(ValueError):
    """An environment variable holds a value the self-check can't use."""


def _setting(default: Any, *, env: str, unit: str, low: float, high: float, why: str) -> Any:
    """A settings field whose default, unit, reason, variable and range are one Limit (the shape of
    every tunable number of the course, course.thresholds.Limit), kept in the field's metadata."""
    return field(default=default, metadata={"limit": Limit(default, unit, why, env=env, low=low, high=high)})


def limit_of(item: Any) -> Limit | None:
    """The Limit a settings field was declared with (None for a field that is not a setting)."""
    return item.metadata.get("limit")


@dataclass(frozen=True)
class ClipLimits:
    """Which clips the self-check accepts. Raises SettingsError for a value out of range."""

    max_clip_mb: float = _setting(
        200.0,
        env="HINGE_MAX_CLIP_MB",
        unit="MB (1 MB = 1,000,000 bytes)",
        low=1,
        high=10_000,
        why="A 40 s phone clip in 1080p is about 40-90 MB, in 4K about 150-300 MB. The upload "
        "widget is given this limit, so the browser refuses a bigger file before sending "
        "it, counting MB as a phone shows file sizes (1,000,000 bytes; Windows browsers "
        "count 1024 x 1024, and the self-check then refuses the file with the same "
        "number). Streamlit's server lets through server.maxUploadSize MiB (200 in "
        ".streamlit/config.toml, 209.7 MB): the app refuses to start when this is more.",
    )
    max_clip_seconds: float = _setting(
        90.0,
        env="HINGE_MAX_CLIP_SECONDS",
        unit="seconds",
        low=5,
        high=3600,
        why="A set of 3 to 6 hinges takes 15 to 40 s; 90 s leaves time to walk to and from "
        "the phone. Pose costs about 25 ms per frame, so 90 s at 30 frames/s is about a "
        "minute of work on one core.",
    )
    min_clip_seconds: float = _setting(
        1.0,
        env="HINGE_MIN_CLIP_SECONDS",
        unit="seconds",
        low=0,
        high=60,
        why="One slow hinge, down and up, takes 2 to 4 s; in under a second no rep can be seen.",
    )
    min_clip_frames: int = _setting(
        10,
        env="HINGE_MIN_CLIP_FRAMES",
        unit="frames",
        low=2,
        high=10_000,
        why="The fewest pictures from which a down-and-up movement can be traced; a 1 s clip "
        "at the lowest common phone rate (15 frames/s) has 15.",
    )
    max_frame_megapixels: float = _setting(
        8.9,
        env="HINGE_MAX_FRAME_MEGAPIXELS",
        unit="megapixels (million pixels) per frame",
        low=0.1,
        high=40,
        why="A phone's 4K frame is 3840 x 2160 = 8.3 Mpx (DCI 4K, 4096 x 2160, 8.85 Mpx), the "
        "most any phone films by default. The analysis shrinks every frame to "
        "analysis_max_side (1280) anyway, so more pixels only cost decoding time and "
        "memory: a 16000 x 16000 clip (256 Mpx a frame, 384 MB each decoded) held the "
        "only analysis slot for 10.6 minutes at 3 GB. Checked from the header before "
        "anything is decoded.",
    )
    max_frame_rate: float = _setting(
        240.0,
        env="HINGE_MAX_FRAME_RATE",
        unit="frames per second",
        low=5,
        high=1000,
        why="Phones' slow motion records at up to 240 frames/s (faster modes are stored "
        "slowed down to 30). With max_clip_seconds this caps the frames a clip may hold "
        "(90 s x 240 = 21,600): a header claiming a million frames in 90 s does not add "
        "up and is refused before decoding, and decoding stops as soon as the count is "
        "passed.",
    )
    max_clip_gigapixels: float = _setting(
        23.0,
        env="HINGE_MAX_CLIP_GIGAPIXELS",
        unit="gigapixels (frames x pixels per frame)",
        low=0.001,
        high=500,
        why="The picture a whole clip may hold: a phone's usual 4K mode (8.3 Mpx at 30 "
        "frames/s) for the full 90 s is 22.4 Gpx; 1080p (2.1 Mpx) at 120 frames/s for "
        "90 s is the same. Decoding time grows with pixels, not with bytes, so this bounds "
        "how long one clip can hold the analysis slot; 4K at 60 frames/s fits 45 s.",
    )
    accepted_formats: tuple[str, ...] = field(
        default=("mp4", "mov", "webm", "avi"),
        metadata={
            "choices": KNOWN_FORMATS,
            "limit": Limit(
                ("mp4", "mov", "webm", "avi"),
                "comma-separated names",
                "What phones (MP4, MOV), browsers' recorders (WebM) and older cameras (AVI) write. MKV "
                "decodes the same way as WebM but is not on the upload list; add it here to take it.",
                env="HINGE_ACCEPTED_FORMATS",
            ),
        },
    )

    def file_endings(self) -> tuple[str, ...]:
        """The file endings of the accepted formats (for the upload widget's `type`). The
        analysis goes by what is inside a file, not by its name (course.analysis.video)."""
        return tuple(ending for name in self.accepted_formats for ending in FILE_ENDINGS[name])

    def __post_init__(self) -> None:
        _check_ranges(self)
        formats = tuple(name.strip().lower() for name in self.accepted_formats)
        unknown = [name for name in formats if name not in KNOWN_FORMATS]
        if unknown or not formats:
            raise SettingsError(
                f"accepted_formats (HINGE_ACCEPTED_FORMATS) must be one or more of "
                f"{', '.join(KNOWN_FORMATS)}, got {', '.join(formats) or 'nothing'}"
            )
        object.__setattr__(self, "accepted_formats", formats)
        if self.min_clip_seconds >= self.max_clip_seconds:
            raise SettingsError(
                f"min_clip_seconds (HINGE_MIN_CLIP_SECONDS, {self.min_clip_seconds}) must be "
                f"below max_clip_seconds (HINGE_MAX_CLIP_SECONDS, {self.max_clip_seconds})"
            )

    @property
    def max_bytes(self) -> int:
        """The largest clip accepted, bytes."""
        return int(self.max_clip_mb * MEGABYTE)

    def upload_widget_mb(self) -> int:
        """The limit handed to the upload widget (whole MB, as Streamlit takes it): the browser
        refuses a bigger file before a byte of it is sent."""
        return max(1, math.floor(self.max_clip_mb))

    def check_server_lets_through(self, server_max_upload_mib: float) -> None:
        """Raise SettingsError when Streamlit's server (server.maxUploadSize, MiB) would cut off
        uploads the self-check takes: a learner would see a failed upload and no reason."""
        if server_max_upload_mib * MEBIBYTE < self.max_bytes:
            raise SettingsError(
                f"max_clip_mb (HINGE_MAX_CLIP_MB, {self.max_clip_mb:g} MB) is more than Streamlit's "
                f"server.maxUploadSize lets through ({server_max_upload_mib:g} MiB = "
                f"{server_max_upload_mib * MEBIBYTE / MEGABYTE:.1f} MB): raise server.maxUploadSize in "
                f".streamlit/config.toml to at least {math.ceil(self.max_bytes / MEBIBYTE)}"
            )

    @property
    def max_frame_pixels(self) -> int:
        """The most pixels one frame may hold."""
        return int(self.max_frame_megapixels * 1e6)

    @property
    def max_clip_pixels(self) -> int:
        """The most pixels (frames x pixels per frame) a whole clip may hold."""
        return int(self.max_clip_gigapixels * 1e9)

    @property
    def max_frames(self) -> int:
        """The most frames a clip may hold: the longest clip at the highest frame rate."""
        return math.ceil(self.max_clip_seconds * self.max_frame_rate)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ClipLimits:
        """Defaults, overridden by the HINGE_* variables set in `environ` (default os.environ).
        Raises SettingsError for a value that is not a number or out of range."""
        return cls(**_read_env(cls, os.environ if environ is None else environ))


@dataclass(frozen=True)
class Settings:
    """The clip limits and how the analysis runs. Raises SettingsError for a value out of
    range."""

    limits: ClipLimits = field(default_factory=ClipLimits)
    analysis_max_side: int = _setting(
        1280,
        env="HINGE_ANALYSIS_MAX_SIDE",
        unit="pixels",
        low=256,
        high=8192,
        why="Frames are shrunk so their long side is at most this before pose. The pose model "
        "looks at a 256 x 256 crop around the person, so a person filling a third of a "
        "1280 x 720 picture is already seen in full detail; 4K frames shrunk to 1280 cost "
        "about a ninth to convert and track the same.",
    )
    pose_every_nth: int = _setting(
        1,
        env="HINGE_POSE_EVERY_NTH",
        unit="frames",
        low=1,
        high=10,
        why="Run pose on every nth frame and interpolate the rest. 2 saves about 40% of the "
        "time, but on the real side clips it moved the shoulder-hip-knee angle by 1 to 4 "
        "degrees on average and up to 11 to 26 degrees at the fastest moments (the "
        "tracker also loses its smoothing between frames), so every frame it is.",
    )
    max_pose_fps: float = _setting(
        30.0,
        env="HINGE_MAX_POSE_FPS",
        unit="frames per second",
        low=5,
        high=240,
        why="A hinge is slow (a rep takes 2 to 4 s), so 30 poses a second trace it finely; "
        "clips filmed at 60, 120 or 240 frames/s are thinned to this rate instead of "
        "costing 2 to 8 times the time.",
    )
    annotated_max_side: int = _setting(
        480,
        env="HINGE_ANNOTATED_MAX_SIDE",
        unit="pixels",
        low=256,
        high=1920,
        why="Long side of the annotated video. A phone shows it about 390 CSS pixels wide, so "
        "480 is sharp there; 720 costs a quarter more time and pushed short clips past "
        "1.3x the bare decode + pose (benchmarks/speed.py).",
    )
    people_samples: int = _setting(
        8,
        env="HINGE_PEOPLE_SAMPLES",
        unit="frames",
        low=2,
        high=50,
        why="Frames, spread over the clip, searched for a second person (about 35 ms each). "
        "Two of them must show one; 8 puts two inside any 25% of the clip.",
    )
    parallel_analyses: int = _setting(
        1,
        env="HINGE_PARALLEL_ANALYSES",
        unit="analyses at once",
        low=1,
        high=64,
        why="Clips analysed at the same time by one server; the rest wait in the queue. One "
        "analysis keeps about one core busy with pose and the other with decoding and "
        "drawing (shared/design/FACTS.md), so 1 suits this 2-core machine; raise it with "
        "the cores.",
    )
    max_waiting_analyses: int = _setting(
        8,
        env="HINGE_MAX_WAITING_ANALYSES",
        unit="clips waiting",
        low=0,
        high=1000,
        why="Clips that may wait for a free analysis; the next one is turned away at once "
        "with a kind word. A 30 s clip takes about 30 s to check on one slot, so the 8th "
        "learner in line waits about 4 minutes, about as long as anyone keeps a page "
        "open; 8 clips of the largest size are 1.6 GB on disk while they wait (none is "
        "held in memory).",
    )
    homework_due_soon_hours: float = _setting(
        48.0,
        env="HINGE_HOMEWORK_DUE_SOON_HOURS",
        unit="hours",
        low=1,
        high=336,
        why="How long before the end of its due day unfinished homework shows 'Due soon'. Most "
        "members train two or three times a week, so 48 h still leaves a gym visit (or an "
        "evening) to read a lesson or film a set before it is late.",
    )

    password_hashes_at_once: int = _setting(
        2,
        env="HINGE_PASSWORD_HASHES_AT_ONCE",
        unit="hashes running at once",
        low=1,
        high=64,
        why="Each Argon2id hash (argon2-cffi's defaults, RFC 9106) holds 64 MiB and keeps a "
        "core busy for about 0.1-0.3 s. Sixteen sign-ins at once took +985 MB; 2 at once "
        "(the machine's 2 cores) caps that at 2 x 64 MiB = 128 MiB and costs no time "
        "overall, since the hashes were waiting for the cores anyway. Sign-ins past the "
        "bound wait their turn.",
    )

    def __post_init__(self) -> None:
        _check_ranges(self)

    def pose_step(self, fps: float | None) -> int:
        """How many frames apart pose runs for a clip of `fps` frames per second: at least
        pose_every_nth, and wide enough to stay at or under max_pose_fps (5% slack, so a
        31 frames/s clip is not halved)."""
        if fps is None or not math.isfinite(fps) or fps <= 0:
            return self.pose_every_nth
        return max(self.pose_every_nth, math.ceil(fps / self.max_pose_fps - 0.05))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Defaults, overridden by the HINGE_* variables set in `environ` (default os.environ).
        Raises SettingsError for a value that is not a number or out of range."""
        environ = os.environ if environ is None else environ
        return cls(limits=ClipLimits.from_env(environ), **_read_env(cls, environ))


def _check_ranges(settings: Any) -> None:
    for item in fields(settings):
        limit = limit_of(item)
        if limit is None or limit.low is None or limit.high is None:
            continue
        value = getattr(settings, item.name)
        if item.type in ("int", int) and (isinstance(value, bool) or value != int(value)):
            raise SettingsError(f"{item.name} ({limit.env}) must be a whole number of {limit.unit}, got {value!r}")
        if not (math.isfinite(value) and limit.low <= value <= limit.high):
            raise SettingsError(
                f"{item.name} ({limit.env}) must be between {limit.low:g} "
                f"and {limit.high:g} {limit.unit}, got {value!r}"
            )


def _read_env(cls: type, environ: Mapping[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for item in fields(cls):
        limit = limit_of(item)
        if limit is None or limit.env is None or limit.env not in environ:
            continue
        env = limit.env
        text = environ[env].strip()
        if item.name == "accepted_formats":
            values[item.name] = tuple(name for name in text.split(",") if name.strip())
            continue
        try:
            number = float(text)
        except ValueError:
            raise SettingsError(f"{env} must be a number of {limit.unit}, got {text!r}") from None
        if item.type in ("int", int):
            if not math.isfinite(number) or number != int(number):
                raise SettingsError(f"{env} must be a whole number of {limit.unit}, got {text!r}")
            number = int(number)
        values[item.name] = number
    return values


# --- the self-check's queue estimate and the reports a visit keeps (course.analysis.queue,
# course.views.checks) -------------------------------------------------------------------------

FIRST_GUESS_ANALYSIS_RATE = Limit(
    2.5,
    "seconds of analysis per second of clip",
    "The wait a queue says before this server has finished any analysis of its own. Measured "
    "on this 2-core machine while other work ran (decode, pose on every frame, the annotated "
    "copy): 1.8 for an 11.6 s clip, 2.3 for 6.1 s, 3.0 for 2.9 s (short clips carry the same "
    "start-up cost); 2.5 errs on the long side. From then on the rate is measured "
    "(ANALYSIS_RATES_REMEMBERED).",
)
ANALYSIS_RATES_REMEMBERED = Limit(
    20,
    "analyses",
    "The latest finished analyses whose seconds of analysis per second of clip make the "
    "estimate: enough that one odd clip does not move it, few enough to follow a server that "
    "got busier or quieter within the hour.",
)
ANALYSIS_RATE_QUANTILE = Limit(
    0.75,
    "quantile of the remembered rates",
    "The estimate takes the upper quartile of the measured rates, not the median: a wait that "
    "ends a little early is kind, one that runs past what was said feels like a broken page.",
)
UNKNOWN_CLIP_SECONDS = Limit(
    10.0,
    "seconds of clip",
    "The length assumed for a clip whose header gives none (and for another learner's analysis "
    "started without one): a set of 3 to 6 hinges, filmed tight, takes 10 to 40 s.",
)
RUNNING_LEFT_SHARE = Limit(
    0.1,
    "share of an analysis's expected time",
    "An analysis that has run past its estimate is counted as still needing this share of it, "
    "so the wait behind it never reads as nothing while it is still running.",
)
REPORTS_KEPT = Limit(
    100,
    "visits",
    "Browsers whose latest self-check report (its numbers and its annotated copy: 0.13 to "
    "0.33 MB for the real 3 to 12 s clips, about 1 MB for a 40 s set) the server keeps, so that "
    "a reload or Back shows it again: 100 is about 100 MB at most, and more learners than a gym "
    "has on the floor at once. The one longest unused is forgotten first.",
)
REPORT_KEPT_HOURS = Limit(
    3.0,
    "hours since the visit last opened the self-check",
    "A report stays for the rest of a visit to the course (a gym session of one to two hours, "
    "with time to read the lessons it links to); after that it goes, as the privacy notice says.",
)
LEFT_IN_LINE_S = Limit(
    30.0,
    "seconds",
    "A clip still waiting in line whose page nobody has watched for this long (the learner "
    "left or stopped the page) gives up its place, so the clips behind it move up; an "
    "analysis already running finishes, and its report waits for the learner's return.",
)


# The other HINGE_* variables, read where they are used: (who reads it, what it is for).
OTHER_VARIABLES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "HINGE_DATA_DIR": ("course.store", "the folder of the course's SQLite database"),
        "HINGE_CONTENT_DIR": ("course.content", "another content folder, for authors trying a draft"),
        "HINGE_CLIPS_DIR": ("tests, benchmarks", "the folder of the real clips and their labels"),
        "HINGE_CHROMIUM": ("tests", "the Chromium the browser tests drive"),
        "HINGE_TEST_POSTGRES_URL": ("tests", "a PostgreSQL server of your own for the store's tests"),
        "HINGE_SCREENSHOTS": ("tests", "a folder to keep the browser tests' screenshots in"),
        "HINGE_APP_LOG": ("tests", "a file for the log of the app servers the browser tests start"),
        "HINGE_SEED": ("tests", "the seed article the course's facts are checked against"),
    }
)


def check_environment(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings from `environ` (default os.environ), with every HINGE_* variable in it known:
    a misspelt name would otherwise be ignored without a word. Raises SettingsError naming the
    first problem, in one line (an unknown name with the nearest known one)."""
    environ = os.environ if environ is None else environ
    known = set(ENVIRONMENT) | set(OTHER_VARIABLES)
    for name in sorted(environ):
        if name.startswith("HINGE_") and name not in known:
            near = difflib.get_close_matches(name, sorted(known), n=1)
            raise SettingsError(
                f"{name} is not a setting of the course"
                + (f": did you mean {near[0]}?" if near else " (see the README's settings)")
            )
    return Settings.from_env(environ)


# Every environment variable: (where it lands, its unit, why it is what it is).
ENVIRONMENT: Mapping[str, tuple[str, str, str]] = MappingProxyType(
    {
        limit.env: (f"{cls.__name__}.{item.name}", limit.unit, limit.why)
        for cls in (ClipLimits, Settings)
        for item in fields(cls)
        if (limit := limit_of(item)) is not None and limit.env is not None
    }
)
