"""Producing a sequence on a thread of its own, a few items ahead of whoever consumes it.

Used where decoding video (PyAV and FFmpeg work without holding the GIL) can overlap work on
the frames already decoded: the pose model in course.analysis.pose, the drawing in
course.analysis.annotate. Nothing here knows about video.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

_END = object()
POLL_S = 0.1  # seconds: how soon a producer blocked on a full queue notices the consumer left


def read_ahead(items: Iterable[T], depth: int, *, name: str = "read-ahead") -> Iterator[T]:
    """The items of `items`, in order, produced on a thread named `name` up to `depth` ahead
    of the caller. Whatever `items` raises is raised here, at the same place in the sequence
    (a ClipTooLong after the frames before it). When the caller stops early (an exception, or
    leaving its loop), the producer stops within POLL_S and closes `items` on its own thread
    (so a decoder's file is closed there), and this waits for it."""
    if depth < 1:
        raise ValueError(f"depth must be 1 or more, got {depth}")
    handoff: queue.Queue[tuple[object, BaseException | None]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def offer(entry: tuple[object, BaseException | None]) -> bool:
        while not stop.is_set():
            try:
                handoff.put(entry, timeout=POLL_S)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        iterator = iter(items)
        try:
            for item in iterator:
                if not offer((item, None)):
                    return
            offer((_END, None))
        except BaseException as error:  # handed to the caller's thread, raised there
            offer((_END, error))
        finally:
            close = getattr(iterator, "close", None)
            if close is not None:
                close()

    producer = threading.Thread(target=produce, name=name, daemon=True)
    producer.start()
    try:
        while True:
            item, error = handoff.get()
            if error is not None:
                raise error
            if item is _END:
                return
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        producer.join()
