"""The query mix: one small declarative entry per query.

An entry is a GraphQL document, a variables builder, a hand-written baseline
(SQL through sqlite3/psycopg, JSON through orjson) that must answer the same JSON,
and an objects counter. Writes also name a snapshot of the rows they change, so
the bench can check that the baseline wrote what the service wrote.

An entry whose document the current schema rejects is listed as "n/a (type
missing)": ``unit_page_manager`` and ``person_page_full`` wait for managers,
addresses and IT users. To enable one, make the document valid (it already is
OS2mo v29's shape) and give it a ``baseline``.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any
from uuid import UUID

import orjson

from bench.generate import ACTOR, NOW, TODAY
from bench.raw import Raw, grouped, like, validity
from bench.writes import check_engagements, check_units, update_from
from mo.db.tables import TABLES

Body = dict[str, Any]


@dataclass(frozen=True)
class Picks:
    """The objects the queries look at, chosen from the dataset once (deterministically)."""

    unit: UUID
    history_unit: UUID
    cpr: str
    search: str
    batch: list[tuple[UUID, UUID, UUID]]
    """(engagement, job A, job B): a future job change to A (GraphQL) or B (baseline)."""
    move: UUID
    move_parents: tuple[UUID, UUID]
    move_size: int
    manager_unit: UUID
    """A unit without a manager of its own whose nearest managed ancestor is furthest up."""
    manager_walk: int
    tree_day: date = date(2025, 6, 1)
    known_at: datetime = datetime(2024, 3, 15, 12, tzinfo=UTC)
    since: datetime = NOW - timedelta(days=30)
    batch_day: date = date(2027, 1, 1)
    move_day: date = date(2026, 12, 1)


@dataclass(frozen=True)
class Case:
    name: str
    title: str
    document: str
    variables: Callable[[Picks, int], dict[str, Any]]
    """(picks, variant) -> variables; writes alternate variants 0 (GraphQL) and 1 (baseline)."""
    baseline: Callable[[Raw, Picks, int], bytes] | None
    objects: Callable[[Body, Picks], int]
    requires: tuple[str, ...] = ()
    write: bool = False
    heavy: bool = False
    snapshot: Callable[[Raw, Picks], Any] | None = None
    notes: str = ""
    tags: tuple[str, ...] = field(default=())
    requests: Callable[[Picks, int], list[tuple[str, dict[str, Any]]]] | None = None
    """For a case of several requests: (document, variables) of each; their ``data`` is merged."""


def dumps(body: Body) -> bytes:
    return orjson.dumps(body)


def _count(value: Any, *path: str) -> int:
    """How many values sit at ``path`` (lists are walked through)."""
    if value is None:
        return 0
    if isinstance(value, list):
        return sum(_count(v, *path) for v in value)
    if not path:
        return 1
    return _count(value.get(path[0]), *path[1:])


ENCRYPTED_CPR = "cpr_hash" in TABLES["person"].c
"""Whether CPR numbers are encrypted at rest (found by keyed hash, shown decrypted)."""


def _by_cpr(cpr: str) -> tuple[str, dict[str, Any]]:
    """The condition that finds person ``pe`` by CPR number, and its parameter."""
    if ENCRYPTED_CPR:
        from mo.security.cpr import lookup_hash

        return "pe.cpr_hash = :cpr", {"cpr": lookup_hash(cpr)}
    return "pe.cpr_number = :cpr", {"cpr": cpr}


def _cpr(stored: str | None) -> str | None:
    """A stored CPR number as the API shows it."""
    if stored is None or not ENCRYPTED_CPR:
        return stored
    from mo.security.cpr import decrypt

    return decrypt(stored)


def _live(alias: str, at: str = ":t") -> str:
    return f"{alias}.reg_to IS NULL AND {alias}.valid_from <= {at} AND {alias}.valid_to > {at}"


# --- org tree as of a date ---

ORG_TREE = """
query OrgTree($d: DateTime!) {
  org_units(filter: {from_date: $d}) {
    objects { uuid current(at: $d) { name user_key parent { uuid } unit_type { name } } }
  }
}"""


def org_tree_baseline(raw: Raw, p: Picks, variant: int) -> bytes:
    rows = raw.rows(
        f"""
        SELECT {raw.U('u.uuid')}, u.name, u.user_key, {raw.U('pa.uuid')}, c.name
        FROM org_unit u
        LEFT JOIN org_unit pa ON pa.uuid = u.parent_uuid AND {_live('pa')}
        LEFT JOIN class c ON c.uuid = u.unit_type_uuid AND {_live('c')}
        WHERE {_live('u')}
        ORDER BY u.uuid
        """,
        {"t": raw.p_date(p.tree_day)},
    )
    u = raw.uuid
    objects = [
        {"uuid": u(uuid), "current": {
            "name": name, "user_key": key,
            "parent": None if parent is None else {"uuid": u(parent)},
            "unit_type": None if kind is None else {"name": kind},
        }}
        for uuid, name, key, parent, kind in rows
    ]
    return dumps({"data": {"org_units": {"objects": objects}}})


# --- a unit page ---

UNIT_PAGE = """
query UnitPage($uuid: UUID!) {
  org_units(filter: {uuids: [$uuid]}) {
    objects { uuid current {
      name user_key validity { from to }
      parent { uuid name }
      unit_type { name }
      children { uuid name }
      engagements { uuid user_key person { uuid given_name surname } job_function { name } }
    } }
  }
}"""

UNIT_PAGE_MANAGER = """
query UnitPageManager($uuid: UUID!) {
  org_units(filter: {uuids: [$uuid]}) {
    objects { uuid current {
      name user_key validity { from to }
      parent { uuid name }
      managers(inherit: true) { uuid person { uuid name } manager_type { name } }
      engagements { uuid user_key person { uuid given_name surname } job_function { name } }
    } }
  }
}"""


def unit_page_baseline(raw: Raw, p: Picks, variant: int) -> bytes:
    u, params = raw.uuid, {"t": raw.p_date(TODAY), "u": raw.p_uuid(p.unit)}
    with _snapshot(raw):
        head = raw.rows(
            f"""
            SELECT {raw.U('x.uuid')}, x.name, x.user_key, {raw.D('x.valid_from')}, {raw.D('x.valid_to')},
                   {raw.U('pa.uuid')}, pa.name, c.name
            FROM org_unit x
            LEFT JOIN org_unit pa ON pa.uuid = x.parent_uuid AND {_live('pa')}
            LEFT JOIN class c ON c.uuid = x.unit_type_uuid AND {_live('c')}
            WHERE x.uuid = :u AND {_live('x')}
            """,
            params,
        )
        children = raw.rows(
            f"SELECT {raw.U('uuid')}, name FROM org_unit x WHERE parent_uuid = :u AND {_live('x')} ORDER BY uuid",
            params,
        )
        engagements = raw.rows(
            f"""
            SELECT {raw.U('e.uuid')}, e.user_key, {raw.U('pe.uuid')}, pe.given_name, pe.surname, c.name
            FROM engagement e
            LEFT JOIN person pe ON pe.uuid = e.person_uuid AND {_live('pe')}
            LEFT JOIN class c ON c.uuid = e.job_function_uuid AND {_live('c')}
            WHERE e.org_unit_uuid = :u AND {_live('e')}
            ORDER BY e.uuid
            """,
            params,
        )
    objects = []
    for uuid, name, key, lo, hi, parent, parent_name, kind in head:
        objects.append({"uuid": u(uuid), "current": {
            "name": name, "user_key": key, "validity": validity(lo, hi),
            "parent": None if parent is None else {"uuid": u(parent), "name": parent_name},
            "unit_type": None if kind is None else {"name": kind},
            "children": [{"uuid": u(c), "name": n} for c, n in children],
            "engagements": [
                {"uuid": u(e), "user_key": k,
                 "person": [] if pe is None else [{"uuid": u(pe), "given_name": g, "surname": s}],
                 "job_function": None if job is None else {"name": job}}
                for e, k, pe, g, s, job in engagements
            ],
        }})
    return dumps({"data": {"org_units": {"objects": objects}}})


def unit_page_manager_baseline(raw: Raw, p: Picks, variant: int) -> bytes:
    u, params = raw.uuid, {"t": raw.p_date(TODAY), "u": raw.p_uuid(p.manager_unit)}
    with _snapshot(raw):
        head = raw.rows(
            f"""
            SELECT {raw.U('x.uuid')}, x.name, x.user_key, {raw.D('x.valid_from')}, {raw.D('x.valid_to')},
                   {raw.U('pa.uuid')}, pa.name
            FROM org_unit x LEFT JOIN org_unit pa ON pa.uuid = x.parent_uuid AND {_live('pa')}
            WHERE x.uuid = :u AND {_live('x')}
            """,
            params,
        )
        managers = raw.rows(
            f"""
            WITH RECURSIVE up(uuid, parent, depth) AS (
                SELECT x.uuid, x.parent_uuid, 0 FROM org_unit x WHERE x.uuid = :u AND {_live('x')}
                UNION ALL
                SELECT y.uuid, y.parent_uuid, up.depth + 1 FROM org_unit y JOIN up ON y.uuid = up.parent
                WHERE {_live('y')} AND up.depth < 100
            ), found AS (
                SELECT up.depth, m.uuid, m.person_uuid, m.manager_type_uuid
                FROM up JOIN manager m ON m.org_unit_uuid = up.uuid AND {_live('m')}
            )
            SELECT {raw.U('f.uuid')}, {raw.U('pe.uuid')}, pe.given_name, pe.surname, c.name
            FROM found f
            LEFT JOIN person pe ON pe.uuid = f.person_uuid AND {_live('pe')}
            LEFT JOIN class c ON c.uuid = f.manager_type_uuid AND {_live('c')}
            WHERE f.depth = (SELECT min(depth) FROM found)
            ORDER BY f.uuid
            """,
            params,
        )
        engagements = raw.rows(
            f"""
            SELECT {raw.U('e.uuid')}, e.user_key, {raw.U('pe.uuid')}, pe.given_name, pe.surname, c.name
            FROM engagement e
            LEFT JOIN person pe ON pe.uuid = e.person_uuid AND {_live('pe')}
            LEFT JOIN class c ON c.uuid = e.job_function_uuid AND {_live('c')}
            WHERE e.org_unit_uuid = :u AND {_live('e')}
            ORDER BY e.uuid
            """,
            params,
        )
    objects = []
    for uuid, name, key, lo, hi, parent, parent_name in head:
        objects.append({"uuid": u(uuid), "current": {
            "name": name, "user_key": key, "validity": validity(lo, hi),
            "parent": None if parent is None else {"uuid": u(parent), "name": parent_name},
            "managers": [
                {"uuid": u(m), "person": [] if pe is None else [{"uuid": u(pe), "name": f"{g} {s}".strip()}],
                 "manager_type": None if kind is None else {"name": kind}}
                for m, pe, g, s, kind in managers
            ],
            "engagements": [
                {"uuid": u(e), "user_key": k,
                 "person": [] if pe is None else [{"uuid": u(pe), "given_name": g, "surname": s}],
                 "job_function": None if job is None else {"name": job}}
                for e, k, pe, g, s, job in engagements
            ],
        }})
    return dumps({"data": {"org_units": {"objects": objects}}})


class _snapshot:
    """A read transaction around a baseline's statements (one snapshot, as the service reads)."""

    def __init__(self, raw: Raw) -> None:
        self.raw = raw

    def __enter__(self) -> None:
        self.raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" if self.raw.pg else "BEGIN")

    def __exit__(self, *exc: object) -> None:
        self.raw.execute("COMMIT")


