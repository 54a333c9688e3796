"""Output and signals around cleanup: stopping the stack must finish even when the terminal
is gone (a closed pipe) or the user presses Ctrl-C again."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress


def say(text: str) -> None:
    """print() that never raises: a closed stdout must not abort a shutdown."""
    with suppress(OSError):
        print(text, flush=True)


@contextmanager
def interrupts_ignored() -> Iterator[None]:
    """Ignore SIGINT/SIGTERM while the block runs (used around cleanup only)."""
    previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def redirect_broken_stdout() -> None:
    """After a BrokenPipeError, point stdout at /dev/null so interpreter exit stays quiet."""
    try:
        sys.stdout.flush()
    except OSError:
        sys.stdout = open("/dev/null", "w")  # noqa: SIM115 - lives until exit
