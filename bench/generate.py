"""Seeded datasets that replay years of a municipality's business through the service layer.

A dataset is an initial import (classification, a unit tree of a given size and
depth, persons and their engagements) followed by every month from ``START`` to
``TODAY``: leavers and hires (10-15 % a year, headcount kept near the size), job
changes (20 % a year), back-dated corrections (2-5 % a year), some changes
registered months ahead of their day, a reorganisation registered each October
that moves 5-10 % of the units from the next 1 January, and finally a batch of
pending future-dated changes (2 % of the engagements).

Every write goes through ``mo.service.writes`` (the rules, the locks, the
registrations), one transaction per month (the initial import in transactions of
``INITIAL_BATCH`` writes). Registrations carry the simulated time of their month,
so "as known at time t" and "changed since" have a real history to read. One seed
always gives the same rows, ids and registration times included.

Datasets are cached in ``bench/.data/`` by size, seed, schema revision and
``GENERATOR``. PostgreSQL gets the same rows, copied from the SQLite dataset
(``copy_to_postgresql``; ``bench/test_generate.py`` checks that the copy equals a
generation on PostgreSQL through the service layer).

    python -m bench.generate --size M [--seed 1] [--backend sqlite|postgresql|both] [--force]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sqlite3
import sys
import time
from bisect import bisect
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from itertools import accumulate
from math import comb
from pathlib import Path
from typing import Any
from uuid import UUID, uuid5
from zoneinfo import ZoneInfo

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bitemporal import POS_INF, Interval, Registrar
from mo.db.engine import make_engine, write_transaction
from mo.db.migrate import alembic_config, upgrade
from mo.db.tables import metadata, organisation, registrations
from mo.model import MODELS, Model
from mo.service import writes
from mo.service.context import WriteContext

BENCH_CPR_KEYS = "bench:YmVuY2gtb25seS1rZXktbm90LWEtc2VjcmV0LTMyYnk="
"""The CPR key ring of every benchmark process (``MO_CPR_KEYS``): a dataset's CPR numbers
are encrypted at rest, so the generator, the bench, its baselines and the served
process must share one key. Synthetic data only; not a secret."""
os.environ["MO_CPR_KEYS"] = BENCH_CPR_KEYS

ZONE = ZoneInfo("Europe/Copenhagen")
TODAY = date(2026, 11, 2)
"""The simulation's last day; fixed, so a seed gives the same data whenever it runs."""
NOW = datetime.combine(TODAY, clock(12), ZONE)
"""The "now" every benchmark request runs at."""
START = date(2021, 1, 1)
UNITS_FROM = date(2010, 1, 1)
GENERATOR = 2
"""Bump when the generated data changes; part of the cache key."""
ACTOR = UUID("be4c0000-0000-4000-8000-00000000b001")
NAMESPACE = UUID("be4c0000-6e6e-4a7e-9d3e-6b6f2a0c2026")
DATA = Path(__file__).resolve().parent / ".data"
INITIAL_BATCH = 2000
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"

LEAVERS = (0.10, 0.15)
"""Share of engagements ended per year (drawn per year)."""
JOB_CHANGES = 0.20
REORGANISED = (0.05, 0.10)
"""Share of units (depth >= 2) moved by the yearly reorganisation."""
CORRECTIONS = (0.02, 0.05)
FUTURE = 0.02
"""Share of changes registered one to six months ahead of their day; also the
share of engagements with a pending change at ``TODAY``."""
SECOND_ENGAGEMENT = 0.10


@dataclass(frozen=True, slots=True)
class Size:
    name: str
    persons: int
    """Headcount: persons with an engagement, kept near this through the years."""
    units: int
    depth: int
    """Levels of the unit tree, the root included."""


SIZES = {
    s.name: s
    for s in (
        Size("XS", 60, 20, 4),  # for the generator's own test only
        Size("S", 500, 60, 6),
        Size("M", 9_000, 1_000, 10),
        Size("L", 45_000, 5_000, 12),
    )
}

Write = tuple[str, Model, UUID, Interval, dict[str, Any]]


@dataclass(slots=True)
class Tx:
    """One transaction: its registration's time and note, and its writes."""

    moment: datetime
    note: str
    writes: list[Write]


# --- vocabulary ---


def _split(words: str) -> list[str]:
    return [w.strip() for w in words.split(",")]