# --- a person page by CPR ---

PERSON_PAGE = """
query PersonPage($cpr: CPR!) {
  persons(filter: {cpr_numbers: [$cpr]}) {
    objects { uuid current {
      given_name surname cpr_number nickname_given_name seniority
      engagements { uuid user_key fraction validity { from to }
        org_unit { uuid name } job_function { name } engagement_type { name } }
    } }
  }
}"""

PERSON_PAGE_FULL = """
query PersonPageFull($cpr: CPR!) {
  persons(filter: {cpr_numbers: [$cpr]}) {
    objects { uuid current {
      given_name surname cpr_number
      engagements { uuid user_key validity { from to } org_unit { uuid name } job_function { name } }
      addresses { uuid name address_type { name } }
      itusers { uuid user_key itsystem { name } }
    } }
  }
}"""


def person_page_baseline(raw: Raw, p: Picks, variant: int) -> bytes:
    u = raw.uuid
    where, by_cpr = _by_cpr(p.cpr)
    rows = raw.rows(
        f"""
        SELECT {raw.U('pe.uuid')}, pe.given_name, pe.surname, pe.cpr_number, pe.nickname_given_name,
               {raw.D('pe.seniority')},
               {raw.U('e.uuid')}, e.user_key, e.fraction, {raw.D('e.valid_from')}, {raw.D('e.valid_to')},
               {raw.U('x.uuid')}, x.name, jf.name, et.name
        FROM person pe
        LEFT JOIN engagement e ON e.person_uuid = pe.uuid AND {_live('e')}
        LEFT JOIN org_unit x ON x.uuid = e.org_unit_uuid AND {_live('x')}
        LEFT JOIN class jf ON jf.uuid = e.job_function_uuid AND {_live('jf')}
        LEFT JOIN class et ON et.uuid = e.engagement_type_uuid AND {_live('et')}
        WHERE {where} AND {_live('pe')}
        ORDER BY pe.uuid, e.uuid
        """,
        {"t": raw.p_date(TODAY), **by_cpr},
    )
    objects = []
    for (uuid, given, surname, cpr, nick, seniority), engagements in grouped(rows, 6):
        objects.append({"uuid": u(uuid), "current": {
            "given_name": given, "surname": surname, "cpr_number": _cpr(cpr), "nickname_given_name": nick,
            "seniority": seniority,
            "engagements": [
                {"uuid": u(e), "user_key": k, "fraction": f, "validity": validity(lo, hi),
                 "org_unit": [] if x is None else [{"uuid": u(x), "name": xn}],
                 "job_function": None if jf is None else {"name": jf},
                 "engagement_type": None if et is None else {"name": et}}
                for e, k, f, lo, hi, x, xn, jf, et in engagements if e is not None
            ],
        }})
    return dumps({"data": {"persons": {"objects": objects}}})


