import socket

import pytest

from guichet_stack.ports import (
    BLOCK_SIZE,
    COMPONENT_OFFSETS,
    DEFAULT_BASES,
    SERVICE_NAMES,
    PortLayout,
    find_free_base,
    port_is_free,
)


@pytest.mark.parametrize("base", [*DEFAULT_BASES.values(), 1024, 40200, 65336])
def test_every_port_is_distinct_and_inside_the_block(base: int) -> None:
    ports = PortLayout(base).all()
    assert len(set(ports.values())) == len(ports)
    assert all(base <= port < base + BLOCK_SIZE for port in ports.values())
    assert set(ports) == set(COMPONENT_OFFSETS) | set(SERVICE_NAMES)


def test_custom_base_shifts_every_port() -> None:
    default, custom = PortLayout(17000).all(), PortLayout(41800).all()
    assert {name: port - 17000 for name, port in default.items()} == {
        name: port - 41800 for name, port in custom.items()
    }
    assert custom["postgres"] == 41800
    assert custom["intake"] == 41900


def test_default_blocks_do_not_overlap() -> None:
    dev, test = (set(PortLayout(b).all().values()) for b in DEFAULT_BASES.values())
    assert not dev & test


@pytest.mark.parametrize("base", [0, 80, 1023, 65337, 70000])
def test_base_out_of_range_is_refused(base: int) -> None:
    with pytest.raises(ValueError, match="port base"):
        PortLayout(base)


def test_unknown_port_name() -> None:
    with pytest.raises(KeyError):
        PortLayout(17000)["redis"]


def test_port_is_free_sees_a_listener() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        assert not port_is_free(port)
    assert port_is_free(port)


def test_find_free_base_skips_a_block_with_a_busy_port() -> None:
    first = find_free_base()
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # may be in TIME_WAIT
        sock.bind(("127.0.0.1", PortLayout(first).all()["smtp"]))
        sock.listen()
        assert find_free_base(start=first) > first
