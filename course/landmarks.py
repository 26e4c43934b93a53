"""MediaPipe Pose's 33 landmarks: their names, and synthetic sequences made from a body motion.

`Landmark` names the 33 points MediaPipe Pose (BlazePose, `mediapipe.solutions.pose`) returns;
later code indexes landmark arrays with it, never with bare numbers. `landmark_sequence` films a
reference motion (`course.motions`) with a virtual phone camera and returns what MediaPipe would:
the same `LandmarkSequence` the pose module makes from a real clip, so the fault rules can be
tested on motions with a known fault.

MediaPipe's conventions, reproduced here
    image landmarks  x, y: position in the image as a fraction of its width and height, origin at
                     the top-left corner, y DOWN. Points outside the picture fall outside 0..1.
                     z: depth relative to the midpoint of the hips, smaller (negative) = closer
                     to the camera, in the same scale as x (a depth equal to the image's width at
                     the hips' distance is 1.0).
    world landmarks  metres, origin at the midpoint of the two hip landmarks; the axes follow the
                     camera, not gravity: x to the image's right, y DOWN the image, z away from
                     the camera (MediaPipe issue #4205: world axes are oriented as the image's).
                     With our level camera that means y points straight down.
    visibility       0..1, how likely the point is visible (in frame and not hidden).
    left / right     the person's own left and right: a person facing the camera has their left
                     shoulder on the image's right.

Conversion from course.body's frame (x forward, y left, z up, origin on the floor between the
ankles) for a level camera at azimuth a (see `Camera`), with the camera's
    forward f = (-cos a, -sin a, 0),  right r = f x up = (-sin a, cos a, 0),  down d = (0, 0, -1):
    world    = [r; d; f] @ (p - mid_hip)                         (metres)
    camera   = [r; d; f] @ (p - camera position) = (X, Y, Z)     (metres, Z = depth)
    image x  = 0.5 + focal_px X / (Z width_px),  image y = 0.5 + focal_px Y / (Z height_px)
    image z  = focal_px (Z - Z_mid_hip) / (Z_mid_hip width_px)
where focal_px = (width_px / 2) / tan(fov / 2) for the horizontal field of view.

Where the body model's points stand in for MediaPipe's
    shoulders, elbows, wrists, knees, ankles, heels: the model's joint centres and heel point.
    hips: the model's hip joint centres. MediaPipe's hip landmark is learned from annotated
        images and sits near the joint centre, though on real people often a little higher and
        wider apart, so hip-centred world coordinates from a real clip differ by centimetres.
    foot_index: the model's toe tip (MediaPipe: tip of the big toe area).
    ears: the model's ears (tragion). Eyes, nose and mouth corners are placed on the head from
        its pose: the nose about 10 cm in front of the ears, the eyes between, the mouth below
        (FACE, scaled by stature). MediaPipe's face points come from a body model, not a face
        model, and are coarse.
    pinky, index: the knuckles (metacarpal heads) of the little and index fingers; thumb: the
        thumb's middle knuckle. They are placed around the model's hand point (middle knuckle)
        for an overhand grip on a bar: palms facing the body, thumbs towards the midline.

Visibility here: 1.0 in frame; a point on the side of the body away from the camera fades to
`far_side_visibility` (default 0.7) as it goes more than OCCLUSION_RAMP_M behind its
left/right partner (in a side view the far hip, knee and ankle are hidden behind the near
ones); 0 outside the picture. Real MediaPipe often reports the hidden side with visibility above
0.9 anyway, so rules should not trust visibility alone to pick the near side.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum
from types import MappingProxyType
from typing import Literal

import numpy as np

from course.body import Joint, PosedBody
from course.motions import Motion


class Landmark(IntEnum):
    """MediaPipe Pose's 33 landmarks, numbered as in its output."""

    NOSE = 0
    LEFT_EYE_INNER = 1
    LEFT_EYE = 2
    LEFT_EYE_OUTER = 3
    RIGHT_EYE_INNER = 4
    RIGHT_EYE = 5
    RIGHT_EYE_OUTER = 6
    LEFT_EAR = 7
    RIGHT_EAR = 8
    MOUTH_LEFT = 9
    MOUTH_RIGHT = 10
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_ELBOW = 13
    RIGHT_ELBOW = 14
    LEFT_WRIST = 15
    RIGHT_WRIST = 16
    LEFT_PINKY = 17
    RIGHT_PINKY = 18
    LEFT_INDEX = 19
    RIGHT_INDEX = 20
    LEFT_THUMB = 21
    RIGHT_THUMB = 22
    LEFT_HIP = 23
    RIGHT_HIP = 24
    LEFT_KNEE = 25
    RIGHT_KNEE = 26
    LEFT_ANKLE = 27
    RIGHT_ANKLE = 28
    LEFT_HEEL = 29
    RIGHT_HEEL = 30
    LEFT_FOOT_INDEX = 31
    RIGHT_FOOT_INDEX = 32


