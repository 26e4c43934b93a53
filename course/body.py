"""An articulated human body: joint angles in, 3D joint positions, centre of mass and balance out.

One model drives the lesson figures, the 3D replay and the synthetic landmark sequences
used to test the fault rules.

Coordinate frame (metres)
    x forward, the way the person faces; y to the person's left; z up.
    The origin is on the floor directly under the midpoint between the two ankle joints.
    The feet stay flat on the floor and never move: every pose is built up from them.

Joint angles (degrees, all 0 when standing tall with the arms hanging)
    ankle     shin tilt: positive = the knee travels forward over the toes (dorsiflexion),
              negative = the shin tips back (plantarflexion). Equals the shin's angle from vertical.
    knee      knee flexion: 0 = straight, positive = bent, negative = hyperextended ("locked").
    hip       hip flexion: 0 standing tall, grows as the pelvis tips forward relative to the thigh.
    lumbar    lumbar flexion between pelvis and lower back: positive = rounding forward,
              negative = arching.
    thoracic  thoracic flexion between lower back and upper back: positive = rounding,
              negative = arching.
    neck      neck flexion between upper back and head: positive = chin towards chest,
              negative = looking up.
    shoulder  shoulder flexion relative to the upper back: 0 = arm hanging along the trunk,
              positive = arm raised forward, negative = arm pulled back behind the body.
    elbow     elbow flexion: 0 = straight, positive = bent (hand comes forward).
Both sides take the same angles: the hinge is a symmetric motion in the sagittal (x-z) plane,
but positions are 3D, with left and right limbs apart in y.

Segment lengths, masses and centre-of-mass positions come from de Leva P. (1996), "Adjustments
to Zatsiorsky-Seluyanov's segment inertia parameters", J Biomech 29(9):1223-1230, Table 4, male
column, scaled by stature and body mass. Its trunk is split into upper (UPT: sternal notch to
xiphoid), middle (MPT: xiphoid to navel) and lower (LPT: navel to hip joints) parts; here they are
the thorax, lumbar and pelvis segments, so the spine bends at the navel (lumbar joint, about L3)
and at the xiphoid (thoracic joint, about T10). The head segment includes the neck and turns at
the base of the neck (C7, level with the sternal notch).

The model is a teaching figure, not a musculoskeletal model: segments are straight rigid links
on one midline, joints are hinges about the y axis, and the foot is a rigid flat base.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from enum import IntEnum
from types import MappingProxyType
from typing import TypeVar

import numpy as np

Metres = TypeVar("Metres", float, np.ndarray)  # one position, or an array of them

# --------------------------------------------------------------------------------------------
# Anthropometry


@dataclass(frozen=True)
class DeLevaRow:
    """One row of de Leva (1996) Table 4, male column (reference stature 1741 mm, mass 73.0 kg)."""

    origin: str  # de Leva's origin endpoint of the segment
    other: str  # de Leva's other endpoint
    length_mm: float  # mean distance between the two endpoints in the male sample, mm
    mass_fraction: float  # segment mass as a fraction of body mass
    com_from_origin: float  # centre of mass distance from the ORIGIN endpoint, fraction of length


DE_LEVA_STATURE_MM = 1741.0  # mean stature of de Leva's male sample, mm
DE_LEVA_MALE: Mapping[str, DeLevaRow] = MappingProxyType(
    {
        "head": DeLevaRow("vertex", "mid-gonion", length_mm=203.3, mass_fraction=0.0694, com_from_origin=0.5976),
        "upper_trunk": DeLevaRow(
            "suprasternale", "xiphoid", length_mm=170.7, mass_fraction=0.1596, com_from_origin=0.2999
        ),
        "middle_trunk": DeLevaRow(
            "xiphoid", "omphalion", length_mm=215.5, mass_fraction=0.1633, com_from_origin=0.4502
        ),
        "lower_trunk": DeLevaRow(
            "omphalion", "mid hip joint", length_mm=145.7, mass_fraction=0.1117, com_from_origin=0.6115
        ),
        "upper_arm": DeLevaRow(
            "shoulder joint", "elbow joint", length_mm=281.7, mass_fraction=0.0271, com_from_origin=0.5772
        ),
        "forearm": DeLevaRow(
            "elbow joint", "wrist joint", length_mm=268.9, mass_fraction=0.0162, com_from_origin=0.4574
        ),
        "hand": DeLevaRow(
            "wrist joint", "3rd metacarpal head", length_mm=86.2, mass_fraction=0.0061, com_from_origin=0.7900
        ),
        "thigh": DeLevaRow("hip joint", "knee joint", length_mm=422.2, mass_fraction=0.1416, com_from_origin=0.4095),
        "shank": DeLevaRow(
            "knee joint", "lateral malleolus", length_mm=434.0, mass_fraction=0.0433, com_from_origin=0.4459
        ),
        "foot": DeLevaRow("heel", "toe tip", length_mm=258.1, mass_fraction=0.0137, com_from_origin=0.4415),
    }
)

# Dimensions de Leva does not give, as fractions of stature H.
ANKLE_HEIGHT = 0.039  # ankle joint above the floor: Winter (2009) Fig. 4.1, 0.039 H
# Hip joint centres (and ankles: feet hip-width apart) either side of the midline: 17.5 cm apart
# at 1.75 m, a typical adult inter-hip-joint distance. Approximate; nothing sagittal depends on it.
HIP_HALF_WIDTH = 0.05
# Shoulder joint centres either side: Winter's biacromial width is 0.259 H, and the joint centres
# sit a few centimetres inside the acromions. Approximate, like the hips.
SHOULDER_HALF_WIDTH = 0.10
EAR_HALF_WIDTH = 0.044  # ears either side of the midline: about half the head's breadth
# Where the ankle sits along the foot, as a fraction of foot length from the heel. A teaching
# choice, not anatomy: over mid-foot, so the upright stance (all angles 0) is also balanced with its
# plumb line through ear, shoulder, hip, knee and ankle. The real lateral malleolus sits about a
# quarter of the way from the heel; putting it there makes a balanced stance lean ~3-4 deg forward.
ANKLE_ALONG_FOOT = 0.5
# Where a balanced body keeps its centre of mass unless told otherwise: over mid-foot, half way
# from heel to toe, as a lifter with the weight spread over heel and forefoot does.
MID_FOOT = 0.5


# --------------------------------------------------------------------------------------------
# Joints, segments and limits


class Joint(IntEnum):
    """Named points of the body; a PosedBody's `points` array is indexed by these."""

    MID_HIP = 0  # midpoint between the hip joint centres; base of the pelvis segment
    LUMBAR = 1  # lumbar joint, navel level (~L3): pelvis below, lumbar segment above
    THORACIC = 2  # thoracic joint, xiphoid level (~T10): lumbar segment below, thorax above
    NECK = 3  # base of the neck (C7), level with the sternal notch: top of the thorax
    HEAD_TOP = 4  # vertex of the head
    LEFT_EAR, RIGHT_EAR = 5, 6  # tragion, taken level with the head's centre of mass
    LEFT_SHOULDER, RIGHT_SHOULDER = 7, 8  # shoulder joint centres
    LEFT_ELBOW, RIGHT_ELBOW = 9, 10
    LEFT_WRIST, RIGHT_WRIST = 11, 12
    LEFT_HAND, RIGHT_HAND = 13, 14  # head of the 3rd metacarpal (middle knuckle)
    LEFT_HIP, RIGHT_HIP = 15, 16  # hip joint centres
    LEFT_KNEE, RIGHT_KNEE = 17, 18
    LEFT_ANKLE, RIGHT_ANKLE = 19, 20  # ankle joint (lateral malleolus)
    LEFT_HEEL, RIGHT_HEEL = 21, 22  # back of the heel, on the floor
    LEFT_TOE, RIGHT_TOE = 23, 24  # tip of the longest toe, on the floor