def person_page_full_baseline(raw: Raw, p: Picks, variant: int) -> bytes:
    where, by_cpr = _by_cpr(p.cpr)
    u, params = raw.uuid, {"t": raw.p_date(TODAY), **by_cpr}
    with _snapshot(raw):
        rows = raw.rows(
            f"""
            SELECT {raw.U('pe.uuid')}, pe.given_name, pe.surname, pe.cpr_number,
                   {raw.U('e.uuid')}, e.user_key, {raw.D('e.valid_from')}, {raw.D('e.valid_to')},
                   {raw.U('x.uuid')}, x.name, jf.name
            FROM person pe
            LEFT JOIN engagement e ON e.person_uuid = pe.uuid AND {_live('e')}
            LEFT JOIN org_unit x ON x.uuid = e.org_unit_uuid AND {_live('x')}
            LEFT JOIN class jf ON jf.uuid = e.job_function_uuid AND {_live('jf')}
            WHERE {where} AND {_live('pe')}
            ORDER BY pe.uuid, e.uuid
            """,
            params,
        )
        addresses = raw.rows(
            f"""
            SELECT {raw.U('a.person_uuid')}, {raw.U('a.uuid')}, a.value, a.value2, c.name
            FROM person pe JOIN address a ON a.person_uuid = pe.uuid AND {_live('a')}
            LEFT JOIN class c ON c.uuid = a.address_type_uuid AND {_live('c')}
            WHERE {where} AND {_live('pe')}
            ORDER BY a.uuid
            """,
            params,
        )
        itusers = raw.rows(
            f"""
            SELECT {raw.U('i.person_uuid')}, {raw.U('i.uuid')}, i.user_key, s.name
            FROM person pe JOIN ituser i ON i.person_uuid = pe.uuid AND {_live('i')}
            LEFT JOIN itsystem s ON s.uuid = i.itsystem_uuid AND {_live('s')}
            WHERE {where} AND {_live('pe')}
            ORDER BY i.uuid
            """,
            params,
        )
    objects = []
    for (uuid, given, surname, cpr), engagements in grouped(rows, 4):
        person = u(uuid)
        objects.append({"uuid": person, "current": {
            "given_name": given, "surname": surname, "cpr_number": _cpr(cpr),
            "engagements": [
                {"uuid": u(e), "user_key": k, "validity": validity(lo, hi),
                 "org_unit": [] if x is None else [{"uuid": u(x), "name": xn}],
                 "job_function": None if jf is None else {"name": jf}}
                for e, k, lo, hi, x, xn, jf in engagements if e is not None
            ],
            "addresses": [
                {"uuid": u(a), "name": f"{value} {value2}" if value2 else value,
                 "address_type": None if kind is None else {"name": kind}}
                for owner, a, value, value2, kind in addresses if u(owner) == person
            ],
            "itusers": [
                {"uuid": u(i), "user_key": key, "itsystem": None if system is None else {"name": system}}
                for owner, i, key, system in itusers if u(owner) == person
            ],
        }})
    return dumps({"data": {"persons": {"objects": objects}}})


