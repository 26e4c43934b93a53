"""One upload can't take the server down: the clip goes to disk a chunk at a time and Streamlit's
copy is dropped, the line of waiting clips is bounded and says so, the browser and the app share
one size limit, and clip folders a killed server left behind are swept at start."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.testing.v1 import AppTest

import course.views.self_check as page
from course.analysis import clip_folders
from course.analysis.check import Analysis
from course.analysis.clip_folders import clip_folder, clips_parent, save_upload, sweep_stale_clip_folders
from course.analysis.queue import AnalysisQueue, AnalysisStopped, QueueFull
from course.analysis.report import refused
from course.settings import MEBIBYTE, MEGABYTE, ClipLimits, SettingsError

SCRIPT = "from course.views.self_check import render_self_check\nrender_self_check()"
NAVIGATION = (
    "from course.views.navigation import course_pages\nimport streamlit as st\nst.navigation(course_pages()).run()"
)
TIMEOUT_S = 60


def app(script: str = SCRIPT) -> AppTest:
    return AppTest.from_string(script, default_timeout=TIMEOUT_S).run()


def dead_pid() -> int:
    """The id of a process that has finished (and been reaped), so is not running."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


# --- clip folders ---------------------------------------------------------------------------------


def test_a_clip_folder_is_deleted_with_its_clip_when_the_check_fails(tmp_path):
    with pytest.raises(RuntimeError), clip_folder(tmp_path) as folder:
        (folder / "clip.mp4").write_bytes(b"frames")
        raise RuntimeError("the analysis broke")
    assert not folder.exists()
    assert folder.parent == tmp_path / clip_folders.PARENT_NAME
    assert folder.name.startswith(f"{os.getpid()}-"), "named after its process, for the sweep"


class CountingReader(io.BytesIO):
    """A file whose reads are recorded, to see that it is copied in chunks and never whole."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.asked: list[int] = []

    def read(self, size: int | None = -1) -> bytes:
        self.asked.append(-1 if size is None else size)
        return super().read(size)


def test_an_upload_is_written_a_chunk_at_a_time_and_its_digest_is_of_what_was_written(tmp_path):
    data = os.urandom(3 * clip_folders.WRITE_CHUNK_BYTES + 17)
    source = CountingReader(data)
    digest = save_upload(source, tmp_path / "clip.mp4")
    assert (tmp_path / "clip.mp4").read_bytes() == data
    assert digest == hashlib.sha256(data).hexdigest()
    assert all(0 < size <= clip_folders.WRITE_CHUNK_BYTES for size in source.asked), "never read whole"
    assert len(source.asked) == 5  # 4 chunks and the empty read that ends it


def test_the_sweep_removes_folders_of_stopped_processes_only(tmp_path):
    parent = clips_parent(tmp_path)
    left_by_killed_server = parent / f"{dead_pid()}-abc123"
    left_by_killed_server.mkdir()
    (left_by_killed_server / "clip.mp4").write_bytes(b"x" * 1000)
    mine = parent / f"{os.getpid()}-def456"
    mine.mkdir()
    other_server = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        still_checking = parent / f"{other_server.pid}-ghi789"
        still_checking.mkdir()
        not_a_clip_folder = parent / "notes"
        not_a_clip_folder.mkdir()
        assert sweep_stale_clip_folders(tmp_path) == 1
        assert not left_by_killed_server.exists()
        assert mine.exists() and still_checking.exists() and not_a_clip_folder.exists()
    finally:
        other_server.kill()
        other_server.wait()
    assert sweep_stale_clip_folders(tmp_path) == 1, "once its process stops, its folder goes too"
    assert not still_checking.exists()


def test_the_server_sweeps_when_it_makes_its_queue(tmp_path, monkeypatch):
    monkeypatch.setattr(clip_folders.tempfile, "gettempdir", lambda: str(tmp_path))
    stale = clips_parent() / f"{dead_pid()}-abc123"
    stale.mkdir()
    page.analysis_queue.clear()
    try:
        queue = page.analysis_queue()
    finally:
        page.analysis_queue.clear()
    assert not stale.exists()
    assert queue.max_waiting == 8 and queue.slots == 1


# --- a bounded line -------------------------------------------------------------------------------


def hold_the_only_slot(line: AnalysisQueue) -> tuple[threading.Event, threading.Thread]:
    """Someone else's analysis, holding the slot until the returned event is set."""
    holding, release = threading.Event(), threading.Event()

    def analysis() -> None:
        with line.turn():
            holding.set()
            release.wait(timeout=TIMEOUT_S)

    thread = threading.Thread(target=analysis, daemon=True)
    thread.start()
    assert holding.wait(timeout=10)
    return release, thread