class Segment(IntEnum):
    """The rigid links that carry mass; `Body.segment_mass_kg` etc. are indexed by these."""

    PELVIS = 0  # de Leva lower trunk
    LUMBAR = 1  # de Leva middle trunk
    THORAX = 2  # de Leva upper trunk
    HEAD = 3  # head and neck
    LEFT_UPPER_ARM, RIGHT_UPPER_ARM = 4, 5
    LEFT_FOREARM, RIGHT_FOREARM = 6, 7
    LEFT_HAND, RIGHT_HAND = 8, 9
    LEFT_THIGH, RIGHT_THIGH = 10, 11
    LEFT_SHANK, RIGHT_SHANK = 12, 13
    LEFT_FOOT, RIGHT_FOOT = 14, 15


# Each segment's end points, lower/inner end first: its length is the distance between them.
SEGMENT_ENDS: Mapping[Segment, tuple[Joint, Joint]] = MappingProxyType(
    {
        Segment.PELVIS: (Joint.MID_HIP, Joint.LUMBAR),
        Segment.LUMBAR: (Joint.LUMBAR, Joint.THORACIC),
        Segment.THORAX: (Joint.THORACIC, Joint.NECK),
        Segment.HEAD: (Joint.NECK, Joint.HEAD_TOP),
        Segment.LEFT_UPPER_ARM: (Joint.LEFT_SHOULDER, Joint.LEFT_ELBOW),
        Segment.RIGHT_UPPER_ARM: (Joint.RIGHT_SHOULDER, Joint.RIGHT_ELBOW),
        Segment.LEFT_FOREARM: (Joint.LEFT_ELBOW, Joint.LEFT_WRIST),
        Segment.RIGHT_FOREARM: (Joint.RIGHT_ELBOW, Joint.RIGHT_WRIST),
        Segment.LEFT_HAND: (Joint.LEFT_WRIST, Joint.LEFT_HAND),
        Segment.RIGHT_HAND: (Joint.RIGHT_WRIST, Joint.RIGHT_HAND),
        Segment.LEFT_THIGH: (Joint.LEFT_HIP, Joint.LEFT_KNEE),
        Segment.RIGHT_THIGH: (Joint.RIGHT_HIP, Joint.RIGHT_KNEE),
        Segment.LEFT_SHANK: (Joint.LEFT_KNEE, Joint.LEFT_ANKLE),
        Segment.RIGHT_SHANK: (Joint.RIGHT_KNEE, Joint.RIGHT_ANKLE),
        Segment.LEFT_FOOT: (Joint.LEFT_HEEL, Joint.LEFT_TOE),
        Segment.RIGHT_FOOT: (Joint.RIGHT_HEEL, Joint.RIGHT_TOE),
    }
)

