"""Keep the log lines of the native libraries under the analysis off a terminal's stderr.

MediaPipe (its C++ graph, logging through absl), TensorFlow Lite (its XNNPACK delegate) and
FFmpeg (under PyAV) write straight to file descriptor 2, so Python's logging settings do not
reach them, and MediaPipe 0.10.21 ignores GLOG_minloglevel for the absl lines. What a trainer
sees of them:

    INFO: Created TensorFlow Lite XNNPACK delegate for CPU.
    WARNING: All log messages before absl::InitializeLog() is called are written to STDERR
    W0000 00:00:1796276696.027294    1352 inference_feedback_manager.cc:114] Feedback manager ...

`native_noise_filtered` points file descriptor 2 at a pipe for the length of a with-block;
a thread reads the pipe line by line, drops the lines that are known noise (`is_native_noise`,
kept in this module's log at DEBUG level) and passes every other line on to the real stderr
at once. Python's own writes to sys.stderr (our messages, argparse, a traceback) go to the
same descriptor, so they pass too, in the order they were written; a native fatal error
(absl's "F" lines, printed as the process aborts) is not noise and reaches the terminal.

Threads: a file descriptor belongs to the whole process, so every thread the analysis starts
(course.analysis.check counts people on a worker thread; course.analysis.annotate decodes and
encodes on two more) writes into the same pipe. The analysis starts no processes; one that
did would inherit the pipe and keep it open after the block: the block then waits at most
DRAIN_S for the reader and leaves it to finish on its own. Not re-entrant, and meant for a
command line that owns its process: a server serving several sessions at once must not
redirect the descriptor of all of them.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

log = logging.getLogger(__name__)

DRAIN_S = 2.0  # seconds the block waits, at its end, for the reader to pass on the last lines

# Lines the libraries print in a normal run; none of them says anything to a trainer.
NATIVE_NOISE = tuple(
    re.compile(pattern)
    for pattern in (
        # absl / glog, severities Info, Warning and Error: "W0000 00:00:1796276696.027294  1352 file.cc:114] ..."
        # (an Error line is a step MediaPipe recovered from: a failure of ours surfaces in Python)
        r"^[IWE]\d{4} \d\d:\d\d:\d+\.\d+\s+\d+ [\w./-]+:\d+\] ",
        r"^WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR",
        r"^INFO: Created TensorFlow Lite \w+ delegate for CPU\.",
        r"^INFO: Initialized TensorFlow Lite runtime\.",
        # FFmpeg's own lines through PyAV: "[h264 @ 0x55d0c3a4e600] mmco: unref short failure"
        r"^\[[\w:.-]+ @ 0x[0-9a-f]+\] ",
        # Streamlit, imported outside a page: "... Thread 'MainThread': missing ScriptRunContext! ..."
        r"missing ScriptRunContext!",
    )
)


def is_native_noise(line: str) -> bool:
    """Whether a line written to stderr is one of the libraries' known log lines (NATIVE_NOISE)."""
    return any(pattern.search(line) for pattern in NATIVE_NOISE)


@contextmanager
def native_noise_filtered() -> Iterator[None]:
    """Within the block, what is written to file descriptor 2 reaches it without the lines of
    NATIVE_NOISE (module docstring)."""
    sys.stderr.flush()
    terminal = os.dup(2)
    read_end, write_end = os.pipe()
    reader = threading.Thread(
        target=_pass_on, args=(read_end, os.dup(terminal)), name="native-output-filter", daemon=True
    )
    reader.start()
    os.dup2(write_end, 2)
    os.close(write_end)  # descriptor 2 is now the pipe's only write end in this process
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(terminal, 2)  # the pipe's write end closes: the reader reads to its end
        os.close(terminal)
        reader.join(timeout=DRAIN_S)


def _pass_on(read_end: int, terminal: int) -> None:
    """Copy lines from the pipe to the terminal, leaving out the noise, until the pipe closes."""
    with open(read_end, "rb") as pipe, open(terminal, "wb", buffering=0) as out:
        for line in pipe:
            text = line.decode("utf-8", "replace")
            if is_native_noise(text):
                log.debug("native library: %s", text.rstrip())
                continue
            with suppress(OSError):  # the terminal went away: keep draining so that no writer blocks
                out.write(line)
