"""Build small, valid content folders in code; tests then break one thing at a time."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

JOINT_RANGES = {
    "source": "A test source.",
    "joints": {
        "hip": {
            "name": "Hip",
            "motions": {
                "flexion": {"degrees": 120, "description": "Thigh forward."},
                "extension": {"degrees": 30, "description": "Thigh back."},
            },
        }
    },
}


def question(
    qid: str, kind: str, correct: tuple[int, ...] = (0,), n_choices: int = 3, topic: str = ""
) -> dict[str, Any]:
    """A question whose choices are all the same length; ``topic`` tells apart the prompts of two lessons."""
    return {
        "id": qid,
        "kind": kind,
        "prompt": f"Question {qid}{topic}?",
        "choices": [
            {"text": f"Choice {qid} {i}", "correct": i in correct, "feedback": f"Because {i}."}
            for i in range(n_choices)
        ],
        "explanation": f"Explanation of {qid}.",
    }


def lesson_meta(lesson_id: str, order: int) -> dict[str, Any]:
    """A valid lesson whose writing passes course.writing's checks (its quiz reads in under a minute)."""
    topic = "" if order == 1 else f" about lesson {lesson_id}"
    return {
        "id": lesson_id,
        "order": order,
        "title": f"Lesson {lesson_id}",
        "summary": "A summary.",
        "minutes": 1,
        "objectives": ["Learn a thing."],
        "key_terms": [{"term": f"Term {lesson_id}", "definition": "A definition."}],
        "figures": [],
        "quiz": [
            question("one", "single", (1,), topic=topic),
            question("two", "multiple", (0, 2), topic=topic),
            question("three", "spot_the_fault", (2,), topic=topic),
            question("four", "single", (0,), topic=topic),
        ],
    }


def write_lesson(folder: Path, filename: str, meta: dict[str, Any], body: str = "## A heading\n\nSome text.\n") -> Path:
    path = folder / "lessons" / filename
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) + "---\n" + body, encoding="utf-8"
    )
    return path


def write_course(folder: Path, lessons: int = 2) -> Path:
    """A valid content folder with ``lessons`` lessons named a-1, a-2, ..."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "home.md").write_text("---\ntitle: Welcome\nlead: Learn things.\n---\nHello.\n", encoding="utf-8")
    (folder / "self-check.md").write_text("---\ntitle: Check\nlead: Film it.\n---\nPrivate.\n", encoding="utf-8")
    (folder / "joint_ranges.yaml").write_text(yaml.safe_dump(copy.deepcopy(JOINT_RANGES)), encoding="utf-8")
    for order in range(1, lessons + 1):
        write_lesson(folder, f"0{order}-a-{order}.md", lesson_meta(f"a-{order}", order))
    write_cues(folder, {})
    return folder


def cue(lesson: str = "a-1", section: str = "A heading", figure: str = "hinge") -> dict[str, Any]:
    return {
        "name": "Knee bend",
        "title": "Locked knees",
        "seen": "Knees at {value}°.",
        "try": "Bend them.",
        "lesson": lesson,
        "section": section,
        "figure": figure,
        "went_well": "Soft knees.",
    }


def write_cues(folder: Path, cues: dict[str, Any]) -> None:
    (folder / "cues.yaml").write_text(yaml.safe_dump({"cues": cues}), encoding="utf-8")
