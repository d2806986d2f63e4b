"""Run the query mix against SQLite and PostgreSQL and print the table.

    python -m bench [--size S|M|L] [--seed 1] [--backend sqlite|postgresql|both] [--repeat N]
                    [--only NAME,...] [--markdown FILE] [--no-serve] [--profile NAME] [--loops N]

Each query runs in-process through ``mo.graphapi.view.execute`` (plus the
rendering to JSON the HTTP endpoint does) and through its hand-written baseline
(``bench/queries.py``); both run on a fresh copy of the cached dataset. The first
run of each is a warm-up whose JSON must be equal (writes: whose rows must be
equal too); then ``--repeat`` timed runs alternate between the two (heavy entries
run a quarter as often, at least 3 times), each after a full collection
(``settle``). Small reads then run ``--repeat`` times more back to back, first the
service, then the baseline, without that collection: the ``warm`` columns.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.generate import (
    DATA,
    NOW,
    SIZES,
    cache_key,
    drop_postgresql,
    ensure_postgresql,
    ensure_sqlite,
    fresh_postgresql,
    read_report,
)
from bench.queries import CASES, Case, Picks, pick
from bench.raw import Raw
from mo.config import LOCAL_ADMIN
from mo.db.engine import make_engine
from mo.graphapi.view import execute, render

RUN_DATABASE = f"mo_bench_run_{os.getpid()}"
"""Per process, so that two bench runs on one machine do not overwrite each other's copy."""
GC_MODE = "default"
"""``--gc``: ``default``; ``off`` pauses the cyclic garbage collector during each GraphQL
request (what a request-scoped GC pause in the service would give; the deferred
collection then runs outside the timed region); ``threshold`` raises the gen-0
threshold to 50,000 for the whole run."""


@dataclass
class Result:
    name: str
    title: str
    backend: str
    status: str = "ok"
    runs: int = 0
    times_ms: list[float] = field(default_factory=list)
    baseline_ms: list[float] = field(default_factory=list)
    objects: int = 0
    statements: int | None = None
    statements_ctx: int | None = None
    notes: str = ""
    #: back-to-back runs, without the collection before each (small reads only)
    warm_ms: list[float] = field(default_factory=list)
    warm_baseline_ms: list[float] = field(default_factory=list)

    def quantile(self, q: float, values: list[float] | None = None) -> float:
        values = sorted(self.times_ms if values is None else values)
        if not values:
            return math.nan
        return values[max(0, math.ceil(q * len(values)) - 1)]

    @property
    def p50(self) -> float:
        return self.quantile(0.5)

    @property
    def base50(self) -> float:
        return self.quantile(0.5, self.baseline_ms)

    @property
    def ratio(self) -> float:
        return self.p50 / self.base50 if self.baseline_ms else math.nan

    @property
    def warm_delta(self) -> float:
        """The warm p50 minus the baseline's warm p50 (ms)."""
        if not self.warm_ms or not self.warm_baseline_ms:
            return math.nan
        return self.quantile(0.5, self.warm_ms) - self.quantile(0.5, self.warm_baseline_ms)