def test_a_full_line_turns_the_next_clip_away_at_once_and_lets_it_in_when_a_place_frees():
    line = AnalysisQueue(slots=1, max_waiting=0)
    assert not line.is_full()
    release, thread = hold_the_only_slot(line)
    assert line.is_full()
    with pytest.raises(QueueFull) as full, line.turn():
        pass
    assert full.value.waiting == 0 and full.value.typical_s > 0
    release.set()
    thread.join(timeout=10)
    assert not line.is_full()
    with line.turn():
        assert line.waiting() == 0


def test_without_a_bound_the_line_is_never_full():
    line = AnalysisQueue(slots=1)
    release, thread = hold_the_only_slot(line)
    assert not line.is_full()
    release.set()
    thread.join(timeout=10)


def test_a_full_line_is_said_kindly_on_the_page_and_nothing_is_analysed_or_kept(monkeypatch, tmp_path):
    monkeypatch.setattr(clip_folders.tempfile, "gettempdir", lambda: str(tmp_path))
    line = AnalysisQueue(slots=1, max_waiting=0)
    monkeypatch.setattr(page, "analysis_queue", lambda: line)
    analysed: list[Path] = []
    monkeypatch.setattr(page, "analyse_clip", lambda path, **kw: analysed.append(path))
    release, thread = hold_the_only_slot(line)
    try:
        at = app()
        at.file_uploader[0].upload("clip.mp4", b"a clip", "video/mp4").run()
    finally:
        release.set()
        thread.join(timeout=10)
    assert not at.exception
    assert at.warning[0].value == page.busy_message(0, line.typical_seconds())
    assert "Please try again in a minute" in at.warning[0].value
    assert not analysed
    assert list(clips_parent().iterdir()) == [], "no clip is written for a check that can't happen"


def test_the_busy_message_says_how_long_in_whole_minutes():
    assert "8 clips are waiting" in page.busy_message(8, 30.0)
    assert "about 4 minutes" in page.busy_message(8, 30.0)
    assert "in a minute" in page.busy_message(1, 5.0)


# --- the upload in memory -------------------------------------------------------------------------


def test_streamlit_forgets_the_upload_once_it_is_on_disk_and_the_report_stays(monkeypatch):
    report = refused("We couldn't find you in this clip.", "no_person")
    monkeypatch.setattr(page, "analyse_clip", lambda path, **kw: Analysis(report))
    removed: list[tuple[MemoryUploadedFileManager, str, str]] = []
    real_remove = MemoryUploadedFileManager.remove_file

    def remove_file(manager, session_id: str, file_id: str) -> None:
        removed.append((manager, session_id, file_id))
        real_remove(manager, session_id, file_id)

    monkeypatch.setattr(MemoryUploadedFileManager, "remove_file", remove_file)
    at = app()
    at.file_uploader[0].upload("clip.mp4", b"x" * 100_000, "video/mp4").run()
    ((manager, session_id, file_id),) = removed
    assert file_id == at.file_uploader[0].value.file_id
    assert manager.get_files(session_id, [file_id]) == [], "Streamlit's copy is gone from the server's memory"
    assert at.warning[0].value.startswith(f"**{report.verdict}.**")
    at.run()  # any rerun: a widget changed, a button pressed
    assert at.warning[0].value.startswith(f"**{report.verdict}.**"), "the latest report stays on the page"