# Lines to draw a stick figure: the segments plus the links that close the skeleton.
BONES: frozenset[tuple[Joint, Joint]] = frozenset(SEGMENT_ENDS.values()) | {
    (Joint.LEFT_HIP, Joint.RIGHT_HIP),
    (Joint.LEFT_SHOULDER, Joint.RIGHT_SHOULDER),
    (Joint.LEFT_ANKLE, Joint.LEFT_HEEL),
    (Joint.LEFT_ANKLE, Joint.LEFT_TOE),
    (Joint.RIGHT_ANKLE, Joint.RIGHT_HEEL),
    (Joint.RIGHT_ANKLE, Joint.RIGHT_TOE),
}

_TRUNK_ROW = {"pelvis": "lower_trunk", "lumbar": "middle_trunk", "thorax": "upper_trunk"}


def _kind(segment: Segment) -> str:
    """The segment's name without its side ("thigh"): its key in Body.lengths_m."""
    return segment.name.removeprefix("LEFT_").removeprefix("RIGHT_").lower()


_PROXIMAL = np.array([SEGMENT_ENDS[s][0] for s in Segment])
_DISTAL = np.array([SEGMENT_ENDS[s][1] for s in Segment])
_FEET = np.array([Segment.LEFT_FOOT, Segment.RIGHT_FOOT])
_ARMS = {  # the arm segments hang from their own side's shoulder
    Joint.LEFT_SHOULDER: [Segment.LEFT_UPPER_ARM, Segment.LEFT_FOREARM, Segment.LEFT_HAND],
    Joint.RIGHT_SHOULDER: [Segment.RIGHT_UPPER_ARM, Segment.RIGHT_FOREARM, Segment.RIGHT_HAND],
}

_RIGHT_OF = {j: Joint[j.name.replace("LEFT_", "RIGHT_")] for j in Joint if j.name.startswith("LEFT_")}
_LEFT_OF = {right: left for left, right in _RIGHT_OF.items()}


def _lateral_fraction(joint: Joint) -> float:
    """y of a joint as a fraction of stature: + on the left, - on the right, 0 on the midline."""
    if "EAR" in joint.name:
        half = EAR_HALF_WIDTH
    elif any(part in joint.name for part in ("SHOULDER", "ELBOW", "WRIST", "HAND")):
        half = SHOULDER_HALF_WIDTH
    else:
        half = HIP_HALF_WIDTH
    side = {"LEFT": 1.0, "RIGHT": -1.0}.get(joint.name.split("_")[0], 0.0)
    return side * half


_LATERAL_Y = np.array([_lateral_fraction(j) for j in Joint])


