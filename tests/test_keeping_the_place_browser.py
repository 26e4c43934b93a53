"""In headless Chromium on a phone: the self-check never loses the learner's place.

A reload during the analysis shows its report once it is done; a reload after it shows the
report again; "Learn the fix" opens the lesson at the section it names, which stays in view
while the figures above it draw; Back shows the report again. One real clip, analysed by the
app's own server (twice: one analysis per test)."""

from __future__ import annotations

import itertools

import pytest

from tests.browser import PHONE, WAIT_MS, kept_on_failure, wait_for_app
from tests.real_clips import CLIPS, needs_clips

pytestmark = [pytest.mark.browser, needs_clips]

CLIP = "rdl-rounded-back-side.mp4"
VERDICT = "One thing to fix: your back rounded."
ANALYSIS_MS = 180_000  # a real clip's analysis in the app's server, on a busy two-core machine
SETTLED_MS = 4_000  # after the page's run ends: the figures above a section finish drawing in software


@pytest.fixture
def phone(browser):
    """A phone's browser of its own (its own cookies: a visit of its own)."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def upload(page, app_url: str) -> None:
    page.goto(f"{app_url}/self-check")
    page.get_by_role("heading", name="Check your hinge").wait_for(timeout=WAIT_MS)
    page.locator('input[type="file"]').set_input_files(str(CLIPS / CLIP))


def report_shown(page) -> None:
    page.get_by_text(VERDICT).wait_for(timeout=ANALYSIS_MS)
    page.get_by_text("Your clip has been deleted").wait_for(timeout=WAIT_MS)  # the whole report is drawn


def test_a_reload_during_the_analysis_shows_its_report_and_a_reload_after_it_keeps_it(phone, app_url, shots):
    with kept_on_failure(shots, reload=phone):
        upload(phone, app_url)
        phone.get_by_test_id("stProgress").wait_for(timeout=WAIT_MS)  # the check has started
        phone.get_by_text("your check carries on").wait_for(timeout=WAIT_MS)  # a bar never stands without a word
        phone.reload()
        phone.get_by_role("heading", name="Check your hinge").wait_for(timeout=WAIT_MS)
        progress = phone.get_by_test_id("stProgress")
        progress.wait_for(timeout=WAIT_MS)  # the reloaded page follows the same check...
        phone.get_by_text("Your check carried on while you were away from this page").wait_for(timeout=WAIT_MS)
        phone.screenshot(path=shots / "self-check-reloaded-during-analysis-phone.png")
        report_shown(phone)  # ...and shows its report
        assert progress.count() == 0, "no bar left behind"
        phone.reload()
        report_shown(phone)  # at once: nothing is analysed again
        assert phone.get_by_test_id("stProgress").count() == 0
        assert phone.get_by_role("link", name="Learn the fix: Lesson 5, 2. Rounded back").count() == 1
        levels = phone.locator("[data-testid=stMain]").evaluate(
            "main => [...main.querySelectorAll('h1, h2, h3, h4, h5, h6')].map(h => Number(h.tagName[1]))"
        )
        jumps = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
        assert levels[0] == 1 and not jumps, f"heading levels jump: {levels}"
        phone.get_by_text(VERDICT).scroll_into_view_if_needed()
        phone.screenshot(path=shots / "self-check-after-reload-phone.png")


def test_learn_the_fix_lands_on_its_section_and_back_shows_the_report_again(phone, app_url, shots):
    with kept_on_failure(shots, lesson=phone):
        upload(phone, app_url)
        report_shown(phone)
        phone.get_by_role("link", name="Learn the fix: Lesson 5, 2. Rounded back").click()
        heading = phone.get_by_role("heading", name="2. Rounded back", exact=True)
        heading.wait_for(timeout=WAIT_MS)
        wait_for_app(phone)
        phone.wait_for_timeout(SETTLED_MS)
        box = heading.bounding_box()
        assert box is not None and 0 <= box["y"] <= PHONE["height"] / 3, f"the section is not in view: {box}"
        assert phone.evaluate("() => location.hash || ''") in ("", "#2-rounded-back")
        phone.screenshot(path=shots / "lesson-at-the-section-phone.png")
        phone.get_by_role("button", name="I've read this lesson").click()  # a rerun of the lesson...
        phone.get_by_text("You have read this lesson.").wait_for(timeout=WAIT_MS)
        wait_for_app(phone)
        phone.wait_for_timeout(1_000)
        read = phone.get_by_text("You have read this lesson.").bounding_box()
        assert read is not None and 0 <= read["y"] <= PHONE["height"], "...does not pull the page back up"
        phone.go_back()
        phone.get_by_text(VERDICT).wait_for(timeout=WAIT_MS)
        phone.screenshot(path=shots / "self-check-after-back-phone.png")
