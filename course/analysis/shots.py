"""Shots: the stretches of a clip filmed in one go, and the one to judge.

A clip from a phone's editor may be cut together from several shots (a front view, then a
side view), and the tracker may jump from the lifter to someone else. Angles measured across a
cut or a jump join two different bodies or cameras into one motion, so the clip is split at
both, and the longest shot that shows the person is judged; the report says what was left out.

A cut: the picture's 16 x 16 grey thumbnail changes by more than CUT_CHANGE in one frame
(TrackedSequence.change). A jump: the tracked torso's centre moves more than TAKEOVER_JUMP of
its own length between neighbouring measured frames.

Walking in and away: a set is done with the feet in one place. Frames at the start before the
feet reach that place, and at the end after they leave it, are not part of the set
(`settled`); a walk towards the camera would otherwise read as a deep hinge.
"""

from __future__ import annotations

import dataclasses
import itertools
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from course.analysis.kinematics import VISIBLE, on_silhouette
from course.analysis.pose import TORSO, person_frames
from course.analysis.problems import CutIntoPieces
from course.landmarks import Landmark as L
from course.landmarks import LandmarkSequence
from course.thresholds import CUT_CHANGE, FEET_AWAY, MIN_SHOT, TAKEOVER_JUMP

NEIGHBOURS_S = 0.1  # seconds: measured frames closer than this are neighbours for TAKEOVER_JUMP
NOTE_WALK_S = 0.5  # seconds: walking in or away left out for longer than this is said in a note


@dataclass(frozen=True)
class Shot:
    """Rows start..end (inclusive) of a sequence, filmed in one go; seconds from its t_s."""

    start: int
    end: int
    start_s: float
    end_s: float

    @property
    def seconds(self) -> float:
        return self.end_s - self.start_s


def shot_starts(seq: LandmarkSequence) -> np.ndarray:
    """(n,) bool: rows where a new shot begins (row 0 does), at a cut in the picture or a jump
    of the tracked torso."""
    n = len(seq)
    starts = np.zeros(n, bool)
    if n == 0:
        return starts
    starts[0] = True
    change = getattr(seq, "change", None)
    if change is not None:
        starts |= np.nan_to_num(np.asarray(change, float)) > CUT_CHANGE.value
    px = seq.image_px()
    centre = px[:, list(TORSO)].mean(axis=1)
    shoulders = px[:, [L.LEFT_SHOULDER, L.RIGHT_SHOULDER]].mean(axis=1)
    hips = px[:, [L.LEFT_HIP, L.RIGHT_HIP]].mean(axis=1)
    torso = np.linalg.norm(shoulders - hips, axis=1)
    rows = np.flatnonzero(person_frames(seq) & np.isfinite(centre).all(axis=1) & (torso > 0))
    for a, b in itertools.pairwise(rows):
        if seq.t_s[b] - seq.t_s[a] <= NEIGHBOURS_S:
            jump = np.linalg.norm(centre[b] - centre[a]) / max(torso[a], torso[b])
            if jump > TAKEOVER_JUMP.value:
                starts[b] = True
    return starts


def split_shots(seq: LandmarkSequence) -> tuple[Shot, ...]:
    """The sequence's shots, in order."""
    starts = np.flatnonzero(shot_starts(seq))
    ends = [*(starts[1:] - 1), len(seq) - 1]
    return tuple(
        Shot(int(a), int(b), float(seq.t_s[a]), float(seq.t_s[b])) for a, b in zip(starts, ends, strict=False)
    )  # no rows: no starts, one end


def pick_shot(seq: LandmarkSequence) -> tuple[LandmarkSequence, str | None]:
    """The sequence with only its best shot left in (the others blanked: no person, so rows
    still match the clip's frames), and a sentence for the learner saying what was left out,
    or the sequence itself and None when it is one shot. The best shot shows the person for
    the longest time. Raises CutIntoPieces when the clip has cuts and no shot that shows the
    person is MIN_SHOT long."""
    shots = split_shots(seq)
    if len(shots) <= 1:
        return seq, None
    found = person_frames(seq)
    dt = np.diff(seq.t_s, append=seq.t_s[-1])

    def shown_s(shot: Shot) -> float:
        return float(dt[shot.start : shot.end + 1][found[shot.start : shot.end + 1]].sum())

    best = max(shots, key=shown_s)
    if shown_s(best) < MIN_SHOT.value:
        raise CutIntoPieces()
    keep = np.zeros(len(seq), bool)
    keep[best.start : best.end + 1] = True
    blanked = _blank(seq, ~keep)
    cuts = len(shots) - 1
    note = (
        f"Your clip changes shot {cuts} time{'s' if cuts != 1 else ''}; we judged the longest part "
        f"filmed in one go ({best.start_s:.1f} to {best.end_s:.1f} s) and left out the rest."
    )
    return blanked, note


