"""An MO event consumer written with the real ``ramqp`` library.

Run with the interpreter of a virtual environment that has ramqp (it pins
pydantic < 2, so it cannot share ours): ``python ramqp_consumer.py URL EXCHANGE
QUEUE_PREFIX SECONDS``. It prints ``READY`` once its queues are bound, then one line
``MESSAGE {json}`` per message it handled, and exits after SECONDS.
"""

import asyncio
import json
import sys
from uuid import UUID

import structlog
from ramqp.config import AMQPConnectionSettings
from ramqp.depends import RoutingKey
from ramqp.mo import MOAMQPSystem, MORouter, PayloadUUID

# ramqp logs with structlog, to stdout by default: keep stdout for our report.
structlog.configure(logger_factory=structlog.PrintLoggerFactory(sys.stderr))

router = MORouter()


def report(handler: str, routing_key: str, uuid: UUID) -> None:
    assert isinstance(uuid, UUID)
    print("MESSAGE", json.dumps({"handler": handler, "routing_key": routing_key, "uuid": str(uuid)}), flush=True)


@router.register("person")
async def on_person(routing_key: RoutingKey, uuid: PayloadUUID) -> None:
    report("person", routing_key, uuid)


@router.register("engagement")
async def on_engagement(routing_key: RoutingKey, uuid: PayloadUUID) -> None:
    report("engagement", routing_key, uuid)


@router.register("org_unit")
async def on_org_unit(routing_key: RoutingKey, uuid: PayloadUUID) -> None:
    report("org_unit", routing_key, uuid)


async def main(url: str, exchange: str, queue_prefix: str, seconds: float) -> None:
    settings = AMQPConnectionSettings(url=url, exchange=exchange, queue_prefix=queue_prefix, prefetch_count=50)
    async with MOAMQPSystem(settings=settings, router=router):
        print("READY", flush=True)
        await asyncio.sleep(seconds)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])))
