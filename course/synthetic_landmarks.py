"""Synthetic MediaPipe output: what Pose would return filming a body-model motion.

`landmark_sequence` films a reference motion (`course.motions`) with a virtual phone camera
(`course.landmarks.Camera`) and returns the same `LandmarkSequence` the pose module makes from a
real clip, so the fault rules, the view and the reps can be tested on motions whose angles and
faults are known. Camera and coordinate conventions are those of `course.landmarks`.

Visibility here: 1.0 in frame; a point on the side of the body away from the camera fades to
`far_side_visibility` (default 0.7) as it goes more than OCCLUSION_RAMP_M behind its
left/right partner (in a side view the far hip, knee and ankle are hidden behind the near
ones); 0 outside the picture. Real MediaPipe often reports the hidden side with visibility above
0.9 anyway, so rules should not trust visibility alone to pick the near side. Dropouts, swaps of
left and right, and occlusions by things in front add the tracker's usual failures.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from course.landmarks import Camera, Landmark, LandmarkSequence, body_landmarks, mirror_index
from course.motions import Motion

L = Landmark
OCCLUSION_RAMP_M = 0.05  # metres behind its partner at which a far-side point is fully hidden
FAR_SIDE_VISIBILITY = 0.7  # visibility of a fully hidden far-side point (0..1)
_MIRROR_INDEX = mirror_index()


@dataclass(frozen=True)
class Dropout:
    """Landmarks the tracker loses from start_s to end_s (inclusive, seconds): NaN, visibility 0.
    The default loses the whole person."""

    start_s: float
    end_s: float
    landmarks: tuple[Landmark, ...] = tuple(Landmark)


@dataclass(frozen=True)
class Occlusion:
    """Something in front of the person (a plate, a bench, another person) hides `landmarks`
    from start_s to end_s (inclusive, seconds). MediaPipe still places them, where it guesses:
    `guess_error_px` pixels from the truth, in one random direction held over the span, with
    `visibility` (0..1; real hidden joints often come back at 0.8 or more). They lie off the
    person's silhouette (in_person 0), which is how the analysis can tell."""

    start_s: float
    end_s: float
    landmarks: tuple[Landmark, ...]
    guess_error_px: float = 0.0
    visibility: float = 0.9


@dataclass(frozen=True)
class Swap:
    """From start_s to end_s (inclusive, seconds) the tracker mixes up left and right: every
    left landmark carries its right partner's position and visibility, and the other way round."""

    start_s: float
    end_s: float


