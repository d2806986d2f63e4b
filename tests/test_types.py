"""Every object type through GraphQL: create, a future-dated change, a back-dated
correction, terminate and delete, read at several dates and registration times.

One descriptor per type (``KINDS``); the test bodies are shared. Validity ``to``
is exclusive: an object terminated at ``2030-01-01`` is valid on 2029-12-31 and
gone on 2030-01-01.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.conftest import Client
from tests.typeseed import (
    C0,
    C1,
    C2,
    C3,
    ENGAGEMENT,
    FACET,
    ITSYSTEM,
    ITUSER,
    PERSON_P,
    PERSON_Q,
    PERSON_R,
    UNIT_A,
    UNIT_B,
    UNIT_C,
    UNIT_D,
    build_world,
    uid,
)

START = "2010-01-01"
"""Where the object under test starts (persons have no start)."""
FIX_FROM, FIX_TO = "2012-01-01", "2014-01-01"
"""The closed past range a back-dated correction rewrites."""
FUTURE = "2040-01-01"
"""The day a future-dated change takes effect."""
END = "2030-01-01"
"""The (exclusive) end set by terminate."""
OBJ = uid(900)
"""The uuid the object under test is created with."""

Reader = tuple[str, Callable[[dict[str, Any]], Any]]


def plain(name: str) -> Reader:
    return name, lambda v: v[name]


def ref(name: str) -> Reader:
    """A relation, read back as the target's uuid."""
    return f"{name} {{ uuid }}", lambda v: v[name] and v[name]["uuid"]


@dataclass(frozen=True)
class Kind:
    """How the shared tests create, change, end and read one object type."""

    name: str
    """GraphQL name stem: ``<name>CreateInput``, ``<name>Filter``."""
    prefix: str
    """Mutation stem: ``<prefix>_create`` ..."""
    collection: str
    base: dict[str, Any]
    """The create input besides the changed field, validity and uuid."""
    field: str
    """The input field the tests change."""
    values: tuple[Any, Any, Any]
    """The field's value when created, after the future-dated change, in the correction."""
    reader: Reader
    """A selection on a version, and how to get the field's value from it."""
    start: str | None = START
    replace: bool = False
    """Updates replace the whole version (facets and classes, as in v29)."""
    lookup: str = "uuids"
    """The filter argument that finds the object(s)."""
    deletable: bool = True

    def doc(self, op: str) -> str:
        return f"mutation ($input: {self.name}{op.title()}Input!) {{ {self.prefix}_{op}(input: $input) {{ uuid }} }}"

    async def create(self, gql: Client) -> str:
        data = {"uuid": OBJ, **self.base, self.field: self.values[0]}
        if self.start is not None:
            data["validity"] = {"from": self.start}
        return str((await gql.ok(self.doc("create"), {"input": data}))[f"{self.prefix}_create"]["uuid"])

    async def update(self, gql: Client, handle: str, value: Any, start: str, end: str | None = None) -> None:
        data = {
            **(self.base if self.replace else {}),
            "uuid": handle,
            self.field: value,
            "validity": {"from": start, "to": end},
        }
        await gql.ok(self.doc("update"), {"input": data})

    async def terminate(self, gql: Client, handle: str, to: str) -> None:
        await gql.ok(self.doc("terminate"), {"input": {"uuid": handle, "to": to}})

    async def delete(self, gql: Client, handle: str) -> None:
        await gql.ok(f"mutation ($uuid: UUID!) {{ {self.prefix}_delete(uuid: $uuid) {{ uuid }} }}", {"uuid": handle})

    def subject(self, handle: str) -> str:
        """What the lookup filter is given."""
        return handle


RELATE = """
mutation ($a: RelatedUnitsUpdateInput!, $b: RelatedUnitsUpdateInput!, $two: Boolean!) {
  a: related_units_update(input: $a) { uuid }
  b: related_units_update(input: $b) @include(if: $two) { uuid }
}
"""


