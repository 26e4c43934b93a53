"""The writing checks: each giveaway and contradiction is flagged, and its honest version passes."""

from __future__ import annotations

from pathlib import Path

import pytest

from course.content import Course, load_course
from course.content_check import main
from course.writing import LONGEST_LESSON, READING_SPEED, reading_minutes, writing_problems
from tests.content_factory import lesson_meta, question, write_course, write_lesson


def course_with(folder: Path, change=None, lessons: int = 1, body: str = "## A heading\n\nSome text.\n") -> Course:
    """A small valid course whose first lesson is passed to ``change`` before it is written."""
    write_course(folder, lessons=lessons)
    meta = lesson_meta("a-1", 1)
    if change is not None:
        change(meta)
    write_lesson(folder, "01-a-1.md", meta, body)
    return load_course(folder, known_figures=set())


def problems(course: Course) -> list[str]:
    return [str(problem) for problem in writing_problems(course)]


def choices(*specs: tuple[str, bool, str]) -> list[dict]:
    return [{"text": text, "correct": correct, "feedback": feedback} for text, correct, feedback in specs]


def test_the_small_course_the_tests_start_from_has_no_writing_problems(tmp_path):
    assert problems(course_with(tmp_path, lessons=2)) == []


# --- the right answer is the longest -------------------------------------------------------


LONG_RIGHT = choices(
    ("Hips back", False, "Not quite."),
    ("Keep your centre of mass over the middle of your feet so that you stay balanced", True, "Yes."),
    ("Knees forward", False, "Not quite."),
)
EVEN = choices(
    ("To stretch the hamstrings as far as they go", False, "Not quite."),
    ("To keep your weight over the middle of your feet", True, "Yes."),
    ("So your knees can travel forward and share it", False, "Not quite."),
)


def test_a_right_answer_far_longer_than_the_wrong_ones_is_flagged(tmp_path):
    course = course_with(tmp_path, lambda m: m["quiz"][0].update(choices=LONG_RIGHT))
    found = problems(course)
    assert len(found) == 1
    assert "quiz 'one': the right answer has 16 words against 2 for the wrong ones, a giveaway" in found[0]


def test_choices_of_about_the_same_length_are_not_flagged(tmp_path):
    assert problems(course_with(tmp_path, lambda m: m["quiz"][0].update(choices=EVEN))) == []


def test_a_right_answer_that_is_longest_in_most_questions_is_flagged_for_the_course(tmp_path):
    def right_a_word_longer(meta):
        for item in meta["quiz"]:
            if item["kind"] != "multiple":
                right = next(c for c in item["choices"] if c["correct"])
                right["text"] += " too"  # one word longer: within the slack of each question, a pattern over all

    found = problems(course_with(tmp_path, right_a_word_longer))
    assert len(found) == 1
    assert "in 3 of 3 one-answer questions the right choice is the longest" in found[0]


# --- the fault is the only choice worded as a fault ------------------------------------------


def spot(*texts_and_fault: tuple[str, bool]) -> dict:
    return {
        "id": "three",
        "kind": "spot_the_fault",
        "prompt": "Which shows the fault?",
        "choices": choices(
            *((text, fault, "This is the fault." if fault else "Not the fault.") for text, fault in texts_and_fault)
        ),
        "explanation": "Why.",
    }


def test_a_fault_that_alone_is_described_in_fault_words_is_flagged(tmp_path):
    giveaway = spot(
        ("Hips travel back with a long spine", False),
        ("The tailbone tucks under halfway down", True),
        ("Knees keep the same small bend", False),
    )
    found = problems(course_with(tmp_path, lambda m: m["quiz"].__setitem__(2, giveaway)))
    assert len(found) == 1
    assert "01-a-1.md, quiz 'three': only the fault is worded as a fault ('tuck')" in found[0]


def test_a_good_form_choice_in_movement_words_hides_the_fault(tmp_path):
    fair = spot(
        ("Your eyes drift down to the floor as you lower", False),
        ("The tailbone tucks under halfway down", True),
        ("Knees keep the same small bend", False),
    )
    assert problems(course_with(tmp_path, lambda m: m["quiz"].__setitem__(2, fair))) == []


# --- feedback that contradicts its tick or cross ---------------------------------------------


@pytest.mark.parametrize(
    "opening",
    [
        "That is right. Knees over toes.",
        "Yes, a good finish.",
        "Good. Soft knees.",
        "Fine. Your eyes can follow your trunk.",
    ],
)
def test_a_wrong_choice_whose_feedback_says_right_is_flagged(tmp_path, opening):
    course = course_with(tmp_path, lambda m: m["quiz"][0]["choices"][0].update(feedback=opening))
    found = problems(course)
    assert len(found) == 1
    assert "quiz 'one', choice 1: the choice is wrong but its feedback opens with" in found[0]
    assert "read under a red cross" in found[0]


def test_a_right_choice_whose_feedback_says_not_quite_is_flagged(tmp_path):
    course = course_with(tmp_path, lambda m: m["quiz"][0]["choices"][1].update(feedback="Not quite: this is it."))
    found = problems(course)
    assert len(found) == 1
    assert "quiz 'one', choice 2: the choice is right but its feedback opens with 'Not'" in found[0]


