"""Stress cases made from the real clips: the ways strangers' clips go wrong, each with its answer.

The real clips (HINGE_CLIPS_DIR, never committed) are turned into harder ones in code: the phone
rolled, a bystander pasted far behind the lifter, a second lifter beside them, a plate-like
disc over the knees, the person taken out and a skeleton drawn where they were, two clips
spliced with hard cuts. Each derivation is a pure function of frames (and, where it needs to
know where the person is, of MediaPipe's own landmarks and silhouette on those frames), so the
same clip always gives the same case. `STRESS_CASES` names each case with what a coach would
answer; the tests and `benchmarks/accuracy.py --stress` both use them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import av
import cv2
import numpy as np

from course.analysis.pose import pose_model
from course.landmarks import Landmark as L
from tests.clip_factory import write_clip

Frames = list[tuple[float, np.ndarray]]  # (seconds from the first frame, RGB picture)
SECONDS = 4.0  # derived clips are cut to this, so the tests stay quick


def read_frames(path: Path, *, seconds: float = SECONDS, max_side: int = 640) -> Frames:
    """A clip's first `seconds` as upright RGB pictures (no larger than `max_side`) with their
    own times, cut to even sizes for H.264."""
    frames: Frames = []
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            if frames and frame.time - frames[0][0] > seconds:
                break
            image = frame.to_ndarray(format="rgb24")
            scale = min(1.0, max_side / max(image.shape[:2]))
            if scale < 1.0:
                image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
            height, width = image.shape[0] // 2 * 2, image.shape[1] // 2 * 2
            frames.append((float(frame.time), np.ascontiguousarray(image[:height, :width])))
    start = frames[0][0]
    return [(t - start, image) for t, image in frames]


def write_frames(path: Path, frames: Frames) -> Path:
    """An H.264 MP4 in which every frame keeps its own time (milliseconds, strictly increasing)."""
    times_ms: list[int] = []
    for t, _ in frames:
        times_ms.append(max(times_ms[-1] + 1 if times_ms else 0, round(t * 1000)))
    return write_clip(path, images=[np.ascontiguousarray(image) for _, image in frames], rate=30, times_ms=times_ms)


@dataclass(frozen=True)
class Person:
    """Where MediaPipe saw the person on each frame: 33 landmarks in pixels (NaN where nobody
    was found) and the silhouette (h, w) bool."""

    landmarks_px: list[np.ndarray]
    silhouettes: list[np.ndarray]


def find_person(frames: Frames) -> Person:
    """MediaPipe's landmarks and silhouette on every frame (tracking mode, as the app runs)."""
    points, masks = [], []
    with pose_model(segmentation=True) as model:
        for _, image in frames:
            result = model.process(image)
            height, width = image.shape[:2]
            if result.pose_landmarks is None:
                points.append(np.full((len(L), 2), np.nan))
                masks.append(np.zeros((height, width), bool))
                continue
            points.append(np.array([(p.x * width, p.y * height) for p in result.pose_landmarks.landmark]))
            mask = result.segmentation_mask
            masks.append(np.zeros((height, width), bool) if mask is None else np.asarray(mask) > 0.5)
    return Person(points, masks)


# --- derivations ---------------------------------------------------------------------------


def rolled(frames: Frames, degrees: float) -> Frames:
    """The phone rolled by `degrees` (the scene turns the other way), zoomed in just enough that
    no empty corner shows: a real phone has none, and a black corner would be a straight edge
    that no room has."""
    height, width = frames[0][1].shape[:2]
    a = math.radians(abs(degrees))
    zoom = math.cos(a) + math.sin(a) * max(width / height, height / width)
    turn = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, zoom)
    return [
        (t, cv2.warpAffine(image, turn, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE))
        for t, image in frames
    ]


def _paste(image: np.ndarray, cutout: np.ndarray, mask: np.ndarray, x0: int, y0: int) -> None:
    """Paste `cutout` where `mask` is set, its top-left corner at (x0, y0), clipped, in place."""
    height, width = image.shape[:2]
    h, w = mask.shape
    xa, ya, xb, yb = max(0, x0), max(0, y0), min(width, x0 + w), min(height, y0 + h)
    if xa >= xb or ya >= yb:
        return
    region = image[ya:yb, xa:xb]
    keep = mask[ya - y0 : yb - y0, xa - x0 : xb - x0]
    region[keep] = cutout[ya - y0 : yb - y0, xa - x0 : xb - x0][keep]