@dataclass(frozen=True)
class RelatedUnits(Kind):
    """Unit relations are set per unit from a date (``related_units_update``): the
    changed "field" is which unit ``UNIT_B`` is related to, read across its relations."""

    origin: str = UNIT_B

    async def _set(self, gql: Client, destination: list[str], start: str, end: str | None = None) -> str:
        first = {"origin": self.origin, "destination": destination, "validity": {"from": start, "to": end}}
        # a closed range: the set for the range, then the original unit again from its end
        back = {"origin": self.origin, "destination": [self.values[0]], "validity": {"from": end or start}}
        data = await gql.ok(RELATE, {"a": first, "b": back, "two": end is not None})
        return str(data["a"]["uuid"])

    async def create(self, gql: Client) -> str:
        return await self._set(gql, [self.values[0]], START)

    async def update(self, gql: Client, handle: str, value: Any, start: str, end: str | None = None) -> None:
        await self._set(gql, [value], start, end)

    async def terminate(self, gql: Client, handle: str, to: str) -> None:
        await self._set(gql, [], to)

    def subject(self, handle: str) -> str:
        return self.origin


def other_unit(version: dict[str, Any]) -> str:
    [other] = [u for u in version["org_unit_uuids"] if u != UNIT_B]
    return str(other)


RESPONSIBILITIES: Reader = (
    "responsibilities_response { objects { uuid } }",
    lambda v: sorted(o["uuid"] for o in v["responsibilities_response"]["objects"]),
)

# fmt: off
KINDS = [
    Kind("Facet", "facet", "facets", {}, "user_key", ("made", "future", "fixed"), plain("user_key"), replace=True),
    Kind(
        "Class", "class", "classes", {"user_key": "cls", "facet_uuid": FACET}, "name", ("Made", "Future", "Fixed"),
        plain("name"), replace=True,
    ),
    Kind(
        "OrganisationUnit", "org_unit", "org_units", {"parent": UNIT_A, "org_unit_type": C0}, "name",
        ("Skolen", "Fremtidsskolen", "Rettet"), plain("name"),
    ),
    Kind(
        "Employee", "employee", "persons", {"surname": "Holm"}, "given_name", ("Ida", "Ada", "Eva"),
        plain("given_name"), start=None,
    ),
    Kind(
        "Engagement", "engagement", "engagements",
        {"person": PERSON_P, "org_unit": UNIT_A, "job_function": C0, "engagement_type": C0},
        "fraction", (10, 20, 30), plain("fraction"),
    ),
    Kind(
        "Address", "address", "addresses", {"address_type": C0, "person": PERSON_P}, "value",
        ("a@example.dk", "b@example.dk", "c@example.dk"), plain("value"),
    ),
    Kind(
        "Association", "association", "associations", {"person": PERSON_P, "org_unit": UNIT_A}, "association_type",
        (C1, C2, C3), ref("association_type_response"),
    ),
    Kind(
        "Leave", "leave", "leaves", {"person": PERSON_P, "engagement": ENGAGEMENT}, "leave_type", (C1, C2, C3),
        ref("leave_type_response"),
    ),
    Kind(
        "Manager", "manager", "managers",
        {"person": PERSON_P, "org_unit": UNIT_A, "manager_level": C0, "manager_type": C0},
        "responsibility", ([C1], sorted([C1, C2]), [C3]), RESPONSIBILITIES,
    ),
    Kind("ITSystem", "itsystem", "itsystems", {"user_key": "sys2"}, "name", ("Made", "Future", "Fixed"), plain("name")),
    Kind(
        "ITUser", "ituser", "itusers", {"user_key": "acct", "itsystem": ITSYSTEM, "person": PERSON_P}, "external_id",
        ("x-1", "x-2", "x-3"), plain("external_id"),
    ),
    Kind("RoleBinding", "rolebinding", "rolebindings", {"ituser": ITUSER}, "role", (C1, C2, C3), ref("role_response")),
    Kind(
        "KLE", "kle", "kles", {"org_unit": UNIT_A, "kle_aspects": [C0]}, "kle_number", (C1, C2, C3),
        ref("kle_number_response"),
    ),
    RelatedUnits(
        "RelatedUnit", "related_units", "related_units", {}, "destination", (UNIT_A, UNIT_C, UNIT_D),
        ("org_unit_uuids", other_unit), lookup="org_units", deletable=False,
    ),
    Kind(
        "Owner", "owner", "owners", {"org_unit": UNIT_A}, "owner", (PERSON_P, PERSON_Q, PERSON_R),
        ref("owner_response"),
    ),
]
# fmt: on
BY_NAME = {k.prefix: k for k in KINDS}
kinds = pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.prefix)

Period = tuple[Any, str | None, str | None]


@dataclass
class View:
    """One read of the object(s) a kind's lookup finds."""

    listed: list[str]
    today: list[Any]
    at: dict[str, list[Any]]
    history: list[Period]
    own: dict[str, list[Period]]
    registrations: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def day(value: str | None) -> str | None:
    return None if value is None else value[:10]


