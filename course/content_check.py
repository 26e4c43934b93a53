"""Check the course's content from a shell: ``python -m course.content_check [content-dir]``
(``make check-content``).

Everything the app checks at start (every field, and figure names against the figure registry),
then the writing checks of :mod:`course.writing` (quiz giveaways, reading times, terms defined
before use). Prints one line per problem and exits 1 on any, else prints what it checked.
"""

from __future__ import annotations

import sys
from pathlib import Path

from course.content import CONTENT_DIR, ContentError, load_course
from course.figures import FIGURES
from course.writing import writing_problems


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    content_dir = Path(args[0]) if args else CONTENT_DIR
    try:
        course = load_course(content_dir, known_figures=FIGURES)
    except ContentError as error:
        print(f"Content problem: {error}", file=sys.stderr)
        return 1
    problems = writing_problems(course)
    for problem in problems:
        print(f"Writing problem: {problem}", file=sys.stderr)
    if problems:
        print(f"{len(problems)} writing problem{'s' if len(problems) != 1 else ''} to fix.", file=sys.stderr)
        return 1
    questions = sum(len(lesson.quiz) for lesson in course.lessons)
    print(
        f"Content OK: {len(course.lessons)} lessons, {questions} quiz questions, {len(course.glossary)} glossary terms."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