def settled(seq: LandmarkSequence) -> tuple[LandmarkSequence, str | None]:
    """The sequence without the walking in at its start and the walking away at its end: the
    frames before the feet first stand where they stand for the set, and after they last do,
    are blanked (rows still match the clip's frames), with a sentence saying so when that left
    out more than NOTE_WALK_S. The set's place is the feet's median place over the frames that
    show them; the feet are there when within FEET_AWAY of it. The sequence itself and None
    when nothing is left out, or when the feet never stay in one place for MIN_SHOT (people
    walking across the picture: the people check and the rep counter say what it is)."""
    px = seq.image_px()
    seen = on_silhouette(seq) & (seq.visibility >= VISIBLE.value) & np.isfinite(px).all(axis=-1)
    ankles = [L.LEFT_ANKLE, L.RIGHT_ANKLE]
    feet = np.where(seen[:, ankles, None], px[:, ankles], np.nan)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        feet = np.nanmean(feet, axis=1)
        legs = np.linalg.norm(px[:, [L.LEFT_HIP, L.RIGHT_HIP]].mean(axis=1) - feet, axis=1)
        leg = float(np.nanmedian(legs))
        place = np.nanmedian(feet, axis=0)
    if not (np.isfinite(leg) and leg > 0 and np.isfinite(place).all()):
        return seq, None
    distance = np.linalg.norm(feet - place, axis=1)  # NaN where the feet were not seen
    there = np.flatnonzero(distance <= FEET_AWAY.value * leg)
    if not len(there) or seq.t_s[there[-1]] - seq.t_s[there[0]] < MIN_SHOT.value:
        return seq, None  # never standing in one place long enough for a rep: nothing to keep apart
    away = distance > FEET_AWAY.value * leg  # seen, and elsewhere (feet hidden by a plate are neither)
    rows = np.arange(len(seq))
    first, last = int(there[0]), int(there[-1])
    # Only an end where the feet were seen elsewhere is a walk; an end where they were hidden is kept.
    first = first if away[:first].any() else 0
    last = last if away[last + 1 :].any() else len(seq) - 1
    moving = person_frames(seq) & ((rows < first) | (rows > last))
    if not moving.any():
        return seq, None
    before = float(seq.t_s[first] - seq.t_s[0])
    after = float(seq.t_s[-1] - seq.t_s[last])
    parts = []
    if before > NOTE_WALK_S:
        parts.append(f"the first {before:.1f} s, where you walked into place")
    if after > NOTE_WALK_S:
        parts.append(f"the last {after:.1f} s, where you walked away")
    note = f"We left out {', and '.join(parts)}." if parts else None
    return _blank(seq, moving), note


def _blank(seq: LandmarkSequence, rows: np.ndarray) -> LandmarkSequence:
    """A copy of the sequence with `rows` showing no person (NaN landmarks, visibility 0)."""
    image, world, visibility = (np.array(a, dtype=float) for a in (seq.image, seq.world, seq.visibility))
    image[rows] = np.nan
    world[rows] = np.nan
    visibility[rows] = 0.0
    changes: dict[str, Any] = {"image": image, "world": world, "visibility": visibility}
    if seq.in_person is not None:
        in_person = np.array(seq.in_person, dtype=float)
        in_person[rows] = 0.0
        changes["in_person"] = in_person
    if seq.back_bend_deg is not None:
        bend = np.array(seq.back_bend_deg, dtype=float)
        bend[rows] = np.nan
        changes["back_bend_deg"] = bend
    samples = getattr(seq, "samples", None)
    if samples is not None:
        changes["samples"] = tuple(frame for frame in samples if not rows[frame.index])
    return dataclasses.replace(seq, **changes)


__all__ = ["Shot", "pick_shot", "settled", "shot_starts", "split_shots"]