@dataclass(frozen=True)
class AngleRange:
    """The allowed range of one Pose angle, in degrees, and where it comes from."""

    label: str  # how error messages name the angle
    low_deg: float
    high_deg: float
    why: str


# Reference ranges from the AAOS handbook, consensus estimates rather than measured averages
# (Greene & Heckman 1994, "The Clinical Measurement of Joint Motion"; the same source as
# content/joint_ranges.yaml), widened where the course must be able to show a fault.
JOINT_LIMITS: Mapping[str, AngleRange] = MappingProxyType(
    {
        "ankle": AngleRange(
            "ankle dorsiflexion", -50.0, 35.0, "AAOS 50 plantarflexion, 20 dorsiflexion; 35 lets knees go over toes"
        ),
        "knee": AngleRange("knee flexion", -10.0, 150.0, "AAOS 0 to 135-150; -10 shows locked, hyperextended knees"),
        "hip": AngleRange("hip flexion", -30.0, 125.0, "AAOS 30 extension, 120 flexion"),
        "lumbar": AngleRange(
            "lumbar flexion", -30.0, 60.0, "AAOS thoracolumbar flexion 80 / extension 25, below the navel"
        ),
        "thoracic": AngleRange("thoracic flexion", -20.0, 50.0, "the part of AAOS thoracolumbar range above the navel"),
        "neck": AngleRange("neck flexion", -60.0, 60.0, "AAOS cervical 45 flexion, 45 extension"),
        "shoulder": AngleRange("shoulder flexion", -60.0, 180.0, "AAOS 180 flexion, 60 extension"),
        "elbow": AngleRange("elbow flexion", 0.0, 150.0, "AAOS 0 to 150"),
    }
)


class JointLimitError(ValueError):
    """An angle lies outside its JOINT_LIMITS range (or is not a number)."""

    def __init__(self, angle: str, value_deg: float) -> None:
        limit = JOINT_LIMITS[angle]
        self.angle, self.value_deg = angle, value_deg
        self.low_deg, self.high_deg = limit.low_deg, limit.high_deg
        allowed = f"{limit.low_deg:.1f}° to {limit.high_deg:.1f}°"
        if math.isfinite(value_deg):
            message = f"{limit.label} {value_deg:.1f}° is outside {allowed}"
        else:
            message = f"{limit.label} must be a number of degrees from {allowed}, got {value_deg}"
        super().__init__(message)


@dataclass(frozen=True)
class Pose:
    """Joint angles in degrees (see the module docstring for each sign); all 0 is standing tall.

    Raises JointLimitError when an angle is outside JOINT_LIMITS or not finite.
    """

    ankle: float = 0.0
    knee: float = 0.0
    hip: float = 0.0
    lumbar: float = 0.0
    thoracic: float = 0.0
    neck: float = 0.0
    shoulder: float = 0.0
    elbow: float = 0.0

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            limit = JOINT_LIMITS[f.name]
            if not (math.isfinite(value) and limit.low_deg <= value <= limit.high_deg):
                raise JointLimitError(f.name, value)


# --------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class BaseOfSupport:
    """The feet's extent along x (metres): the CoM must stay above it for the body not to tip."""

    heel_x_m: float
    toe_x_m: float

    @property
    def mid_x_m(self) -> float:
        """Mid-foot, halfway from heel to toe: where the balance solver puts the CoM by default."""
        return self.x_at(MID_FOOT)

    def x_at(self, along_foot: float) -> float:
        """x of the point `along_foot` of the way from heel (0) to toe tip (1), metres."""
        return self.heel_x_m + along_foot * (self.toe_x_m - self.heel_x_m)

    def along_foot(self, x_m: Metres) -> Metres:
        """Where x lies along the foot: 0 at the heel, 1 at the toe tip (outside 0..1 = off it)."""
        return (x_m - self.heel_x_m) / (self.toe_x_m - self.heel_x_m)


def _pitch_deg(lower: np.ndarray, upper: np.ndarray) -> float:
    """Angle of lower->upper from vertical in the x-z plane, degrees, positive = top forward."""
    return math.degrees(math.atan2(upper[0] - lower[0], upper[2] - lower[2]))


def _wrap_deg(angle: float) -> float:
    """The same angle in (-180, 180] degrees."""
    return 180.0 - (180.0 - angle) % 360.0


