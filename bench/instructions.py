"""Instructions per request of a small read, counted by valgrind (callgrind).

    .venv/bin/python -m bench.instructions [--size M] [--only unit_page,person_page] [--requests 200]

Wall times on a shared machine move by tens of percent within minutes; the
number of instructions a request executes does not depend on the neighbours.
Each query runs twice under ``valgrind --tool=callgrind`` on the SQLite copy of
the dataset, in a process that warms up (30 requests) and then makes 0 or
``--requests`` more; the difference divided by ``--requests`` is one warm
request's instructions, the service's and the hand-written baseline's alike.
Instructions are not time (a cache miss costs hundreds of cycles and counts as
one), so this judges changes to the code a request runs, not the settled runs
of ``python -m bench --loops``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from bench.generate import NOW, SIZES, ensure_sqlite

_COLLECTED = re.compile(r"Collected : (\d+)")


async def _requests(size: str, seed: int, name: str, count: int, baseline: bool) -> None:
    """Warm up, then make ``count`` requests of ``name`` (the baseline's when ``baseline``)."""
    from bench.queries import CASES, pick
    from bench.raw import Raw
    from mo import dataclass_cache
    from mo.config import LOCAL_ADMIN
    from mo.db.engine import make_engine
    from mo.graphapi.view import execute, render

    dataclass_cache.install()  # as mo serve runs
    source = await ensure_sqlite(SIZES[size], seed)
    raw = Raw.sqlite(str(source))
    picks = pick(raw)
    case = next(c for c in CASES if c.name == name)
    document, variables = case.document, case.variables(picks, 0)
    engine = make_engine(f"sqlite+aiosqlite:///{source}")
    try:
        for number in range(30 + count):
            if baseline:
                assert case.baseline is not None
                case.baseline(raw, picks, 1)
                continue
            body, _ = await execute(engine, document, variables, actor=LOCAL_ADMIN, now=NOW)
            render(body)
            if number == 0 and body.get("errors"):
                raise RuntimeError(f"{name}: {body['errors'][0]}")
    finally:
        await engine.dispose()
        raw.close()


def _counted(args: argparse.Namespace, name: str, count: int, baseline: bool) -> int:
    command = [
        "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
        sys.executable, "-m", "bench.instructions", "--size", args.size, "--seed", str(args.seed),
        "--run", name, "--requests", str(count), *(["--baseline"] if baseline else []),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=Path(__file__).parent.parent)
    found = _COLLECTED.search(done.stderr)
    if found is None:
        raise RuntimeError(f"no instruction count in valgrind's output:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.instructions", description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="M")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", default="unit_page,person_page,person_page_full")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--run", help=argparse.SUPPRESS)  # inside valgrind: make the requests
    parser.add_argument("--baseline", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run:
        asyncio.run(_requests(args.size, args.seed, args.run, args.requests, args.baseline))
        return 0
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (Debian: apt-get install valgrind)", file=sys.stderr)
        return 2
    asyncio.run(ensure_sqlite(SIZES[args.size], args.seed))  # generated outside valgrind
    print(f"instructions per warm request, SQLite, size {args.size}, {args.requests} requests (callgrind)\n")
    print(f"{'query':<18} {'service':>12} {'baseline':>12} {'ratio':>6}")
    for name in args.only.split(","):
        per = {}
        for baseline in (False, True):
            none = _counted(args, name, 0, baseline)
            some = _counted(args, name, args.requests, baseline)
            per[baseline] = (some - none) / args.requests
        print(f"{name:<18} {per[False]:>12,.0f} {per[True]:>12,.0f} {per[False] / per[True]:>5.1f}×")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")  # the same dict layouts, run to run
    sys.exit(main())
