"""benchmarks/load.py's client really loads the course's pages (so the load figures can't rot
into timing failures, or pages that never ran), and its arguments fail with a message."""

from __future__ import annotations

import asyncio
import importlib.util
import subprocess
import sys

import pytest

from tests.browser import ROOT, running_app
from tests.clip_factory import RATE, write_clip

SPEC = importlib.util.spec_from_file_location("load_benchmark", ROOT / "benchmarks" / "load.py")
assert SPEC is not None and SPEC.loader is not None
load = importlib.util.module_from_spec(SPEC)
sys.modules["load_benchmark"] = load  # dataclasses look their module up while the file runs
SPEC.loader.exec_module(load)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The course on a free port with its own database, and the session cookie of a member in it."""
    folder = tmp_path_factory.mktemp("load")
    database_url = f"sqlite:///{folder / 'course.sqlite3'}"
    pages = load.course_pages_to_load()
    (cookie,) = load.signed_in_cookies(database_url, 1, [page.path for page in pages[1:-2]])
    with running_app({"DATABASE_URL": database_url}) as url:
        yield url, pages, cookie


@pytest.mark.slow
def test_a_simulated_load_runs_each_kind_of_page_to_its_end(served):
    url, pages, _ = served
    home, lesson = pages[0], pages[1]
    glossary, self_check = pages[-2], pages[-1]
    for page in (home, lesson, glossary, self_check):
        loaded = asyncio.run(load.load_page(url, page.path, page.title))
        assert loaded.ok, f"{page.path!r}: {loaded.problem}"
        assert loaded.delta_bytes > len(page.title)


@pytest.mark.slow
def test_a_load_whose_page_did_not_show_its_title_counts_as_failed(served):
    url, pages, _ = served
    loaded = asyncio.run(load.load_page(url, pages[1].path, "A title no page of the course has"))
    assert not loaded.ok
    assert "was not in what it sent" in loaded.problem
    missing = asyncio.run(load.load_page(url, "no-such-page", "Anything"))
    assert not missing.ok and "page not found" in missing.problem


@pytest.mark.slow
def test_the_session_cookie_of_a_simulated_learner_signs_them_in(served):
    url, _, cookie = served
    assert asyncio.run(load.load_page(url, "account", "Signed in as", cookie=cookie)).ok
    assert not asyncio.run(load.load_page(url, "account", "Signed in as")).ok


@pytest.mark.parametrize(
    ("argument", "value", "says"),
    [("--think", "soon", "is not 'SECONDS' or 'LOW-HIGH'"), ("--learners", "0", "at least one level")],
)
def test_a_wrong_argument_is_named_without_a_traceback(capsys, argument, value, says):
    with pytest.raises(SystemExit) as stopped:
        load.main([argument, value])
    assert stopped.value.code == 2
    error = capsys.readouterr().err
    assert says in error and "Traceback" not in error


def test_a_missing_clip_to_analyse_is_named_without_a_traceback(capsys, tmp_path):
    with pytest.raises(SystemExit) as stopped:
        load.main(["--analysing", str(tmp_path / "nowhere.mp4")])
    assert stopped.value.code == 2
    assert "no such clip" in capsys.readouterr().err


@pytest.mark.slow
def test_the_analysis_beside_the_load_runs_hinge_check_until_the_level_ends(tmp_path, monkeypatch):
    clip = write_clip(tmp_path / "empty-room.mp4", frames=2 * RATE)
    log = tmp_path / "analysis.log"
    monkeypatch.setattr(load, "ANALYSIS_START_S", 0.0)

    async def level() -> None:
        async with load.analysis_running(clip, log):
            for _ in range(600):  # until the first analysis has answered (about 5 s: MediaPipe loads)
                if log.exists() and log.read_text():
                    break
                await asyncio.sleep(0.1)

    asyncio.run(level())
    said = log.read_text()
    assert said, "hinge-check never ran beside the load"
    assert "Traceback" not in said
    assert not [line for line in _processes() if str(clip) in line], "the analysis went on after the level"


def _processes() -> list[str]:
    return subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True, check=True).stdout.splitlines()
