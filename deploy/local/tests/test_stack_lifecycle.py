"""The real thing: up -> use every component -> up again (no-op) -> down -> nothing left."""

import asyncio
import io
import os
import smtplib
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from email.message import EmailMessage
from pathlib import Path

import asyncpg  # type: ignore[import-untyped, unused-ignore]
import httpx
import pytest
from minio import Minio
from minio.error import S3Error

from guichet_stack.components import select
from guichet_stack.components.oidc import oidc_server_present
from guichet_stack.components.postgres import pg_home
from guichet_stack.config import Stack, resolve_config
from guichet_stack.errors import StackError
from guichet_stack.launcher import down, status, up, wipe
from guichet_stack.ports import find_free_base, port_is_free
from guichet_stack.procs import ProcRecord, start_ticks


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


@pytest.fixture
async def throwaway(tmp_path: Path) -> AsyncIterator[Stack]:
    cfg = resolve_config("cycle", port_base=find_free_base(), root=tmp_path, ephemeral=True)
    stack = Stack.open(cfg)
    yield stack
    await down(cfg)
    wipe(cfg)


def _components(stack: Stack) -> list[str]:
    if oidc_server_present(stack.config):
        return ["postgres", "nats", "s3", "oidc", "smtp"]
    pytest.skip("deploy/local/oidc/server.mjs absent: the OIDC provider has not landed yet")


async def test_up_use_down(throwaway: Stack) -> None:
    stack, cfg = throwaway, throwaway.config
    names = _components(stack)
    stale = cfg.pids_dir / "smtp.pid"
    stale.parent.mkdir(parents=True)
    stale.write_text(ProcRecord("smtp", _dead_pid(), 1, ["x"], "x").__dict__.__repr__())

    started = await up(stack, select(names))
    assert sorted(started) == sorted(names)
    rows = {row.name: row for row in await status(cfg)}
    assert {name: rows[name].state for name in names} == dict.fromkeys(names, "healthy")
    pids = {name: rows[name].pid for name in names}

    await _check_postgis(stack)
    await _check_nats(stack)
    _check_s3(stack)
    _check_smtp(stack)
    await _check_oidc(stack)
    assert f"GUICHET_PG_PORT={cfg.ports['postgres']}" in cfg.env_file.read_text()
    assert cfg.env_file.stat().st_mode & 0o777 == 0o600  # it holds passwords

    assert await up(stack, select(names)) == []  # idempotent: nothing restarted
    assert {r.name: r.pid for r in await status(cfg) if r.name in names} == pids

    stopped = await down(cfg)
    assert sorted(stopped) == sorted(names)
    assert all(start_ticks(pid) is None for pid in pids.values() if pid)
    assert all(port_is_free(port) for port in cfg.ports.all().values())
    assert {row.state for row in await status(cfg)} == {"stopped"}
    assert await down(cfg) == []

    home = pg_home(cfg)
    wipe(cfg)
    assert not cfg.dir.exists()
    assert not home.exists()


async def _check_postgis(stack: Stack) -> None:
    conn = await asyncpg.connect(stack.pg_admin_url("guichet"))
    try:
        assert (await conn.fetchval("SELECT postgis_version()")).startswith("3.")
        point = await conn.fetchval("SELECT ST_AsText(ST_SetSRID(ST_MakePoint(4.24, 50.78), 4326))")
        assert point == "POINT(4.24 50.78)"
        assert await conn.fetchval("SHOW jit") == "off"
        await conn.execute("CREATE DATABASE scratch")  # from template1: PostGIS included
    finally:
        await conn.close()
    conn = await asyncpg.connect(stack.pg_admin_url("scratch"))
    try:
        assert await conn.fetchval("SELECT postgis_version()")
    finally:
        await conn.close()


async def _check_nats(stack: Stack) -> None:
    cfg = stack.config
    monitor = f"http://127.0.0.1:{cfg.ports['nats_monitor']}"
    async with httpx.AsyncClient() as client:
        health = await client.get(f"{monitor}/healthz?js-enabled-only=true")
        assert health.status_code == 200
        jsz = (await client.get(f"{monitor}/jsz")).json()
    assert jsz["config"]["store_dir"].startswith(str(cfg.dir))
    reader, writer = await asyncio.open_connection("127.0.0.1", cfg.ports["nats"])
    assert (await reader.readline()).startswith(b"INFO ")
    writer.close()


