"""Report pipeline benchmark: HTTP submission → intake → routing → cases, on this machine.

    uv run python -m bench.pipeline [--rates 100 200 300 400 500] [--seconds 20]

Starts its own platform (`python -m guichet_stack run --profile bench`, port base 44000: a
throwaway stack, migrations, demo data, all six services), then for each offered rate submits
reports open-loop (a fixed schedule, not waiting for answers) for `seconds`, and measures:

- accepted/s: 2xx answers from intake per second of the stage;
- cased/s and submission → case latency (p50/p99): a plain NATS subscriber on
  `case.created` and `case.merged` (a duplicate joins an existing case) stamps each report's
  arrival; the clock starts when the request is sent;
- backlog: reports accepted but not cased when the stage ends (and how long it took to drain);
- CPU per process (% of one core, from /proc): each service, PostgreSQL (postmaster and its
  backends, including backends that ended during the stage), NATS, the load generator
  itself, and the whole machine (processes and kernel) for what none of these shows.

The report is printed and written to bench/results/pipeline-<UTC time>.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import sys
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import nats
import uvloop
from nats.aio.client import Client
from nats.aio.msg import Msg
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from bench.http1 import Http1Pool
from guichet_stack.ports import PortLayout
from routing.demo import Category, Question, load_boundary, load_demo_directory

REPO = Path(__file__).resolve().parents[1]
PROFILE = "bench"
PORT_BASE = 44000
TOWNS = ("23077", "34022", "55040")
SERVICES = ("intake", "routing", "cases", "notify", "analytics", "portal")
RESULTS = REPO / "bench" / "results"
DRAIN_SECONDS = 30.0
WARM_UP_SECONDS = 120.0
WARM_UP_STAGE_SECONDS = 3.0
STACK = (sys.executable, "-m", "guichet_stack")
CONNECTIONS = 64  # at most this many requests in flight; more wait for a free connection


@dataclass
class Stage:
    rate: int
    seconds: float
    sent: dict[str, float] = field(default_factory=dict)  # idempotency key -> send time
    keys_by_report: dict[str, str] = field(default_factory=dict)
    accepted: int = 0
    rejected: dict[int, int] = field(default_factory=dict)
    http_latencies: list[float] = field(default_factory=list)
    cased: dict[str, float] = field(default_factory=dict)  # report id -> arrival time
    started: float = 0.0
    ended: float = 0.0
    drained_after: float | None = None


class Towns:
    """Random points inside the demo towns, with a category each town knows."""

    def __init__(self) -> None:
        directory = load_demo_directory()
        self.shapes: dict[str, BaseGeometry] = {
            nis: shape(load_boundary(nis)["geometry"]) for nis in TOWNS
        }
        self.categories: dict[str, list[Category]] = {
            nis: [
                c for c in directory.municipality(nis).categories if c.confidentiality == "public"
            ]
            for nis in TOWNS
        }

    def random_report(self, rng: random.Random) -> dict[str, object]:
        nis = rng.choice(TOWNS)
        area = self.shapes[nis]
        min_x, min_y, max_x, max_y = area.bounds
        while True:
            point = Point(rng.uniform(min_x, max_x), rng.uniform(min_y, max_y))
            if area.contains(point):
                break
        category = rng.choice(self.categories[nis])
        return {
            "category": category.code,
            "description": "Benchmark report: a dumped mattress on the pavement.",
            "location": {"lat": point.y, "lon": point.x},
            "channel": "web",
            "language": "en",
            "answers": {q.code: _answer(q) for q in category.questions if q.required},
        }


def _answer(question: Question) -> str | list[str]:
    """A valid answer to a required question of the category."""
    if question.datatype == "multivaluelist":
        return [question.options[0].key]
    if question.datatype == "singlevaluelist":
        return question.options[0].key
    if question.datatype == "number":
        return "1"
    if question.datatype == "datetime":
        return datetime.now(UTC).isoformat()
    return "bench"


@asynccontextmanager
async def platform() -> AsyncIterator[PortLayout]:
    """The whole platform on its own throwaway stack, stopped (and wiped) at the end."""
    await _stack_command("wipe", "--profile", PROFILE, "--port-base", str(PORT_BASE))
    runner = await asyncio.create_subprocess_exec(
        *STACK,
        "run",
        "--profile",
        PROFILE,
        "--port-base",
        str(PORT_BASE),
        stdout=asyncio.subprocess.DEVNULL,
        start_new_session=True,
    )
    layout = PortLayout(PORT_BASE)
    try:
        await _wait_ready(layout, runner)
        yield layout
    finally:
        if runner.returncode is None:
            runner.send_signal(signal.SIGTERM)
            await asyncio.wait_for(runner.wait(), 60)
        await _stack_command("wipe", "--profile", PROFILE, "--port-base", str(PORT_BASE))


async def _stack_command(*args: str) -> None:
    process = await asyncio.create_subprocess_exec(*STACK, *args)
    await process.wait()


async def _wait_ready(layout: PortLayout, runner: asyncio.subprocess.Process) -> None:
    urls = [f"http://127.0.0.1:{layout[name]}/readyz" for name in ("intake", "routing", "cases")]
    async with httpx.AsyncClient(timeout=2.0) as http:
        for _ in range(600):
            if runner.returncode is not None:
                raise RuntimeError("the platform stopped while starting: see .stack/bench/logs")
            try:
                answers = [await http.get(url) for url in urls]
            except httpx.HTTPError:
                answers = []
            if answers and all(answer.status_code == 200 for answer in answers):
                return
            await asyncio.sleep(0.5)
    raise RuntimeError("the platform did not become ready within 5 minutes")


async def listen_for_cases(nats_url: str, stages: list[Stage]) -> Client:
    client = await nats.connect(nats_url)

    async def on_case(msg: Msg) -> None:
        arrived = time.perf_counter()
        report_id = json.loads(msg.data)["data"].get("report_id")
        if report_id:
            stages[-1].cased.setdefault(str(report_id), arrived)

    await client.subscribe("guichet.*.case.created.v1", cb=on_case)
    await client.subscribe("guichet.*.case.merged.v1", cb=on_case)
    return client


async def run_stage(stage: Stage, intake_port: int, towns: Towns, rng: random.Random) -> None:
    http = Http1Pool("127.0.0.1", intake_port, size=CONNECTIONS)
    try:
        total = int(stage.rate * stage.seconds)
        interval = 1.0 / stage.rate
        # Made before the clock starts: the generator shares the two cores with the platform.
        bodies = [json.dumps(towns.random_report(rng)).encode() for _ in range(total)]
        stage.started = time.perf_counter()
        tasks = []
        for index, body in enumerate(bodies):
            due = stage.started + index * interval
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(_submit(stage, http, body)))
        await asyncio.gather(*tasks)
        stage.ended = time.perf_counter()
    finally:
        await http.close()


async def _submit(stage: Stage, http: Http1Pool, body: bytes) -> None:
    key = str(uuid.uuid4())  # anonymous: a random UUID
    sent = time.perf_counter()
    stage.sent[key] = sent
    response = await http.post("/v1/reports", body, {"Idempotency-Key": key})
    stage.http_latencies.append(time.perf_counter() - sent)
    if 200 <= response.status < 300:
        stage.accepted += 1
        stage.keys_by_report[str(json.loads(response.body)["report_id"])] = key
    else:
        stage.rejected[response.status] = stage.rejected.get(response.status, 0) + 1


async def warm_up(
    stages: list[Stage], intake_port: int, towns: Towns, rng: random.Random, rate: int
) -> None:
    """Reports through the whole pipeline before measuring, at the run's highest rate: every
    pool has opened the connections that rate needs, each connection has prepared its
    statements and PostgreSQL has settled their plans. A stage then measures the steady
    state, not a start-up (new connections authenticate, prepare and plan: tens of ms)."""
    stage = Stage(rate=rate, seconds=WARM_UP_STAGE_SECONDS)
    stages.append(stage)
    await run_stage(stage, intake_port, towns, rng)
    deadline = time.perf_counter() + WARM_UP_SECONDS
    while not set(stage.keys_by_report) <= set(stage.cased):
        if time.perf_counter() > deadline:
            raise RuntimeError("the warm-up reports did not become cases: see .stack/bench/logs")
        await asyncio.sleep(0.1)
    stages.remove(stage)


async def drain(stage: Stage) -> None:
    deadline = time.perf_counter() + DRAIN_SECONDS
    while time.perf_counter() < deadline:
        if set(stage.keys_by_report) <= set(stage.cased):
            stage.drained_after = time.perf_counter() - stage.ended
            return
        await asyncio.sleep(0.05)


def cpu_snapshot() -> dict[str, dict[int, int]]:
    """Group name → {pid: CPU ticks}, counting the children a process has reaped: a
    PostgreSQL backend that ended during the stage is counted in its postmaster."""
    table = _process_table()
    return {
        name: {pid: table[pid][2] for pid in pids if pid in table}
        for name, pids in process_groups(table).items()
    }


def machine_busy_ticks() -> int:
    """Ticks the whole machine spent busy (all processes and the kernel, all cores)."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(fields) - fields[3] - fields[4]  # minus idle and iowait