JOBS = _split(
    "Lærer, Pædagog, Pædagogmedhjælper, Skoleleder, Socialrådgiver, Sygeplejerske, Social- og sundhedshjælper, "
    "Social- og sundhedsassistent, Fysioterapeut, Ergoterapeut, Psykolog, Sundhedsplejerske, Vejmand, Gartner, "
    "Ingeniør, Arkitekt, Biolog, Bibliotekar, Jobkonsulent, Sagsbehandler, Kontorfuldmægtig, Specialkonsulent, "
    "Chefkonsulent, Controller, Bogholder, HR-konsulent, Lønkonsulent, IT-medarbejder, IT-supporter, Jurist, "
    "Servicemedarbejder, Rengøringsassistent, Køkkenassistent, Håndværker, Chauffør, Leder, Direktør, Elev"
)
UNIT_TYPES = ["Kommune", "Forvaltning", "Område", "Afdeling", "Center", "Institution", "Team", "Gruppe"]
FACETS: dict[str, list[str]] = {
    "engagement_type": ["Ansat", "Timelønnet", "Elev"],
    "engagement_job_function": JOBS,
    "org_unit_type": UNIT_TYPES,
    "org_unit_level": [f"Niveau {n}" for n in range(1, 13)],
    "org_unit_hierarchy": ["Linjeorganisation", "Sikkerhedsorganisation"],
    "primary_type": ["Primær", "Ikke-primær"],
    "time_planning": ["Arbejdstidsplaner", "Tjenestetid", "Dannes ikke"],
}
#: Facets of the types that came later (managers, addresses); written when the model has them.
LATER_FACETS: dict[str, list[str]] = {
    "manager_type": ["Direktør", "Chef", "Leder"],
    "manager_level": ["Niveau 1", "Niveau 2", "Niveau 3", "Niveau 4"],
    "employee_address_type": ["Email", "Telefon"],
    "visibility": ["Ekstern", "Intern"],
}
SCOPES = {("employee_address_type", "Email"): "EMAIL", ("employee_address_type", "Telefon"): "PHONE"}
ITSYSTEMS = ["Active Directory", "OPUS Løn"]
MANAGED = 0.65
"""Share of units with a manager role of their own; the others inherit one from above."""
PLACES = _split(
    "Søndervang, Bakkely, Egebjerg, Nørremark, Kirkebakke, Skovgården, Lindely, Åparken, Højvang, Strandby, "
    "Rosenhøj, Engvang, Bøgely, Fjordvang, Møllevang, Granly, Solbakke, Tjørnehøj, Birkelund, Hyldegården, Kærby, "
    "Lyngbakke, Vestervang, Østerbro, Ådalen, Havrevang, Kløvermarken, Slotsbakke, Toftegård, Elmely, Agerbæk"
)
WOMEN = _split(
    "Anne, Mette, Kirsten, Hanne, Helle, Susanne, Lene, Maria, Marianne, Inge, Camilla, Louise, Pia, Charlotte, "
    "Tina, Julie, Sofie, Ida, Emma, Line, Rikke, Karina, Birgitte, Lone, Signe, Cecilie, Maja, Freja, Laura"
)
MEN = _split(
    "Peter, Jens, Lars, Michael, Henrik, Søren, Thomas, Jan, Niels, Anders, Morten, Jesper, Martin, Rasmus, "
    "Christian, Mads, Kim, Jørgen, Ole, Mikkel, Frederik, Jonas, Kasper, Simon, Mathias, Emil, Nikolaj, Bo, Poul"
)
SURNAMES = _split(
    "Jensen, Nielsen, Hansen, Pedersen, Andersen, Christensen, Larsen, Sørensen, Rasmussen, Jørgensen, Petersen, "
    "Madsen, Kristensen, Olsen, Thomsen, Christiansen, Poulsen, Johansen, Møller, Mortensen, Knudsen, Jakobsen, "
    "Mikkelsen, Lauridsen, Frederiksen, Østergaard, Dahl, Kjær, Holm, Lund, Bach, Schmidt, Iversen, Due, Bak"
)


def uuid_of(seed: int, kind: str, key: object) -> UUID:
    return uuid5(uuid5(NAMESPACE, f"seed:{seed}"), f"{kind}/{key}")