def _other_side(landmark: Landmark) -> Landmark:
    name = landmark.name
    for a, b in (("LEFT", "RIGHT"), ("RIGHT", "LEFT")):
        if a in name:
            return Landmark[name.replace(a, b)]
    return landmark


# Each landmark's left/right partner (the nose is its own): what a left/right swap exchanges.
MIRROR: Mapping[Landmark, Landmark] = MappingProxyType({lm: _other_side(lm) for lm in Landmark})
_MIRROR_INDEX = np.array([MIRROR[lm] for lm in Landmark])

L = Landmark
# MediaPipe's POSE_CONNECTIONS (mediapipe/python/solutions/pose_connections.py), by name.
CONNECTIONS: frozenset[tuple[Landmark, Landmark]] = frozenset({
    (L.NOSE, L.LEFT_EYE_INNER), (L.LEFT_EYE_INNER, L.LEFT_EYE), (L.LEFT_EYE, L.LEFT_EYE_OUTER),
    (L.LEFT_EYE_OUTER, L.LEFT_EAR), (L.NOSE, L.RIGHT_EYE_INNER),
    (L.RIGHT_EYE_INNER, L.RIGHT_EYE), (L.RIGHT_EYE, L.RIGHT_EYE_OUTER),
    (L.RIGHT_EYE_OUTER, L.RIGHT_EAR), (L.MOUTH_LEFT, L.MOUTH_RIGHT),
    (L.LEFT_SHOULDER, L.RIGHT_SHOULDER), (L.LEFT_SHOULDER, L.LEFT_ELBOW),
    (L.LEFT_ELBOW, L.LEFT_WRIST), (L.LEFT_WRIST, L.LEFT_PINKY), (L.LEFT_WRIST, L.LEFT_INDEX),
    (L.LEFT_WRIST, L.LEFT_THUMB), (L.LEFT_PINKY, L.LEFT_INDEX),
    (L.RIGHT_SHOULDER, L.RIGHT_ELBOW), (L.RIGHT_ELBOW, L.RIGHT_WRIST),
    (L.RIGHT_WRIST, L.RIGHT_PINKY), (L.RIGHT_WRIST, L.RIGHT_INDEX),
    (L.RIGHT_WRIST, L.RIGHT_THUMB), (L.RIGHT_PINKY, L.RIGHT_INDEX),
    (L.LEFT_SHOULDER, L.LEFT_HIP), (L.RIGHT_SHOULDER, L.RIGHT_HIP), (L.LEFT_HIP, L.RIGHT_HIP),
    (L.LEFT_HIP, L.LEFT_KNEE), (L.RIGHT_HIP, L.RIGHT_KNEE), (L.LEFT_KNEE, L.LEFT_ANKLE),
    (L.RIGHT_KNEE, L.RIGHT_ANKLE), (L.LEFT_ANKLE, L.LEFT_HEEL),
    (L.RIGHT_ANKLE, L.RIGHT_HEEL), (L.LEFT_HEEL, L.LEFT_FOOT_INDEX),
    (L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX), (L.LEFT_ANKLE, L.LEFT_FOOT_INDEX),
    (L.RIGHT_ANKLE, L.RIGHT_FOOT_INDEX),
})

# Landmarks that are a body-model point as it is.
JOINT_OF: Mapping[Landmark, Joint] = MappingProxyType({
    L.LEFT_EAR: Joint.LEFT_EAR, L.RIGHT_EAR: Joint.RIGHT_EAR,
    L.LEFT_SHOULDER: Joint.LEFT_SHOULDER, L.RIGHT_SHOULDER: Joint.RIGHT_SHOULDER,
    L.LEFT_ELBOW: Joint.LEFT_ELBOW, L.RIGHT_ELBOW: Joint.RIGHT_ELBOW,
    L.LEFT_WRIST: Joint.LEFT_WRIST, L.RIGHT_WRIST: Joint.RIGHT_WRIST,
    L.LEFT_HIP: Joint.LEFT_HIP, L.RIGHT_HIP: Joint.RIGHT_HIP,
    L.LEFT_KNEE: Joint.LEFT_KNEE, L.RIGHT_KNEE: Joint.RIGHT_KNEE,
    L.LEFT_ANKLE: Joint.LEFT_ANKLE, L.RIGHT_ANKLE: Joint.RIGHT_ANKLE,
    L.LEFT_HEEL: Joint.LEFT_HEEL, L.RIGHT_HEEL: Joint.RIGHT_HEEL,
    L.LEFT_FOOT_INDEX: Joint.LEFT_TOE, L.RIGHT_FOOT_INDEX: Joint.RIGHT_TOE,
})