class StatementCounter:
    """Counts the statements an engine sends (transaction control excluded)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.count = 0
        event.listen(engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.lstrip()[:8].upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            self.count += 1


def missing_types(case: Case) -> list[str]:
    """The schema's complaints about the case's document (empty: it can run)."""
    from graphql import parse, validate
    from mo.graphapi.schema import get_schema

    errors = validate(get_schema()._schema, parse(case.document))
    return [e.message for e in errors]


async def graphql(
    engine: AsyncEngine, case: Case, picks: Picks, variant: int, collect: bool = True
) -> tuple[float, bytes, int]:
    """One timed run: every request of the case through ``execute`` and the server's
    renderer; after a full collection unless not ``collect`` (see ``settle``). A case
    of several requests (the write batch) settles once before the first, as its
    baseline does before its first transaction."""
    requests = case.requests(picks, variant) if case.requests else [(case.document, case.variables(picks, variant))]
    merged: dict[str, Any] = {}
    elapsed, statements = 0.0, 0
    for number, (document, variables) in enumerate(requests):
        if collect and number == 0:
            settle()
        if GC_MODE == "off":
            gc.disable()
        started = time.perf_counter()
        body, ctx = await execute(engine, document, variables, actor=LOCAL_ADMIN, now=NOW)
        payload = render(body)  # as the server writes its answer
        elapsed += time.perf_counter() - started
        gc.enable()
        statements += ctx.statements
        if body.get("errors"):
            raise RuntimeError(f"{case.name}: {body['errors'][0]}")
        merged.update(body["data"])
    if len(requests) > 1:
        payload = json.dumps({"data": merged}, ensure_ascii=False, separators=(",", ":")).encode()
    return elapsed * 1000, payload, statements


def settle() -> None:
    """Collect what earlier runs left (outside the timed region), so that neither
    side pays for the other's garbage: the service collects after large answers
    too (``mo.memory``).

    A full collection also empties CPython's free lists and walks the whole heap
    through the CPU's caches, so the run after it starts cold: a small lookup
    takes ~1.5 ms longer than back to back (``warm`` columns), the service's
    longer code path more than the baseline's."""
    gc.enable()
    gc.collect()


def baseline(raw: Raw, case: Case, picks: Picks, variant: int, collect: bool = True) -> tuple[float, bytes]:
    assert case.baseline is not None
    if collect:
        settle()
    started = time.perf_counter()
    payload = case.baseline(raw, picks, variant)
    return (time.perf_counter() - started) * 1000, payload