def month(day: date, months: int = 0) -> date:
    """The first of the month ``months`` after ``day``'s month."""
    n = day.year * 12 + day.month - 1 + months
    return date(n // 12, n % 12 + 1, 1)


# --- the simulation ---


@dataclass(slots=True)
class Unit:
    uuid: UUID
    depth: int
    parent: int | None
    name: str


@dataclass(slots=True)
class Person:
    uuid: UUID
    given_name: str
    surname: str
    open: int = 0
    """How many of the person's engagements have no end."""


@dataclass(slots=True)
class Engagement:
    uuid: UUID
    person: int
    unit: int
    job: str
    start: date
    end: date | None = None


@dataclass
class World:
    """What the simulation knows, kept in memory: the writes never need to read back."""

    size: Size
    seed: int
    rng: random.Random = field(init=False)
    units: list[Unit] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)
    engagements: list[Engagement] = field(default_factory=list)
    open: list[int] = field(default_factory=list)
    """Engagements without an end, in a swap-remove list."""
    position: dict[int, int] = field(default_factory=dict)
    headcount: int = 0
    cprs: set[str] = field(default_factory=set)
    employee_number: int = 100_000
    counts: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    # -- helpers
    def cls(self, facet: str, name: str) -> UUID:
        return uuid_of(self.seed, "class", f"{facet}/{name}")

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

    def _open(self, e: int) -> None:
        self.position[e] = len(self.open)
        self.open.append(e)
        person = self.persons[self.engagements[e].person]
        person.open += 1
        if person.open == 1:
            self.headcount += 1

    def _close(self, e: int) -> None:
        i = self.position.pop(e)
        last = self.open.pop()
        if last != e:
            self.open[i] = last
            self.position[last] = i
        person = self.persons[self.engagements[e].person]
        person.open -= 1
        if person.open == 0:
            self.headcount -= 1

    def day_in(self, first: date) -> date:
        """A day of ``first``'s month, most often the first; now and then one to six months later."""
        rng = self.rng
        if rng.random() < FUTURE:
            self.count("future-dated")
            return month(first, rng.randint(1, 6))
        if rng.random() < 0.7:
            return first
        return first + timedelta(days=rng.randrange((month(first, 1) - first).days))

    # -- the initial import
    @property
    def full_model(self) -> bool:
        """Whether the registry has managers, addresses and IT users (they came after the first slice)."""
        return all(m in MODELS for m in ("manager", "address", "ituser", "itsystem"))

    def classification(self) -> list[Write]:
        facet_model, class_model = MODELS["facet"], MODELS["class"]
        result: list[Write] = []
        facets = {**FACETS, **(LATER_FACETS if self.full_model else {})}
        for facet, names in facets.items():
            facet_uuid = uuid_of(self.seed, "facet", facet)
            result.append(("create", facet_model, facet_uuid, Interval(), {"user_key": facet}))
            for name in names:
                result.append(
                    ("create", class_model, self.cls(facet, name), Interval(),
                     {"user_key": name.lower().replace(" ", "-"), "name": name, "facet_uuid": facet_uuid,
                      "scope": SCOPES.get((facet, name))})
                )
        if self.full_model:
            for name in ITSYSTEMS:
                result.append(("create", MODELS["itsystem"], uuid_of(self.seed, "itsystem", name), Interval(),
                               {"user_key": name.lower().replace(" ", "-"), "name": name}))
        return result

    def accounts(self, person: int, start: date) -> list[Write]:
        """A new person's AD account and e-mail address (half of them a phone number too)."""
        if not self.full_model:
            return []
        rng, p = self.rng, self.persons[person]
        login = f"{p.given_name.split(' ')[0][:3]}{p.surname.split(' ')[-1][:3]}{person}".lower()
        result: list[Write] = [
            ("create", MODELS["ituser"], uuid_of(self.seed, "ituser", person), Interval(start, POS_INF), {
                "user_key": login, "itsystem_uuid": uuid_of(self.seed, "itsystem", "Active Directory"),
                "person_uuid": p.uuid, "external_id": str(uuid_of(self.seed, "ad", person)),
            }),
            ("create", MODELS["address"], uuid_of(self.seed, "email", person), Interval(start, POS_INF), {
                "user_key": f"{login}@benchby.dk", "value": f"{login}@benchby.dk", "person_uuid": p.uuid,
                "address_type_uuid": self.cls("employee_address_type", "Email"),
                "visibility_uuid": self.cls("visibility", "Intern"),
            }),
        ]
        if rng.random() < 0.5:
            digits = [rng.randrange(20, 99), rng.randrange(10, 99), rng.randrange(10, 99), rng.randrange(10, 99)]
            phone = "+45 " + " ".join(str(d) for d in digits)
            result.append(("create", MODELS["address"], uuid_of(self.seed, "phone", person), Interval(start, POS_INF), {
                "user_key": phone, "value": phone, "person_uuid": p.uuid,
                "address_type_uuid": self.cls("employee_address_type", "Telefon"),
                "visibility_uuid": self.cls("visibility", "Ekstern"),
            }))
        self.count("accounts and addresses", len(result))
        return result

    def managers(self) -> list[Write]:
        """Manager roles for the top two levels and ``MANAGED`` of the other units."""
        if not self.full_model:
            return []
        rng, result = self.rng, []
        self.roles: list[tuple[UUID, int]] = []
        for i, unit in enumerate(self.units):
            if unit.depth >= 2 and rng.random() >= MANAGED:
                continue
            uuid = uuid_of(self.seed, "manager", i)
            kind = "Direktør" if unit.depth == 0 else "Chef" if unit.depth == 1 else "Leder"
            result.append(("create", MODELS["manager"], uuid, Interval(UNITS_FROM, POS_INF), {
                "user_key": f"M{i:05d}", "org_unit_uuid": unit.uuid,
                "person_uuid": self.persons[rng.randrange(len(self.persons))].uuid,
                "manager_type_uuid": self.cls("manager_type", kind),
                "manager_level_uuid": self.cls("manager_level", f"Niveau {min(unit.depth + 1, 4)}"),
            }))
            self.roles.append((uuid, i))
        self.count("manager roles", len(result))
        return result

    def new_managers(self, day: date) -> list[Write]:
        """A tenth of the manager roles get a new person (from ``day``)."""
        if not self.full_model:
            return []
        rng, result = self.rng, []
        for uuid, _ in rng.sample(self.roles, round(len(self.roles) * 0.1)):
            person = self.persons[rng.randrange(len(self.persons))]
            result.append(("update", MODELS["manager"], uuid, Interval(day, POS_INF), {"person_uuid": person.uuid}))
        self.count("manager changes", len(result))
        return result

    def plan_units(self) -> None:
        """A tree of ``size.units`` units and exactly ``size.depth`` levels, widest in the middle."""
        rng, size = self.rng, self.size
        levels: list[list[int]] = [[] for _ in range(size.depth)]

        def add(depth: int, parent: int | None) -> None:
            index = len(self.units)
            kind = UNIT_TYPES[min(depth, len(UNIT_TYPES) - 1)]
            name = "Kommune" if depth == 0 else f"{kind} {rng.choice(PLACES)}"
            self.units.append(Unit(uuid_of(self.seed, "org_unit", index), depth, parent, name))
            levels[depth].append(index)

        add(0, None)
        for depth in range(1, size.depth):  # a spine down to the deepest level
            add(depth, levels[depth - 1][0])
        # binomial level weights: most units sit in the middle levels
        weights = [0.0] + [float(comb(size.depth - 2, d - 1)) for d in range(1, size.depth)]
        while len(self.units) < size.units:
            depth = rng.choices(range(size.depth), weights)[0]
            add(depth, rng.choice(levels[depth - 1]))
        self.levels = levels

    def unit_writes(self) -> list[Write]:
        model = MODELS["org_unit"]
        return [
            ("create", model, u.uuid, Interval(UNITS_FROM, POS_INF), {
                "user_key": f"U{i:05d}",
                "name": u.name,
                "parent_uuid": None if u.parent is None else self.units[u.parent].uuid,
                "unit_type_uuid": self.cls("org_unit_type", UNIT_TYPES[min(u.depth, len(UNIT_TYPES) - 1)]),
                "org_unit_level_uuid": self.cls("org_unit_level", f"Niveau {u.depth + 1}"),
                "org_unit_hierarchy_uuid": self.cls("org_unit_hierarchy", "Linjeorganisation"),
                "time_planning_uuid": self.cls("time_planning", self.rng.choice(FACETS["time_planning"])),
            })
            for i, u in enumerate(self.units)
        ]

    def new_person(self) -> Write:
        rng = self.rng
        index = len(self.persons)
        female = rng.random() < 0.6
        birth = date(1955, 1, 1) + timedelta(days=rng.randrange(365 * 48))
        while True:
            seventh = rng.randint(0, 3) if birth.year < 2000 else rng.choice((4, 9))
            last = rng.randrange(0, 10, 2) if female else rng.randrange(1, 10, 2)
            cpr = f"{birth:%d%m}{birth.year % 100:02d}{seventh}{rng.randrange(100):02d}{last}"
            if cpr not in self.cprs:
                self.cprs.add(cpr)
                break
        names = WOMEN if female else MEN
        given = rng.choice(names) if rng.random() < 0.8 else " ".join(rng.sample(names, 2))
        surname = rng.choice(SURNAMES) if rng.random() < 0.85 else " ".join(rng.sample(SURNAMES, 2))
        uuid = uuid_of(self.seed, "person", index)
        self.persons.append(Person(uuid, given, surname))
        values = {
            "cpr_number": cpr,
            "given_name": given,
            "surname": surname,
            "nickname_given_name": given.split(" ")[-1] if " " in given and rng.random() < 0.3 else None,
        }
        self.count("persons")
        return ("create", MODELS["person"], uuid, Interval(), values)

    def new_engagement(self, person: int, start: date, primary: bool) -> Write:
        rng = self.rng
        unit = self.units_by_weight[bisect(self.unit_weights, rng.random() * self.unit_weights[-1])]
        index = len(self.engagements)
        uuid = uuid_of(self.seed, "engagement", index)
        job = rng.choice(JOBS)
        self.engagements.append(Engagement(uuid, person, unit, job, start))
        self._open(index)
        self.employee_number += rng.randint(1, 9)
        kind = "Elev" if job == "Elev" else "Timelønnet" if rng.random() < 0.08 else "Ansat"
        values = {
            "user_key": f"{self.employee_number:06d}",
            "person_uuid": self.persons[person].uuid,
            "org_unit_uuid": self.units[unit].uuid,
            "engagement_type_uuid": self.cls("engagement_type", kind),
            "job_function_uuid": self.cls("engagement_job_function", job),
            "primary_uuid": self.cls("primary_type", "Primær" if primary else "Ikke-primær"),
            "fraction": rng.choice((1000000, 1000000, 1000000, 864865, 810811, 675676, 540541)),
            "extension_1": f"KS-{rng.randrange(1000, 10000)}",
        }
        self.count("hires")
        return ("create", MODELS["engagement"], uuid, Interval(start, POS_INF), values)

    def initial(self) -> Iterator[Tx]:
        rng = self.rng
        self.plan_units()
        weights = [1.0 + u.depth for u in self.units]
        weights[0] = 0.2
        self.units_by_weight = list(range(len(self.units)))
        self.unit_weights = list(accumulate(weights))
        result = self.classification() + self.unit_writes()
        first_days = (START - UNITS_FROM).days
        for _ in range(self.size.persons):
            result.append(self.new_person())
            person = len(self.persons) - 1
            for primary in (True, False) if rng.random() < SECOND_ENGAGEMENT else (True,):
                start = UNITS_FROM + timedelta(days=rng.randrange(first_days))
                if rng.random() < 0.7:
                    start = month(start)
                result.append(self.new_engagement(person, start, primary))
                if primary:
                    result += self.accounts(person, start)
        result += self.managers()
        moment = datetime.combine(START - timedelta(days=31), clock(8), ZONE)
        for n in range(0, len(result), INITIAL_BATCH):
            yield Tx(moment, "bench: initial import", result[n : n + INITIAL_BATCH])

    # -- the months
    def pick_open(self, before: date) -> int | None:
        """A random engagement without an end that started before ``before``."""
        for _ in range(8):
            e = self.open[self.rng.randrange(len(self.open))]
            if self.engagements[e].start < before:
                return e
        return None

    def leave(self, first: date) -> list[Write]:
        model, result = MODELS["engagement"], []
        for _ in range(round(len(self.open) * self.leave_rate / 12)):
            to = self.day_in(first)
            e = self.pick_open(to)
            if e is None:
                continue
            self.engagements[e].end = to
            self._close(e)
            self.count("leavers")
            result.append(("terminate", model, self.engagements[e].uuid, Interval(to, POS_INF), {}))
        return result

    def hire(self, first: date, leavers: int) -> list[Write]:
        result = []
        for _ in range(max(0, round(leavers + (self.size.persons - self.headcount) * 0.25))):
            result.append(self.new_person())
            start = self.day_in(first)
            result.append(self.new_engagement(len(self.persons) - 1, start, True))
            result += self.accounts(len(self.persons) - 1, start)
            if self.rng.random() < 0.03:
                result.append(self.new_engagement(len(self.persons) - 1, start, False))
        return result

    def change_jobs(self, first: date, rate: float) -> list[Write]:
        model, result = MODELS["engagement"], []
        for _ in range(round(len(self.open) * rate / 12)):
            day = self.day_in(first)
            e = self.pick_open(day)
            if e is None:
                continue
            engagement = self.engagements[e]
            engagement.job = self.rng.choice([j for j in JOBS if j != engagement.job])
            self.count("job changes")
            result.append(
                ("update", model, engagement.uuid, Interval(day, POS_INF),
                 {"job_function_uuid": self.cls("engagement_job_function", engagement.job)})
            )
        return result

    def correct(self, first: date) -> list[Write]:
        """Back-dated corrections: registered now, valid from months or years ago."""
        rng, result = self.rng, []
        for _ in range(round(len(self.open) * self.correction_rate / 12)):
            e = self.pick_open(first - timedelta(days=90))
            if e is None:
                continue
            engagement = self.engagements[e]
            roll = rng.random()
            if roll < 0.45:
                since = max(engagement.start, month(first, -rng.randint(1, 12)))
                result.append(("update", MODELS["engagement"], engagement.uuid, Interval(since, POS_INF),
                               {"fraction": rng.choice((1000000, 864865, 810811, 675676))}))
            elif roll < 0.85:
                lo = max(engagement.start, month(first, -24))
                days = (first - lo).days
                a = lo + timedelta(days=rng.randrange(days - 1))
                b = a + timedelta(days=rng.randint(1, first.toordinal() - a.toordinal()))
                result.append(("update", MODELS["engagement"], engagement.uuid, Interval(a, b),
                               {"extension_1": f"KS-{rng.randrange(1000, 10000)}"}))
            else:
                person = self.persons[engagement.person]
                person.surname = rng.choice([s for s in SURNAMES if s != person.surname])
                result.append(("update", MODELS["person"], person.uuid, Interval(), {"surname": person.surname}))
            self.count("corrections")
        return result

    def reorganise(self, first: date) -> list[Write]:
        """Registered in October, from the next 1 January: moves within a level, and some renames."""
        rng, model, result = self.rng, MODELS["org_unit"], []
        day = date(first.year + 1, 1, 1)
        movable = [i for i, u in enumerate(self.units) if u.depth >= 2]
        count = round(len(movable) * rng.uniform(*REORGANISED))
        for i in rng.sample(movable, count):
            unit = self.units[i]
            siblings = self.levels[unit.depth - 1]
            parent = rng.choice(siblings)
            if parent == unit.parent:
                continue
            unit.parent = parent  # a parent one level up: depths stay, cycles are impossible
            changes: dict[str, Any] = {"parent_uuid": self.units[parent].uuid}
            if rng.random() < 0.15:
                kind = UNIT_TYPES[min(unit.depth, len(UNIT_TYPES) - 1)]
                unit.name = f"{kind} {rng.choice(PLACES)} {rng.randint(2, 9)}"
                changes["name"] = unit.name
            result.append(("update", model, unit.uuid, Interval(day, POS_INF), changes))
            self.count("unit moves")
        return result + self.new_managers(day)

    def months(self) -> Iterator[Tx]:
        rng = self.rng
        first = START
        while first <= TODAY:
            if first.month == 1 or first == START:
                self.leave_rate = rng.uniform(*LEAVERS)
                self.correction_rate = rng.uniform(*CORRECTIONS)
            leavers = self.leave(first)
            batch = leavers + self.hire(first, len(leavers)) + self.change_jobs(first, JOB_CHANGES)
            batch += self.correct(first)
            if first.month == 10:
                batch += self.reorganise(first)
            moment = datetime.combine(first, clock(8), ZONE)
            yield Tx(moment, f"bench: {first:%Y-%m}", batch)
            first = month(first, 1)

    def pending(self) -> Tx:
        """Changes registered today for days after it: job changes and departures."""
        rng, model, result = self.rng, MODELS["engagement"], []
        for _ in range(round(len(self.open) * FUTURE)):
            e = self.pick_open(TODAY)
            if e is None:
                continue
            engagement, day = self.engagements[e], month(TODAY, rng.randint(1, 6))
            if rng.random() < 0.6:
                engagement.job = rng.choice([j for j in JOBS if j != engagement.job])
                result.append(("update", model, engagement.uuid, Interval(day, POS_INF),
                               {"job_function_uuid": self.cls("engagement_job_function", engagement.job)}))
            else:
                engagement.end = day
                self._close(e)
                result.append(("terminate", model, engagement.uuid, Interval(day, POS_INF), {}))
            self.count("pending")
        return Tx(datetime.combine(TODAY, clock(8), ZONE), "bench: pending changes", result)

    def transactions(self) -> Iterator[Tx]:
        yield from self.initial()
        yield from self.months()
        yield self.pending()