# --- one unit's full history ---

UNIT_HISTORY = """
query UnitHistory($uuid: UUID!) {
  org_units(filter: {uuids: [$uuid], from_date: null, to_date: null}) {
    objects { uuid
      validities { name user_key parent_response { uuid } validity { from to } }
      registrations { start end note }
    }
  }
}"""


def unit_history_baseline(raw: Raw, p: Picks, variant: int) -> bytes:
    u, params = raw.uuid, {"u": raw.p_uuid(p.history_unit)}
    with _snapshot(raw):
        versions = raw.rows(
            f"""
            SELECT {raw.U('uuid')}, name, user_key, {raw.U('parent_uuid')}, {raw.D('valid_from')}, {raw.D('valid_to')}
            FROM org_unit WHERE uuid = :u AND reg_to IS NULL ORDER BY valid_from
            """,
            params,
        )
        registrations = raw.rows(
            """
            SELECT r.time, r.note FROM registration r JOIN registration_object o ON o.registration_id = r.id
            WHERE o.model = 'org_unit' AND o.uuid = :u ORDER BY r.time
            """,
            params,
        )
    times = [raw.time(t) for t, _ in registrations]
    history = [{"start": start, "end": end, "note": note}
               for start, end, (_, note) in zip(times, [*times[1:], None], registrations, strict=False)]
    history.reverse()
    objects = []
    if versions:
        objects.append({
            "uuid": u(versions[0][0]),
            "validities": [
                {"name": name, "user_key": key, "parent_response": None if parent is None else {"uuid": u(parent)},
                 "validity": validity(lo, hi)}
                for _, name, key, parent, lo, hi in versions
            ],
            "registrations": history,
        })
    return dumps({"data": {"org_units": {"objects": objects}}})


