"""`make test`: static checks, then pytest against a throwaway `test` stack that is always
stopped afterwards. Exit code = pytest's (5, "no tests collected", is a failure too)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import FrameType

from guichet_stack.checks import run_lint
from guichet_stack.config import Stack, resolve_config, stack_env
from guichet_stack.console import interrupts_ignored
from guichet_stack.launcher import down, up, wipe
from guichet_stack.paths import repo_root, venv_tool

PYTEST_NO_TESTS = 5
INTERRUPTED = 130


class _Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C so the stack is still stopped."""


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    def handler(signum: int, frame: FrameType | None) -> None:
        raise _Terminated

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_tests(
    pytest_args: Sequence[str], *, lint: bool = True, port_base: int | None = None
) -> int:
    repo = repo_root()
    if lint:
        code = run_lint(repo)
        if code != 0:
            print(f"static checks failed (exit {code})", flush=True)
            return code
    cfg = resolve_config("test", port_base=port_base, ephemeral=True)
    with sigterm_as_interrupt():
        asyncio.run(down(cfg))  # leftovers of an interrupted run
        wipe(cfg)
        stack = Stack.open(cfg)
        try:
            asyncio.run(up(stack))
            env = {**os.environ, **stack_env(stack, str(venv_tool("nats-server")))}
            code = run_child([sys.executable, "-m", "pytest", *pytest_args], env)
        except KeyboardInterrupt:
            code = INTERRUPTED
        finally:
            with interrupts_ignored():
                asyncio.run(down(cfg))
    if code == PYTEST_NO_TESTS:
        print("pytest collected no tests: that is a failure", flush=True)
    return code


def run_child(argv: list[str], env: dict[str, str]) -> int:
    """Run pytest in our process group; on Ctrl-C it gets the SIGINT too: let it finish."""
    proc = subprocess.Popen(argv, env=env, cwd=repo_root())
    try:
        return proc.wait()
    except KeyboardInterrupt as interrupt:
        if isinstance(interrupt, _Terminated):
            proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        raise