# --- writing ---


@dataclass(slots=True)
class LoadReport:
    size: str
    seed: int
    backend: str
    transactions: int = 0
    writes: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    events: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.writes / self.seconds if self.seconds else 0.0

    def describe(self) -> str:
        rows = ", ".join(f"{k} {v}" for k, v in self.rows.items())
        events = ", ".join(f"{k} {v}" for k, v in self.events.items())
        return (
            f"{self.size} seed {self.seed} on {self.backend}: {self.writes} writes in {self.transactions} "
            f"transactions, {self.seconds:.1f} s = {self.rate:.0f} writes/s through mo.service.writes\n"
            f"  business events: {events}\n  rows: {rows}"
        )


async def load(engine: AsyncEngine, size: Size, seed: int, progress: bool = False) -> LoadReport:
    """Write the dataset of ``size`` and ``seed`` into the empty, migrated database of ``engine``."""
    world = World(size, seed)
    report = LoadReport(size.name, seed, engine.dialect.name)
    started = time.perf_counter()
    last_print = started
    org_row: dict[str, Any] | None = {
        "uuid": uuid_of(seed, "organisation", 0), "user_key": "Benchby Kommune", "name": "Benchby Kommune",
        "municipality_code": 999,
    }
    for tx in world.transactions():
        async with write_transaction(engine) as conn:
            registrar = Registrar(conn, registrations, ACTOR, tx.note, clock=lambda m=tx.moment: m)  # type: ignore[misc]
            ctx = WriteContext(conn, registrar, tx.moment.date())
            if org_row is not None:
                await conn.execute(insert(organisation).values(**org_row))
                org_row = None
            for op, model, uuid, interval, values in tx.writes:
                if op == "create":
                    await writes.create(ctx, model, uuid, interval, values)
                elif op == "update":
                    await writes.update(ctx, model, uuid, interval, values)
                else:
                    await writes.terminate(ctx, model, uuid, interval)
        report.transactions += 1
        report.writes += len(tx.writes)
        now = time.perf_counter()
        if progress and now - last_print > 10:
            last_print = now
            print(f"  ... {tx.note}: {report.writes} writes, {report.writes / (now - started):.0f}/s", flush=True)
    report.seconds = time.perf_counter() - started
    report.events = dict(world.counts)
    async with engine.connect() as conn:
        for table in ("registration", *(m for m in MODELS if m in metadata.tables)):
            report.rows[table] = int(await conn.scalar(text(f'SELECT count(*) FROM "{table}"')) or 0)
    return report


