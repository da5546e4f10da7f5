"""Processes that die with the build: a worker or a drawing process a build starts asks the kernel
to kill it when its parent dies (Linux: prctl PR_SET_PDEATHSIG), and leaves at once when its
parent is already gone; elsewhere a thread watches the parent. A killed build (SIGKILL, SIGTERM)
then leaves no process behind holding memory, the work folder or the lock."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # linux/prctl.h
WATCH_EVERY = 0.5  # seconds, where the kernel cannot be asked


def die_with_parent(parent: int) -> None:
    """Called first thing in a child of `parent`: end this process when `parent` ends, and at once
    when told to (SIGTERM: the parent's own handler, inherited through fork, is not the child's)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            _watch(parent)
    else:
        _watch(parent)
    if os.getppid() != parent:  # died before the request was made
        os._exit(1)


def _watch(parent: int) -> None:
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCH_EVERY)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()