def cpu_used(before: dict[str, dict[int, int]], after: dict[str, dict[int, int]]) -> dict[str, int]:
    """Ticks per group between two snapshots; a process started in between counts whole."""
    return {
        name: sum(ticks - before.get(name, {}).get(pid, 0) for pid, ticks in pids.items())
        for name, pids in after.items()
    }


def process_groups(table: dict[int, tuple[int, str, int]]) -> dict[str, list[int]]:
    """Name → pids: each service, NATS, PostgreSQL (postmaster + backends), this generator."""
    groups: dict[str, list[int]] = {"load generator": [os.getpid()]}
    for pid, (_, cmdline, _) in table.items():
        name = _group_name(cmdline)
        if name:
            groups.setdefault(name, []).append(pid)
    for postmaster in groups.get("postgresql", []).copy():
        groups["postgresql"] += [pid for pid, (ppid, _, _) in table.items() if ppid == postmaster]
    return groups


def _process_table() -> dict[int, tuple[int, str, int]]:
    """pid → (parent pid, command line, utime + stime + cutime + cstime)."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        table[int(entry.name)] = (int(fields[1]), cmdline, sum(map(int, fields[11:15])))
    return table


def _group_name(cmdline: str) -> str | None:
    layout = PortLayout(PORT_BASE)
    for service in SERVICES:
        if f"{service}.main:create_app" in cmdline and f"--port {layout[service]} " in cmdline:
            return service
    if "nats-server" in cmdline and f"-p {layout['nats']} " in cmdline:
        return "nats"
    if "bin/postgres" in cmdline and f"/.stack/{PROFILE}/" in cmdline:
        return "postgresql"
    if "weed mini" in cmdline and f"/.stack/{PROFILE}/" in cmdline:
        return "s3"
    return None


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


MACHINE = "whole machine"


def stage_row(stage: Stage) -> str:
    duration = stage.ended - stage.started
    latencies = [
        (stage.cased[report] - stage.sent[key]) * 1000
        for report, key in stage.keys_by_report.items()
        if report in stage.cased
    ]
    cased_in_stage = sum(
        1 for report in stage.keys_by_report if stage.cased.get(report, 1e18) <= stage.ended
    )
    backlog = len(stage.keys_by_report) - cased_in_stage
    http_p99 = percentile(stage.http_latencies, 0.99) * 1000
    drained = f"{stage.drained_after:.1f} s" if stage.drained_after is not None else "not drained"
    rejected = ", ".join(f"{code} x{n}" for code, n in sorted(stage.rejected.items())) or "0"
    return (
        f"| {stage.rate} | {stage.accepted / duration:.0f} | {rejected} | "
        f"{len(latencies) / duration:.0f} | {percentile(latencies, 0.5):.0f} | "
        f"{percentile(latencies, 0.99):.0f} | {http_p99:.0f} | {backlog} | {drained} |"
    )


def cpu_table(samples: list[tuple[Stage, dict[str, float]]]) -> list[str]:
    """% of a core per process; and the whole machine's CPU per accepted report (ms), the
    figure to compare between trees: steadier than latencies on a shared VM, as long as the
    machine is not saturated (below ~190 %)."""
    names = [*sorted({name for _, usage in samples for name in usage} - {MACHINE}), MACHINE]
    header = "| rate | " + " | ".join(names) + " | machine ms per report |"
    lines = [header, "|---" * (len(names) + 2) + "|"]
    for stage, usage in samples:
        cells = " | ".join(f"{usage.get(name, 0.0):.0f} %" for name in names)
        accepted_per_second = stage.accepted / (stage.ended - stage.started)
        per_report = 10 * usage.get(MACHINE, 0.0) / max(accepted_per_second, 1e-9)
        lines.append(f"| {stage.rate} | {cells} | {per_report:.1f} |")
    return lines


async def main(rates: list[int], seconds: float) -> None:
    towns = Towns()
    rng = random.Random(20261122)
    stages: list[Stage] = []
    samples: list[tuple[Stage, dict[str, float]]] = []
    async with platform() as layout:
        subscriber = await listen_for_cases(f"nats://127.0.0.1:{layout['nats']}", stages)
        await warm_up(stages, layout["intake"], towns, rng, max(rates))
        ticks_per_second = os.sysconf("SC_CLK_TCK")
        for rate in rates:
            stage = Stage(rate=rate, seconds=seconds)
            stages.append(stage)
            before, busy = cpu_snapshot(), machine_busy_ticks()
            await run_stage(stage, layout["intake"], towns, rng)
            used = cpu_used(before, cpu_snapshot())
            used[MACHINE] = machine_busy_ticks() - busy
            wall = stage.ended - stage.started
            usage = {name: 100 * ticks / ticks_per_second / wall for name, ticks in used.items()}
            samples.append((stage, usage))
            await drain(stage)
        await subscriber.close()
    report = render(stages, samples, seconds)
    print(report)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"pipeline-{datetime.now(UTC):%Y%m%dT%H%MZ}.md"
    path.write_text(report, encoding="utf-8")
    print(f"written to {path}")


def render(
    stages: list[Stage], samples: list[tuple[Stage, dict[str, float]]], seconds: float
) -> str:
    header = (
        "| offered/s | accepted/s | rejected | cased/s | p50 ms | p99 ms | HTTP p99 ms | "
        "backlog at end | drained |\n|---|---|---|---|---|---|---|---|---|"
    )
    lines = [
        f"# Pipeline benchmark {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"{os.cpu_count()} cores; {seconds:g} s per stage; JSON reports without photos to "
        f"{', '.join(TOWNS)}; latency = request sent → case.created/case.merged received.",
        "",
        header,
        *(stage_row(stage) for stage in stages),
        "",
        "CPU per process (% of one core, during the stage; the whole machine has 200 %):",
        "",
        *cpu_table(samples),
        "",
        f"median HTTP latency over all stages: "
        f"{statistics.median([v for s in stages for v in s.http_latencies]) * 1000:.1f} ms",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", type=int, nargs="+", default=[100, 200, 300, 400, 500])
    parser.add_argument("--seconds", type=float, default=20.0)
    arguments = parser.parse_args()
    uvloop.install()
    asyncio.run(main(arguments.rates, arguments.seconds))