# --- 10k persons with their current engagements ---

PAGE = 10_000
PERSONS = """
query Persons10k {
  persons(limit: 10000) {
    objects { uuid current { given_name surname
      engagements { uuid user_key org_unit { uuid name } job_function { name } } } }
    page_info { next_cursor }
  }
}"""


def persons_baseline(raw: Raw, p: Picks, variant: int) -> bytes:
    u = raw.uuid
    rows = raw.rows(
        f"""
        WITH page AS (
            SELECT uuid, given_name, surname FROM person pe WHERE {_live('pe')} ORDER BY uuid LIMIT {PAGE + 1}
        )
        SELECT {raw.U('page.uuid')}, page.given_name, page.surname,
               {raw.U('e.uuid')}, e.user_key, {raw.U('x.uuid')}, x.name, c.name
        FROM page
        LEFT JOIN engagement e ON e.person_uuid = page.uuid AND {_live('e')}
        LEFT JOIN org_unit x ON x.uuid = e.org_unit_uuid AND {_live('x')}
        LEFT JOIN class c ON c.uuid = e.job_function_uuid AND {_live('c')}
        ORDER BY page.uuid, e.uuid
        """,
        {"t": raw.p_date(TODAY)},
    )
    groups = grouped(rows, 3)
    cursor = None
    if len(groups) > PAGE:
        groups = groups[:PAGE]
        raw_cursor = json.dumps({"after": u(groups[-1][0][0]), "rt": NOW.isoformat()}, separators=(",", ":"))
        cursor = base64.urlsafe_b64encode(raw_cursor.encode()).decode()
    objects = [
        {"uuid": u(uuid), "current": {"given_name": given, "surname": surname, "engagements": [
            {"uuid": u(e), "user_key": k, "org_unit": [] if x is None else [{"uuid": u(x), "name": xn}],
             "job_function": None if job is None else {"name": job}}
            for e, k, x, xn, job in engagements if e is not None
        ]}}
        for (uuid, given, surname), engagements in groups
    ]
    return dumps({"data": {"persons": {"objects": objects, "page_info": {"next_cursor": cursor}}}})


# --- free-text search ---

SEARCH = """
query Search($q: String!) {
  persons(filter: {query: $q}) { objects { uuid current { given_name surname } } }
}"""
SEARCH_COLUMNS = ("given_name", "surname", "nickname_given_name", "nickname_surname", "user_key")


def search_baseline(raw: Raw, p: Picks, variant: int) -> bytes:
    words = p.search.split()
    params: dict[str, Any] = {"t": raw.p_date(TODAY)}
    conditions = []
    for i, word in enumerate(words):
        params[f"w{i}"] = like(word.lower())
        conditions.append("(" + " OR ".join(f"lower(pe.{c}) LIKE :w{i} ESCAPE '/'" for c in SEARCH_COLUMNS) + ")")
    rows = raw.rows(
        f"""
        SELECT {raw.U('pe.uuid')}, pe.given_name, pe.surname FROM person pe
        WHERE {_live('pe')} AND {' AND '.join(conditions)} ORDER BY pe.uuid
        """,
        params,
    )
    u = raw.uuid
    objects = [{"uuid": u(uuid), "current": {"given_name": g, "surname": s}} for uuid, g, s in rows]
    return dumps({"data": {"persons": {"objects": objects}}})


# --- as known at time t ---

AS_KNOWN_AT = """
query AsKnownAt($t: DateTime!, $d: DateTime!) {
  org_units(filter: {registration_time: $t, from_date: $d}) {
    objects { uuid current(at: $d) { name parent_response { uuid } engagements { uuid user_key } } }
  }
}"""


def _known(alias: str) -> str:
    return (f"{alias}.reg_from <= :rt AND ({alias}.reg_to IS NULL OR {alias}.reg_to > :rt) "
            f"AND {alias}.valid_from <= :d AND {alias}.valid_to > :d")