REFERENCE_STATURE_M = 1.75  # FACE and HAND offsets are for this stature and scale with it
# Face points from the midpoint between the ears, metres, in the head's frame:
# (forward, up along the head's axis, towards the person's left). Typical adult proportions.
FACE: Mapping[Landmark, tuple[float, float, float]] = MappingProxyType({
    L.NOSE: (0.105, -0.025, 0.0),
    L.LEFT_EYE_INNER: (0.085, 0.010, 0.017), L.RIGHT_EYE_INNER: (0.085, 0.010, -0.017),
    L.LEFT_EYE: (0.080, 0.010, 0.031), L.RIGHT_EYE: (0.080, 0.010, -0.031),
    L.LEFT_EYE_OUTER: (0.070, 0.010, 0.045), L.RIGHT_EYE_OUTER: (0.070, 0.010, -0.045),
    L.MOUTH_LEFT: (0.090, -0.060, 0.025), L.MOUTH_RIGHT: (0.090, -0.060, -0.025),
})
# Hand points, metres, in the hand's frame: (along the hand from the wrist, away from the
# midline). Pinky and index from the middle knuckle; the thumb from the wrist.
HAND: Mapping[str, tuple[float, float]] = MappingProxyType({
    "pinky": (-0.010, 0.035), "index": (0.0, -0.020), "thumb": (0.050, -0.040),
})

OCCLUSION_RAMP_M = 0.05  # metres behind its partner at which a far-side point is fully hidden
FAR_SIDE_VISIBILITY = 0.7  # visibility of a fully hidden far-side point (0..1)


def body_landmarks(posed: PosedBody, height_m: float = REFERENCE_STATURE_M) -> np.ndarray:
    """The 33 landmarks of one posed body, (33, 3) metres in course.body's frame.

    height_m: the body's stature, to scale the face and hand offsets.
    """
    scale = height_m / REFERENCE_STATURE_M
    p = posed.points
    out = np.empty((len(Landmark), 3))
    for landmark, joint in JOINT_OF.items():
        out[landmark] = p[joint]
    up = p[Joint.HEAD_TOP] - p[Joint.NECK]
    up /= np.linalg.norm(up)
    left = np.array([0.0, 1.0, 0.0])
    forward = np.cross(left, up)
    ears = 0.5 * (p[Joint.LEFT_EAR] + p[Joint.RIGHT_EAR])
    for landmark, (f, u, s) in FACE.items():
        out[landmark] = ears + scale * (f * forward + u * up + s * left)
    for side, wrist, hand in (("LEFT", Joint.LEFT_WRIST, Joint.LEFT_HAND),
                              ("RIGHT", Joint.RIGHT_WRIST, Joint.RIGHT_HAND)):
        along = p[hand] - p[wrist]
        along /= np.linalg.norm(along)
        outward = np.array([0.0, 1.0 if side == "LEFT" else -1.0, 0.0])
        for part, origin in (("pinky", p[hand]), ("index", p[hand]), ("thumb", p[wrist])):
            a, o = HAND[part]
            out[Landmark[f"{side}_{part.upper()}"]] = origin + scale * (a * along + o * outward)
    return out


# --------------------------------------------------------------------------------------------
# The camera