# --- the cache ---


def schema_revision() -> str:
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    return "+".join(sorted(heads))


def cache_key(size: Size, seed: int) -> str:
    return f"{size.name.lower()}_s{seed}_r{schema_revision()}_g{GENERATOR}"


def sqlite_dataset(size: Size, seed: int) -> Path:
    return DATA / f"{cache_key(size, seed)}.sqlite"


def report_path(size: Size, seed: int) -> Path:
    return DATA / f"{cache_key(size, seed)}.json"


async def ensure_sqlite(size: Size, seed: int, force: bool = False, progress: bool = True) -> Path:
    """The cached SQLite dataset, generated first when missing."""
    path = sqlite_dataset(size, seed)
    if path.exists() and report_path(size, seed).exists() and not force:
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    building = path.with_suffix(".building")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)
    engine = make_engine(f"sqlite+aiosqlite:///{building}")
    try:
        await upgrade(engine)
        if progress:
            print(f"generating {size.name} (seed {seed}) into {path.name} ...", flush=True)
        report = await load(engine, size, seed, progress=progress)
    finally:
        await engine.dispose()
    with sqlite3.connect(building) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("ANALYZE")
    db.close()
    building.rename(path)
    for suffix in ("-wal", "-shm"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)
    report_path(size, seed).write_text(json.dumps(
        {**asdict(report), "rate": report.rate, "generated": datetime.now().isoformat(timespec="seconds")}, indent=1
    ))
    if progress:
        print(report.describe(), flush=True)
    return path