def as_known_at_baseline(raw: Raw, p: Picks, variant: int) -> bytes:
    rows = raw.rows(
        f"""
        SELECT {raw.U('x.uuid')}, x.name, {raw.U('x.parent_uuid')}, {raw.U('e.uuid')}, e.user_key
        FROM org_unit x
        LEFT JOIN engagement e ON e.org_unit_uuid = x.uuid AND {_known('e')}
        WHERE {_known('x')}
        ORDER BY x.uuid, e.uuid
        """,
        {"rt": raw.p_time(p.known_at), "d": raw.p_date(p.known_at.date())},
    )
    u = raw.uuid
    objects = [
        {"uuid": u(uuid), "current": {
            "name": name, "parent_response": None if parent is None else {"uuid": u(parent)},
            "engagements": [{"uuid": u(e), "user_key": k} for e, k in engagements if e is not None],
        }}
        for (uuid, name, parent), engagements in grouped(rows, 3)
    ]
    return dumps({"data": {"org_units": {"objects": objects}}})


# --- changed since ---

CHANGED_SINCE = """
query ChangedSince($since: DateTime!) {
  engagements(filter: {registration: {start: $since}, from_date: null, to_date: null}) {
    objects { uuid validities { user_key fraction validity { from to } } }
  }
}"""


def changed_since_baseline(raw: Raw, p: Picks, variant: int) -> bytes:
    rows = raw.rows(
        f"""
        SELECT {raw.U('e.uuid')}, e.user_key, e.fraction, {raw.D('e.valid_from')}, {raw.D('e.valid_to')}
        FROM engagement e
        WHERE e.reg_to IS NULL AND e.uuid IN (
            SELECT o.uuid FROM registration_object o JOIN registration r ON r.id = o.registration_id
            WHERE o.model = 'engagement' AND r.time >= :since)
        ORDER BY e.uuid, e.valid_from
        """,
        {"since": raw.p_time(p.since)},
    )
    u = raw.uuid
    objects = [
        {"uuid": u(uuid), "validities": [
            {"user_key": k, "fraction": f, "validity": validity(lo, hi)} for k, f, lo, hi in versions
        ]}
        for (uuid,), versions in grouped(rows, 1)
    ]
    return dumps({"data": {"engagements": {"objects": objects}}})


# --- a 1,000-change future-dated write batch ---

BATCH = 1000
PER_REQUEST = 100
"""10 transactions of 100 changes, each one ``engagements_update`` with a list of 100 inputs."""


@cache
def batch_document(request: int = 0) -> str:
    """Request ``request``'s document: its answer is aliased ``b<request>`` so the 10 answers merge."""
    return (
        "mutation Batch($input: [EngagementUpdateInput!]!) "
        f"{{ b{request}: engagements_update(input: $input) {{ uuid }} }}"
    )


def batch_inputs(p: Picks, variant: int) -> list[dict[str, Any]]:
    day = p.batch_day.isoformat()
    return [{"uuid": str(e), "job_function": str(jobs[variant]), "validity": {"from": day}} for e, *jobs in p.batch]


def batch_variables(p: Picks, variant: int) -> dict[str, Any]:
    return {"input": batch_inputs(p, variant)[:PER_REQUEST]}


def batch_requests(p: Picks, variant: int) -> list[tuple[str, dict[str, Any]]]:
    inputs = batch_inputs(p, variant)
    return [
        (batch_document(n), {"input": inputs[first : first + PER_REQUEST]})
        for n, first in enumerate(range(0, len(inputs), PER_REQUEST))
    ]


def batch_baseline(raw: Raw, p: Picks, variant: int) -> bytes:
    """The same 10 transactions of 100 job changes."""
    answers: dict[str, Any] = {}
    for n, first in enumerate(range(0, len(p.batch), PER_REQUEST)):
        part = p.batch[first : first + PER_REQUEST]
        changes = {raw.p_uuid(e): {"job_function_uuid": raw.p_uuid(jobs[variant])} for e, *jobs in part}
        update_from(raw, "engagement", changes, p.batch_day, now=NOW, actor=ACTOR, check=check_engagements)
        answers[f"b{n}"] = [{"uuid": str(e)} for e, *_ in part]
    return dumps({"data": answers})


def batch_snapshot(raw: Raw, p: Picks) -> Any:
    condition, params = raw.in_("u", [raw.p_uuid(e) for e, *_ in p.batch])
    rows = raw.rows(
        f"""SELECT {raw.U('uuid')}, {raw.D('valid_from')}, {raw.D('valid_to')}, {raw.U('job_function_uuid')}, user_key
            FROM engagement WHERE uuid {condition} AND reg_to IS NULL ORDER BY uuid, valid_from""",
        params,
    )
    return [(raw.uuid(a), b, c, raw.uuid(d), e) for a, b, c, d, e in rows], last_events(raw)


def last_events(raw: Raw) -> list[tuple[Any, ...]]:
    """The change events of the newest registration, in the order they were written."""
    rows = raw.rows(
        f"""SELECT routing_key, {raw.U('uuid')}, cause, priority, failures, sent_at FROM event_outbox
            WHERE registration_id = (SELECT max(id) FROM registration) ORDER BY id"""
    )
    return [(key, raw.uuid(u), *rest) for key, u, *rest in rows]


