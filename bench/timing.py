"""Latency summaries shared by the benchmarks: percentiles over many timed calls, and a table to print them."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rich.table import Table


@dataclass(frozen=True)
class Summary:
    """Wall-clock latencies, and the CPU spent per call: by this process (in-process cases, per call) or by the
    server (HTTP cases, the mean over the run).

    On a shared 2-core machine the wall-clock tail mostly measures the neighbours; the CPU percentiles say what
    the same calls cost when the cores are free (the data is in the page cache, so reads do not wait on disk).
    """

    name: str
    count: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float
    target_ms: float | None = None
    cpu_p50_ms: float | None = None
    cpu_p99_ms: float | None = None
    cpu_mean_ms: float | None = None

    @property
    def meets_target(self) -> bool | None:
        return None if self.target_ms is None else self.p99_ms <= self.target_ms

    def as_dict(self) -> dict[str, object]:
        return asdict(self) | {"meets_target": self.meets_target}


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


def summarise(name: str, seconds: Sequence[float], target_ms: float | None = None,
              cpu_seconds: Sequence[float] = (), *, cpu_mean_seconds: float | None = None) -> Summary:
    values = sorted(s * 1000 for s in seconds)
    cpu = sorted(s * 1000 for s in cpu_seconds)
    if cpu:
        cpu_mean_seconds = sum(cpu_seconds) / len(cpu_seconds)
    return Summary(name, len(values), percentile(values, 0.50), percentile(values, 0.99), values[-1],
                   sum(values) / len(values), target_ms, percentile(cpu, 0.50) if cpu else None,
                   percentile(cpu, 0.99) if cpu else None,
                   None if cpu_mean_seconds is None else cpu_mean_seconds * 1000)


async def timed(call: Callable[[int], Awaitable[object]], iterations: int, warmup: int
                ) -> tuple[list[float], list[float]]:
    """Run ``call(i)`` ``warmup`` times untimed, then ``iterations`` times: each call's wall and process CPU time."""
    for i in range(warmup):
        await call(i)
    wall, cpu = [], []
    for i in range(iterations):
        started, started_cpu = time.perf_counter(), time.process_time()
        await call(i)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return wall, cpu


def load_average() -> list[float]:
    """The 1-, 5- and 15-minute load averages, recorded before and after every figure (the cores are shared)."""
    return [round(x, 2) for x in os.getloadavg()]


def load_caption(result: dict[str, Any]) -> str:
    """The line under a benchmark's table: the load average when it began (``load_average`` of ``conditions()``)
    and when it ended."""
    before, after = result["load_average"], result["load_average_after"]
    return f"load average {' '.join(map(str, before))} before, {' '.join(map(str, after))} after"


def table(title: str, summaries: Sequence[Summary], result: dict[str, Any] | None = None) -> Table:
    """The summaries as a table; with the benchmark's ``result``, the load average before and after under it."""
    out = Table(title=title, caption=load_caption(result) if result else None)
    for column in ("case", "n", "p50 ms", "p99 ms", "max ms", "cpu p50", "cpu p99", "cpu mean", "target p99",
                   "ok"):
        out.add_column(column, justify="left" if column == "case" else "right")
    for s in summaries:
        ok = {None: "", True: "yes", False: "NO"}[s.meets_target]
        out.add_row(s.name, str(s.count), f"{s.p50_ms:.2f}", f"{s.p99_ms:.2f}", f"{s.max_ms:.2f}",
                    _ms(s.cpu_p50_ms), _ms(s.cpu_p99_ms), _ms(s.cpu_mean_ms), "" if s.target_ms is None else f"≤ {s.target_ms:g} ms",
                    ok)
    return out


def _ms(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def one_shot(doc: str | None, run: Callable[[str], Awaitable[dict[str, Any]]], name: str) -> None:
    """The command line of a benchmark that runs once against an empty database: run, print, save the JSON (with
    the load average before and after the run)."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("database_url", help="an empty database (it is migrated here)")
    args = parser.parse_args()
    before = load_average()
    result = {"load_average_before": before, **asyncio.run(run(args.database_url)),
              "load_average_after": load_average()}
    print(json.dumps(result, indent=2))
    out = Path(__file__).with_name("results") / f"{name}-{result['database']}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