# --- one size limit -------------------------------------------------------------------------------


def test_the_upload_widget_refuses_in_the_browser_what_the_self_check_would_refuse(monkeypatch):
    assert app().file_uploader[0].proto.max_upload_size_mb == 200
    monkeypatch.setenv("HINGE_MAX_CLIP_MB", "50")
    at = app()
    assert at.file_uploader[0].proto.max_upload_size_mb == 50
    assert "(up to 50 MB)" in at.file_uploader[0].label


def test_the_limit_counts_megabytes_as_a_phone_shows_them():
    assert ClipLimits().max_bytes == 200 * MEGABYTE == 200_000_000
    assert ClipLimits(max_clip_mb=99.9).upload_widget_mb() == 99


def test_a_clip_limit_above_what_streamlits_server_lets_through_stops_the_app(monkeypatch):
    ClipLimits().check_server_lets_through(200)  # .streamlit/config.toml: 200 MiB = 209.7 MB
    with pytest.raises(SettingsError, match=r"raise server\.maxUploadSize in \.streamlit/config\.toml to at least 239"):
        ClipLimits(max_clip_mb=250).check_server_lets_through(200)
    assert 250 * MEGABYTE / MEBIBYTE < 239
    monkeypatch.setenv("HINGE_MAX_CLIP_MB", "500")
    at = app(NAVIGATION)
    assert not at.exception
    text = "\n".join(str(item.value) for kind in ("code", "error", "title") for item in getattr(at, kind))
    assert "server.maxUploadSize" in text


# --- shutting down --------------------------------------------------------------------------------


def test_stopping_the_queue_sends_the_waiting_off_and_stops_the_running_at_its_next_report():
    line = AnalysisQueue(slots=1)
    outcomes: dict[str, str] = {}
    running = threading.Event()

    def analysis(name: str, reports: bool) -> None:
        try:
            with line.turn(poll_s=0.05):
                running.set()
                deadline = time.monotonic() + TIMEOUT_S
                while time.monotonic() < deadline:
                    if reports:
                        line.raise_if_stopping()
                    threading.Event().wait(0.01)
            outcomes[name] = "finished"
        except AnalysisStopped:
            outcomes[name] = "stopped"

    first = threading.Thread(target=analysis, args=("running", True), daemon=True)
    first.start()
    assert running.wait(timeout=10)
    second = threading.Thread(target=analysis, args=("waiting", True), daemon=True)
    second.start()
    wait_until(lambda: line.waiting() == 1)
    assert line.stop(timeout_s=10)
    first.join(timeout=10)
    second.join(timeout=10)
    assert outcomes == {"running": "stopped", "waiting": "stopped"}
    with pytest.raises(AnalysisStopped), line.turn():
        pass


def test_stopping_says_when_an_analysis_did_not_stop_in_time():
    line = AnalysisQueue(slots=1)
    release, thread = hold_the_only_slot(line)  # never asks whether to stop
    assert not line.stop(timeout_s=0.2)
    release.set()
    thread.join(timeout=10)


def test_at_shutdown_the_server_deletes_its_own_clip_folders_and_no_others(tmp_path, monkeypatch):
    monkeypatch.setattr(clip_folders.tempfile, "gettempdir", lambda: str(tmp_path))
    mine = clips_parent() / f"{os.getpid()}-abc123"
    mine.mkdir()
    theirs = clips_parent() / f"{os.getppid()}-def456"
    theirs.mkdir()
    page._shut_down(AnalysisQueue(slots=1))
    assert not mine.exists() and theirs.exists()


def wait_until(condition, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "the queue never reached the state the test waits for"
        threading.Event().wait(0.01)
