"""A small municipality for the LDAP import/export client's operations.

Everything is written through the GraphQL API, so every rule of the registry
applies to the seed. Uuids are fixed, so answers (and their uuid order) can be
asserted exactly. Reads run at ``NOW``, a moment after the wall clock: every
registration the seed makes is then visible to a request at ``NOW`` and to the
cursors it hands out.

The operations are read from OS2mo's reference client files at test time, one
operation (and the fragments it uses) per request.
"""

from __future__ import annotations

import functools
import shutil
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pytest
from graphql.language import Visitor
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    OperationDefinitionNode,
    parse,
    print_ast,
    visit,
)
from mo.db.engine import make_engine
from mo.db.tables import metadata
from tests.conftest import Client

CPH = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2035, 6, 15, 12, 0, tzinfo=CPH)
REFERENCE = (
    Path(__file__).resolve().parents[3] / "shared" / "reference" / "os2mo-v29" / "clients" / "ldap-import-export"
)
LOCAL_ADMIN = "00000000-0000-4000-8000-000000000001"


def day(iso: str | None) -> str | None:
    """A validity bound as the API prints it: local midnight with its offset."""
    if iso is None:
        return None
    return datetime.fromisoformat(iso).replace(tzinfo=CPH).isoformat()


def span(start: str | None, end: str | None) -> dict[str, str | None]:
    return {"from": day(start), "to": day(end)}


# ---------------------------------------------------------------------------
# The operations of one reference file


class _Spreads(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: Any) -> None:
        self.names.add(node.name.value)


class Operations:
    """The named operations of a ``.graphql`` file, each sendable on its own."""

    def __init__(self, filename: str) -> None:
        self.path = REFERENCE / filename
        if not self.path.is_file():  # the reference sits beside the repository, not in it
            pytest.skip(f"OS2mo's reference client file {self.path} is not here", allow_module_level=True)
        document = parse(self.path.read_text(encoding="utf-8"))
        self.operations: dict[str, OperationDefinitionNode] = {}
        self.fragments: dict[str, FragmentDefinitionNode] = {}
        for definition in document.definitions:
            if isinstance(definition, OperationDefinitionNode):
                assert definition.name is not None, f"{filename}: an anonymous operation"
                name = definition.name.value
                assert name not in self.operations, f"{filename}: {name} twice"
                self.operations[name] = definition
            elif isinstance(definition, FragmentDefinitionNode):
                self.fragments[definition.name.value] = definition

    @property
    def names(self) -> set[str]:
        return set(self.operations)

    def document(self, name: str) -> str:
        """The operation ``name`` with every fragment it uses (transitively)."""
        operation = self.operations[name]
        needed: dict[str, FragmentDefinitionNode] = {}
        todo: list[Any] = [operation]
        while todo:
            spreads = _Spreads()
            visit(todo.pop(), spreads)
            for spread in sorted(spreads.names - set(needed)):
                needed[spread] = self.fragments[spread]
                todo.append(self.fragments[spread])
        return print_ast(DocumentNode(definitions=(operation, *needed.values())))


F = TypeVar("F", bound=Callable[..., Any])


class Coverage:
    """Which operations of a file the tests of a module execute.

    ``@covers("a", "b")`` on a test declares the operations it executes; the
    test then fails unless, when its body has passed, it sent exactly those
    operations of the file (through ``World.run`` or ``World.refuse``).
    """

    def __init__(self, operations: Operations) -> None:
        self.operations = operations
        self.covered: set[str] = set()

    def __call__(self, *names: str) -> Callable[[F], F]:
        unknown = set(names) - self.operations.names
        assert not unknown, f"not operations of {self.operations.path.name}: {sorted(unknown)}"
        self.covered.update(names)
        path = self.operations.path

        def mark(test: F) -> F:
            @functools.wraps(test)
            async def checked(*args: Any, **kwargs: Any) -> None:
                world: World = kwargs["world"]
                start = len(world.executed)
                await test(*args, **kwargs)
                sent = {name for file, name in world.executed[start:] if file == path}
                assert sent == set(names), f"{test.__name__} declares {sorted(names)} but sent {sorted(sent)}"

            return checked  # type: ignore[return-value]

        return mark