def periods(kind: Kind, versions: list[dict[str, Any]]) -> list[Period]:
    read = kind.reader[1]
    found = [(read(v), day(v["validity"]["from"]), day(v["validity"]["to"])) for v in versions]
    return sorted(found, key=lambda p: p[1] or "")


@dataclass(frozen=True)
class Probe:
    """One read through the kind's collection.

    ``rt`` is the filter's registration time, ``field_rt`` the one given to
    ``current``/``validities`` only; ``window`` replaces the whole-history filter
    window (``{}``: the API's default, "now"); ``whole``: ``validities`` over all
    time, else over the filter's window; ``ats``: days to read ``current(at:)`` on;
    ``registrations``: read the objects' registrations too.
    """

    ats: tuple[str, ...] = ()
    rt: str | None = None
    field_rt: str | None = None
    window: dict[str, Any] | None = None
    whole: bool = True
    registrations: bool = False


async def looks(gql: Client, kind: Kind, handle: str, probes: list[Probe], now: datetime | None = None) -> list[View]:
    """Several probes in one request (one "now")."""
    select = kind.reader[0]
    params: list[str] = []
    fields: list[str] = []
    variables: dict[str, Any] = {}
    for i, probe in enumerate(probes):
        params += [
            f"$f{i}: {kind.name}Filter",
            f"$r{i}: DateTime",
            *(f"$a{i}_{n}: DateTime" for n in range(len(probe.ats))),
        ]
        ats = " ".join(
            f"at{n}: current(at: $a{i}_{n}, registration_time: $r{i}) {{ {select} }}" for n in range(len(probe.ats))
        )
        span = "start: null, end: null, " if probe.whole else ""
        regs = (
            f"registrations {{ start end validities {{ validity {{ from to }} {select} }} }}"
            if probe.registrations
            else ""
        )
        fields.append(f"""
          q{i}: {kind.collection}(filter: $f{i}) {{
            objects {{
              uuid
              today: current(registration_time: $r{i}) {{ {select} }}
              {ats}
              validities({span}registration_time: $r{i}) {{ validity {{ from to }} {select} }}
              {regs}
            }}
          }}""")
        flt: dict[str, Any] = {kind.lookup: [kind.subject(handle)], "registration_time": probe.rt}
        flt.update({"from_date": None, "to_date": None} if probe.window is None else probe.window)
        variables.update({f"f{i}": flt, f"r{i}": probe.field_rt, **{f"a{i}_{n}": at for n, at in enumerate(probe.ats)}})
    data = await gql.ok(f"query ({', '.join(params)}) {{ {' '.join(fields)} }}", variables, now=now)
    read = kind.reader[1]
    views = []
    for i, probe in enumerate(probes):
        objects = data[f"q{i}"]["objects"]
        views.append(
            View(
                listed=[o["uuid"] for o in objects],
                today=[read(o["today"]) for o in objects if o["today"]],
                at={at: [read(o[f"at{n}"]) for o in objects if o[f"at{n}"]] for n, at in enumerate(probe.ats)},
                history=sorted((p for o in objects for p in periods(kind, o["validities"])), key=lambda p: p[1] or ""),
                own={o["uuid"]: periods(kind, o["validities"]) for o in objects},
                registrations={o["uuid"]: o.get("registrations", []) for o in objects},
            )
        )
    return views


async def look(gql: Client, kind: Kind, handle: str, *, now: datetime | None = None, **probe: Any) -> View:
    [view] = await looks(gql, kind, handle, [Probe(**probe)], now)
    return view


def stamp() -> str:
    """A registration time between two writes."""
    return datetime.now(UTC).isoformat()


def ts(value: str) -> datetime:
    return datetime.fromisoformat(value)


def noon(d: str) -> datetime:
    """Noon UTC of a day: the same day in Copenhagen."""
    return datetime.fromisoformat(f"{d}T12:00:00+00:00")


