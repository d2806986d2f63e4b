"""Change events: every change reaches downstream systems, at least once.

- ``outbox``: what a registry write (or the scheduler, or a refresh) emits, in the
  writing transaction: one outbox row per affected object for AMQP, and one pending
  event per (listener, subject) for the GraphQL pull API.
- ``pull``: namespaces, listeners, ``event_fetch``/``event_acknowledge`` and friends.
- ``scheduler``: emits an event on the day a validity bound of a current row passes.
- ``relay``: publishes the outbox to RabbitMQ with publisher confirms.
- ``metrics``: the Prometheus view of all of it.

The contract is ``../shared/design/events.md``.
"""

from uuid import UUID

#: The namespace of the registry's own events; every listener in it is public.
MO_NAMESPACE = "mo"

#: The owner recorded for the built-in namespace: the registry itself.
MO_NAMESPACE_OWNER = UUID(int=0)

#: Priority of events nobody asked to prioritise; 1 is the highest.
DEFAULT_PRIORITY = 10000

#: The routing keys of the registry's object types (events.md), by model name.
ROUTING_KEYS = (
    "address",
    "association",
    "class",
    "engagement",
    "facet",
    "itsystem",
    "ituser",
    "kle",
    "leave",
    "manager",
    "org_unit",
    "owner",
    "person",
    "related_unit",
    "rolebinding",
)