def read_report(size: Size, seed: int) -> dict[str, Any]:
    return json.loads(report_path(size, seed).read_text())  # type: ignore[no-any-return]


def pg_template(size: Size, seed: int) -> str:
    return f"mo_bench_{cache_key(size, seed)}".replace("+", "_").replace("-", "_")


async def _admin(sql: str, server: str = PG_SERVER) -> Any:
    admin = create_async_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            result = await conn.execute(text(sql))
            return result.all() if result.returns_rows else None
    finally:
        await admin.dispose()


async def ensure_postgresql(size: Size, seed: int, force: bool = False, progress: bool = True) -> str:
    """The name of a PostgreSQL database holding the dataset (a template for the runs)."""
    source = await ensure_sqlite(size, seed, progress=progress)
    name = pg_template(size, seed)
    expected = read_report(size, seed)["rows"]["registration"]
    exists = await _admin(f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
    if exists and not force:
        engine = create_async_engine(f"{PG_SERVER}/{name}")
        try:
            async with engine.connect() as conn:
                found = await conn.scalar(text("SELECT count(*) FROM registration"))
        except Exception:  # noqa: BLE001 - a half-made database is rebuilt
            found = None
        finally:
            await engine.dispose()
        if found == expected:
            return name
    if progress:
        print(f"copying {source.name} to PostgreSQL database {name} ...", flush=True)
    await _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    await _admin(f"CREATE DATABASE {name}")
    engine = make_engine(f"{PG_SERVER}/{name}")
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()
    started = time.perf_counter()
    rows = copy_to_postgresql(source, f"postgresql://postgres@127.0.0.1:5432/{name}")
    if progress:
        print(f"  {rows} rows in {time.perf_counter() - started:.1f} s", flush=True)
    return name


def copy_to_postgresql(source: Path, dsn: str) -> int:
    """Copy every row of the SQLite dataset into the migrated, empty PostgreSQL database ``dsn``.

    The rows are the ones the service layer wrote; PostgreSQL checks its own
    constraints (keys, the exclusion constraint on overlapping versions) as they go in.
    """
    import psycopg

    total = 0
    lite = sqlite3.connect(source)
    try:
        with psycopg.connect(dsn) as pg:
            pg.execute("SET TIME ZONE 'UTC'")  # SQLite keeps registration times as naive UTC text
            for table in metadata.sorted_tables:
                columns = [c.name for c in table.columns]
                quoted = ", ".join(f'"{c}"' for c in columns)
                cursor = lite.execute(f'SELECT {quoted} FROM "{table.name}" ORDER BY 1')
                with pg.cursor().copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
                    for row in cursor:
                        copy.write_row(row)
                        total += 1
                if "id" in columns and _integer_key(table):
                    pg.execute(
                        f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                        f"coalesce((SELECT max(id) FROM \"{table.name}\"), 0) + 1, false)"
                    )
        with psycopg.connect(dsn, autocommit=True) as pg:
            pg.execute("VACUUM ANALYZE")
    finally:
        lite.close()
    return total


def _integer_key(table: Any) -> bool:
    """Whether ``table.id`` is a serial integer (whose sequence needs moving past the copied rows)."""
    try:
        return table.c.id.type.python_type is int and table.c.id.autoincrement is not False
    except NotImplementedError:
        return False


async def fresh_postgresql(template: str, name: str = "mo_bench_run") -> str:
    """A new database ``name`` made from ``template``; returns its SQLAlchemy URL."""
    await _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    await _admin(f"CREATE DATABASE {name} TEMPLATE {template}")
    return f"{PG_SERVER}/{name}"


async def drop_postgresql(name: str) -> None:
    await _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=list(SIZES), default="S")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--force", action="store_true", help="regenerate even when cached")
    parser.add_argument("--profile", metavar="FILE", help="profile the generation with pyinstrument into FILE (text)")
    args = parser.parse_args(argv)
    size = SIZES[args.size]

    async def run() -> None:
        await ensure_sqlite(size, args.seed, force=args.force)
        if args.backend in ("postgresql", "both"):
            await ensure_postgresql(size, args.seed, force=args.force)

    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(async_mode="enabled")
        profiler.start()
        asyncio.run(run())
        profiler.stop()
        Path(args.profile).write_text(profiler.output_text(unicode=True, color=False, show_all=False))
    else:
        asyncio.run(run())
    report = read_report(size, args.seed)
    print(f"{size.name}: {report['writes']} writes at {report['rate']:.0f} writes/s "
          f"({report['seconds']:.1f} s when generated); {sqlite_dataset(size, args.seed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
