"""What each course figure shows, in words: its text alternative for screen readers and its lead line.

Pure functions of the same motions and joint ranges the figures are drawn from, so the words
give the figure's own numbers (degrees, seconds) and can't drift from the picture. Nothing here
imports Streamlit.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from course.content import JointRanges
from course.figures.body import WEIGHT_ON_TOES
from course.motions import Motion

# Below these the body model's spine and neck count as neutral: course.figures.body labels a
# bend only from these sizes on, so the words name what the picture labels.
BACK_BEND_NAMED_DEG = 5.0
NECK_BEND_NAMED_DEG = 10.0
LEAN_BACK_NAMED_DEG = 3.0  # a trunk this far behind vertical at the top is named as leaning back


def bodies_in_words(motions: Sequence[Motion]) -> str:
    """The body figure of ``motions`` (one model each, side by side), at each one's deepest moment."""
    if len(motions) == 1:
        lead = f"A model of a person seen from the side doing a {motions[0].title.lower()}, played over time."
    else:
        sides = ["left", "right"] if len(motions) == 2 else [f"number {n}" for n in range(1, len(motions) + 1)]
        named = "; ".join(f"{side}, {motion.title}" for side, motion in zip(sides, motions, strict=True))
        count = {2: "Two", 3: "Three"}.get(len(motions), str(len(motions)))
        lead = f"{count} models of a person seen from the side, side by side and played together: {named}."
    return " ".join([lead, *(_deepest(motion) for motion in motions)])


def _deepest(motion: Motion) -> str:
    index = int(np.argmax(motion.angle_deg("hip")))
    posed = motion.frames[index]
    parts = [
        f"hip bent {posed.pose.hip:.0f}°",
        f"knee {posed.pose.knee:.0f}°",
        f"trunk leaning {posed.trunk_inclination_deg:.0f}°",
    ]
    bend = posed.spine_flexion_deg
    if abs(bend) >= BACK_BEND_NAMED_DEG:
        parts.append(f"back {'rounded' if bend > 0 else 'arched'} {abs(bend):.0f}°")
    neck = posed.pose.neck
    if abs(neck) >= NECK_BEND_NAMED_DEG:
        parts.append(f"{'neck bent back' if neck < 0 else 'chin tucked'} {abs(neck):.0f}°")
    lean_back = -float(motion.trunk_inclination_deg.min())
    if lean_back >= LEAN_BACK_NAMED_DEG:
        parts.append(f"at the top, leaning back {lean_back:.0f}°")
    if float(motion.com_along_foot.max()) >= WEIGHT_ON_TOES:
        parts.append("weight on the toes")
    reps = len(motion.reps)
    return (
        f"{motion.title}: at the bottom, {', '.join(parts)}; "
        f"{reps} rep{'s' if reps != 1 else ''} in {motion.duration_s:.1f} s."
    )


def angle_charts_in_words(motions: Sequence[Motion]) -> str:
    """The stacked angle charts of ``motions``: hip, knee and trunk angles over time, with their peaks."""
    peaks = "; ".join(
        f"{motion.title}: hip up to {motion.angle_deg('hip').max():.0f}°, "
        f"knee up to {motion.angle_deg('knee').max():.0f}°, "
        f"trunk lean up to {motion.trunk_inclination_deg.max():.0f}°"
        for motion in motions
    )
    titles = " and ".join(motion.title.lower() for motion in motions)
    return f"Charts of hip, knee and trunk angles in degrees over time, one for each of {titles}. {peaks}."


def hip_motion_in_words(ranges: JointRanges, motion: str, axis_label: str) -> str:
    """The hip joint figure for one motion, turning about ``axis_label`` up to its typical limit."""
    label = motion.replace("_", " ")
    limit = ranges.degrees(motion)
    what = next(item.description for item in ranges.motions if item.name == motion)
    return (
        f"The right hip joint in 3D: the ball at the top of the thigh bone (femoral head) turning in its "
        f"socket (acetabulum) through {label}, about the {axis_label.lower()}, from standing tall at 0° "
        f"to a typical limit of {limit:g}°. {what}"
    )


def sockets_in_words(hip: JointRanges, shoulder: JointRanges, acetabulum_deg: float, glenoid_deg: float) -> str:
    """The hip-beside-shoulder figure: how far each socket wraps its ball, and each joint's flexion."""
    return (
        f"The right shoulder above the right hip, each cut in half through its socket. The shoulder's "
        f"socket (glenoid) is a shallow dish wrapping {glenoid_deg:g}° of its ball, so the shoulder moves "
        f"further: flexion up to {shoulder.degrees('flexion'):g}°. The hip's socket (acetabulum) is a deep "
        f"cup wrapping {acetabulum_deg:g}° of its ball, so the hip is steadier: flexion up to "
        f"{hip.degrees('flexion'):g}°."
    )