@dataclass(frozen=True)
class Camera:
    """A level pinhole camera (a phone on a tripod) looking at the person.

    azimuth_deg: where the camera stands, seen from above, measured from the direction the person
        faces towards their left: 0 in front, 90 on their left (side view, the person faces the
        image's left), -90 on their right (side view, facing the image's right), 180 behind.
        Any finite value.
    height_m: lens height above the floor, metres, 0.05 to 3 (0.9: about hip height).
    distance_m: horizontal distance from the point between the ankles, metres, 1 to 20.
    fov_deg: horizontal field of view, degrees, 20 to 120 (phone main cameras: about 65-70).
    width_px, height_px: image size in pixels, 16 to 8192 each (720 x 1280 for portrait).
    pitch_deg: how far the phone is tilted up (+) or down (-) from looking horizontally, -60 to 60.
    roll_deg: how far the phone is turned about its lens, clockwise as seen from behind it (the
        picture's content then turns anticlockwise), -45 to 45.
    The camera looks at the vertical line through the point between the ankles, horizontally
    unless pitched. Raises ValueError outside those ranges.
    """

    azimuth_deg: float = 90.0
    height_m: float = 0.9
    distance_m: float = 3.0
    fov_deg: float = 60.0
    width_px: int = 1280
    height_px: int = 720
    pitch_deg: float = 0.0
    roll_deg: float = 0.0

    def __post_init__(self) -> None:
        checks = {"azimuth_deg": (-math.inf, math.inf), "height_m": (0.05, 3.0),
                  "distance_m": (1.0, 20.0), "fov_deg": (20.0, 120.0),
                  "width_px": (16, 8192), "height_px": (16, 8192),
                  "pitch_deg": (-60.0, 60.0), "roll_deg": (-45.0, 45.0)}
        for name, (low, high) in checks.items():
            value = getattr(self, name)
            if not (math.isfinite(value) and low <= value <= high):
                span = "any finite number" if math.isinf(low) else f"between {low} and {high}"
                raise ValueError(f"Camera {name} must be {span}, got {value}")

    @classmethod
    def side_view(cls, facing: Literal["left", "right"] = "right", **settings: float) -> Camera:
        """A side-on camera with the person facing the image's left or right; other settings as
        the constructor's. Raises ValueError for any other `facing`."""
        if facing not in ("left", "right"):
            raise ValueError(f"facing must be 'left' or 'right', got {facing!r}")
        return cls(azimuth_deg=90.0 if facing == "left" else -90.0, **settings)

    @property
    def focal_px(self) -> float:
        """Focal length in pixels."""
        return 0.5 * self.width_px / math.tan(math.radians(self.fov_deg) / 2)

    @property
    def position_m(self) -> np.ndarray:
        """Lens position in course.body's frame, metres."""
        a = math.radians(self.azimuth_deg)
        return np.array([self.distance_m * math.cos(a), self.distance_m * math.sin(a),
                         self.height_m])

    @property
    def rotation(self) -> np.ndarray:
        """(3, 3) rows: the image's right, the image's down and the viewing direction, in
        course.body's frame. Multiplying a body-frame vector gives MediaPipe's world axes."""
        a = math.radians(self.azimuth_deg)
        forward = np.array([-math.cos(a), -math.sin(a), 0.0])
        right = np.array([-math.sin(a), math.cos(a), 0.0])
        down = np.array([0.0, 0.0, -1.0])
        p, r = math.radians(self.pitch_deg), math.radians(self.roll_deg)
        down, forward = math.cos(p) * down + math.sin(p) * forward, math.cos(p) * forward - math.sin(p) * down
        right, down = math.cos(r) * right + math.sin(r) * down, math.cos(r) * down - math.sin(r) * right
        return np.array([right, down, forward])

    def project(self, points_m: np.ndarray) -> np.ndarray:
        """Pixel positions of body-frame points: (..., 3) metres -> (..., 3) of
        (x pixels from the left, y pixels from the top, depth in metres along the view).
        Points at or behind the lens come out NaN."""
        camera = (np.asarray(points_m, dtype=float) - self.position_m) @ self.rotation.T
        depth = camera[..., 2]
        with np.errstate(divide="ignore", invalid="ignore"):
            safe = np.where(depth > 0, depth, np.nan)
            u = 0.5 * self.width_px + self.focal_px * camera[..., 0] / safe
            v = 0.5 * self.height_px + self.focal_px * camera[..., 1] / safe
        return np.stack([u, v, np.where(depth > 0, depth, np.nan)], axis=-1)


# --------------------------------------------------------------------------------------------
# Sequences