@dataclass(frozen=True)
class PosedBody:
    """A body in one pose: where every joint and centre of mass is. Arrays are read-only.

    points: (len(Joint), 3) metres, rows indexed by Joint, columns x, y, z.
    segment_com: (len(Segment), 3) metres, each segment's centre of mass.
    com: (3,) metres, whole-body centre of mass.
    """

    pose: Pose
    points: np.ndarray
    segment_com: np.ndarray
    com: np.ndarray

    def __getitem__(self, joint: Joint) -> np.ndarray:
        return self.points[joint]

    def _mid(self, left: Joint, right: Joint) -> np.ndarray:
        return 0.5 * (self.points[left] + self.points[right])

    @property
    def trunk_inclination_deg(self) -> float:
        """Lean of the line mid-hip -> base of neck from vertical, degrees; positive = forward.

        What a side-on camera sees as hip -> mid-shoulder: it includes any spine rounding.
        """
        return _pitch_deg(self.points[Joint.MID_HIP], self.points[Joint.NECK])

    @property
    def shin_angle_deg(self) -> float:
        """Lean of ankle -> knee from vertical, degrees; positive = knees forward of the ankles."""
        return _pitch_deg(self._mid(Joint.LEFT_ANKLE, Joint.RIGHT_ANKLE), self._mid(Joint.LEFT_KNEE, Joint.RIGHT_KNEE))

    @property
    def hips_in_front_of_ankles_m(self) -> float:
        """How far mid-hip is in front of mid-ankle along x, metres; negative = hips behind."""
        return float(self.points[Joint.MID_HIP, 0] - self._mid(Joint.LEFT_ANKLE, Joint.RIGHT_ANKLE)[0])

    @property
    def spine_flexion_deg(self) -> float:
        """Bend between the pelvis and the upper back, read from the points, degrees.

        The lean of thoracic joint -> neck minus the lean of mid-hip -> lumbar joint: positive =
        rounded, negative = arched, 0 = neutral. Equals lumbar + thoracic flexion.
        """
        return _wrap_deg(
            _pitch_deg(self.points[Joint.THORACIC], self.points[Joint.NECK])
            - _pitch_deg(self.points[Joint.MID_HIP], self.points[Joint.LUMBAR])
        )

    @property
    def ear_shoulder_hip_deg(self) -> float:
        """Angle at the shoulder between the lines to the ear and to the hip, side view, degrees.

        180 when ear, shoulder and hip are in line (neutral spine and head); below 180 when the
        back rounds or the head juts forward; above 180 when the back arches or the head tips
        back. Uses the mid-points of the left and right landmarks, which a pose tracker sees.
        """
        hip = self.points[Joint.MID_HIP]
        shoulder = self._mid(Joint.LEFT_SHOULDER, Joint.RIGHT_SHOULDER)
        ear = self._mid(Joint.LEFT_EAR, Joint.RIGHT_EAR)
        bend = _wrap_deg(_pitch_deg(shoulder, ear) - _pitch_deg(hip, shoulder))
        return 180.0 - bend


@dataclass(frozen=True)
class Balance:
    """The result of Body.balance.

    posed: the body with the solved ankle angle (when not balanced: the ankle limit nearest to it).
    balanced: True when the CoM is over the point asked for (within 1e-9 m): mid-foot unless
        Body.balance was given another `along_foot`.
    reason: why it could not be balanced, for the learner; "" when balanced.
    com_error_m: CoM x minus that point's x, metres (positive = CoM ahead of it).
    """

    posed: PosedBody
    balanced: bool
    reason: str
    com_error_m: float


# --------------------------------------------------------------------------------------------
# The body


def _lengths_m(height_m: float) -> dict[str, float]:
    """Link lengths (m) for a body of the given stature, keyed by segment kind."""
    scale = height_m / DE_LEVA_STATURE_MM
    lengths = {
        kind: DE_LEVA_MALE[_TRUNK_ROW.get(kind, kind)].length_mm * scale
        for kind in ("foot", "shank", "thigh", "pelvis", "lumbar", "thorax", "upper_arm", "forearm", "hand")
    }
    lengths["ankle_height"] = ANKLE_HEIGHT * height_m
    # The head-and-neck link takes whatever stature is left above the sternal notch, so that the
    # vertex of the standing body is exactly at height_m (de Leva's landmark lengths do not stack
    # up to stature by themselves).
    below_neck = ("ankle_height", "shank", "thigh", "pelvis", "lumbar", "thorax")
    lengths["head"] = height_m - sum(lengths[k] for k in below_neck)
    # de Leva's head row puts the head's CoM 0.5976 x 203.3 mm below the vertex. The ears
    # (tragion) are taken at that same depth.
    head = DE_LEVA_MALE["head"]
    lengths["head_com_below_top"] = head.com_from_origin * head.length_mm * scale
    return lengths