@kinds
async def test_create_then_a_future_dated_change(gql: Client, kind: Kind) -> None:
    await build_world(gql)
    v0, v1, v2 = kind.values
    before = stamp()
    handle = await kind.create(gql)
    if kind.lookup == "uuids":
        assert handle == OBJ

    # create: valid from its start, open-ended; listed by a window only when the
    # window overlaps the validity, and not as registered before the create
    view, on_start, early, unborn = await looks(
        gql,
        kind,
        handle,
        [
            Probe(ats=("2009-12-31", START, "2025-06-01"), registrations=True),
            Probe(window={"from_date": START}),
            Probe(window={"from_date": "2000-01-01", "to_date": "2009-12-31"}),
            Probe(rt=before),
        ],
    )
    assert view.history == [(v0, kind.start, None)]
    assert view.today == [v0]
    assert view.at == {"2009-12-31": [] if kind.start else [v0], START: [v0], "2025-06-01": [v0]}
    [regs] = view.registrations.values()
    assert len(regs) == 1 and regs[0]["end"] is None
    assert on_start.listed == [handle]
    assert early.listed == ([] if kind.start else [handle])
    assert unborn.listed == []
    versions = "objects { validities { validity { from to } } }"
    raw = await gql.ok(
        f"query ($f: {kind.name}Filter) {{ {kind.collection}(filter: $f) {{ {versions} }} }}",
        {"f": {kind.lookup: [kind.subject(handle)], "from_date": None, "to_date": None}},
    )
    [[version]] = [o["validities"] for o in raw[kind.collection]["objects"]]
    assert version["validity"] == {"from": kind.start and f"{kind.start}T00:00:00+01:00", "to": None}

    # a future-dated change: visible only from its day
    await kind.update(gql, handle, v1, FUTURE)
    # (at 23:30 UTC on New Year's Eve it is already 2040 in Copenhagen)
    ats = ("2039-12-31", "2039-12-31T22:59:59Z", "2039-12-31T23:30:00Z", FUTURE, "2045-01-01")
    view = await look(gql, kind, handle, ats=ats)
    assert view.history == [(v0, kind.start, FUTURE), (v1, FUTURE, None)]
    assert [view.at[at] for at in ats] == [[v0], [v0], [v1], [v1], [v1]]
    assert view.today == [v0]  # the wall clock is before 2040
    # the API's default window and current() follow the request's "now"
    eve = await look(gql, kind, handle, window={}, whole=False, now=noon("2039-12-31"))
    day_of = await look(gql, kind, handle, window={}, whole=False, now=noon(FUTURE))
    assert eve.listed == [handle] and len(day_of.listed) == 1
    assert eve.today == [v0] and day_of.today == [v1]
    assert eve.history == [(v0, kind.start, FUTURE)] and day_of.history == [(v1, FUTURE, None)]

    # an earlier change without an end overrides the future-dated value
    await kind.update(gql, handle, v2, "2035-01-01")
    assert (await look(gql, kind, handle)).history == [(v0, kind.start, "2035-01-01"), (v2, "2035-01-01", None)]


@kinds
async def test_backdated_correction_then_terminate(gql: Client, kind: Kind) -> None:
    await build_world(gql)
    handle = await kind.create(gql)
    v0, v1, v2 = kind.values

    # rewriting a range with the value it has changes nothing (periods are coalesced)
    await kind.update(gql, handle, v0, FIX_FROM, FIX_TO)
    assert (await look(gql, kind, handle)).history == [(v0, kind.start, None)]

    # a correction of a closed past range; what was believed before stays readable,
    # by the filter's registration time and by the one given to current()/validities()
    before = stamp()
    await kind.update(gql, handle, v2, FIX_FROM, FIX_TO)
    ats = ("2011-12-31", FIX_FROM, "2013-12-31", FIX_TO)
    view, old, old_fields = await looks(
        gql,
        kind,
        handle,
        [Probe(ats=ats, registrations=True), Probe(ats=ats, rt=before), Probe(ats=ats, field_rt=before)],
    )
    corrected = [(v0, kind.start, FIX_FROM), (v2, FIX_FROM, FIX_TO), (v0, FIX_TO, None)]
    assert view.history == corrected
    assert view.at == {"2011-12-31": [v0], FIX_FROM: [v2], "2013-12-31": [v2], FIX_TO: [v0]}
    assert old.history == [(v0, kind.start, None)]
    assert old.at == {at: [v0] for at in ats}
    assert (old_fields.history, old_fields.at) == (old.history, old.at)
    regs = view.registrations[handle]
    assert len(regs) == 2, regs
    newest, first = regs
    assert newest["end"] is None and first["end"] == newest["start"]
    assert ts(first["start"]) < ts(before) < ts(newest["start"])
    assert periods(kind, first["validities"]) == [(v0, kind.start, None)]
    assert periods(kind, newest["validities"]) == view.own[handle]

    # terminate: valid up to and including the day before `to`
    before = stamp()
    await kind.terminate(gql, handle, END)
    view, after, old = await looks(
        gql,
        kind,
        handle,
        [
            Probe(ats=("2029-12-31", END, "2031-01-01")),
            Probe(window={"from_date": END, "to_date": None}),
            Probe(ats=(END,), rt=before),
        ],
    )
    assert view.history == [*corrected[:-1], (v0, FIX_TO, END)]
    assert view.at == {"2029-12-31": [v0], END: [], "2031-01-01": []}
    assert after.listed == []
    assert old.history == corrected and old.at == {END: [v0]}
    last_day = await look(gql, kind, handle, window={}, now=noon("2029-12-31"))
    assert len(last_day.listed) == 1 and last_day.today == [v0]
    gone = await look(gql, kind, handle, window={}, now=noon(END))
    assert gone.listed == [] and gone.today == []

    # a change after the end extends the object again, from the change on
    await kind.update(gql, handle, v1, "2035-01-01")
    view = await look(gql, kind, handle, ats=("2034-12-31", "2035-01-01"))
    assert view.history == [*corrected[:-1], (v0, FIX_TO, END), (v1, "2035-01-01", None)]
    assert view.at == {"2034-12-31": [], "2035-01-01": [v1]}