@dataclass(frozen=True, eq=False)
class LandmarkSequence:
    """MediaPipe Pose output for a clip, as plain read-only arrays (n frames).

    t_s: (n,) seconds, increasing. image: (n, 33, 3) normalised x, y (y down) and z (see the
    module docstring). world: (n, 33, 3) metres, hip-centred, MediaPipe's axes. visibility:
    (n, 33) 0..1. Rows are indexed by Landmark. A landmark that was not found is NaN in image and
    world with visibility 0; a frame with no person has all 33 NaN.
    width_px, height_px: the image size the normalised coordinates refer to.
    in_person: (n, 33) 0..1 or None: how surely each landmark lies on the person's own silhouette
    (MediaPipe's segmentation mask at that point). MediaPipe places a joint hidden behind a
    plate where it guesses, often with visibility 0.8 or more; the mask shows the plate is not
    the person. 0 outside the picture; None when no mask was made (every point counts as on
    the silhouette).
    back_bend_deg: (n,) degrees or None: how far the back's outline on the silhouette bends
    (course.analysis.back: + rounded, - arched), NaN on frames where it could not be read; None
    when no mask was made.
    Raises ValueError when the shapes disagree.
    """

    t_s: np.ndarray
    image: np.ndarray
    world: np.ndarray
    visibility: np.ndarray
    width_px: int
    height_px: int
    in_person: np.ndarray | None = None
    back_bend_deg: np.ndarray | None = None

    def __post_init__(self) -> None:
        for name in ("width_px", "height_px"):
            if not getattr(self, name) > 0:
                raise ValueError(f"LandmarkSequence {name} must be above 0, "
                                 f"got {getattr(self, name)}")
        n = len(self.t_s)
        expected = {"t_s": (n,), "image": (n, len(Landmark), 3),
                    "world": (n, len(Landmark), 3), "visibility": (n, len(Landmark))}
        for name, shape in expected.items():
            array = np.array(getattr(self, name), dtype=float)
            if array.shape != shape:
                raise ValueError(f"LandmarkSequence {name} must have shape {shape}, "
                                 f"got {array.shape}")
            array.flags.writeable = False
            object.__setattr__(self, name, array)
        if self.in_person is not None:
            in_person = np.array(self.in_person, dtype=float)
            if in_person.shape != (n, len(Landmark)):
                raise ValueError(f"LandmarkSequence in_person must have shape {(n, len(Landmark))}, "
                                 f"got {in_person.shape}")
            in_person.flags.writeable = False
            object.__setattr__(self, "in_person", in_person)
        if self.back_bend_deg is not None:
            bend = np.array(self.back_bend_deg, dtype=float)
            if bend.shape != (n,):
                raise ValueError(f"LandmarkSequence back_bend_deg must have shape {(n,)}, got {bend.shape}")
            bend.flags.writeable = False
            object.__setattr__(self, "back_bend_deg", bend)

    def __len__(self) -> int:
        return len(self.t_s)

    def image_px(self) -> np.ndarray:
        """(n, 33, 2) image positions in pixels from the top-left corner."""
        return self.image[..., :2] * np.array([self.width_px, self.height_px])


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
    for name, value, high in (("noise_px", noise_px, math.inf), ("noise_m", noise_m, math.inf),
                              ("drop_fraction", drop_fraction, 1.0),
                              ("swap_fraction", swap_fraction, 1.0),
                              ("far_side_visibility", far_side_visibility, 1.0)):
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
    image[..., 2] = camera.focal_px * (pixels[..., 2] - hip_depth[:, None]) / (
        hip_depth[:, None] * camera.width_px)

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
            image[np.ix_(during, joints, [0, 1])] += offset
            visibility[np.ix_(during, joints)] = cover.visibility
            in_person[np.ix_(during, joints)] = 0.0

    swapped = np.zeros(n, dtype=bool)
    for span in swaps:
        swapped |= (t_s >= span.start_s) & (t_s <= span.end_s)
    swapped[rng.choice(n, size=round(swap_fraction * n), replace=False)] = True
    for array in (image, world, visibility, *([in_person] if in_person is not None else [])):
        array[swapped] = array[swapped][:, _MIRROR_INDEX]

    lost = np.zeros((n, count), dtype=bool)
    for gap in dropouts:
        during = (t_s >= gap.start_s) & (t_s <= gap.end_s)
        lost[np.ix_(during, [int(lm) for lm in gap.landmarks])] = True
    lost[rng.choice(n, size=round(drop_fraction * n), replace=False)] = True
    image[lost] = np.nan
    world[lost] = np.nan
    visibility[lost] = 0.0
    if in_person is not None:
        in_person[lost] = 0.0
    return LandmarkSequence(t_s=t_s, image=image, world=world, visibility=visibility,
                            width_px=camera.width_px, height_px=camera.height_px, in_person=in_person)