@dataclass(frozen=True)
class Body:
    """A person of a given stature and mass, scaled from de Leva (1996).

    height_m: stature, metres, 1.0 to 2.3. mass_kg: body mass, kilograms, 20 to 250.
    Raises ValueError outside those ranges.

    lengths_m: link lengths in metres keyed by segment kind ("thigh", "head" = head and neck),
    plus "ankle_height" and "head_com_below_top" (vertex to head CoM and ears).
    segment_length_m, segment_mass_kg, segment_com_fraction: (len(Segment),) arrays indexed by
    Segment; the CoM fraction is measured from the segment's first end in SEGMENT_ENDS.
    Segment masses are de Leva's fractions rescaled to sum to exactly mass_kg.
    """

    height_m: float = 1.75
    mass_kg: float = 75.0
    lengths_m: Mapping[str, float] = field(init=False, repr=False, compare=False)
    segment_length_m: np.ndarray = field(init=False, repr=False, compare=False)
    segment_mass_kg: np.ndarray = field(init=False, repr=False, compare=False)
    segment_com_fraction: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not 1.0 <= self.height_m <= 2.3:
            raise ValueError(f"height_m must be between 1.0 and 2.3 metres, got {self.height_m}")
        if not 20.0 <= self.mass_kg <= 250.0:
            raise ValueError(f"mass_kg must be between 20 and 250 kilograms, got {self.mass_kg}")
        lengths = _lengths_m(self.height_m)
        rows = [DE_LEVA_MALE[_TRUNK_ROW.get(_kind(s), _kind(s))] for s in Segment]
        fractions = np.array([row.mass_fraction for row in rows])
        com = np.array([row.com_from_origin for row in rows])
        # de Leva measures trunk CoMs from their upper end; ours run upwards from the hips.
        trunk = [Segment.PELVIS, Segment.LUMBAR, Segment.THORAX]
        com[trunk] = 1.0 - com[trunk]
        com[Segment.HEAD] = 1.0 - lengths["head_com_below_top"] / lengths["head"]
        arrays = {
            "segment_length_m": np.array([lengths[_kind(s)] for s in Segment]),
            "segment_mass_kg": self.mass_kg * fractions / fractions.sum(),
            "segment_com_fraction": com,
        }
        for name, array in arrays.items():
            array.flags.writeable = False
            object.__setattr__(self, name, array)
        object.__setattr__(self, "lengths_m", MappingProxyType(lengths))

    @property
    def base_of_support(self) -> BaseOfSupport:
        """Heel and toe x of the (fixed) feet, metres."""
        heel = -ANKLE_ALONG_FOOT * self.lengths_m["foot"]
        return BaseOfSupport(heel_x_m=heel, toe_x_m=heel + self.lengths_m["foot"])

    def place(self, pose: Pose) -> PosedBody:
        """Forward kinematics: the 3D positions of every joint and centre of mass in `pose`."""
        n = self.lengths_m
        rad = math.radians
        shank = rad(pose.ankle)  # each link's lean from vertical, positive = top forward
        thigh = shank - rad(pose.knee)
        pelvis = thigh + rad(pose.hip)
        lumbar = pelvis + rad(pose.lumbar)
        thorax = lumbar + rad(pose.thoracic)
        head = thorax + rad(pose.neck)
        upper_arm = rad(pose.shoulder) - thorax  # arms: swing forward from hanging straight down
        forearm = upper_arm + rad(pose.elbow)

        def up(x: float, z: float, length: float, lean: float) -> tuple[float, float]:
            return x + length * math.sin(lean), z + length * math.cos(lean)

        def down(x: float, z: float, length: float, swing: float) -> tuple[float, float]:
            return x + length * math.sin(swing), z - length * math.cos(swing)

        ankle = (0.0, n["ankle_height"])
        knee = up(*ankle, n["shank"], shank)
        hip = up(*knee, n["thigh"], thigh)
        lumbar_joint = up(*hip, n["pelvis"], pelvis)
        thoracic_joint = up(*lumbar_joint, n["lumbar"], lumbar)
        neck = up(*thoracic_joint, n["thorax"], thorax)
        elbow = down(*neck, n["upper_arm"], upper_arm)
        wrist = down(*elbow, n["forearm"], forearm)
        heel = self.base_of_support.heel_x_m
        xz = {  # side view of each point; left/right pairs share it
            Joint.MID_HIP: hip,
            Joint.LUMBAR: lumbar_joint,
            Joint.THORACIC: thoracic_joint,
            Joint.NECK: neck,
            Joint.HEAD_TOP: up(*neck, n["head"], head),
            Joint.LEFT_EAR: up(*neck, n["head"] - n["head_com_below_top"], head),
            Joint.LEFT_SHOULDER: neck,
            Joint.LEFT_ELBOW: elbow,
            Joint.LEFT_WRIST: wrist,
            Joint.LEFT_HAND: down(*wrist, n["hand"], forearm),
            Joint.LEFT_HIP: hip,
            Joint.LEFT_KNEE: knee,
            Joint.LEFT_ANKLE: ankle,
            Joint.LEFT_HEEL: (heel, 0.0),
            Joint.LEFT_TOE: (heel + n["foot"], 0.0),
        }
        side = [xz.get(j) or xz[_LEFT_OF[j]] for j in Joint]
        points = np.column_stack([[p[0] for p in side], _LATERAL_Y * self.height_m, [p[1] for p in side]])
        near, far = points[_PROXIMAL], points[_DISTAL]
        segment_com = near + self.segment_com_fraction[:, None] * (far - near)
        com = self.segment_mass_kg @ segment_com / self.mass_kg
        for array in (points, segment_com, com):
            array.flags.writeable = False
        return PosedBody(pose=pose, points=points, segment_com=segment_com, com=com)

    def balance(
        self, pose: Pose, hang_arms: bool = False, along_foot: float = MID_FOOT, arms_forward_deg: float = 0.0
    ) -> Balance:
        """Choose the ankle angle that puts the whole-body CoM over mid-foot; pose.ankle is ignored.

        along_foot puts the CoM elsewhere over the feet instead: a fraction of the foot's length
        from the heel (0) to the toe tip (1), 0.5 being mid-foot. A body whose weight has gone
        to the balls of its feet is balanced at about 0.7. Raises ValueError outside 0 to 1:
        the CoM beyond the feet is a fall, not a pose.

        With the feet flat, tilting at the ankles swings everything above them rigidly about the
        ankle axis, so the CoM's x is  A cos(ankle) + B sin(ankle) + C  and the ankle angle comes
        in closed form (no iteration). hang_arms=True makes the arms hang plumb (shoulder flexion
        equal to the upper back's lean), as when holding a kettlebell; the shoulder angle is then
        replaced too, and JointLimitError is raised if that angle is out of range. With hang_arms,
        arms_forward_deg swings them that many degrees forward of plumb (hands drifting away from
        the legs); like plumb arms they keep that angle from vertical whatever the ankle does.

        Never raises for an unreachable balance: returns balanced=False with the reason, posed at
        the ankle limit nearest to the solution.
        """
        if not (math.isfinite(along_foot) and 0.0 <= along_foot <= 1.0):
            raise ValueError(f"along_foot must be from 0 (heel) to 1 (toe tip), got {along_foot}")
        start = replace(pose, ankle=0.0)
        if hang_arms:
            start = replace(start, shoulder=_thorax_lean_deg(start) + arms_forward_deg)
        posed = self.place(start)
        masses = self.segment_mass_kg
        ankle = np.array([0.0, 0.0, self.lengths_m["ankle_height"]])
        # The point of each segment that swings with the ankle: its CoM, or for arms that keep
        # their angle from vertical, their shoulder (the arm's offset below it does not swing).
        anchor = posed.segment_com.copy()
        if hang_arms:
            for shoulder, arm in _ARMS.items():
                anchor[arm] = posed.points[shoulder]
        moving = np.ones(len(Segment), dtype=bool)
        moving[_FEET] = False
        swing = masses[moving] @ (anchor[moving] - ankle)  # mass-weighted lever at ankle = 0
        # What does not swing: the feet, and the arms' offsets below their shoulders.
        fixed = masses @ (posed.segment_com - anchor * moving[:, None])
        target = self.base_of_support.x_at(along_foot)
        reach = math.hypot(swing[0], swing[2])
        lean = math.atan2(swing[0], swing[2])
        ratio = (target * self.mass_kg - fixed[0]) / reach
        limit = JOINT_LIMITS["ankle"]
        solved = math.degrees(math.asin(max(-1.0, min(1.0, ratio))) - lean)
        ankle_deg = min(max(solved, limit.low_deg), limit.high_deg)
        final = replace(start, ankle=ankle_deg)
        if hang_arms:
            final = replace(final, shoulder=_thorax_lean_deg(final) + arms_forward_deg)
        result = self.place(final)
        error = float(result.com[0] - target)
        if abs(ratio) > 1.0:
            reason = f"No ankle angle brings the centre of mass over {_foot_point(along_foot)}."
        elif solved != ankle_deg:
            direction = "forward" if solved > 0 else "back"
            reason = (
                f"To keep the centre of mass over {_foot_point(along_foot)} the shins would "
                f"have to tilt {abs(solved):.1f}° {direction}, beyond the ankle's "
                f"{limit.low_deg:.0f}° to {limit.high_deg:.0f}° range."
            )
        else:
            reason = ""
        balanced = not reason and abs(error) < 1e-9
        return Balance(posed=result, balanced=balanced, reason=reason, com_error_m=error)


