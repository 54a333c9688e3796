"""Every port of a stack is `base + offset`, inside one block of BLOCK_SIZE ports, so two stacks
(dev and test) never collide as long as their bases are a block apart."""

from __future__ import annotations

import socket
from dataclasses import dataclass

BLOCK_SIZE = 200
MIN_BASE = 1024
MAX_BASE = 65535 - BLOCK_SIZE + 1
# Not 10000 apart: SeaweedFS derives a hidden port as admin port + 10000, which must not
# land in the other stack's block.
DEFAULT_BASES = {"dev": 17000, "test": 26000}
LOOPBACK = "127.0.0.1"

# Order matters for SERVICE_NAMES only (service i listens on base + SERVICE_OFFSET + i).
COMPONENT_OFFSETS: dict[str, int] = {
    "postgres": 0,
    "nats": 10,
    "nats_monitor": 11,
    "s3": 20,
    "s3_grpc": 21,
    "weed_master": 22,
    "weed_master_grpc": 23,
    "weed_volume": 24,
    "weed_volume_grpc": 25,
    "weed_filer": 26,
    "weed_filer_grpc": 27,
    "weed_admin": 28,
    "weed_admin_grpc": 29,
    "oidc": 40,
    "smtp": 50,
}
SERVICE_NAMES = ("intake", "routing", "cases", "notify", "analytics", "portal")
SERVICE_OFFSET = 100


def validate_base(base: int) -> int:
    if not MIN_BASE <= base <= MAX_BASE:
        raise ValueError(f"port base {base} must be between {MIN_BASE} and {MAX_BASE}")
    return base


@dataclass(frozen=True)
class PortLayout:
    base: int

    def __post_init__(self) -> None:
        validate_base(self.base)

    def __getitem__(self, name: str) -> int:
        if name in COMPONENT_OFFSETS:
            return self.base + COMPONENT_OFFSETS[name]
        if name in SERVICE_NAMES:
            return self.base + SERVICE_OFFSET + SERVICE_NAMES.index(name)
        raise KeyError(name)

    def all(self) -> dict[str, int]:
        """Every named port of the stack, services included."""
        return {name: self[name] for name in (*COMPONENT_OFFSETS, *SERVICE_NAMES)}


def port_is_free(port: int, host: str = LOOPBACK) -> bool:
    """True when nothing listens on host:port (a bind succeeds; TIME_WAIT does not count)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def find_free_base(start: int = 40000, stop: int = 60000) -> int:
    """The first block-aligned base in [start, stop) whose ports are all free right now."""
    for base in range(start, stop, BLOCK_SIZE):
        if all(port_is_free(port) for port in PortLayout(base).all().values()):
            return base
    raise RuntimeError(f"no free block of {BLOCK_SIZE} ports between {start} and {stop}")