# --- a 50-unit subtree move ---

MOVE = """
mutation Move($input: OrganisationUnitUpdateInput!) { org_unit_update(input: $input) { uuid } }
"""


def move_variables(p: Picks, variant: int) -> dict[str, Any]:
    return {"input": {"uuid": str(p.move), "parent": str(p.move_parents[variant]),
                      "validity": {"from": p.move_day.isoformat()}}}


def move_baseline(raw: Raw, p: Picks, variant: int) -> bytes:
    changes = {raw.p_uuid(p.move): {"parent_uuid": raw.p_uuid(p.move_parents[variant])}}
    update_from(raw, "org_unit", changes, p.move_day, now=NOW, actor=ACTOR, check=check_units)
    return dumps({"data": {"org_unit_update": {"uuid": str(p.move)}}})


def move_snapshot(raw: Raw, p: Picks) -> Any:
    rows = raw.rows(
        f"""SELECT {raw.D('valid_from')}, {raw.D('valid_to')}, {raw.U('parent_uuid')}, name
            FROM org_unit WHERE uuid = :u AND reg_to IS NULL ORDER BY valid_from""",
        {"u": raw.p_uuid(p.move)},
    )
    return [(a, b, raw.uuid(c), d) for a, b, c, d in rows], last_events(raw)


# --- the mix ---

CASES: list[Case] = [
    Case("org_tree", "org tree as of a date", ORG_TREE, lambda p, v: {"d": p.tree_day.isoformat()},
         org_tree_baseline, lambda b, p: _count(b, "data", "org_units", "objects", "current")),
    Case("unit_page", "unit page (parent, children, engagements)", UNIT_PAGE, lambda p, v: {"uuid": str(p.unit)},
         unit_page_baseline,
         lambda b, p: _count(b, "data", "org_units", "objects", "current")
         + _count(b, "data", "org_units", "objects", "current", "children")
         + _count(b, "data", "org_units", "objects", "current", "engagements"), tags=("small",)),
    Case("unit_page_manager", "unit page with inherited manager", UNIT_PAGE_MANAGER,
         lambda p, v: {"uuid": str(p.manager_unit)}, unit_page_manager_baseline,
         lambda b, p: _count(b, "data", "org_units", "objects", "current")
         + _count(b, "data", "org_units", "objects", "current", "managers")
         + _count(b, "data", "org_units", "objects", "current", "engagements"), requires=("manager",),
         tags=("small",), notes="a unit whose nearest manager is furthest up"),
    Case("person_page", "person by CPR with engagements", PERSON_PAGE, lambda p, v: {"cpr": p.cpr},
         person_page_baseline,
         lambda b, p: _count(b, "data", "persons", "objects", "current")
         + _count(b, "data", "persons", "objects", "current", "engagements"), tags=("small",)),
    Case("person_page_full", "person by CPR + addresses, IT users", PERSON_PAGE_FULL, lambda p, v: {"cpr": p.cpr},
         person_page_full_baseline,
         lambda b, p: _count(b, "data", "persons", "objects", "current")
         + sum(_count(b, "data", "persons", "objects", "current", k) for k in ("engagements", "addresses", "itusers")),
         requires=("address", "ituser"), tags=("small",)),
    Case("unit_history", "one unit's full history", UNIT_HISTORY, lambda p, v: {"uuid": str(p.history_unit)},
         unit_history_baseline,
         lambda b, p: _count(b, "data", "org_units", "objects", "validities")
         + _count(b, "data", "org_units", "objects", "registrations")),
    Case("persons_10k", "10k persons + current engagements", PERSONS, lambda p, v: {}, persons_baseline,
         lambda b, p: _count(b, "data", "persons", "objects", "current")
         + _count(b, "data", "persons", "objects", "current", "engagements"), heavy=True),
    Case("search", "free-text search (persons)", SEARCH, lambda p, v: {"q": p.search}, search_baseline,
         lambda b, p: _count(b, "data", "persons", "objects", "current")),
    Case("as_known_at", "units + engagements as known at t", AS_KNOWN_AT,
         lambda p, v: {"t": p.known_at.isoformat(), "d": p.known_at.date().isoformat()}, as_known_at_baseline,
         lambda b, p: _count(b, "data", "org_units", "objects", "current")
         + _count(b, "data", "org_units", "objects", "current", "engagements")),
    Case("changed_since", "engagements changed in 30 days", CHANGED_SINCE, lambda p, v: {"since": p.since.isoformat()},
         changed_since_baseline, lambda b, p: _count(b, "data", "engagements", "objects", "validities")),
    Case("write_batch", "1,000 future-dated job changes", batch_document(), batch_variables, batch_baseline,
         lambda b, p: len(p.batch), write=True, heavy=True, snapshot=batch_snapshot, requests=batch_requests,
         notes="10 requests of one engagements_update with 100 inputs"),
    Case("subtree_move", "move a ~50-unit subtree", MOVE, move_variables, move_baseline,
         lambda b, p: p.move_size, write=True, snapshot=move_snapshot,
         notes="objects = units in the moved subtree"),
]


