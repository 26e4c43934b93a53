"""MediaPipe Pose's 33 landmarks: their names, the sequence a clip gives, and the camera model.

`Landmark` names the 33 points MediaPipe Pose (BlazePose, `mediapipe.solutions.pose`) returns;
later code indexes landmark arrays with it, never with bare numbers. `LandmarkSequence` is what
the pose module makes of a real clip, and what `course.synthetic_landmarks` makes of a body-model
motion filmed by a `Camera`.

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

"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum
from types import MappingProxyType
from typing import Any, Literal

import numpy as np

from course.body import Joint, PosedBody


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


def mirror_index() -> np.ndarray:
    """(33,) int: for each landmark's index, its left/right partner's (an array's columns swapped
    with `array[..., mirror_index(), :]`)."""
    return np.array([MIRROR[lm] for lm in Landmark])


L = Landmark
# MediaPipe's POSE_CONNECTIONS (mediapipe/python/solutions/pose_connections.py), by name.
CONNECTIONS: frozenset[tuple[Landmark, Landmark]] = frozenset(
    {
        (L.NOSE, L.LEFT_EYE_INNER),
        (L.LEFT_EYE_INNER, L.LEFT_EYE),
        (L.LEFT_EYE, L.LEFT_EYE_OUTER),
        (L.LEFT_EYE_OUTER, L.LEFT_EAR),
        (L.NOSE, L.RIGHT_EYE_INNER),
        (L.RIGHT_EYE_INNER, L.RIGHT_EYE),
        (L.RIGHT_EYE, L.RIGHT_EYE_OUTER),
        (L.RIGHT_EYE_OUTER, L.RIGHT_EAR),
        (L.MOUTH_LEFT, L.MOUTH_RIGHT),
        (L.LEFT_SHOULDER, L.RIGHT_SHOULDER),
        (L.LEFT_SHOULDER, L.LEFT_ELBOW),
        (L.LEFT_ELBOW, L.LEFT_WRIST),
        (L.LEFT_WRIST, L.LEFT_PINKY),
        (L.LEFT_WRIST, L.LEFT_INDEX),
        (L.LEFT_WRIST, L.LEFT_THUMB),
        (L.LEFT_PINKY, L.LEFT_INDEX),
        (L.RIGHT_SHOULDER, L.RIGHT_ELBOW),
        (L.RIGHT_ELBOW, L.RIGHT_WRIST),
        (L.RIGHT_WRIST, L.RIGHT_PINKY),
        (L.RIGHT_WRIST, L.RIGHT_INDEX),
        (L.RIGHT_WRIST, L.RIGHT_THUMB),
        (L.RIGHT_PINKY, L.RIGHT_INDEX),
        (L.LEFT_SHOULDER, L.LEFT_HIP),
        (L.RIGHT_SHOULDER, L.RIGHT_HIP),
        (L.LEFT_HIP, L.RIGHT_HIP),
        (L.LEFT_HIP, L.LEFT_KNEE),
        (L.RIGHT_HIP, L.RIGHT_KNEE),
        (L.LEFT_KNEE, L.LEFT_ANKLE),
        (L.RIGHT_KNEE, L.RIGHT_ANKLE),
        (L.LEFT_ANKLE, L.LEFT_HEEL),
        (L.RIGHT_ANKLE, L.RIGHT_HEEL),
        (L.LEFT_HEEL, L.LEFT_FOOT_INDEX),
        (L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX),
        (L.LEFT_ANKLE, L.LEFT_FOOT_INDEX),
        (L.RIGHT_ANKLE, L.RIGHT_FOOT_INDEX),
    }
)

# Landmarks that are a body-model point as it is.
JOINT_OF: Mapping[Landmark, Joint] = MappingProxyType(
    {
        L.LEFT_EAR: Joint.LEFT_EAR,
        L.RIGHT_EAR: Joint.RIGHT_EAR,
        L.LEFT_SHOULDER: Joint.LEFT_SHOULDER,
        L.RIGHT_SHOULDER: Joint.RIGHT_SHOULDER,
        L.LEFT_ELBOW: Joint.LEFT_ELBOW,
        L.RIGHT_ELBOW: Joint.RIGHT_ELBOW,
        L.LEFT_WRIST: Joint.LEFT_WRIST,
        L.RIGHT_WRIST: Joint.RIGHT_WRIST,
        L.LEFT_HIP: Joint.LEFT_HIP,
        L.RIGHT_HIP: Joint.RIGHT_HIP,
        L.LEFT_KNEE: Joint.LEFT_KNEE,
        L.RIGHT_KNEE: Joint.RIGHT_KNEE,
        L.LEFT_ANKLE: Joint.LEFT_ANKLE,
        L.RIGHT_ANKLE: Joint.RIGHT_ANKLE,
        L.LEFT_HEEL: Joint.LEFT_HEEL,
        L.RIGHT_HEEL: Joint.RIGHT_HEEL,
        L.LEFT_FOOT_INDEX: Joint.LEFT_TOE,
        L.RIGHT_FOOT_INDEX: Joint.RIGHT_TOE,
    }
)

REFERENCE_STATURE_M = 1.75  # FACE and HAND offsets are for this stature and scale with it
# Face points from the midpoint between the ears, metres, in the head's frame:
# (forward, up along the head's axis, towards the person's left). Typical adult proportions.
FACE: Mapping[Landmark, tuple[float, float, float]] = MappingProxyType(
    {
        L.NOSE: (0.105, -0.025, 0.0),
        L.LEFT_EYE_INNER: (0.085, 0.010, 0.017),
        L.RIGHT_EYE_INNER: (0.085, 0.010, -0.017),
        L.LEFT_EYE: (0.080, 0.010, 0.031),
        L.RIGHT_EYE: (0.080, 0.010, -0.031),
        L.LEFT_EYE_OUTER: (0.070, 0.010, 0.045),
        L.RIGHT_EYE_OUTER: (0.070, 0.010, -0.045),
        L.MOUTH_LEFT: (0.090, -0.060, 0.025),
        L.MOUTH_RIGHT: (0.090, -0.060, -0.025),
    }
)
# Hand points, metres, in the hand's frame: (along the hand from the wrist, away from the
# midline). Pinky and index from the middle knuckle; the thumb from the wrist.
HAND: Mapping[str, tuple[float, float]] = MappingProxyType(
    {
        "pinky": (-0.010, 0.035),
        "index": (0.0, -0.020),
        "thumb": (0.050, -0.040),
    }
)


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
    for side, wrist, hand in (
        ("LEFT", Joint.LEFT_WRIST, Joint.LEFT_HAND),
        ("RIGHT", Joint.RIGHT_WRIST, Joint.RIGHT_HAND),
    ):
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
        checks = {
            "azimuth_deg": (-math.inf, math.inf),
            "height_m": (0.05, 3.0),
            "distance_m": (1.0, 20.0),
            "fov_deg": (20.0, 120.0),
            "width_px": (16, 8192),
            "height_px": (16, 8192),
            "pitch_deg": (-60.0, 60.0),
            "roll_deg": (-45.0, 45.0),
        }
        for name, (low, high) in checks.items():
            value = getattr(self, name)
            if not (math.isfinite(value) and low <= value <= high):
                span = "any finite number" if math.isinf(low) else f"between {low} and {high}"
                raise ValueError(f"Camera {name} must be {span}, got {value}")

    @classmethod
    def side_view(cls, facing: Literal["left", "right"] = "right", **settings: Any) -> Camera:
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
        return np.array([self.distance_m * math.cos(a), self.distance_m * math.sin(a), self.height_m])

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
                raise ValueError(f"LandmarkSequence {name} must be above 0, got {getattr(self, name)}")
        n = len(self.t_s)
        expected = {
            "t_s": (n,),
            "image": (n, len(Landmark), 3),
            "world": (n, len(Landmark), 3),
            "visibility": (n, len(Landmark)),
        }
        for name, shape in expected.items():
            array = np.array(getattr(self, name), dtype=float)
            if array.shape != shape:
                raise ValueError(f"LandmarkSequence {name} must have shape {shape}, got {array.shape}")
            array.flags.writeable = False
            object.__setattr__(self, name, array)
        if self.in_person is not None:
            in_person = np.array(self.in_person, dtype=float)
            if in_person.shape != (n, len(Landmark)):
                raise ValueError(
                    f"LandmarkSequence in_person must have shape {(n, len(Landmark))}, got {in_person.shape}"
                )
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
