"""How quickly the course's pages settle in a browser, against a bare page of the same text, in one run.

    uv run --frozen python benchmarks/pages.py [--repeat N] [--pages ID ...] [--widths phone desktop]

Serves the course (course/app.py) and, beside it, benchmarks/bare_page.py (the same lesson text
on a bare Streamlit page: no figures, no navigation, one plain question) on free loopback ports,
and opens each page in headless Chromium (tests/browser.py's flags: WebGL in software, as on
this machine) at phone width (390 x 844) and desktop width (1366 x 768), a fresh tab each time.
Per page it times, from the moment the address is asked for:

- text: the page's title and every "## " heading of the lesson are on screen;
- figures: every figure of the lesson (its own and its quiz's) is drawn: a Plotly plot drawn
  (3D scenes with their WebGL canvas), or whatever still preview stands in for one (a loaded
  image, an embedded frame); a figure further down is scrolled to, as a learner would;
- check: from tapping "Check answer" (with the right answer picked) to its feedback shown, the
  median over the quiz's questions; "score" is the last question's, until the round's score shows.

The bare page answers "text" and "check" (its one question, by a whole-page rerun); each course
figure is printed in seconds and as a ratio to the bare page's. Medians over --repeat runs (after
one warm-up visit that fills the server's caches); runs alternate bare, course, bare, ..., so a
busy machine slows both alike. The goals (issue 13): every figure drawn in under 4 s, "Check
answer" answered in under 0.3 s, and the text no later than on the bare page.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.browser, beside this folder

from course.content import Lesson, Question, load_course  # noqa: E402
from tests.browser import CHROMIUM_FLAGS, app_process, chromium_path  # noqa: E402

BARE_PAGE = Path(__file__).with_name("bare_page.py")
SELF_CHECK = "self-check"
DEFAULT_PAGES = ("your-hip-joint", "why-it-matters", SELF_CHECK)
WIDTHS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1366, "height": 768}},
}
STEP_TIMEOUT_MS = 60_000  # one thing to appear, on a busy two-core machine
POLL_MS = 25
SETTLE_MS = 150  # after picking an answer, for its rerun to start before we wait for it to end

# True when every wanted heading (h1-h4 text) is on the page with a size.
HEADINGS_SHOWN = """names => {
  const shown = [...document.querySelectorAll('h1, h2, h3, h4')]
    .filter(h => { const box = h.getBoundingClientRect(); return box.width > 0 && box.height > 0; })
    .map(h => h.textContent.trim());
  return names.every(name => shown.some(text => text.includes(name)));
}"""

# True when `expected` figures are drawn in the page's main area; scrolls on to the first figure
# not drawn yet (or to the end of the page while figures are missing), as a learner would.
FIGURES_DRAWN = """expected => {
  const main = document.querySelector('[data-testid="stMain"]') || document.body;
  const sized = el => { const box = el.getBoundingClientRect(); return box.width > 0 && box.height > 0; };
  const plotDrawn = el => {
    const layout = el._fullLayout;
    if (!layout || !el.querySelector('.main-svg') || !sized(el)) return false;
    const scenes = Object.keys(layout).filter(k => /^scene\\d*$/.test(k)).map(k => layout[k]._scene);
    return scenes.every(scene => scene && scene.glplot && [...el.querySelectorAll('canvas')].some(sized));
  };
  const drawn = el => {
    if (el.matches('.js-plotly-plot')) return plotDrawn(el);
    if (el.matches('img')) return el.complete && el.naturalWidth > 0 && sized(el);
    if (el.matches('iframe')) return sized(el) && (() => {
      try { return el.contentDocument === null || el.contentDocument.readyState === 'complete'; }
      catch (e) { return true; }
    })();
    return sized(el);  // a canvas or an inline SVG preview
  };
  const slots = [...main.querySelectorAll(
    '.js-plotly-plot, [data-testid="stImage"] img, iframe, [data-testid="stHtml"] > svg, ' +
    '[data-testid="stHtml"] canvas, [data-testid="stMarkdownContainer"] img'
  )].filter(el => !el.closest('.js-plotly-plot') || el.matches('.js-plotly-plot'));
  const done = slots.filter(drawn);
  if (done.length >= expected) return true;
  const waiting = slots.find(el => !drawn(el));
  const target = waiting || main.querySelector('[data-testid="stMainBlockContainer"]')?.lastElementChild;
  if (target) target.scrollIntoView({block: 'center'});
  return false;
}"""

SCRIPT_IDLE = "() => document.querySelector('[data-testid=\"stApp\"]')?.dataset.testScriptState === 'notRunning'"
FEEDBACK_COUNT = """() => [...document.querySelectorAll(
    '[data-testid="stAlertContentSuccess"], [data-testid="stAlertContentError"]')]
  .filter(el => /\\b(Right|Not quite)\\./.test(el.innerText)).length"""  # the alert starts with its icon's name
SCORE_SHOWN = """() => [...document.querySelectorAll('[data-testid="stAlertContainer"]')]
  .some(el => el.innerText.includes('You got'))"""

WAITED_FOR = {
    "every heading": HEADINGS_SHOWN,
    "every figure drawn": FIGURES_DRAWN,
    "the end of its run": SCRIPT_IDLE,
    "the score": SCORE_SHOWN,
    "the answer's feedback": FEEDBACK_COUNT,
}


@dataclass(frozen=True)
class Target:
    """A page to time: its id (a lesson's, or "self-check"), the headings it must show, its figures and quiz."""

    id: str
    headings: tuple[str, ...]
    figures: int
    quiz: tuple[Question, ...] = ()


@dataclass
class Timings:
    """Seconds per measure, one entry per run."""

    runs: dict[str, list[float]] = field(default_factory=dict)

    def add(self, measure: str, seconds: float | None) -> None:
        if seconds is not None:
            self.runs.setdefault(measure, []).append(seconds)

    def median(self, measure: str) -> float | None:
        values = self.runs.get(measure)
        return statistics.median(values) if values else None


def targets(page_ids: list[str]) -> list[Target]:
    course = load_course()
    found = []
    for page_id in page_ids:
        if page_id == SELF_CHECK:
            found.append(Target(SELF_CHECK, (course.self_check.title,), figures=0))
            continue
        lesson: Lesson = course.lesson(page_id)
        headings = (lesson.title, *(section.heading for section in lesson.sections if section.heading))
        figures = len(lesson.figures) + sum(question.figure is not None for question in lesson.quiz)
        found.append(Target(lesson.id, headings, figures, lesson.quiz))
    return found


class StepTimedOut(RuntimeError):
    """A page did not show what the benchmark waited for."""


def wait_until(page, script: str, argument=None) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(script, arg=argument, polling=POLL_MS, timeout=STEP_TIMEOUT_MS)
    except PlaywrightTimeout:
        what = next(name for name, known in WAITED_FOR.items() if known in script)
        raise StepTimedOut(f"{page.url} did not show {what} within {STEP_TIMEOUT_MS / 1000:.0f} s") from None


def wait_idle(page) -> None:
    page.wait_for_timeout(SETTLE_MS)
    wait_until(page, SCRIPT_IDLE)


def pick(page, question: Question) -> None:
    """Pick the right answer(s) of ``question`` (widgets still open, so checked questions are left out)."""
    role = "checkbox" if question.allows_several else "radio"
    for choice in question.choices:
        if choice.correct:
            box = page.get_by_role(role, name=choice.text, exact=True, disabled=False).first
            box.locator("xpath=ancestor::label[1]").click()  # the input itself is hidden under its label
            wait_idle(page)


def timed(page, script: str, start: float, argument=None) -> float:
    wait_until(page, script, argument)
    return time.perf_counter() - start


def visit_course(browser, url: str, target: Target, width: str, timings: Timings) -> None:
    with new_tab(browser, width) as page:
        start = time.perf_counter()
        page.goto(f"{url}/{target.id}", wait_until="commit")
        timings.add("text", timed(page, HEADINGS_SHOWN, start, list(target.headings)))
        if target.figures:
            timings.add("figures", timed(page, FIGURES_DRAWN, start, target.figures))
        if not target.quiz:
            return
        wait_idle(page)
        for number, question in enumerate(target.quiz):
            pick(page, question)
            answered = page.evaluate(FEEDBACK_COUNT)
            start = time.perf_counter()
            page.get_by_role("button", name="Check answer").first.click()
            timings.add("check", timed(page, f"() => ({FEEDBACK_COUNT})() > {answered}", start))
            if number == len(target.quiz) - 1:
                timings.add("score", timed(page, SCORE_SHOWN, start))
            wait_idle(page)


def visit_bare(browser, url: str, target: Target, width: str, timings: Timings) -> None:
    with new_tab(browser, width) as page:
        start = time.perf_counter()
        page.goto(f"{url}/?page={target.id}", wait_until="commit")
        timings.add("text", timed(page, HEADINGS_SHOWN, start, list(target.headings)))
        if not target.quiz:
            return
        wait_idle(page)
        page.get_by_role("radio", name="The hips", exact=True).locator("xpath=ancestor::label[1]").click()
        wait_idle(page)
        start = time.perf_counter()
        page.get_by_role("button", name="Check answer").click()
        timings.add("check", timed(page, FEEDBACK_COUNT, start))


@contextlib.contextmanager
def new_tab(browser, width: str) -> Iterator:
    context = browser.new_context(**WIDTHS[width])
    try:
        yield context.new_page()
    finally:
        context.close()


def table(results: dict[tuple[str, str], tuple[Timings, Timings]]) -> str:
    def cell(seconds: float | None) -> str:
        return "-" if seconds is None else f"{seconds:.2f} s"

    def ratio(course: float | None, bare: float | None) -> str:
        return "-" if course is None or not bare else f"{course / bare:.1f}x"

    rows = [("page", "width", "measure", "course", "bare page", "ratio")]
    for (page_id, width), (course, bare) in results.items():
        for measure in ("text", "figures", "check", "score"):
            if course.median(measure) is None:
                continue
            seconds = course.median(measure)
            reference = bare.median("check" if measure == "score" else measure)
            rows.append((page_id, width, measure, cell(seconds), cell(reference), ratio(seconds, reference)))
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = ("  ".join(text.ljust(size) for text, size in zip(row, widths, strict=True)) for row in rows)
    return "\n".join(line.rstrip() for line in lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per page and width, after one warm-up (default 3)")
    parser.add_argument(
        "--pages", nargs="+", default=list(DEFAULT_PAGES), help=f"lesson ids, or {SELF_CHECK} (default: %(default)s)"
    )
    parser.add_argument("--widths", nargs="+", choices=list(WIDTHS), default=list(WIDTHS), help="default: both")
    args = parser.parse_args(argv)

    executable = chromium_path()
    if executable is None:
        print("Chromium is not installed: run `make browser` (or set HINGE_CHROMIUM to its path).", file=sys.stderr)
        return 2
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("Playwright is missing: run `make sync` (it comes with the development dependencies).", file=sys.stderr)
        return 2
    try:
        pages = targets(args.pages)
    except KeyError as unknown:
        print(f"{unknown.args[0]}: give lesson ids (see content/lessons) or {SELF_CHECK}", file=sys.stderr)
        return 2

    results = {(target.id, width): (Timings(), Timings()) for target in pages for width in args.widths}
    try:
        with (
            app_process() as (course_url, _),
            app_process(script=BARE_PAGE) as (bare_url, _),
            sync_playwright() as playwright,
        ):
            browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
            for run in range(args.repeat + 1):  # run 0 warms the servers' caches and is not counted
                for target in pages:
                    for width in args.widths:
                        course, bare = results[(target.id, width)] if run else (Timings(), Timings())
                        visit_bare(browser, bare_url, target, width, bare)
                        visit_course(browser, course_url, target, width, course)
                print(f"run {run}/{args.repeat} done" + (" (warm-up)" if not run else ""), file=sys.stderr)
            browser.close()
    except PlaywrightError as problem:
        print(f"The browser failed: {problem.message.splitlines()[0]}", file=sys.stderr)
        return 1
    except RuntimeError as problem:  # a step timed out, or a server would not start (tests/browser.py)
        print(f"Stopped: {problem}", file=sys.stderr)
        return 1
    print(f"Medians of {args.repeat} runs (headless Chromium, software WebGL):")
    print(table(results))
    print("Goals: figures under 4 s, check under 0.30 s, text no later than the bare page (ratio about 1).")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