def _cut_person(
    image: np.ndarray, silhouette: np.ndarray, scale: float, mirror: bool = False
) -> tuple[np.ndarray, np.ndarray, tuple[int, int, int, int]] | None:
    """The person's pixels and mask, scaled, and the box they came from (x0, y0, x1, y1)."""
    ys, xs = np.nonzero(silhouette)
    if len(xs) == 0:
        return None
    x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
    cutout, mask = image[y0:y1, x0:x1], silhouette[y0:y1, x0:x1].astype(np.uint8)
    if mirror:
        cutout, mask = cutout[:, ::-1], mask[:, ::-1]
    size = (max(1, round((x1 - x0) * scale)), max(1, round((y1 - y0) * scale)))
    cutout = cv2.resize(np.ascontiguousarray(cutout), size, interpolation=cv2.INTER_AREA)
    mask = cv2.resize(np.ascontiguousarray(mask), size, interpolation=cv2.INTER_NEAREST).astype(bool)
    return cutout, mask, (int(x0), int(y0), int(x1), int(y1))


def with_bystander(frames: Frames, person: Person, *, scale: float = 0.45, lag_s: float = 1.5) -> Frames:
    """A smaller copy of the lifter (`scale` of their height: someone several metres further
    back) standing in the background off to one side, moving out of step with them (`lag_s`
    seconds behind), feet higher in the picture as a farther floor point is."""
    out: Frames = []
    times = np.array([t for t, _ in frames])
    for k, (t, image) in enumerate(frames):
        picture = image.copy()
        source = (
            int(np.clip(np.searchsorted(times, t - lag_s), 0, len(frames) - 1))
            if t >= lag_s
            else int(np.clip(np.searchsorted(times, t + lag_s), 0, len(frames) - 1))
        )
        cut = _cut_person(frames[source][1], person.silhouettes[source], scale, mirror=True)
        if cut is not None:
            cutout, mask, (_x0, y0, _x1, y1) = cut
            _height, width = image.shape[:2]
            lifter_x = (
                np.nanmedian(person.landmarks_px[k][:, 0]) if np.isfinite(person.landmarks_px[k]).any() else width / 2
            )
            x = int(width * 0.04) if lifter_x > width / 2 else int(width * 0.96) - mask.shape[1]
            feet_y = round(y1 - 0.35 * (y1 - y0))  # the floor further back sits higher in the picture
            _paste(picture, cutout, mask, x, feet_y - mask.shape[0])
        out.append((t, picture))
    return out


def with_second_lifter(frames: Frames, person: Person, *, lag_s: float = 0.8) -> Frames:
    """A second lifter of the same size beside the first, training out of step: the picture
    widened by the lifter's width and a mirrored copy of them pasted in the new space."""
    out: Frames = []
    times = np.array([t for t, _ in frames])
    boxes = [np.nonzero(s) for s in person.silhouettes]
    widths = [x.max() - x.min() + 1 for _, x in boxes if len(x)]
    extra = int(np.median(widths) * 1.3) // 2 * 2 if widths else 0
    for t, image in frames:
        _height, width = image.shape[:2]
        picture = np.concatenate([image, np.repeat(image[:, -1:], extra, axis=1)], axis=1)
        source = int(np.clip(np.searchsorted(times, (t + lag_s) % times[-1]), 0, len(frames) - 1))
        cut = _cut_person(frames[source][1], person.silhouettes[source], 1.0, mirror=True)
        if cut is not None:
            cutout, mask, (_x0, y0, _, _) = cut
            _paste(picture, cutout, mask, width + extra - mask.shape[1], y0)
        out.append((t, picture))
    return out


def with_plate(
    frames: Frames,
    person: Person,
    *,
    joints: Sequence[L] = (L.LEFT_KNEE, L.RIGHT_KNEE),
    radius: float = 0.13,
    share: float = 1.0,
) -> Frames:
    """A dark plate-like disc (`radius` of the picture's height, a 45 cm plate seen from 2 to 3 m)
    in front of `joints`, at their median place over the clip (a plate resting on a stand or a
    bar, not following the joint), on the first `share` of the frames."""
    points = np.array([p[list(joints)].mean(axis=0) for p in person.landmarks_px])
    centre = np.nanmedian(points, axis=0)
    out: Frames = []
    for k, (t, image) in enumerate(frames):
        picture = image.copy()
        if k < share * len(frames) and np.isfinite(centre).all():
            r = round(radius * image.shape[0])
            c = (int(centre[0]), int(centre[1]))
            cv2.circle(picture, c, r, (38, 38, 42), -1, lineType=cv2.LINE_AA)
            cv2.circle(picture, c, int(r * 0.8), (60, 60, 66), 3, lineType=cv2.LINE_AA)
            cv2.circle(picture, c, int(r * 0.12), (150, 150, 155), -1, lineType=cv2.LINE_AA)
        out.append((t, picture))
    return out