# ---------------------------------------------------------------------------
# Uuids, one namespace per kind so that their order is easy to read

KINDS = {
    "facet": 1,
    "class": 2,
    "org_unit": 3,
    "person": 4,
    "engagement": 5,
    "manager": 6,
    "itsystem": 7,
    "ituser": 8,
    "rolebinding": 9,
    "address": 10,
}


def uuid_of(kind: str, n: int) -> str:
    return f"{KINDS[kind]:08x}-0000-4000-8000-{n:012x}"


# ---------------------------------------------------------------------------
# The world

INPUTS = {
    "facet": "FacetCreateInput",
    "class": "ClassCreateInput",
    "org_unit": "OrganisationUnitCreateInput",
    "employee": "EmployeeCreateInput",
    "engagement": "EngagementCreateInput",
    "manager": "ManagerCreateInput",
    "itsystem": "ITSystemCreateInput",
    "ituser": "ITUserCreateInput",
    "rolebinding": "RoleBindingCreateInput",
    "address": "AddressCreateInput",
}
UPDATES = {
    "class": "ClassUpdateInput",
    "org_unit": "OrganisationUnitUpdateInput",
    "employee": "EmployeeUpdateInput",
    "engagement": "EngagementUpdateInput",
    "itsystem": "ITSystemUpdateInput",
    "ituser": "ITUserUpdateInput",
    "address": "AddressUpdateInput",
}


@dataclass
class World:
    """A seeded database and the names of what is in it."""

    gql: Client
    backend: str
    ids: dict[str, str] = field(default_factory=dict)
    executed: list[tuple[Path, str]] = field(default_factory=list)

    def __getitem__(self, name: str) -> str:
        return self.ids[name]

    async def run(
        self, operations: Operations, name: str, variables: dict[str, Any] | None = None, now: datetime | None = NOW
    ) -> dict[str, Any]:
        """Send one reference operation; it must answer without errors."""
        self.executed.append((operations.path, name))
        return await self.gql.ok(operations.document(name), variables, now=now)

    async def refuse(self, operations: Operations, name: str, variables: dict[str, Any]) -> str:
        """Send one reference operation; it must fail whole. Its error code."""
        self.executed.append((operations.path, name))
        error = await self.gql.error(operations.document(name), variables)
        return str(error["extensions"]["code"])

    async def create(self, kind: str, name: str, data: dict[str, Any]) -> str:
        mutation = f"mutation ($input: {INPUTS[kind]}!) {{ {kind}_create(input: $input) {{ uuid }} }}"
        result = await self.gql.ok(mutation, {"input": data})
        uuid = str(result[f"{kind}_create"]["uuid"])
        if "uuid" in data:
            assert uuid == data["uuid"]
        self.ids[name] = uuid
        return uuid

    async def update(self, kind: str, data: dict[str, Any]) -> None:
        mutation = f"mutation ($input: {UPDATES[kind]}!) {{ {kind}_update(input: $input) {{ uuid }} }}"
        await self.gql.ok(mutation, {"input": data})

    def uuids(self, names: Iterable[str]) -> list[str]:
        """The uuids of ``names`` in uuid order (the order of every listing)."""
        return sorted(self.ids[n] for n in names)