def _check_s3(stack: Stack) -> None:
    endpoint = f"127.0.0.1:{stack.config.ports['s3']}"
    sec = stack.secrets
    client = Minio(endpoint, sec.s3_access_key, sec.s3_secret_key, secure=False)
    client.put_object("guichet", "photos/a.txt", io.BytesIO(b"hello"), 5)
    assert client.get_object("guichet", "photos/a.txt").read() == b"hello"
    forger = Minio(endpoint, sec.s3_access_key, "not-the-secret", secure=False)
    with pytest.raises(S3Error):
        forger.get_object("guichet", "photos/a.txt")
    for port in (stack.config.ports["s3"], stack.config.ports["weed_filer"]):
        with pytest.raises(ConnectionRefusedError):  # bound to loopback only
            socket.create_connection((_non_loopback_address(), port), timeout=1).close()


def _non_loopback_address() -> str:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("192.0.2.1", 9))  # TEST-NET, nothing is sent
            address = str(sock.getsockname()[0])
        except OSError:
            address = "127.0.0.1"
    if address.startswith("127."):
        pytest.skip("no non-loopback address on this machine")
    return address


def _check_smtp(stack: Stack) -> None:
    message = EmailMessage()
    message["From"] = "noreply@guichet.example"
    message["To"] = "burger@leeuw.example"
    message["Subject"] = "Melding ontvangen"
    message.set_content("Uw melding is ontvangen.")
    with smtplib.SMTP("127.0.0.1", stack.config.ports["smtp"], timeout=5) as smtp:
        smtp.send_message(message)
    delivered = list((stack.config.maildir / "new").iterdir())
    assert len(delivered) == 1
    assert "Subject: Melding ontvangen" in delivered[0].read_text()


async def _check_oidc(stack: Stack) -> None:
    url = f"{stack.config.oidc_issuer}/.well-known/openid-configuration"
    async with httpx.AsyncClient() as client:
        discovery = (await client.get(url)).json()
    assert discovery["issuer"] == stack.config.oidc_issuer


async def test_port_in_use_fails_cleanly(throwaway: Stack) -> None:
    cfg = throwaway.config
    with socket.socket() as squatter:
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        squatter.bind(("127.0.0.1", cfg.ports["smtp"]))
        squatter.listen()
        with pytest.raises(StackError, match=str(cfg.ports["smtp"])):
            await up(throwaway, select(["nats", "smtp"]))
    rows = {row.name: row.state for row in await status(cfg)}
    assert rows["nats"] == "stopped"  # started by the failed call, so stopped again
    assert port_is_free(cfg.ports["nats"])


def test_make_test_fails_when_no_test_is_collected(tmp_path: Path) -> None:
    """`python -m guichet_stack test` on an empty folder: exit 5, stack stopped afterwards."""
    _components(Stack.open(resolve_config("x", port_base=44000, root=tmp_path)))
    empty = tmp_path / "empty"
    empty.mkdir()
    root = tmp_path / "state"
    base = find_free_base()
    command = [sys.executable, "-m", "guichet_stack", "test", "--no-lint", f"--port-base={base}"]
    result = subprocess.run(
        [*command, "--", str(empty), "-p", "no:cacheprovider"],
        capture_output=True,
        text=True,
        env={**os.environ, "GUICHET_STACK_ROOT": str(root)},
        timeout=90,
        check=False,
    )
    assert result.returncode == 5, result.stdout + result.stderr
    assert "no tests" in result.stdout
    cfg = resolve_config("test", port_base=base, root=root)
    try:
        assert {row.pid for row in asyncio.run(status(cfg))} == {None}
        assert all(port_is_free(port) for port in cfg.ports.all().values())
    finally:
        asyncio.run(down(cfg))
        wipe(cfg)
