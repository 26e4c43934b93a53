"""A server stopped mid-analysis (SIGTERM: a deployment's restart, Ctrl+C) stops the analysis,
deletes the clip and exits cleanly; it used to abort (exit -6) inside MediaPipe and leave the
clip on disk."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from course.analysis.clip_folders import PARENT_NAME
from tests.browser import app_process

pytestmark = pytest.mark.browser
CLIPS = Path(os.environ["HINGE_CLIPS_DIR"]) if os.environ.get("HINGE_CLIPS_DIR") else None
WAIT_MS = 90_000


@pytest.mark.skipif(CLIPS is None, reason="HINGE_CLIPS_DIR is not set (.ci/run sets it to ../shared/clips)")
@pytest.mark.parametrize("stage", ["Finding your joints", "Drawing on your video"])
def test_sigterm_during_an_analysis_stops_it_deletes_the_clip_and_exits_cleanly(browser, tmp_path, stage):
    temp = tmp_path / "tmp"
    temp.mkdir()
    with app_process({"TMPDIR": str(temp)}) as (url, server):
        page = browser.new_page()
        page.goto(f"{url}/self-check")
        page.get_by_role("heading", name="Check your hinge").wait_for(timeout=WAIT_MS)
        page.locator('input[type="file"]').set_input_files(str(CLIPS / "deadlift-side-2reps.mp4"))
        page.get_by_text(stage).first.wait_for(timeout=WAIT_MS)
        folders = list((temp / PARENT_NAME).iterdir())
        assert [folder.name.split("-")[0] for folder in folders] == [str(server.pid)], "the clip is on disk"
        asked = time.monotonic()
        server.send_signal(signal.SIGTERM)
        exit_code = server.wait(timeout=30)
        took_s = time.monotonic() - asked
        page.close()
    assert exit_code == 0, "a clean exit, not an abort inside MediaPipe"
    assert took_s < 15
    assert list((temp / PARENT_NAME).iterdir()) == [], "the clip went with the analysis"
