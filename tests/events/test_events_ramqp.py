"""A consumer written with the real ``ramqp`` library receives our events unchanged.

ramqp pins pydantic < 2, so it lives in a virtual environment of its own
(``.venv-ramqp/`` in the repository, made on first use and kept; override with
MO_TEST_RAMQP_VENV), and the consumer runs there as a subprocess.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from eventkit import Broker, all_sent, exchange_name, outbox, running, subjects

from mo.events.relay import Relay
from tests.conftest import Client
from tests.seed import ENGAGEMENT, create, engagement_input, seed

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
VENV = Path(os.environ.get("MO_TEST_RAMQP_VENV", ROOT / ".venv-ramqp"))
KEYS = ("person", "engagement", "org_unit")
#: ramqp 9.3 calls FastAPI's solve_dependencies as it was before 0.112, and needs pydantic 1.
REQUIREMENTS = ("ramqp>=9.3,<10", "fastapi>=0.108,<0.111", "pydantic>=1.10,<2")
CHECK = (
    "import fastapi, pydantic, ramqp.mo; "
    "assert pydantic.VERSION.startswith('1.'); "
    "assert tuple(int(p) for p in fastapi.__version__.split('.')[:2]) < (0, 111)"
)


def ramqp_python() -> Path:
    """The interpreter of a virtual environment with ramqp, made if missing."""
    python = VENV / "bin" / "python"
    check = [str(python), "-c", CHECK]
    if python.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return python
    staging = VENV.with_name(f"{VENV.name}.{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(staging)], check=True, timeout=120)
    install = subprocess.run(
        [
            str(staging / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            *REQUIREMENTS,
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if install.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        pytest.fail(f"could not install ramqp: {install.stderr[-2000:]}")
    shutil.rmtree(VENV, ignore_errors=True)
    staging.rename(VENV)  # a venv's scripts name their interpreter by path: call it as python -m
    return python


async def test_a_ramqp_consumer_receives_our_events(gql: Client, broker: Broker) -> None:
    python = await asyncio.to_thread(ramqp_python)
    exchange = exchange_name()
    consumer = await asyncio.create_subprocess_exec(
        str(python),
        str(HERE / "ramqp_consumer.py"),
        broker.url,
        exchange,
        f"mo-test-{exchange}",
        "60",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,  # ramqp's own logging
    )
    assert consumer.stdout is not None
    try:
        ready = await asyncio.wait_for(consumer.stdout.readline(), 60)
        assert ready.strip() == b"READY", f"the consumer did not start: {ready!r}"

        s = await seed(gql)
        hire = await create(gql, ENGAGEMENT, engagement_input(s, s.child, "2015-01-01"))
        await gql.ok("mutation ($u: [UUID!]!) { employee_refresh(filter: {uuids: $u}) { objects } }", {"u": [s.person]})
        expected = Counter({key: n for key, n in subjects(await outbox(gql.engine)).items() if key[0] in KEYS})
        assert expected[("engagement", hire)] == 1 and expected[("person", s.person)] == 3

        received: Counter[tuple[str, str]] = Counter()
        handlers = set()
        async with running(Relay(gql.engine, broker.url, exchange=exchange)):
            await all_sent(gql.engine)
            deadline = time.monotonic() + 30
            while received != expected and time.monotonic() < deadline:
                line = await asyncio.wait_for(consumer.stdout.readline(), max(0.1, deadline - time.monotonic()))
                assert line.startswith(b"MESSAGE "), f"unexpected output from the consumer: {line!r}"
                message = json.loads(line.removeprefix(b"MESSAGE "))
                received[(message["routing_key"], message["uuid"])] += 1
                handlers.add((message["handler"], message["routing_key"]))
    finally:
        consumer.terminate()
        await consumer.wait()
    assert received == expected
    assert handlers == {(key, key) for key in KEYS}
