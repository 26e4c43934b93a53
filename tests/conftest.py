"""Fixtures every test may use, and a private data folder for the whole run.

pytest finds fixtures by name (`pytest --fixtures tests` lists them all); a test module never
imports one, nor anything else from another test module. The fixtures are:

- here: analysis_cache, real_clip_analysis and reused_analyses, a real clip's analysis made
  once for the whole run (tests/real_clips.py);
- tests/page_harness.py: data_dir, store, small_course and film_homework, for the pages under AppTest;
- tests/browser.py: browser (a headless Chromium), app_url (the course served for a module) and
  shots (the screenshot folder);
- tests/postgres.py: postgres_server and postgres_database;
- tests/store/conftest.py, for the store's own tests only: store and database_url on both backends, clock.

What tests share besides fixtures are plain helpers, in the modules not named test_*:
clip_factory (clips written in code), motion_factory (the body model's landmarks and reports),
content_factory, silhouette_factory, stress, page_harness, self_check_harness, browser,
real_clips and store/helpers.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from tests.real_clips import NO_CLIPS, NOT_SURE, AnalysisCache

if TYPE_CHECKING:
    from course.analysis.check import Analysis

# Pages open the course's store on first use; in tests it must never be the user's own
# (platformdirs' data folder). Set before any test imports the app, and inherited by the
# app servers the browser tests start.
os.environ["HINGE_DATA_DIR"] = tempfile.mkdtemp(prefix="hinge-test-data-")
os.environ.pop("DATABASE_URL", None)

pytest_plugins = ["tests.page_harness", "tests.browser", "tests.postgres"]


@pytest.fixture(scope="session")
def analysis_cache(tmp_path_factory) -> AnalysisCache:
    """Every clip's analysis, made once for the whole run (see tests/real_clips.py)."""
    import course.analysis.check as check  # loads MediaPipe: only for the tests that analyse

    return AnalysisCache(check.analyse_clip, tmp_path_factory.mktemp("analyses"))


@pytest.fixture(scope="session")
def real_clip_analysis(analysis_cache) -> Callable[..., Analysis]:
    """real_clip_analysis(name, exercise="not_sure", annotated=True): the Analysis of the real
    clip HINGE_CLIPS_DIR/name, made once for the whole run; the test skips where
    HINGE_CLIPS_DIR is unset."""

    def analysis(name: str, *, exercise: str = NOT_SURE, annotated: bool = True) -> Analysis:
        return analysis_cache.real_clip(name, exercise=exercise, annotated=annotated)

    return analysis


@pytest.fixture
def reused_analyses(analysis_cache, monkeypatch) -> AnalysisCache:
    """During the test the self-check page and `hinge-check` (run in the test's process) get
    their analyses from analysis_cache: a clip whose bytes were analysed before, with the same
    exercise and settings, is not analysed again. Any other clip is analysed for real, once."""
    import course.analysis.check as check
    import course.views.self_check as self_check_page

    monkeypatch.setattr(self_check_page, "analyse_clip", analysis_cache.analyse)
    monkeypatch.setattr(check, "analyse_clip", analysis_cache.analyse)
    return analysis_cache


def analyses_a_real_clip(item: pytest.Item) -> bool:
    """Whether a test runs the real pose model on a real clip: it takes real_clip_analysis,
    or it needs the real clips and lets the page or `hinge-check` analyse them (reused_analyses)."""
    fixtures = set(getattr(item, "fixturenames", ()))
    needs_clips = any(mark.kwargs.get("reason") == NO_CLIPS for mark in item.iter_markers("skipif"))
    return "real_clip_analysis" in fixtures or ("reused_analyses" in fixtures and needs_clips)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Refuse to run a test that drives Chromium without the `browser` marker, or one that
    analyses a real clip without the `slow` marker, so that `make test-quick`
    (-m "not slow and not browser") stays quick."""
    unmarked = []
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()) and item.get_closest_marker("browser") is None:
            unmarked.append(f"{item.nodeid} drives Chromium: give its module pytestmark = pytest.mark.browser")
        if analyses_a_real_clip(item) and item.get_closest_marker("slow") is None:
            unmarked.append(f"{item.nodeid} analyses a real clip: mark it @pytest.mark.slow")
    if unmarked:
        raise pytest.UsageError("tests without the marker they need:\n" + "\n".join(unmarked))