async def build(world: World) -> World:
    w = world
    await w.gql.ok("mutation { org_create(input: {municipality_code: 999}) { uuid } }")

    # Facets with OS2mo's user keys, and their classes.
    facets = [
        "engagement_type",
        "engagement_job_function",
        "org_unit_type",
        "employee_address_type",
        "org_unit_address_type",
        "visibility",
        "primary_type",
        "manager_type",
        "manager_level",
        "responsibility",
        "role",
    ]
    for n, key in enumerate(facets, 1):
        await w.create("facet", f"facet:{key}", {"uuid": uuid_of("facet", n), "user_key": key, "validity": {}})

    classes: list[tuple[str, str, str, dict[str, Any]]] = [
        # (name, facet, user_key, extra)
        ("ansat", "engagement_type", "Ansat", {"name": "Ansat"}),
        ("timeloennet", "engagement_type", "timeloennet", {"name": "Timelønnet"}),
        ("udvikler", "engagement_job_function", "Udvikler", {"name": "Udvikler"}),
        ("konsulent", "engagement_job_function", "Konsulent", {"name": "Konsulent"}),
        ("direktoer_job", "engagement_job_function", "Direktoer", {"name": "Direktør"}),
        ("leder_job", "engagement_job_function", "Leder", {"name": "Leder"}),
        ("afdeling", "org_unit_type", "Afdeling", {"name": "Afdeling"}),
        ("email_employee", "employee_address_type", "EmailEmployee", {"name": "Email", "scope": "EMAIL"}),
        ("phone_employee", "employee_address_type", "PhoneEmployee", {"name": "Telefon", "scope": "PHONE"}),
        ("dar_employee", "employee_address_type", "AdressePostEmployee", {"name": "Postadresse", "scope": "DAR"}),
        ("email_unit", "org_unit_address_type", "EmailUnit", {"name": "Email", "scope": "EMAIL"}),
        ("public", "visibility", "Public", {"name": "Må vises eksternt", "scope": "PUBLIC"}),
        ("secret", "visibility", "Secret", {"name": "Hemmelig", "scope": "SECRET"}),
        ("primary", "primary_type", "primary", {"name": "Primær", "scope": "3000"}),
        ("non_primary", "primary_type", "non-primary", {"name": "Ikke-primær", "scope": "0"}),
        ("direktoer", "manager_type", "Direktoer", {"name": "Direktør"}),
        ("leder", "manager_type", "Leder", {"name": "Leder"}),
        ("niveau1", "manager_level", "Niveau1", {"name": "Niveau 1"}),
        ("personale", "responsibility", "Personaleansvar", {"name": "Personaleansvar"}),
        (
            "legacy_type",
            "org_unit_type",
            "Gammel",
            {"name": "Gammel enhedstype", "validity": {"from": "2000-01-01", "to": "2020-01-01"}},
        ),
    ]
    for n, (name, facet, key, extra) in enumerate(classes, 1):
        data = {
            "uuid": uuid_of("class", n),
            "user_key": key,
            "facet_uuid": w[f"facet:{facet}"],
            "validity": {},
            **extra,
        }
        await w.create("class", name, data)

    # IT systems (open validity), one renamed, one ended.
    await w.create(
        "itsystem", "ad", {"uuid": uuid_of("itsystem", 1), "user_key": "AD", "name": "Active Directory", "validity": {}}
    )
    await w.update("itsystem", {"uuid": w["ad"], "name": "Microsoft AD", "validity": {"from": "2030-01-01"}})
    await w.create(
        "itsystem",
        "omada",
        {"uuid": uuid_of("itsystem", 2), "user_key": "Omada", "name": "Omada IdM", "validity": {"from": "2019-01-01"}},
    )
    await w.create(
        "itsystem",
        "legacy",
        {
            "uuid": uuid_of("itsystem", 3),
            "user_key": "Legacy",
            "name": "Gammelt system",
            "validity": {"from": "2000-01-01", "to": "2020-01-01"},
        },
    )

    # The tree: Kommune > {Borgerservice > Kundeservice, IT > Drift > Support, Lukket}.
    def unit(n: int, name: str, key: str, parent: str | None, start: str, end: str | None = None) -> dict[str, Any]:
        return {
            "uuid": uuid_of("org_unit", n),
            "name": name,
            "user_key": key,
            "parent": w[parent] if parent else None,
            "org_unit_type": w["afdeling"],
            "validity": {"from": start, "to": end},
        }

    await w.create("org_unit", "root", unit(1, "Kommune", "kommune", None, "2000-01-01"))
    await w.create("org_unit", "borger", unit(2, "Borgerservice", "borger", "root", "2010-01-01"))
    await w.create("org_unit", "it", unit(3, "IT", "it", "root", "2010-01-01"))
    await w.update("org_unit", {"uuid": w["it"], "name": "Digitalisering", "validity": {"from": "2030-01-01"}})
    await w.create("org_unit", "drift", unit(4, "Drift", "drift", "it", "2012-01-01"))
    await w.create("org_unit", "support", unit(5, "Support", "support", "drift", "2015-01-01"))
    await w.create("org_unit", "service", unit(6, "Kundeservice", "service", "borger", "2015-01-01"))
    await w.create("org_unit", "closed", unit(7, "Lukket", "lukket", "root", "2005-01-01", "2020-01-01"))

    # Classes with a parent, an owner and an IT system (roles).
    n_class = len(classes)
    await w.create(
        "class",
        "senior",
        {
            "uuid": uuid_of("class", n_class + 1),
            "user_key": "SeniorUdvikler",
            "name": "Seniorudvikler",
            "facet_uuid": w["facet:engagement_job_function"],
            "parent_uuid": w["udvikler"],
            "validity": {"from": "2001-01-01"},
        },
    )
    await w.create(
        "class",
        "ad_admin",
        {
            "uuid": uuid_of("class", n_class + 2),
            "user_key": "ad-admin",
            "name": "AD administrator",
            "facet_uuid": w["facet:role"],
            "it_system_uuid": w["ad"],
            "validity": {},
        },
    )
    await w.create(
        "class",
        "ad_reader",
        {
            "uuid": uuid_of("class", n_class + 3),
            "user_key": "ad-reader",
            "name": "AD læser",
            "facet_uuid": w["facet:role"],
            "it_system_uuid": w["ad"],
            "owner": w["it"],
            "validity": {"from": "2010-01-01"},
        },
    )
    await w.create(
        "class",
        "omada_user",
        {
            "uuid": uuid_of("class", n_class + 4),
            "user_key": "omada-user",
            "name": "Omada bruger",
            "facet_uuid": w["facet:role"],
            "it_system_uuid": w["omada"],
            "validity": {},
        },
    )

    # Persons.
    def person(n: int, key: str, given: str, surname: str, cpr: str, **extra: Any) -> dict[str, Any]:
        return {
            "uuid": uuid_of("person", n),
            "user_key": key,
            "given_name": given,
            "surname": surname,
            "cpr_number": cpr,
            **extra,
        }

    await w.create("employee", "anna", person(1, "anna", "Anna", "Andersen", "0101701234"))
    await w.create("employee", "bent", person(2, "bent", "Bent", "Bentsen", "0202802345"))
    await w.create(
        "employee", "carl", person(3, "carl", "Carl", "Christensen", "0303903456", nickname_given_name="Calle")
    )
    await w.update("employee", {"uuid": w["carl"], "surname": "Carlsen", "validity": {"from": "2030-01-01"}})
    await w.create("employee", "dorte", person(4, "dorte", "Dorte", "Due", "0404004567"))
    await w.create("employee", "erik", person(5, "erik", "Erik", "Eriksen", "0505754321"))

    # Engagements; Carl's main one has history and a future-dated move.
    def engagement(
        n: int, key: str, who: str, where: str, job: str, kind: str, start: str, end: str | None = None, **extra: Any
    ) -> dict[str, Any]:
        return {
            "uuid": uuid_of("engagement", n),
            "user_key": key,
            "person": w[who],
            "org_unit": w[where],
            "job_function": w[job],
            "engagement_type": w[kind],
            "validity": {"from": start, "to": end},
            **extra,
        }

    await w.create(
        "engagement",
        "e_anna",
        engagement(1, "1001", "anna", "root", "direktoer_job", "ansat", "2000-01-01", primary=w["primary"]),
    )
    await w.create(
        "engagement",
        "e_bent",
        engagement(2, "1002", "bent", "it", "leder_job", "ansat", "2015-01-01", primary=w["primary"]),
    )
    await w.create(
        "engagement",
        "e_carl",
        engagement(
            3,
            "1003",
            "carl",
            "drift",
            "udvikler",
            "ansat",
            "2020-01-01",
            primary=w["primary"],
            fraction=100,
            extension_1="A",
        ),
    )
    await w.update(
        "engagement",
        {
            "uuid": w["e_carl"],
            "job_function": w["senior"],
            "fraction": 80,
            "extension_1": "B",
            "validity": {"from": "2030-01-01"},
        },
    )
    await w.update("engagement", {"uuid": w["e_carl"], "org_unit": w["support"], "validity": {"from": "2040-01-01"}})
    await w.create(
        "engagement",
        "e_carl2",
        engagement(
            4,
            "1004",
            "carl",
            "borger",
            "konsulent",
            "timeloennet",
            "2019-01-01",
            "2037-01-01",
            primary=w["non_primary"],
        ),
    )
    await w.create(
        "engagement", "e_dorte", engagement(5, "1005", "dorte", "support", "udvikler", "ansat", "2021-01-01")
    )
    await w.create("engagement", "e_erik", engagement(6, "1006", "erik", "service", "konsulent", "ansat", "2018-01-01"))

    # Managers: the director, the IT manager, a vacant role, and a role that ended.
    def manager(
        n: int, who: str | None, where: str, kind: str, start: str, end: str | None = None, **extra: Any
    ) -> dict[str, Any]:
        return {
            "uuid": uuid_of("manager", n),
            "person": w[who] if who else None,
            "org_unit": w[where],
            "manager_type": w[kind],
            "manager_level": w["niveau1"],
            "responsibility": [w["personale"]],
            "validity": {"from": start, "to": end},
            **extra,
        }

    await w.create("manager", "m_anna", manager(1, "anna", "root", "direktoer", "2000-01-01", engagement=w["e_anna"]))
    await w.create("manager", "m_bent", manager(2, "bent", "it", "leder", "2015-01-01", engagement=w["e_bent"]))
    await w.create("manager", "m_vacant", manager(3, None, "borger", "leder", "2010-01-01"))
    await w.create("manager", "m_old", manager(4, "dorte", "drift", "leder", "2013-01-01", "2019-01-01"))

    # IT users.
    def ituser(n: int, key: str, system: str, start: str, end: str | None = None, **extra: Any) -> dict[str, Any]:
        return {
            "uuid": uuid_of("ituser", n),
            "user_key": key,
            "itsystem": w[system],
            "validity": {"from": start, "to": end},
            **extra,
        }

    await w.create(
        "ituser",
        "iu_carl_ad",
        ituser(
            1,
            "carl",
            "ad",
            "2020-01-01",
            person=w["carl"],
            engagements=[w["e_carl"]],
            external_id="guid-carl",
            binding_type="ldap",
        ),
    )
    await w.update("ituser", {"uuid": w["iu_carl_ad"], "user_key": "cc", "validity": {"from": "2030-01-01"}})
    await w.create(
        "ituser",
        "iu_bent_ad",
        ituser(
            2,
            "bent",
            "ad",
            "2015-01-01",
            person=w["bent"],
            engagements=[w["e_bent"]],
            external_id="guid-bent",
        ),
    )
    await w.create(
        "ituser",
        "iu_carl_omada",
        ituser(
            3,
            "carl-omada",
            "omada",
            "2020-01-01",
            person=w["carl"],
            engagements=[w["e_carl"], w["e_carl2"]],
        ),
    )
    await w.create("ituser", "iu_it_ad", ituser(4, "it-shared", "ad", "2016-01-01", org_unit=w["it"]))
    await w.create("ituser", "iu_dorte_ad", ituser(5, "dorte-old", "ad", "2021-01-01", "2023-01-01", person=w["dorte"]))

    # Role bindings.
    def binding(n: int, account: str, role: str, start: str, **extra: Any) -> dict[str, Any]:
        return {
            "uuid": uuid_of("rolebinding", n),
            "ituser": w[account],
            "role": w[role],
            "validity": {"from": start},
            **extra,
        }

    await w.create("rolebinding", "rb_carl_admin", binding(1, "iu_carl_ad", "ad_admin", "2021-01-01"))
    await w.create("rolebinding", "rb_bent_reader", binding(2, "iu_bent_ad", "ad_reader", "2015-01-01"))
    await w.create(
        "rolebinding", "rb_carl_omada", binding(3, "iu_carl_omada", "omada_user", "2020-01-01", org_unit=w["drift"])
    )

    # Addresses.
    def address(n: int, kind: str, value: str, start: str, end: str | None = None, **extra: Any) -> dict[str, Any]:
        return {
            "uuid": uuid_of("address", n),
            "address_type": w[kind],
            "value": value,
            "validity": {"from": start, "to": end},
            **extra,
        }

    await w.create(
        "address",
        "a_carl_email",
        address(
            1,
            "email_employee",
            "carl@kommune.dk",
            "2020-01-01",
            user_key="carl-mail",
            person=w["carl"],
            engagement=w["e_carl"],
            visibility=w["public"],
        ),
    )
    await w.update(
        "address", {"uuid": w["a_carl_email"], "value": "carl.carlsen@kommune.dk", "validity": {"from": "2030-06-01"}}
    )
    await w.create(
        "address",
        "a_carl_phone",
        address(
            2,
            "phone_employee",
            "12345678",
            "2021-01-01",
            "2036-01-01",
            user_key="carl-phone",
            person=w["carl"],
            visibility=w["secret"],
        ),
    )
    await w.create(
        "address",
        "a_carl_ad_mail",
        address(
            3,
            "email_employee",
            "carl@ad.kommune.dk",
            "2020-01-01",
            user_key="carl-ad-mail",
            person=w["carl"],
            ituser=w["iu_carl_ad"],
        ),
    )
    await w.create(
        "address",
        "a_carl_dar",
        address(
            4,
            "dar_employee",
            "0a3f50a0-23c9-32b8-e044-0003ba298018",
            "2020-01-01",
            user_key="carl-home",
            person=w["carl"],
        ),
    )
    await w.create(
        "address",
        "a_it_email",
        address(5, "email_unit", "it@kommune.dk", "2010-01-01", user_key="it-mail", org_unit=w["it"]),
    )
    await w.create(
        "address",
        "a_bent_email",
        address(
            6,
            "email_employee",
            "bent@kommune.dk",
            "2015-01-01",
            "2025-01-01",
            user_key="bent-mail",
            person=w["bent"],
        ),
    )
    return w


def open_backend(request: pytest.FixtureRequest) -> tuple[str, AsyncEngine]:
    """The engine of the backend ``request.param``, for a module-scoped fixture.

    Synchronous on purpose (like the suite's ``backend_engine``): it picks the
    session fixture of the backend lazily.
    """
    backend: str = request.param
    if backend == "sqlite":
        path = request.getfixturevalue("tmp_path_factory").mktemp("ldap") / "mo.sqlite"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return backend, make_engine(f"sqlite+aiosqlite:///{path}")
    return backend, request.getfixturevalue("pg_engine")


async def open_world(backend: str, engine: AsyncEngine) -> AsyncIterator[World]:
    """The seeded world; module scope.

    The tests of a module only read what the seed wrote, or write objects of
    their own, so one seed serves a module on each backend. PostgreSQL's session
    database is emptied first (the suite's ``engine`` fixture does the same
    before every test that uses it).
    """
    if backend == "postgresql":
        tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
        async with engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    try:
        yield await build(World(Client(engine), backend))
    finally:
        if backend == "sqlite":
            await engine.dispose()