def first_difference(a: Any, b: Any, path: str = "") -> str:
    if type(a) is not type(b):
        return f"{path or '/'}: {a!r:.80} != {b!r:.80}"
    if isinstance(a, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                return f"{path}/{key}: only on one side"
            found = first_difference(a[key], b[key], f"{path}/{key}")
            if found:
                return found
        return ""
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items != {len(b)} items"
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            found = first_difference(x, y, f"{path}[{i}]")
            if found:
                return found
        return ""
    return "" if a == b else f"{path}: {a!r:.80} != {b!r:.80}"


async def run_case(
    case: Case, backend: str, engine: AsyncEngine, raw: Raw, picks: Picks, repeat: int, counter: StatementCounter
) -> Result:
    result = Result(case.name, case.title, backend, notes=case.notes)
    problems = missing_types(case)
    if problems:
        result.status = f"n/a (type missing: {', '.join(case.requires)})"
        result.notes = problems[0]
        return result
    import orjson

    # warm-up and checks
    if case.write:
        assert case.snapshot is not None
        _, g_payload, _ = await graphql(engine, case, picks, 0)
        state_a = case.snapshot(raw, picks)
        _, b_payload = baseline(raw, case, picks, 1)
        state_b = case.snapshot(raw, picks)
        baseline(raw, case, picks, 0)
        same_a = case.snapshot(raw, picks) == state_a
        await graphql(engine, case, picks, 1)
        same_b = case.snapshot(raw, picks) == state_b
        if not (same_a and same_b) or state_a == state_b:
            result.status = "MISMATCH (rows)"
    else:
        _, g_payload, _ = await graphql(engine, case, picks, 0)
        if case.baseline is not None:
            _, b_payload = baseline(raw, case, picks, 0)
    if case.baseline is not None:
        difference = first_difference(json.loads(g_payload), orjson.loads(b_payload))
        if difference:
            result.status = "MISMATCH (json)"
            result.notes = difference
    result.objects = case.objects(json.loads(g_payload), picks)
    runs = max(3, repeat // 4) if case.heavy else repeat
    for _ in range(runs):
        before = counter.count
        elapsed, _, statements = await graphql(engine, case, picks, 0)
        result.statements = counter.count - before
        result.statements_ctx = statements
        result.times_ms.append(elapsed)
        if case.baseline is not None:
            result.baseline_ms.append(baseline(raw, case, picks, 1)[0])
    result.runs = runs
    if not case.write and not case.heavy and case.baseline is not None:
        # back to back, each side in its own block: the steady state of a busy server
        for _ in range(runs):
            result.warm_ms.append((await graphql(engine, case, picks, 0, collect=False))[0])
        for _ in range(runs):
            result.warm_baseline_ms.append(baseline(raw, case, picks, 1, collect=False)[0])
    return result


async def prepare(backend: str, size: str, seed: int) -> tuple[str, Raw]:
    """A fresh copy of the dataset for ``backend``: its SQLAlchemy URL and a raw connection."""
    if backend == "sqlite":
        source = await ensure_sqlite(SIZES[size], seed)
        target = DATA / f"run-{os.getpid()}-{source.name}"
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(source, target)
        return f"sqlite+aiosqlite:///{target}", Raw.sqlite(str(target))
    template = await ensure_postgresql(SIZES[size], seed)
    url = await fresh_postgresql(template, RUN_DATABASE)
    return url, Raw.postgresql(f"postgresql://postgres@127.0.0.1:5432/{RUN_DATABASE}")


async def discard(backend: str, url: str) -> None:
    """Remove this process's copy of the dataset."""
    if backend == "sqlite":
        target = url.split("///", 1)[1]
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
    else:
        await drop_postgresql(RUN_DATABASE)


def machine() -> dict[str, str]:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor(),
    )
    memory = next(line.split(":", 1)[1].strip() for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True,
                                cwd=Path(__file__).resolve().parent).stdout.strip()
    except OSError:
        commit = "?"
    pg = "?"
    try:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres") as conn:
            pg = conn.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
    except Exception:  # noqa: BLE001
        pass
    import sqlite3

    return {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "commit": os.environ.get("BENCH_COMMIT") or commit,
        "cpu": cpu,
        "nproc": str(os.cpu_count()),
        "memory": memory,
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": pg,
    }


def _ms(value: float) -> str:
    if math.isnan(value):
        return "-"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 100 else f"{value:.0f}"


async def loops(engine: AsyncEngine, raw: Raw, case: Case, picks: Picks, count: int) -> dict[str, float]:
    """A small read's medians over many runs: ``count`` back to back, then ``count`` / 5
    each after a full collection, the service's and the baseline's alike. The
    table's 10-20 runs of each scatter by more than a millisecond on a busy
    machine (PostgreSQL's above all); medians of a thousand do not."""
    for _ in range(50):
        await graphql(engine, case, picks, 0, collect=False)
        baseline(raw, case, picks, 1, collect=False)
    runs = {
        "warm": [(await graphql(engine, case, picks, 0, collect=False))[0] for _ in range(count)],
        "warm_baseline": [baseline(raw, case, picks, 1, collect=False)[0] for _ in range(count)],
        "settled": [],
        "settled_baseline": [],
    }
    for _ in range(max(10, count // 5)):  # alternately, each after its own collection
        runs["settled"].append((await graphql(engine, case, picks, 0))[0])
        runs["settled_baseline"].append(baseline(raw, case, picks, 1)[0])
    return {name: statistics.median(values) for name, values in runs.items()}


def loops_table(measured: list[tuple[str, str, dict[str, float]]]) -> str:
    lines = ["| query | backend | warm ms | baseline | warm Δ | settled ms | baseline | settled Δ |",
             "|---|---|---|---|---|---|---|---|"]
    for name, backend, m in measured:
        lines.append(f"| {name} | {backend} | {m['warm']:.3f} | {m['warm_baseline']:.3f} | "
                     f"{m['warm'] - m['warm_baseline']:+.3f} | {m['settled']:.3f} | {m['settled_baseline']:.3f} | "
                     f"{m['settled'] - m['settled_baseline']:+.3f} |")
    return "\n".join(lines)


def table(results: list[Result], markdown: bool = False) -> str:
    header = ["query", "backend", "p50 ms", "p95 ms", "p99 ms", "objects", "objects/s", "SQL/req",
              "baseline p50", "ratio", "Δp50 ms", "warm p50", "warm Δ", "status"]
    rows = []
    for r in results:
        if not r.times_ms:
            rows.append([r.name, r.backend, *["-"] * 11, r.status])
            continue
        rate = r.objects / (r.p50 / 1000) if r.p50 else math.nan
        rows.append([
            r.name, r.backend, _ms(r.p50), _ms(r.quantile(0.95)), _ms(r.quantile(0.99)), str(r.objects),
            f"{rate:,.0f}", "-" if r.statements is None else str(r.statements), _ms(r.base50),
            "-" if math.isnan(r.ratio) else f"{r.ratio:.1f}×", _ms(r.p50 - r.base50) if r.baseline_ms else "-",
            _ms(r.quantile(0.5, r.warm_ms)) if r.warm_ms else "-", _ms(r.warm_delta),
            r.status,
        ])
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows, strict=False)]
    fmt = "  ".join(f"{{:<{w}}}" if i < 2 or i == len(widths) - 1 else f"{{:>{w}}}" for i, w in enumerate(widths))
    return "\n".join([fmt.format(*header), fmt.format(*("-" * w for w in widths))] + [fmt.format(*row) for row in rows])


async def run(args: argparse.Namespace) -> dict[str, Any]:
    size, seed = args.size, args.seed
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    source = await ensure_sqlite(SIZES[size], seed)
    with_raw = Raw.sqlite(str(source))
    try:
        picks = pick(with_raw)
    finally:
        with_raw.close()
    only = set(args.only.split(",")) if args.only else None
    cases = [c for c in CASES if (only is None or c.name in only) and not args.serve_only]
    results: list[Result] = []
    looped: list[tuple[str, str, dict[str, float]]] = []
    served: dict[str, dict[str, float]] = {}
    for backend in backends:
        url, raw = await prepare(backend, size, seed)
        engine = make_engine(url)
        counter = StatementCounter(engine)
        try:
            for case in cases:
                print(f"  {backend:<10} {case.name} ...", end="", flush=True, file=sys.stderr)
                if args.profile and case.name in args.profile.split(","):
                    await profile(engine, case, picks, backend)
                result = await run_case(case, backend, engine, raw, picks, args.repeat, counter)
                print(f" {result.status} {_ms(result.p50)} ms", file=sys.stderr, flush=True)
                results.append(result)
                if args.loops and "small" in case.tags and case.baseline is not None:
                    looped.append((case.name, backend, await loops(engine, raw, case, picks, args.loops)))
        finally:
            await engine.dispose()
            raw.close()
        if not args.no_serve:
            from bench.queries import PERSONS
            from bench.serve import first_answers
            from bench.serve import served as serve

            served[backend] = {**serve(url, PERSONS), **first_answers(url)}
        await discard(backend, url)
    startup: dict[str, float] = {}
    if not args.no_serve:
        from bench.serve import import_time

        startup = import_time()
    return {
        "machine": machine(),
        "size": size,
        "seed": seed,
        "dataset": read_report(SIZES[size], seed),
        "key": cache_key(SIZES[size], seed),
        "picks": {k: str(v) for k, v in asdict(picks).items() if k != "batch"},
        "results": [{**asdict(r), "p50": r.p50, "baseline_p50": r.base50} for r in results],
        "startup": startup,
        "served": served,
        "table": table(results),
        "markdown": table(results, markdown=True) + (("\n\n" + loops_table(looped)) if looped else ""),
        "loops": looped,
    }


async def profile(engine: AsyncEngine, case: Case, picks: Picks, backend: str) -> None:
    """Profile GraphQL runs of ``case`` with pyinstrument, then cProfile, into
    bench/.data/profile-<case>-<backend>.txt: as many runs as take about half a
    second (a small lookup alone is a handful of samples), without the heap
    collection that precedes each timed run."""
    import cProfile
    import io
    import pstats

    from pyinstrument import Profiler

    def requests(variant: int) -> list[tuple[str, dict[str, Any]]]:
        return case.requests(picks, variant) if case.requests else [(case.document, case.variables(picks, variant))]

    variants = [0]

    async def once() -> None:
        # a write alternates its two variants, or every run after the first would change nothing
        variant = variants[0] = 1 - variants[0] if case.write else 0
        for document, variables in requests(variant):
            body, _ = await execute(engine, document, variables, actor=LOCAL_ADMIN, now=NOW)
            render(body)

    await once()  # warm: the first run may compile statements
    started = time.perf_counter()
    await once()
    runs = max(1, min(500, round(0.5 / max(time.perf_counter() - started, 1e-4))))
    settle()
    profiler = Profiler(interval=0.0002, async_mode="enabled")
    profiler.start()
    for _ in range(runs):
        await once()
    profiler.stop()
    settle()
    cprofile = cProfile.Profile()
    cprofile.enable()
    for _ in range(runs):
        await once()
    cprofile.disable()
    out = io.StringIO()
    stats = pstats.Stats(cprofile, stream=out)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumtime").print_stats(40)
    path = DATA / f"profile-{case.name}-{backend}.txt"
    heading = f"{runs} run(s) of {case.name} on {backend}, each {len(requests(0))} request(s)\n"
    path.write_text(heading + profiler.output_text(unicode=True, color=False, show_all=False) + "\n\n" + out.getvalue())
    print(f" (profile: {path})", end="", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Run the query mix and print the table.")
    parser.add_argument("--size", choices=[s for s in SIZES if s != "XS"], default="S")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per query (heavy ones: a quarter)")
    parser.add_argument("--only", help="comma-separated query names")
    parser.add_argument("--markdown", metavar="FILE", help="also write the results (markdown table) to FILE")
    parser.add_argument("--json", metavar="FILE", help="also write every measurement as JSON to FILE")
    parser.add_argument("--no-serve", action="store_true", help="skip start-up time and resident memory")
    parser.add_argument("--profile", metavar="NAME,...", help="profile one GraphQL run of these queries (pyinstrument)")
    parser.add_argument("--serve-only", action="store_true", help="only start-up time and resident memory")
    parser.add_argument("--loops", type=int, metavar="N", default=0,
                        help="also time each small read N times back to back and N/5 times settled (medians)")
    parser.add_argument("--gc", choices=("default", "off", "threshold"), default="default",
                        help="garbage collector during GraphQL requests (an experiment; see GC_MODE)")
    args = parser.parse_args(argv)
    global GC_MODE
    GC_MODE = args.gc
    if args.gc == "threshold":
        gc.set_threshold(50_000, 20, 10)
    report = asyncio.run(run(args))
    m = report["machine"]
    print(f"\nMO bench: size {report['size']} (seed {report['seed']}, {report['key']}), {m['date']}, "
          f"commit {m['commit'][:12]}, gc {args.gc}, allocator {os.environ.get('PYTHONMALLOC', 'pymalloc')}")
    print(f"machine: {m['cpu']}, {m['nproc']} CPUs, {m['memory']}, load {m['load']}; Python {m['python']}, "
          f"SQLite {m['sqlite']}, PostgreSQL {m['postgresql']}")
    d = report["dataset"]
    print(f"dataset: {d['writes']} writes generated at {d['rate']:.0f} writes/s; rows {d['rows']}\n")
    print(report["table"])
    if report["loops"]:
        print(f"\nsmall reads, medians of {args.loops} runs back to back (warm) and {max(10, args.loops // 5)} "
              "each after a full collection (settled):\n")
        print(loops_table(report["loops"]))
    if report["startup"]:
        s = report["startup"]
        print(f"\nstart-up: python -c 'create_app()' {s['wall_s']:.2f} s wall ({s['imports_s']:.2f} s imports)")
    for backend, s in report["served"].items():
        print(f"mo serve on {backend}: first /health/live {s['first_response_s']:.2f} s, first GraphQL answer "
              f"{s['first_graphql_s']:.2f} s (from launch; over 5 more launches median "
              f"{s['first_graphql_median_s']:.2f} s, slowest {s['first_graphql_max_s']:.2f} s); "
              f"RSS idle after start {s['rss_started_mib']:.0f} MiB, "
              f"after a small query {s['rss_after_small_mib']:.0f} MiB, after the 10k page "
              f"{s['rss_after_10k_mib']:.0f} MiB, after the unit list {s['rss_after_units_mib']:.0f} MiB")
    if args.markdown:
        Path(args.markdown).write_text(report["markdown"] + "\n")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
