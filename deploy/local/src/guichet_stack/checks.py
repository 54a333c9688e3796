"""Static checks of the whole repository: ruff (lint + format) and mypy (strict)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SOURCE_ROOTS = ("libs/*/src", "services/*/src", "deploy/*/src")


def mypy_path(repo: Path) -> str:
    """Every package's src/ folder, so mypy maps files to their import names."""
    found = sorted(str(p.relative_to(repo)) for pattern in SOURCE_ROOTS for p in repo.glob(pattern))
    return os.pathsep.join(found)


def lint_commands() -> list[list[str]]:
    python = sys.executable
    return [
        [python, "-m", "ruff", "check", "."],
        [python, "-m", "ruff", "format", "--check", "."],
        [python, "-m", "mypy", "."],
    ]


def run_lint(repo: Path) -> int:
    env = {**os.environ, "MYPYPATH": mypy_path(repo)}
    for command in lint_commands():
        print(f"$ {' '.join(command[1:])}", flush=True)
        code = subprocess.run(command, cwd=repo, env=env, check=False).returncode
        if code != 0:
            return code
    return 0
