"""The course's figures by name: what a lesson's front matter may list under ``figures``, and a
quiz question under ``figure`` (the "quiz-" figures label their two bodies only A and B).

Every figure is a pure function of the course content (for the joint ranges) and, where the
learner can pick a variant (which hip motion to play), of that choice. Pages look figures up
here; nothing in this package imports Streamlit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import plotly.graph_objects as go

from course.content import Course


@dataclass(frozen=True)
class FigureSpec:
    """How to build one named figure.

    ``choices(course)`` lists the variants a learner may pick (key -> label), empty when the
    figure has none; ``build(course, choice)`` makes the figure (``choice`` is None when there
    are no variants).
    """

    name: str
    build: Callable[[Course, str | None], go.Figure]
    choices: Callable[[Course], Mapping[str, str]] = field(default=lambda course: {})
    choice_prompt: str = ""


def _hip_joint(course: Course, choice: str | None) -> go.Figure:
    from course.figures.joint import hip_joint_figure

    return hip_joint_figure(course.joint_ranges["hip"], motion=choice or "flexion")


def _hip_motions(course: Course) -> Mapping[str, str]:
    return {motion.name: motion.label for motion in course.joint_ranges["hip"].motions}


def _hip_vs_shoulder(course: Course, choice: str | None) -> go.Figure:
    from course.figures.joint import shoulder_comparison_figure

    return shoulder_comparison_figure(course.joint_ranges["hip"], course.joint_ranges["shoulder"])


def _bodies(*motion_names: str) -> Callable[[Course, str | None], go.Figure]:
    def build(course: Course, choice: str | None) -> go.Figure:
        from course.figures.body import body_figure
        from course.motions import MOTIONS

        return body_figure([MOTIONS[name]() for name in motion_names])

    return build


def _quiz_bodies(first: str, second: str) -> Callable[[Course, str | None], go.Figure]:
    """Two motions side by side, labelled only "A" and "B", for a quiz that asks which one
    shows the fault: the learner has to see it, not read it in a title."""

    def build(course: Course, choice: str | None) -> go.Figure:
        from dataclasses import replace

        from course.figures.body import body_figure
        from course.motions import MOTIONS

        return body_figure([replace(MOTIONS[first](), title="A"), replace(MOTIONS[second](), title="B")])

    return build


def _angle_charts(*motion_names: str) -> Callable[[Course, str | None], go.Figure]:
    def build(course: Course, choice: str | None) -> go.Figure:
        from course.figures.angles import motions_angle_chart
        from course.motions import MOTIONS

        return motions_angle_chart([MOTIONS[name]() for name in motion_names])

    return build


FIGURES: Mapping[str, FigureSpec] = MappingProxyType(
    {
        spec.name: spec
        for spec in (
            FigureSpec("hip-joint", _hip_joint, _hip_motions, "Pick a motion"),
            FigureSpec("hip-vs-shoulder", _hip_vs_shoulder),
            FigureSpec("hinge", _bodies("good_hinge")),
            FigureSpec("hinge-vs-squat", _bodies("good_hinge", "squat")),
            FigureSpec("hinge-vs-squat-angles", _angle_charts("good_hinge", "squat")),
            FigureSpec("mistake-locked-knees", _bodies("good_hinge", "locked_knee_hinge")),
            FigureSpec("mistake-rounded-back", _bodies("good_hinge", "rounded_back_hinge")),
            FigureSpec("mistake-knees-first", _bodies("good_hinge", "knee_dominant_hinge")),
            FigureSpec("mistake-lean-back", _bodies("good_hinge", "lean_back_hinge")),
            FigureSpec("mistake-neck-cranked", _bodies("good_hinge", "neck_cranked_hinge")),
            FigureSpec("mistake-hips-not-back", _bodies("good_hinge", "hips_not_back_hinge")),
            FigureSpec("mistake-hips-rise-first", _bodies("good_hinge", "hips_rise_first_hinge")),
            FigureSpec("mistake-weight-on-toes", _bodies("good_hinge", "weight_forward_hinge")),
            FigureSpec("mistake-rushed", _bodies("good_hinge", "rushed_hinge")),
            FigureSpec("quiz-rounded-back", _quiz_bodies("rounded_back_hinge", "good_hinge")),
            FigureSpec("quiz-lean-back", _quiz_bodies("good_hinge", "lean_back_hinge")),
        )
    }
)


def build_figure(course: Course, name: str, choice: str | None = None) -> go.Figure:
    """Build a named figure; raises ``KeyError`` for an unknown name or choice."""
    spec = FIGURES[name]
    choices = spec.choices(course)
    if choices and choice is None:
        choice = next(iter(choices))
    if choice is not None and choice not in choices:
        raise KeyError(f"figure {name!r} has no variant {choice!r}; it has {', '.join(choices) or 'none'}")
    return spec.build(course, choice)