def landmark_sequence(
    motion: Motion,
    camera: Camera | None = None,
    *,
    noise_px: float = 0.0,
    noise_m: float = 0.0,
    rng: np.random.Generator | int | None = None,
    dropouts: Sequence[Dropout] = (),
    drop_fraction: float = 0.0,
    swaps: Sequence[Swap] = (),
    swap_fraction: float = 0.0,
    far_side_visibility: float = FAR_SIDE_VISIBILITY,
    occlusions: Sequence[Occlusion] = (),
) -> LandmarkSequence:
    """What MediaPipe Pose would return filming `motion` with `camera` (default Camera()).

    noise_px: standard deviation of Gaussian noise on image x and y (and z, in the same scale),
        pixels, 0 or more. noise_m: the same for world x, y and z, metres; world landmarks are
        re-centred on their (noisy) hips afterwards, as MediaPipe's are hip-centred.
    rng: a numpy Generator, or a seed for one; the same seed gives the same noise, dropped and
        swapped frames.
    dropouts: spans where landmarks go missing. drop_fraction: 0..1, the share of frames (picked
        at random) where no person is found at all.
    swaps: spans with left and right mixed up. swap_fraction: 0..1, the share of frames (picked
        at random) with left and right mixed up.
    far_side_visibility: 0..1, visibility of landmarks hidden behind the body (module docstring).
    occlusions: spans where something in front hides landmarks (see Occlusion). With any, the
        sequence carries `in_person` (1 on the silhouette, 0 where hidden or out of frame);
        without, in_person is None, as for a tracker that made no mask.
    Order: clean landmarks, noise, occlusions, swaps, then dropouts. Raises ValueError for a parameter out of
    range.
    """
    camera = camera if camera is not None else Camera()
    for name, value, high in (
        ("noise_px", noise_px, math.inf),
        ("noise_m", noise_m, math.inf),
        ("drop_fraction", drop_fraction, 1.0),
        ("swap_fraction", swap_fraction, 1.0),
        ("far_side_visibility", far_side_visibility, 1.0),
    ):
        if not (math.isfinite(value) and 0.0 <= value <= high):
            limit = "0 or more" if math.isinf(high) else "between 0 and 1"
            raise ValueError(f"{name} must be {limit}, got {value}")
    rng = np.random.default_rng(rng)
    t_s = np.asarray(motion.t_s, dtype=float)
    n, count = len(t_s), len(Landmark)

    body = np.stack([body_landmarks(frame, motion.body.height_m) for frame in motion.frames])
    mid_hip = 0.5 * (body[:, L.LEFT_HIP] + body[:, L.RIGHT_HIP])
    world = (body - mid_hip[:, None, :]) @ camera.rotation.T
    pixels = camera.project(body)
    hip_depth = camera.project(mid_hip)[:, 2]
    size = np.array([camera.width_px, camera.height_px], dtype=float)
    image = np.empty((n, count, 3))
    image[..., :2] = pixels[..., :2] / size
    image[..., 2] = camera.focal_px * (pixels[..., 2] - hip_depth[:, None]) / (hip_depth[:, None] * camera.width_px)

    depth = pixels[..., 2]
    hidden = np.clip((depth - depth[:, _MIRROR_INDEX]) / OCCLUSION_RAMP_M, 0.0, 1.0)
    visibility = 1.0 - (1.0 - far_side_visibility) * np.nan_to_num(hidden)
    in_frame = np.all((image[..., :2] >= 0.0) & (image[..., :2] <= 1.0), axis=-1)
    visibility[~in_frame] = 0.0  # NaN compares False: behind the lens is out of frame too

    if noise_px > 0:
        image += rng.normal(0.0, noise_px, image.shape) / np.array([*size, camera.width_px])
    if noise_m > 0:
        world += rng.normal(0.0, noise_m, world.shape)
        world -= 0.5 * (world[:, L.LEFT_HIP] + world[:, L.RIGHT_HIP])[:, None, :]

    in_person = None
    if occlusions:
        in_person = in_frame.astype(float)
        for cover in occlusions:
            during = (t_s >= cover.start_s) & (t_s <= cover.end_s)
            joints = [int(lm) for lm in cover.landmarks]
            heading = rng.uniform(0.0, 2.0 * math.pi)
            offset = cover.guess_error_px * np.array([math.cos(heading), math.sin(heading)]) / size
            # numpy's stubs want every np.ix_ argument of one dtype; at run time it takes a bool
            # mask beside integer lists, as its documentation says
            image[np.ix_(during, joints, [0, 1])] += offset  # type: ignore[arg-type]
            visibility[np.ix_(during, joints)] = cover.visibility  # type: ignore[arg-type]
            in_person[np.ix_(during, joints)] = 0.0  # type: ignore[arg-type]

    swapped = np.zeros(n, dtype=bool)
    for span in swaps:
        swapped |= (t_s >= span.start_s) & (t_s <= span.end_s)
    swapped[rng.choice(n, size=round(swap_fraction * n), replace=False)] = True
    for array in (image, world, visibility, *([in_person] if in_person is not None else [])):
        array[swapped] = array[swapped][:, _MIRROR_INDEX]

    lost = np.zeros((n, count), dtype=bool)
    for gap in dropouts:
        during = (t_s >= gap.start_s) & (t_s <= gap.end_s)
        lost[np.ix_(during, [int(lm) for lm in gap.landmarks])] = True  # type: ignore[arg-type]  # as above
    lost[rng.choice(n, size=round(drop_fraction * n), replace=False)] = True
    image[lost] = np.nan
    world[lost] = np.nan
    visibility[lost] = 0.0
    if in_person is not None:
        in_person[lost] = 0.0
    return LandmarkSequence(
        t_s=t_s,
        image=image,
        world=world,
        visibility=visibility,
        width_px=camera.width_px,
        height_px=camera.height_px,
        in_person=in_person,
    )