def _foot_point(along_foot: float) -> str:
    """Words for a point along the feet: 'the middle of the feet', or how far from the heel."""
    if along_foot == MID_FOOT:
        return "the middle of the feet"
    return f"a point {along_foot:.0%} of the way from heels to toes"


def _thorax_lean_deg(pose: Pose) -> float:
    """The upper back's lean from vertical, degrees: the shoulder flexion that keeps arms plumb."""
    return pose.ankle - pose.knee + pose.hip + pose.lumbar + pose.thoracic


# --------------------------------------------------------------------------------------------
# Inverse kinematics


def pose_from_points(points: np.ndarray) -> Pose:
    """Read the joint angles back from joint positions (the inverse of Body.place).

    points: (len(Joint), 3) metres in this module's frame (x forward, z up), rows indexed by Joint.
    Each left/right pair is averaged and everything is read in the side (x-z) view, so the
    result suits symmetric, sagittal motions; the ankle angle assumes a level floor.
    Raises ValueError for a wrongly shaped array and JointLimitError if an angle read off the
    points is outside JOINT_LIMITS (beyond 1e-9 deg of round-off).
    """
    points = np.asarray(points, dtype=float)
    if points.shape != (len(Joint), 3):
        raise ValueError(f"points must have shape ({len(Joint)}, 3), got {points.shape}")

    def at(joint: Joint) -> np.ndarray:
        if joint in _RIGHT_OF:
            return 0.5 * (points[joint] + points[_RIGHT_OF[joint]])
        return points[joint]

    shank = _pitch_deg(at(Joint.LEFT_ANKLE), at(Joint.LEFT_KNEE))
    thigh = _pitch_deg(at(Joint.LEFT_KNEE), at(Joint.MID_HIP))
    pelvis = _pitch_deg(at(Joint.MID_HIP), at(Joint.LUMBAR))
    lumbar = _pitch_deg(at(Joint.LUMBAR), at(Joint.THORACIC))
    thorax = _pitch_deg(at(Joint.THORACIC), at(Joint.NECK))
    head = _pitch_deg(at(Joint.NECK), at(Joint.HEAD_TOP))
    # Arms swing forward from hanging straight down: minus the lean of the reversed link.
    upper_arm = -_pitch_deg(at(Joint.LEFT_ELBOW), at(Joint.LEFT_SHOULDER))
    forearm = -_pitch_deg(at(Joint.LEFT_WRIST), at(Joint.LEFT_ELBOW))
    angles = {
        "ankle": shank,
        "knee": shank - thigh,
        "hip": pelvis - thigh,
        "lumbar": lumbar - pelvis,
        "thoracic": thorax - lumbar,
        "neck": head - thorax,
        "shoulder": upper_arm + thorax,
        "elbow": forearm - upper_arm,
    }
    return Pose(**{name: _snap_to_limit(name, _wrap_deg(value)) for name, value in angles.items()})


def _snap_to_limit(angle: str, value_deg: float) -> float:
    """Round-off at a range's end (150.00000000000003 deg) back onto it; leave the rest alone."""
    limit = JOINT_LIMITS[angle]
    for end in (limit.low_deg, limit.high_deg):
        if abs(value_deg - end) < 1e-9:
            return end
    return value_deg