@kinds
async def test_reads_at_several_dates_and_registration_times_then_delete(gql: Client, kind: Kind) -> None:
    await build_world(gql)
    v0, v1, v2 = kind.values
    s = kind.start
    times = [stamp()]
    handle = await kind.create(gql)
    times.append(stamp())
    await kind.update(gql, handle, v2, FIX_FROM, FIX_TO)
    times.append(stamp())
    await kind.update(gql, handle, v1, FUTURE)
    times.append(stamp())
    await kind.terminate(gql, handle, "2050-01-01")
    times.append(stamp())

    ats = ("2011-06-01", "2013-06-01", "2041-06-01", "2051-06-01")
    #: per registration time in ``times``: the history, and the value on each day of ``ats``
    expected: list[tuple[list[Period], list[list[Any]]]] = [
        ([], [[], [], [], []]),
        ([(v0, s, None)], [[v0], [v0], [v0], [v0]]),
        ([(v0, s, FIX_FROM), (v2, FIX_FROM, FIX_TO), (v0, FIX_TO, None)], [[v0], [v2], [v0], [v0]]),
        (
            [(v0, s, FIX_FROM), (v2, FIX_FROM, FIX_TO), (v0, FIX_TO, FUTURE), (v1, FUTURE, None)],
            [[v0], [v2], [v1], [v1]],
        ),
        (
            [(v0, s, FIX_FROM), (v2, FIX_FROM, FIX_TO), (v0, FIX_TO, FUTURE), (v1, FUTURE, "2050-01-01")],
            [[v0], [v2], [v1], []],
        ),
    ]

    probes = [
        *(Probe(ats=ats, rt=rt) for rt in times[:-1]),
        Probe(ats=ats, rt=times[-1], registrations=True),
        Probe(ats=ats),
    ]
    views = await looks(gql, kind, handle, probes)
    for rt, view, want in zip([*times, "now"], views, [*expected, expected[-1]], strict=True):
        assert (view.history, [view.at[at] for at in ats]) == want, f"registration_time {rt}"
    regs = views[-2].registrations[handle]
    assert all(ts(r["start"]) < ts(t) for r, t in zip(reversed(regs), times[1:], strict=False))
    if kind.lookup == "uuids":  # one object carries the whole history, one registration per write
        assert [periods(kind, r["validities"]) for r in reversed(regs)] == [h for h, _ in expected[1:]]
    if not kind.deletable:
        return

    # delete: gone on every day now; as registered before, everything is still there
    await kind.delete(gql, handle)
    old, now = await looks(gql, kind, handle, [Probe(ats=ats, rt=times[-1], registrations=True), Probe(ats=ats)])
    assert (old.history, [old.at[at] for at in ats]) == expected[-1]
    assert (now.listed, now.history, [now.at[at] for at in ats]) == ([], *expected[0])
    assert (await look(gql, kind, handle, window={})).listed == []
    deleted, *kept = old.registrations[handle]
    assert deleted["end"] is None and kept[0]["end"] == deleted["start"] and periods(kind, deleted["validities"]) == []
    assert [periods(kind, r["validities"]) for r in reversed(kept)] == [h for h, _ in expected[1:]]
