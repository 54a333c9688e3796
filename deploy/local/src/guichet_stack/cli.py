"""python -m guichet_stack {up,down,status,env,wipe,lint,test,run,token} [--profile P]
[--port-base N]"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from guichet_stack.app_runner import run_platform
from guichet_stack.checks import run_lint
from guichet_stack.components import COMPONENT_NAMES, select
from guichet_stack.config import Stack, StackConfig, render_env_file, resolve_config, stack_env
from guichet_stack.console import redirect_broken_stdout
from guichet_stack.errors import StackError
from guichet_stack.launcher import ComponentStatus, down, extra_processes, status, up, wipe
from guichet_stack.paths import repo_root, venv_tool
from guichet_stack.ports import SERVICE_NAMES
from guichet_stack.procs import is_running
from guichet_stack.testrun import INTERRUPTED, run_tests
from guichet_stack.token import DEFAULT_SCOPE, demo_token

EXIT_STOPPED = 3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m guichet_stack", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in [
        ("up", "start the stack (idempotent)"),
        ("down", "stop what the stack started (data is kept)"),
        ("status", "show components, ports, pids and health (exit 0 healthy, 3 stopped)"),
        ("env", "print the `export GUICHET_...` lines of the stack"),
        ("wipe", "delete the state of a stopped stack"),
        ("run", "up + migrations + demo data + all services (make run)"),
    ]:
        cmd = sub.add_parser(name, help=text)
        cmd.add_argument("--profile", default="dev", help="dev (default), test, or any name")
        cmd.add_argument("--port-base", type=int, help="first port of the 200-port block")
        if name == "up":
            cmd.add_argument("--without", action="append", choices=COMPONENT_NAMES, default=[])
    token = sub.add_parser("token", help="print an access token of a demo user (for curl)")
    token.add_argument("--user", required=True, help="a demo user, e.g. staff.soignies")
    token.add_argument("--scope", default=DEFAULT_SCOPE, help=f"default: {DEFAULT_SCOPE}")
    token.add_argument("--profile", default="dev", help="dev (default), test, or any name")
    token.add_argument("--port-base", type=int, help="first port of the 200-port block")
    sub.add_parser("lint", help="ruff check, ruff format --check, mypy")
    test = sub.add_parser("test", help="lint, then pytest on a throwaway stack (make test)")
    test.add_argument("--no-lint", action="store_true", help="skip the static checks")
    test.add_argument("--port-base", type=int, help="port base of the test stack")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    passthrough: list[str] = []
    if "--" in args_list:
        cut = args_list.index("--")
        args_list, passthrough = args_list[:cut], args_list[cut + 1 :]
    args = build_parser().parse_args(args_list)
    try:
        return dispatch(args, passthrough)
    except StackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return INTERRUPTED
    except BrokenPipeError:
        redirect_broken_stdout()
        return 1
    except asyncio.CancelledError:  # SIGTERM or SIGINT during `run`
        return 128 + 15


def dispatch(args: argparse.Namespace, passthrough: list[str]) -> int:
    if args.command == "lint":
        return run_lint(repo_root())
    if args.command == "test":
        return run_tests(passthrough, lint=not args.no_lint, port_base=args.port_base)
    cfg = resolve_config(args.profile, port_base=args.port_base)
    if args.command == "up":
        started = asyncio.run(up(Stack.open(cfg), select(without=args.without)))
        print_status(cfg)
        print(f"\nstarted: {', '.join(started) or 'nothing (already up)'}; env: {cfg.env_file}")
        return 0
    if args.command == "down":
        stopped = asyncio.run(down(cfg))
        print(f"stopped: {', '.join(stopped) or 'nothing was running'}")
        return 0
    if args.command == "status":
        return print_status(cfg)
    if args.command == "env":
        stack = Stack.open(cfg)
        print(render_env_file(stack_env(stack, str(venv_tool("nats-server")))), end="")
        return 0
    if args.command == "wipe":
        wipe(cfg)
        return 0
    if args.command == "run":
        return asyncio.run(run_platform(Stack.open(cfg)))
    if args.command == "token":
        print(demo_token(cfg, args.user, scope=args.scope))
        return 0
    raise AssertionError(args.command)


def print_status(cfg: StackConfig) -> int:
    rows = asyncio.run(status(cfg))
    print(f"stack {cfg.profile!r}  port base {cfg.ports.base}  state {cfg.dir}")
    for row in rows:
        print(format_row(row))
    for record in extra_processes(cfg):
        state = "running" if is_running(record) else "stopped"
        port = str(cfg.ports[record.name]) if record.name in SERVICE_NAMES else ""
        print(f"  {record.name:<10} {port:<32} pid {record.pid:<8} {state:<10} {record.log}")
    if all(row.state == "healthy" for row in rows):
        return 0
    return EXIT_STOPPED if all(row.state == "stopped" for row in rows) else 1


def format_row(row: ComponentStatus) -> str:
    ports = ",".join(str(p) for p in sorted(set(row.ports.values())))
    if len(row.ports) > 3:
        ports = f"{min(row.ports.values())}-{max(row.ports.values())}"
    pid = str(row.pid) if row.pid else "-"
    return f"  {row.name:<10} {ports:<32} pid {pid:<8} {row.state:<10} {row.log}"