# --- choosing the objects ---


def pick(raw: Raw) -> Picks:
    """The objects the mix looks at, chosen by fixed rules from the dataset (the same on both backends)."""
    t = raw.p_date(TODAY)
    u = raw.uuid
    [(unit,)] = raw.rows(
        f"""
        SELECT {raw.U('x.uuid')} FROM org_unit x JOIN engagement e ON e.org_unit_uuid = x.uuid AND {_live('e')}
        WHERE {_live('x')} AND EXISTS (SELECT 1 FROM org_unit c WHERE c.parent_uuid = x.uuid AND {_live('c')})
        GROUP BY x.uuid ORDER BY count(*) DESC, x.uuid LIMIT 1
        """,
        {"t": t},
    )
    [(history_unit,)] = raw.rows(
        f"SELECT {raw.U('uuid')} FROM org_unit GROUP BY uuid ORDER BY count(*) DESC, uuid LIMIT 1"
    )
    [(cpr,)] = raw.rows(
        f"""
        SELECT pe.cpr_number FROM person pe JOIN engagement e ON e.person_uuid = pe.uuid AND {_live('e')}
        WHERE {_live('pe')} GROUP BY pe.uuid, pe.cpr_number HAVING count(*) >= 2 ORDER BY pe.uuid LIMIT 1
        """,
        {"t": t},
    )
    jobs = [r[0] for r in raw.rows(
        """SELECT c.uuid FROM class c JOIN facet f ON f.uuid = c.facet_uuid AND f.reg_to IS NULL
           WHERE c.reg_to IS NULL AND f.user_key = 'engagement_job_function' ORDER BY c.uuid"""
    )]
    day = date(2027, 1, 1)
    candidates = raw.rows(
        f"""
        SELECT e.uuid, e.job_function_uuid FROM engagement e
        WHERE e.reg_to IS NULL AND e.valid_to = :inf AND e.valid_from <= :d
        ORDER BY e.uuid LIMIT {BATCH}
        """,
        {"inf": raw.p_date(date.max), "d": raw.p_date(day)},
    )
    batch = []
    for engagement, job in candidates:
        a, b = [j for j in jobs if j != job][:2]
        batch.append((UUID(u(engagement)), UUID(u(a)), UUID(u(b))))
    # the subtree closest to 50 units, and two other parents on its parent's level
    tree = raw.rows(f"SELECT uuid, parent_uuid FROM org_unit x WHERE {_live('x')}", {"t": t})
    children: dict[Any, list[Any]] = {}
    parent_of = dict(tree)
    for child, parent in tree:
        children.setdefault(parent, []).append(child)

    def size(node: Any) -> int:
        return 1 + sum(size(c) for c in children.get(node, ()))

    def depth(node: Any) -> int:
        return 0 if parent_of.get(node) is None else 1 + depth(parent_of[node])

    sizes = {node: size(node) for node in parent_of if depth(node) >= 2}
    move = min(sizes, key=lambda n: (abs(sizes[n] - 50), str(u(n))))
    level = depth(parent_of[move])
    others = sorted((n for n in parent_of if depth(n) == level and n != parent_of[move]), key=lambda n: str(u(n)))
    managed: set[Any] = set()
    if raw.rows("SELECT name FROM sqlite_master WHERE name = 'manager'" if not raw.pg else
                "SELECT tablename FROM pg_tables WHERE tablename = 'manager'"):
        managed = {r[0] for r in raw.rows(f"SELECT org_unit_uuid FROM manager m WHERE {_live('m')}", {"t": t})}

    def walk(node: Any) -> int:
        steps = 0
        while node is not None and node not in managed:
            node, steps = parent_of.get(node), steps + 1
        return steps if node is not None else -1

    walks = {node: walk(node) for node in parent_of}
    manager_unit = max(walks, key=lambda n: (walks[n], str(u(n)))) if managed else unit
    return Picks(
        manager_unit=UUID(u(manager_unit)),
        manager_walk=walks.get(manager_unit, 0),
        unit=UUID(u(unit)),
        history_unit=UUID(u(history_unit)),
        cpr=_cpr(cpr) or "",
        search="anne sen",
        batch=batch,
        move=UUID(u(move)),
        move_parents=(UUID(u(others[0])), UUID(u(others[1]))),
        move_size=sizes[move],
    )