@pytest.mark.parametrize(
    ("index", "feedback"),
    [
        (0, "Not the fault: soft knees are right."),
        (0, "Not quite. Hips first."),
        (1, "Yes. That is the hinge."),
        (1, "This is the fault."),
    ],
)
def test_feedback_that_agrees_with_its_choice_passes(tmp_path, index, feedback):
    assert problems(course_with(tmp_path, lambda m: m["quiz"][0]["choices"][index].update(feedback=feedback))) == []


# --- a choice that points at others by their place ----------------------------------------


@pytest.mark.parametrize("text", ["All of the above", "Both of the above", "None of these", "The first one"])
def test_a_choice_that_points_at_others_by_their_place_is_flagged(tmp_path, text):
    course = course_with(tmp_path, lambda m: m["quiz"][0]["choices"][2].update(text=text))
    found = problems(course)
    assert len(found) == 1
    assert "quiz 'one', choice 3:" in found[0] and "points at other choices by their place" in found[0]


def test_a_choice_that_says_what_it_means_passes(tmp_path):
    named = "Both the hips and the knees bend"
    assert problems(course_with(tmp_path, lambda m: m["quiz"][0]["choices"][2].update(text=named))) == []


def test_a_figure_question_may_say_both_or_neither_since_its_order_is_kept(tmp_path):
    def with_figure(meta):
        meta["quiz"][2].update(figure="quiz-lean-back")
        meta["quiz"][2]["choices"][1].update(text="Neither of these bodies")

    write_course(tmp_path, lessons=1)
    meta = lesson_meta("a-1", 1)
    with_figure(meta)
    write_lesson(tmp_path, "01-a-1.md", meta)
    assert problems(load_course(tmp_path, known_figures={"quiz-lean-back"})) == []


# --- the reading time -----------------------------------------------------------------------


def test_declared_minutes_far_from_the_estimate_are_flagged_with_the_true_number(tmp_path):
    body = "## Text\n\n" + "word " * int(4 * READING_SPEED.value) + "\n"
    course = course_with(tmp_path, body=body)
    estimate = reading_minutes(course.lessons[0])
    assert 4 < estimate < 5
    found = problems(course)
    assert len(found) == 1
    assert found[0].endswith(
        f"01-a-1.md, minutes: says 1 but the lesson takes about {estimate:.1f} minutes to read at "
        f"180 words a minute; write {round(estimate)}"
    )


def test_true_minutes_pass(tmp_path):
    body = "## Text\n\n" + "word " * int(4 * READING_SPEED.value) + "\n"
    assert problems(course_with(tmp_path, lambda m: m.update(minutes=4), body=body)) == []


def test_a_lesson_longer_than_one_sitting_is_flagged_even_when_its_minutes_are_true(tmp_path):
    minutes = int(LONGEST_LESSON.value) + 2
    body = "## Text\n\n" + "word " * int(minutes * READING_SPEED.value) + "\n"
    found = problems(course_with(tmp_path, lambda m: m.update(minutes=minutes), body=body))
    assert len(found) == 1
    assert f"more than {LONGEST_LESSON.value:g} for one sitting on a phone" in found[0]


# --- a term used before its lesson defines it ----------------------------------------------------


def test_a_key_term_used_before_the_lesson_that_defines_it_is_flagged(tmp_path):
    found = problems(course_with(tmp_path, lessons=2, body="## A heading\n\nLater we meet Term a-2 again.\n"))
    assert len(found) == 1
    assert "01-a-1.md, key term 'Term a-2': is used here, in lesson 1, but defined only in lesson 2" in found[0]


def test_a_key_term_used_after_its_lesson_passes(tmp_path):
    folder = tmp_path
    write_course(folder, lessons=2)
    write_lesson(folder, "02-a-2.md", lesson_meta("a-2", 2), "## A heading\n\nAs Term a-1 showed.\n")
    assert problems(load_course(folder, known_figures=set())) == []


# --- the quiz as a whole -------------------------------------------------------------------------


def test_multiple_answer_questions_that_all_have_the_same_count_are_flagged(tmp_path):
    def three_multiples(meta):
        meta["quiz"] += [question("five", "multiple", (0, 1)), question("six", "multiple", (1, 2))]

    found = problems(course_with(tmp_path, three_multiples))
    assert found and "3 of 3 multiple-answer questions have exactly 2 right choices" in found[0]


def test_multiple_answer_questions_with_varied_counts_pass(tmp_path):
    def varied(meta):
        meta["quiz"] += [
            question("five", "multiple", (0, 1, 2), n_choices=4),
            question("six", "multiple", (0, 1, 2, 3), n_choices=5),
        ]

    assert problems(course_with(tmp_path, varied)) == []


def test_a_question_asked_again_in_a_later_lesson_is_flagged(tmp_path):
    folder = tmp_path
    write_course(folder, lessons=2)
    again = lesson_meta("a-2", 2)
    again["quiz"][0] = question("one-again", "single", (1,))  # the prompt and the answer of a-1's first question
    write_lesson(folder, "02-a-2.md", again)
    found = problems(load_course(folder, known_figures=set()))
    assert len(found) == 1
    assert "02-a-2.md, quiz 'one-again': asks again what" in found[0] and "asks in 'one'" in found[0]


def test_the_check_command_fails_on_a_writing_problem_and_names_it(tmp_path, capsys):
    course_with(tmp_path, lambda m: m["quiz"][0]["choices"][0].update(feedback="That is right."))
    assert main([str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "Writing problem: " in err and "quiz 'one', choice 1" in err
    assert "1 writing problem to fix." in err
