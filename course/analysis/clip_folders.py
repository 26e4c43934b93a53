"""Where an uploaded clip lives while it is checked, and how none is left behind.

Each check gets a folder of its own under one known parent, ``<temp>/hinge-check-clips``,
named after the process that made it (``<pid>-<random>``). The folder goes when the check
ends, however it ends. A process killed outright (``kill -9``, a power cut) can't delete its
folder, so each server sweeps at start: a folder whose process is no longer running is
removed, clip and annotated copy with it. A folder of a process that is still running (another
server on the same machine, a ``hinge-check`` in a terminal) is left alone.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

log = logging.getLogger(__name__)

PARENT_NAME = "hinge-check-clips"
WRITE_CHUNK_BYTES = 1024 * 1024  # an upload is copied to disk this much at a time, never whole


def clips_parent(temp_dir: str | Path | None = None) -> Path:
    """The one folder every clip folder is made in (made if missing, readable by us only)."""
    parent = Path(temp_dir or tempfile.gettempdir()) / PARENT_NAME
    parent.mkdir(mode=0o700, exist_ok=True)
    return parent


@contextmanager
def clip_folder(temp_dir: str | Path | None = None) -> Iterator[Path]:
    """A new, empty folder for one check, deleted with everything in it when the block ends."""
    folder = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=clips_parent(temp_dir)))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def save_upload(source: BinaryIO, path: Path) -> str:
    """Copy an uploaded file to `path` a chunk at a time (so no second copy of it is ever held in
    memory) and return the SHA-256 of what was written, hex."""
    digest = hashlib.sha256()
    with path.open("wb") as out:
        while chunk := source.read(WRITE_CHUNK_BYTES):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def sweep_stale_clip_folders(temp_dir: str | Path | None = None) -> int:
    """Remove the clip folders whose process is no longer running; return how many went."""
    parent = clips_parent(temp_dir)
    removed = 0
    for folder in parent.iterdir():
        owner = _owner(folder)
        if owner is None or owner == os.getpid() or _running(owner):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed += not folder.exists()
    if removed:
        log.info("removed %d clip folder(s) left behind by stopped processes in %s", removed, parent)
    return removed


def remove_own_clip_folders(temp_dir: str | Path | None = None) -> int:
    """Remove this process's clip folders (at shutdown, once its analyses have stopped: one may
    have stopped a moment before deleting its folder); return how many went."""
    parent = clips_parent(temp_dir)
    mine = [folder for folder in parent.iterdir() if _owner(folder) == os.getpid()]
    for folder in mine:
        shutil.rmtree(folder, ignore_errors=True)
    return sum(not folder.exists() for folder in mine)


def _owner(folder: Path) -> int | None:
    """The process id a clip folder is named after; None for anything else in the parent."""
    pid, dash, _ = folder.name.partition("-")
    return int(pid) if dash and pid.isdigit() and folder.is_dir() else None


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    return True