def with_barbell_plate(frames: Frames, person: Person, *, radius: float = 0.125) -> Frames:
    """A barbell's near plate in front of the lifter: a black rubber disc with a raised rim and
    a steel sleeve, `radius` of the picture's height (a 45 cm plate filmed whole-body), centred on
    the hands as a bar would be, so it covers the shins at the bottom and the knees and thighs
    on the way up."""
    out: Frames = []
    centre = None
    for k, (t, image) in enumerate(frames):
        hands = person.landmarks_px[k][[L.LEFT_WRIST, L.RIGHT_WRIST]].mean(axis=0)
        centre = hands if np.isfinite(hands).all() else centre
        picture = image.copy()
        if centre is not None:
            r = round(radius * image.shape[0])
            c = (int(centre[0]), int(centre[1]))
            cv2.circle(picture, c, r, (24, 24, 26), -1, lineType=cv2.LINE_AA)
            cv2.circle(picture, c, r - 2, (70, 70, 74), 3, lineType=cv2.LINE_AA)
            cv2.circle(picture, c, int(r * 0.55), (45, 45, 48), 2, lineType=cv2.LINE_AA)
            cv2.circle(picture, c, int(r * 0.16), (190, 190, 196), -1, lineType=cv2.LINE_AA)
            cv2.putText(
                picture,
                "20 KG",
                (c[0] - r // 3, c[1] - r // 2),
                cv2.FONT_HERSHEY_SIMPLEX,
                max(0.3, r / 90),
                (200, 200, 200),
                1,
                cv2.LINE_AA,
            )
        out.append((t, picture))
    return out


SKELETON = (
    (L.LEFT_SHOULDER, L.RIGHT_SHOULDER),
    (L.LEFT_HIP, L.RIGHT_HIP),
    (L.LEFT_SHOULDER, L.LEFT_HIP),
    (L.RIGHT_SHOULDER, L.RIGHT_HIP),
    (L.LEFT_SHOULDER, L.LEFT_ELBOW),
    (L.LEFT_ELBOW, L.LEFT_WRIST),
    (L.RIGHT_SHOULDER, L.RIGHT_ELBOW),
    (L.RIGHT_ELBOW, L.RIGHT_WRIST),
    (L.LEFT_HIP, L.LEFT_KNEE),
    (L.LEFT_KNEE, L.LEFT_ANKLE),
    (L.RIGHT_HIP, L.RIGHT_KNEE),
    (L.RIGHT_KNEE, L.RIGHT_ANKLE),
    (L.NOSE, L.LEFT_SHOULDER),
    (L.NOSE, L.RIGHT_SHOULDER),
)


def person_removed(frames: Frames, person: Person, *, skeleton: bool = True) -> Frames:
    """The person painted out with the background around them (OpenCV inpainting over their
    silhouette, grown a little), and, with `skeleton`, the coloured bones another pose tool
    burns in drawn where they were: a clip with no person that still moves like one."""
    out: Frames = []
    for k, (t, image) in enumerate(frames):
        mask = cv2.dilate(person.silhouettes[k].astype(np.uint8), np.ones((15, 15), np.uint8))
        small = cv2.resize(image, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
        small_mask = cv2.resize(mask, (small.shape[1], small.shape[0]), interpolation=cv2.INTER_NEAREST)
        filled = cv2.resize(cv2.inpaint(small, small_mask, 5, cv2.INPAINT_TELEA), (image.shape[1], image.shape[0]))
        picture = np.where(mask[..., None].astype(bool), filled, image)
        if skeleton and np.isfinite(person.landmarks_px[k]).all():
            p = person.landmarks_px[k]
            for n, (a, b) in enumerate(SKELETON):
                colour = [(255, 60, 60), (60, 220, 60), (60, 120, 255), (250, 220, 40)][n % 4]
                cv2.line(picture, (int(p[a, 0]), int(p[a, 1])), (int(p[b, 0]), int(p[b, 1])), colour, 3, cv2.LINE_AA)
            for a in {j for pair in SKELETON for j in pair}:
                cv2.circle(picture, (int(p[a, 0]), int(p[a, 1])), 4, (255, 255, 255), -1, cv2.LINE_AA)
        out.append((t, np.ascontiguousarray(picture)))
    return out


def spliced(parts: Sequence[Frames]) -> Frames:
    """The parts one after the other with hard cuts between them, each resized to the first's
    picture size (letterboxed, as an editing app does), times running on."""
    height, width = parts[0][0][1].shape[:2]
    out: Frames = []
    offset = 0.0
    for part in parts:
        for t, image in part:
            h, w = image.shape[:2]
            scale = min(width / w, height / h)
            resized = cv2.resize(image, (max(2, round(w * scale)), max(2, round(h * scale))))
            canvas = np.zeros((height, width, 3), np.uint8)
            y, x = (height - resized.shape[0]) // 2, (width - resized.shape[1]) // 2
            canvas[y : y + resized.shape[0], x : x + resized.shape[1]] = resized
            out.append((offset + t, canvas))
        offset = out[-1][0] + (part[1][0] - part[0][0] if len(part) > 1 else 1 / 30)
    return out


def zoomed(frames: Frames, factor: float) -> Frames:
    """A closer shot: the middle of each picture enlarged `factor` times, same size."""
    height, width = frames[0][1].shape[:2]
    turn = cv2.getRotationMatrix2D((width / 2, height / 2), 0.0, factor)
    return [(t, cv2.warpAffine(image, turn, (width, height))) for t, image in frames]


def mirrored(frames: Frames) -> Frames:
    """The same shot filmed from the other side (the picture flipped left to right)."""
    return [(t, np.ascontiguousarray(image[:, ::-1])) for t, image in frames]


def _between(frames: Frames, start_s: float, end_s: float) -> Frames:
    kept = [(t, image) for t, image in frames if start_s <= t < end_s]
    return [(t - kept[0][0], image) for t, image in kept]


def three_shots(frames: Frames, person: Person) -> Frames:
    """An edited clip: a 1 s close-up, the whole set, then 1 s from the other side."""
    return spliced([zoomed(_between(frames, 0.0, 1.0), 1.8), frames, mirrored(_between(frames, 0.0, 1.0))])


def cut_every_half_second(frames: Frames, person: Person) -> Frames:
    """Half-second pieces of the clip, alternately as filmed, mirrored and close up, as a
    montage: no whole rep is ever filmed in one go."""
    looks = (lambda f: f, mirrored, lambda f: zoomed(f, 1.8))
    end = frames[-1][0]
    pieces = [looks[k % 3](_between(frames, k * 0.5, (k + 1) * 0.5)) for k in range(int(end / 0.5))]
    return spliced([piece for piece in pieces if piece])


def walked_in(frames: Frames, person: Person, *, seconds: float = 2.0) -> Frames:
    """The set, after `seconds` of the lifter coming in from the picture's left edge to where
    they stand (their first frame's cutout carried across the empty room: a slide, not a walk,
    but the feet travel as a walk's do)."""
    room = person_removed(frames[:1], person, skeleton=False)[0][1]
    cut = _cut_person(frames[0][1], person.silhouettes[0], 1.0)
    if cut is None:
        return frames
    cutout, mask, (x0, y0, _, _) = cut
    step = frames[1][0] - frames[0][0] if len(frames) > 1 else 1 / 30
    count = round(seconds / step)
    out: Frames = []
    for k in range(count):
        picture = room.copy()
        x = round(-mask.shape[1] + (x0 + mask.shape[1]) * k / count)
        _paste(picture, cutout, mask, x, y0)
        out.append((k * step, picture))
    return out + [(count * step + t, image) for t, image in frames]


# --- the cases -----------------------------------------------------------------------------


@dataclass(frozen=True)
class StressCase:
    """A clip derived from a real one, and what a coach would answer.

    outcome: the outcome the self-check must give (judged | partial | refused), or a set of
    outcomes any of which is honest. problem: the refusal's code, when refused. reps: the rep
    count, None when not scored. must_not_find: faults that must not be reported (the
    derivation adds none; a tilt or a cover must not make one). must_find: faults the source
    shows that the derived clip must still show (a tilt or a smaller picture must not hide
    them). note: a phrase the report must
    say (in its message, notes or what was not judged), or ''. seconds: how much of the source
    is used (the two-rep deadlift needs all of its 10 s)."""

    name: str
    source: str
    derive: Callable[[Frames, Person], Frames]
    outcome: frozenset[str]
    problem: str | None = None
    reps: int | None = None
    must_not_find: frozenset[str] = frozenset()
    must_find: frozenset[str] = frozenset()
    note: str = ""
    seconds: float = SECONDS


def _case(
    name: str, source: str, derive: Callable[[Frames, Person], Frames], outcome: str | set[str], **kwargs
) -> StressCase:
    outcomes = frozenset({outcome} if isinstance(outcome, str) else outcome)
    return StressCase(name, source, derive, outcomes, **kwargs)


VERTICAL = frozenset({"lean_back_at_top", "hips_not_back"})
WHOLE = 12.0  # seconds: more than the longest real clip used here
ALL_FAULTS = frozenset(
    {
        "rounded_back",
        "squat_pattern",
        "hips_not_back",
        "locked_knees",
        "lean_back_at_top",
        "neck_cranked",
        "rushed_descent",
    }
)
STRESS_CASES: tuple[StressCase, ...] = (
    # Rolled pictures are zoomed so no corner is empty, and that can cut the feet off: partial
    # is then the honest answer too. What a roll must never do is make a lean or hip fault.
    *(
        _case(
            f"roll {deg:+d} deg",
            "kb-deadlift-side.mp4",
            lambda f, p, d=deg: rolled(f, d),
            {"judged", "partial"},
            reps=1,
            must_not_find=VERTICAL,
        )
        for deg in (5, -10, 15)
    ),
    *(
        _case(
            f"roll {deg:+d} deg",
            "deadlift-side-2reps.mp4",
            lambda f, p, d=deg: rolled(f, d),
            {"judged", "partial"},
            reps=2,
            must_not_find=VERTICAL | {"squat_pattern", "rounded_back"},
            seconds=WHOLE,
        )
        for deg in (-5, 10)
    ),
    # The labelled rounded back must survive what a stranger's phone does to a clip.
    *(
        _case(
            name,
            "rdl-rounded-back-side.mp4",
            derive,
            {"judged", "partial"},
            reps=1,
            must_find=frozenset({"rounded_back"}),
            must_not_find=VERTICAL,
        )
        for name, derive in (
            ("roll -10 deg", lambda f, p: rolled(f, -10)),
            ("filmed from the other side", lambda f, p: mirrored(f)),
            ("further away", lambda f, p: zoomed(f, 0.7)),
        )
    ),
    _case(
        "bystander far behind",
        "kb-deadlift-side.mp4",
        with_bystander,
        "judged",
        reps=1,
        note="Other people were in the picture further back",
    ),
    _case(
        "bystander far behind",
        "deadlift-side-2reps.mp4",
        with_bystander,
        "judged",
        reps=2,
        note="Other people were in the picture further back",
        seconds=WHOLE,
    ),
    _case(
        "second lifter beside", "kb-deadlift-side.mp4", with_second_lifter, "refused", problem="more_people_than_one"
    ),
    _case(
        "plate over the knees",
        "kb-deadlift-side.mp4",
        with_plate,
        {"partial"},
        must_not_find=ALL_FAULTS,
        note="Something hid your knees",
    ),
    # Both sources are clean hinges with no fault: a plate in front must not make one.
    _case(
        "barbell plate in front",
        "deadlift-side-2reps.mp4",
        with_barbell_plate,
        {"judged", "partial"},
        reps=2,
        must_not_find=ALL_FAULTS,
        seconds=WHOLE,
    ),
    _case(
        "barbell plate in front",
        "kb-deadlift-side.mp4",
        with_barbell_plate,
        "partial",
        must_not_find=ALL_FAULTS,
        note="Something hid your",
    ),
    _case(
        "three shots spliced",
        "kb-deadlift-side.mp4",
        three_shots,
        {"judged", "partial"},
        reps=1,
        note="changes shot 2 times",
    ),
    _case(
        "walked into place",
        "kb-deadlift-side.mp4",
        walked_in,
        {"judged", "partial"},
        reps=1,
        note="where you walked into place",
    ),
    _case("cut every half second", "kb-deadlift-side.mp4", cut_every_half_second, "refused", problem="cut_into_pieces"),
    _case(
        "person removed, skeleton drawn", "kb-deadlift-side.mp4", person_removed, "refused", problem="no_person_found"
    ),
    _case(
        "person removed, skeleton drawn",
        "deadlift-side-2reps.mp4",
        person_removed,
        "refused",
        problem="no_person_found",
        seconds=WHOLE,
    ),
)
