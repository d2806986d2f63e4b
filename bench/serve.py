"""Start-up time and resident memory of the service, measured from outside."""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import mo

ROOT = Path(mo.__file__).resolve().parent.parent
"""The source tree whose ``mo`` this process imported; the subprocesses run the same one."""


def compile_bytecode() -> None:
    """``mo warm``, as ``scripts/bootstrap.sh`` and the image build run it: the
    bytecode of the project's modules, as an installed package has it (an editable
    checkout run with ``PYTHONDONTWRITEBYTECODE`` would otherwise compile them again
    on every start: ~0.08 s), and the dataclass code of ``mo.dataclass_cache``."""
    subprocess.run([sys.executable, "-m", "mo", "warm"], cwd=ROOT, capture_output=True, check=True)


def import_time(runs: int = 5) -> dict[str, float]:
    """Wall time of ``python -c "from mo.app import create_app; create_app()"`` (median of ``runs``),
    with the dataclass cache installed as ``mo serve`` installs it.

    Also the part spent after the interpreter started (the imports and the factory).
    """
    walls, inside = [], []
    code = (
        "import time; t = time.perf_counter(); from mo import dataclass_cache; dataclass_cache.install(); "
        "from mo.app import create_app; create_app(); "
        "print(time.perf_counter() - t)"
    )
    for _ in range(runs):
        started = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
        walls.append(time.perf_counter() - started)
        inside.append(float(out.stdout.strip().splitlines()[-1]))
    return {"wall_s": statistics.median(walls), "imports_s": statistics.median(inside)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _post(url: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    data = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=300) as response:
        return json.loads(response.read())  # type: ignore[no-any-return]


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


#: The first GraphQL request after start-up: one unit and its name.
SMALL = "{ org_units(limit: 1) { objects { uuid current { name } } } }"

#: Every unit valid on a day, with its name (5,000 units with L, ~520 with M).
UNITS = '{ org_units(filter: {from_date: "2025-06-01"}) { objects { uuid current(at: "2025-06-01") { name } } } }'

IDLE_S = 2.0
"""The pause after a request before its RSS is read (the server idle again)."""


def first_answers(database_url: str, runs: int = 5, small: str = SMALL) -> dict[str, float]:
    """The median, over ``runs`` launches of ``mo serve``, of the time from launch to
    the answer of a first GraphQL request (``small``), and the slowest of them."""
    compile_bytecode()
    times = []
    for _ in range(runs):
        process, base, started = _launch(database_url)
        try:
            _wait_live(base, started, process)
            body = _post(f"{base}/graphql", small)
            times.append(time.perf_counter() - started)
            assert "errors" not in body, body
        finally:
            _stop(process)
    return {"first_graphql_median_s": statistics.median(times), "first_graphql_max_s": max(times)}


def _launch(database_url: str) -> tuple[subprocess.Popen[bytes], str, float]:
    """``mo serve`` on a free loopback port: the process, its base URL and when it was launched."""
    port = _free_port()
    env = {**os.environ, "MO_DATABASE_URL": database_url}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "mo", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    return process, f"http://127.0.0.1:{port}", started


def _wait_live(base: str, started: float, process: subprocess.Popen[bytes]) -> None:
    deadline = started + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/health/live", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.perf_counter() > deadline or process.poll() is not None:
            raise RuntimeError("mo serve did not answer within 60 s")
        time.sleep(0.005)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def served(database_url: str, heavy: str, small: str = SMALL, units: str = UNITS) -> dict[str, float]:
    """Run ``mo serve`` on loopback against ``database_url``.

    Measures, from the launch of the process, the time to the first answer of
    ``/health/live`` and to the answer of a first GraphQL request (``small``,
    sent as soon as ``/health/live`` answers: the start-up target). Then the
    resident memory: right after start-up (idle: the schema is built before
    ``/health/live`` answers), and idle again after ``small``, after ``heavy``
    (the 10k-person page) and after ``units`` (the unit list), in that order.
    """
    compile_bytecode()
    process, base, started = _launch(database_url)
    result: dict[str, float] = {}

    def idle_rss(key: str, query: str) -> None:
        body = _post(f"{base}/graphql", query)
        assert "errors" not in body, body
        time.sleep(IDLE_S)
        result[key] = rss_mib(process.pid)

    try:
        _wait_live(base, started, process)
        result["first_response_s"] = time.perf_counter() - started
        result["rss_started_mib"] = rss_mib(process.pid)
        body = _post(f"{base}/graphql", small)
        result["first_graphql_s"] = time.perf_counter() - started
        assert "errors" not in body, body
        time.sleep(IDLE_S)
        result["rss_after_small_mib"] = rss_mib(process.pid)
        idle_rss("rss_after_10k_mib", heavy)
        idle_rss("rss_after_units_mib", units)
    finally:
        _stop(process)
    return result
