"""A seeded, realistic sample municipality, written through the service layer.

``load_sample`` invents an organisation with a classification, a unit tree of about
five levels, persons with valid CPR numbers and their engagements, and a history on
both time axes: units opened and closed over the years, a reorganisation, job
changes, name changes, hires and departures in the past and the future, and
back-dated corrections. Every object goes through ``mo.service.writes``, so every
rule of the registry holds for the result.

The whole population is planned in memory first (one ``random.Random(seed)``, uuids
from ``uuid5`` under a namespace derived from the seed), then written as business
steps, each a few transactions with a registration of its own ("sample data:
<step>"). A given seed and ``today`` always produce the same objects and values;
registration times are the server's clock, as for every other write.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid5

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bitemporal import Interval, Registrar
from mo.db.engine import write_transaction
from mo.db.tables import organisation, registrations
from mo.model.models import CLASS, ENGAGEMENT, FACET, ORG_UNIT, PERSON
from mo.model.spec import Model
from mo.service import writes
from mo.service.context import WriteContext

__all__ = ["SAMPLE_ACTOR", "SampleSummary", "load_sample", "sample_uuid"]

#: The actor of every registration the sample loader writes.
SAMPLE_ACTOR = UUID("5a3b1e00-0000-4000-8000-00000000000a")
_NAMESPACE = UUID("5a3b1e00-7e5d-4c1a-9d3e-6b6f2a0c2026")

#: Writes per transaction; a step with more writes gets several transactions.
BATCH = 1000
UNITS_FROM = date(2010, 1, 1)
HIRES_FROM = date(2012, 1, 1)


def sample_uuid(seed: int, kind: str, key: object) -> UUID:
    """The uuid the sample of ``seed`` gives object ``key`` of ``kind``.

    Kinds: ``organisation``, ``facet`` (key: user_key), ``class`` (key:
    ``"<facet>/<user_key>"``), ``org_unit``, ``person``, ``engagement`` (key: index).
    """
    return uuid5(uuid5(_NAMESPACE, f"seed:{seed}"), f"{kind}/{key}")


@dataclass(frozen=True, slots=True)
class SampleSummary:
    """What ``load_sample`` wrote, and some objects worth looking at."""

    seed: int
    today: date
    facets: int
    classes: int
    units: int
    persons: int
    engagements: int
    registrations: int
    organisation: UUID
    root_unit: UUID
    person_with_history: UUID
    """Married (name change, corrected back in time) and two engagements: one ended,
    one with a job change whose date was corrected."""
    engagement_with_history: UUID
    reorganised_unit: UUID
    """Moved to another parent in the past reorganisation."""
    closed_unit: UUID
    """Terminated in the past."""
    future_renamed_unit: UUID
    future_moved_unit: UUID
    reorganisation_date: date


# --- the classification ---------------------------------------------------------

_Classes = tuple[tuple[str, str, str | None], ...]  # (user_key, name, scope)


def _named(names: str) -> _Classes:
    return tuple((name, name, None) for name in names.split(", "))


_JOBS_BY_DOMAIN: dict[str, str] = {
    "Børn og Unge": "Lærer, Pædagog, Pædagogmedhjælper, Skoleleder, Dagplejer, Psykolog, Sundhedsplejerske, "
    "Socialrådgiver, Kontorfuldmægtig",
    "Social og Sundhed": "Social- og sundhedsassistent, Social- og sundhedshjælper, Sygeplejerske, Fysioterapeut, "
    "Ergoterapeut, Socialrådgiver, Pædagog, Køkkenassistent, Rengøringsassistent, Kontorfuldmægtig",
    "Teknik og Miljø": "Ingeniør, Byggesagsbehandler, Vejmand, Gartner, Maskinfører, Miljømedarbejder, "
    "Planlægger, Konsulent, Kontorfuldmægtig",
    "Kultur og Fritid": "Bibliotekar, Biblioteksassistent, Kulturmedarbejder, Musikskolelærer, Driftsmedarbejder, "
    "Livredder, Arkivar, Kontorfuldmægtig",
    "Økonomi og Administration": "Kontorfuldmægtig, Konsulent, Specialkonsulent, Økonomimedarbejder, "
    "Lønkonsulent, IT-medarbejder, Jurist, HR-konsulent",
    "Beskæftigelse og Integration": "Jobkonsulent, Socialrådgiver, Sagsbehandler, Virksomhedskonsulent, "
    "Sproglærer, Kontorfuldmægtig",
}
_TOP_JOBS = "Direktør, Chefkonsulent, Specialkonsulent, Kontorfuldmægtig"


def _all_jobs() -> str:
    names = [n for text in (*_JOBS_BY_DOMAIN.values(), _TOP_JOBS) for n in text.split(", ")]
    return ", ".join(dict.fromkeys(names))


FACETS: dict[str, _Classes] = {
    "engagement_type": (("ansat", "Ansat", None), ("timeloennet", "Timelønnet", None), ("elev", "Elev", None)),
    "engagement_job_function": _named(_all_jobs()),
    "org_unit_type": _named("Kommune, Forvaltning, Afdeling, Center, Institution, Skole, Team"),
    "org_unit_level": _named(", ".join(f"NY{n}-niveau" for n in range(6, 0, -1))),
    "org_unit_hierarchy": _named("Linjeorganisation, Sikkerhedsorganisation, MED-organisation"),
    "primary_type": (("primary", "Primær", "3000"), ("non-primary", "Ikke-primær", "0"),
                     ("explicitly-primary", "Manuelt primær", "5000")),
    "time_planning": _named("Arbejdstidsplaner, Tjenestetid, Dannes ikke"),
    "employee_address_type": (("EmailEmployee", "Email", "EMAIL"), ("PhoneEmployee", "Telefon", "PHONE"),
                              ("AdressePostEmployee", "Postadresse", "DAR")),
    "org_unit_address_type": (("EmailUnit", "Email", "EMAIL"), ("PhoneUnit", "Telefon", "PHONE"),
                              ("AddressMailUnit", "Postadresse", "DAR"), ("EAN", "EAN-nummer", "EAN"),
                              ("p-nummer", "P-nummer", "PNUMBER"), ("ContactOpenHours", "Åbningstid", "TEXT")),
    "visibility": (("Ekstern", "Må vises eksternt", "PUBLIC"), ("Intern", "Må vises internt", "INTERNAL"),
                   ("Hemmelig", "Hemmelig", "SECRET")),
}


# --- the organisation ------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Domain:
    name: str
    departments: tuple[str, ...]
    institutions: tuple[tuple[str, str], ...]  # (name pattern, unit type)
    teams: tuple[str, ...]


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split(", "))


_DOMAINS = (
    _Domain("Børn og Unge", _split("Skoler, Dagtilbud, Familie og Forebyggelse, Pædagogisk Psykologisk Rådgivning, "
                                   "Sundhedsplejen, Ungdomsskolen, Dagplejen"),
            (("{place}skolen", "Skole"), ("Børnehuset {place}", "Institution"), ("Vuggestuen {place}", "Institution"),
             ("Dagtilbud {place}", "Institution"), ("Familiehuset {place}", "Center")),
            _split("Indskoling, Mellemtrin, Udskoling, SFO, Specialklasser, Vuggestuegruppen, Børnehavegruppen, "
                   "Team {compass}")),
    _Domain("Social og Sundhed", _split("Hjemmeplejen, Plejecentre, Sundhed og Forebyggelse, Handicap og Psykiatri, "
                                        "Myndighed, Træning og Rehabilitering, Sygeplejen"),
            (("Plejecenter {place}", "Center"), ("Hjemmepleje {compass}", "Afdeling"),
             ("Bostedet {place}", "Institution"), ("Aktivitetscenter {place}", "Center"),
             ("Træningscenter {place}", "Center")),
            _split("Dagvagt, Aftenvagt, Nattevagt, Demensteam, Køkken, Visitation, Team {compass}")),
    _Domain("Teknik og Miljø", _split("Vej og Park, Byg og Miljø, Plan og Udvikling, Natur og Vand, "
                                      "Affald og Genbrug, Materielgården, Ejendomme"),
            (("Genbrugsplads {place}", "Institution"), ("Driftsområde {compass}", "Afdeling"),
             ("Ejendomsservice {compass}", "Afdeling"), ("Grønne områder {compass}", "Afdeling")),
            _split("Vintertjeneste, Værksted, Administration, Sagsbehandling, Team {compass}")),
    _Domain("Kultur og Fritid", _split("Bibliotekerne, Kulturhuse, Musikskolen, Idræt og Fritid, Museer og Arkiver"),
            (("{place} Bibliotek", "Institution"), ("Kulturhuset {place}", "Institution"),
             ("{place} Idrætscenter", "Institution"), ("{place} Svømmehal", "Institution"),
             ("Lokalarkivet {place}", "Institution")),
            _split("Udlån, Formidling, Drift, Børn og Unge, Team {compass}")),
    _Domain("Økonomi og Administration", _split("Økonomi, HR og Personale, IT og Digitalisering, Borgerservice, "
                                                "Sekretariat og Politisk Betjening, Løn, Indkøb"),
            (("Borgerservice {place}", "Afdeling"), ("Budget og Analyse {compass}", "Afdeling"),
             ("Kontaktcenter {compass}", "Afdeling"), ("IT-support {compass}", "Afdeling")),
            _split("Regnskab, Rekruttering, Arbejdsmiljø, Drift, Jura, Team {compass}")),
    _Domain("Beskæftigelse og Integration", _split("Jobcenter, Ydelsesservice, Integration, Virksomhedsservice, "
                                                   "Unge og Uddannelse"),
            (("Jobcenter {place}", "Center"), ("Sprogcenter {place}", "Institution"),
             ("Ydelser {compass}", "Afdeling")),
            _split("Sygedagpenge, Kontanthjælp, Fleksjob, Ressourceforløb, Team {compass}")),
)
_PLACES = _split("Søndervang, Bakkely, Egebjerg, Nørremark, Kirkebakke, Skovgården, Lindely, Åparken, Højvang, "
                 "Strandby, Rosenhøj, Engvang, Bøgely, Fjordvang, Møllevang, Granly, Solbakke, Tjørnehøj, Birkelund, "
                 "Hyldegården, Kærby, Lyngbakke, Vestervang, Østerbro, Ådalen, Havrevang, Kløvermarken, Slotsbakke, "
                 "Toftegård, Elmely, Agerbæk, Grønnegade, Nordby, Sønderby, Bækgården, Fuglebakken, Lærkevang")
_COMPASS = _split("Nord, Syd, Øst, Vest, Midt")
_TOWN_PARTS = (_split("Fjord, Skov, Bakke, Sø, Eng, Lyng, Mølle, Birke, Hede, Å"), _split("bæk, holm, strup, lev, rød"))

# --- people ----------------------------------------------------------------------

_WOMEN = _split("Anne, Mette, Kirsten, Hanne, Helle, Susanne, Lene, Maria, Marianne, Inge, Camilla, Louise, Pia, "
                "Charlotte, Tina, Julie, Sofie, Ida, Emma, Line, Rikke, Karina, Birgitte, Lone, Signe, Cecilie, "
                "Maja, Freja, Laura, Katrine, Malene, Dorthe, Gitte, Bente, Trine, Nanna")
_MEN = _split("Peter, Jens, Lars, Michael, Henrik, Søren, Thomas, Jan, Niels, Anders, Morten, Jesper, Martin, "
              "Rasmus, Christian, Mads, Kim, Jørgen, Ole, Mikkel, Frederik, Jonas, Kasper, Simon, Mathias, Emil, "
              "Nikolaj, Bo, Poul, Steen, Troels, Kristian, Magnus, Oliver, Lasse, Esben")
_SURNAMES = _split("Jensen, Nielsen, Hansen, Pedersen, Andersen, Christensen, Larsen, Sørensen, Rasmussen, "
                   "Jørgensen, Petersen, Madsen, Kristensen, Olsen, Thomsen, Christiansen, Poulsen, Johansen, "
                   "Møller, Mortensen, Knudsen, Jakobsen, Mikkelsen, Lauridsen, Frederiksen, Østergaard, Dahl, "
                   "Kjær, Holm, Lund, Bach, Schmidt, Iversen, Due, Bak, Overgaard, Vestergaard, Nørgaard, Friis")


@dataclass(slots=True)
class _Unit:
    uuid: UUID
    user_key: str
    name: str
    depth: int
    parent: int | None
    domain: _Domain | None
    unit_type: str
    start: date = UNITS_FROM
    end: date | None = None
    time_planning: str | None = None
    children: list[int] = field(default_factory=list)
    move: tuple[date, int] | None = None
    rename: tuple[date, str] | None = None

    def open_over(self, day: date) -> bool:
        """Valid from ``day`` on (started by then, never closed)."""
        return self.end is None and self.start <= day


@dataclass(slots=True)
class _Person:
    uuid: UUID
    cpr: str
    birth: date
    given_name: str
    surname: str
    nickname: str | None = None
    seniority: date | None = None
    new_surname: tuple[date, str] | None = None
    registered_from: date | None = None
    """When the name change was first (wrongly) registered from; corrected later."""


@dataclass(slots=True)
class _Engagement:
    uuid: UUID
    user_key: str
    person: int
    unit: int
    engagement_type: str
    job: str
    primary: str
    fraction: int | None
    start: date
    end: date | None = None
    job_change: tuple[date, str] | None = None
    job_change_from: date | None = None
    """The job change's true start, corrected back from ``job_change``'s date."""


@dataclass(slots=True)
class _Plan:
    seed: int
    today: date
    reorganisation: date
    municipality: str
    units: list[_Unit] = field(default_factory=list)
    persons: list[_Person] = field(default_factory=list)
    engagements: list[_Engagement] = field(default_factory=list)
    renamed: int = 0
    future_move: tuple[int, date, int] | None = None  # (unit, from, new parent)


def _month(day: date, months: int = 0) -> date:
    """The first of the month ``months`` after ``day``'s month."""
    n = day.year * 12 + day.month - 1 + months
    return date(n // 12, n % 12 + 1, 1)


def _day_in(rng: random.Random, lo: date, hi: date) -> date | None:
    """A day in ``[lo, hi)``, mostly a first of month (as most changes are); None if empty."""
    if lo >= hi:
        return None
    first = _month(lo, 0 if lo.day == 1 else 1)
    months = (hi.year - first.year) * 12 + hi.month - first.month + (hi.day > 1)
    if months > 0 and rng.random() < 0.8:
        return _month(first, rng.randrange(months))
    return lo + timedelta(days=rng.randrange((hi - lo).days))


def _years_after(day: date, years: int) -> date:
    return date(day.year + years, day.month, 28 if (day.month, day.day) == (2, 29) else day.day)


# --- planning ------------------------------------------------------------------------


def _plan_units(plan: _Plan, rng: random.Random, count: int) -> None:
    key = iter(range(1000, 10**9))
    used: set[str] = set()

    def unique(name: str) -> str:
        candidate, n = name, 2
        while candidate in used:
            candidate, n = f"{name} {n}", n + 1
        used.add(candidate)
        return candidate

    def add(name: str, depth: int, parent: int | None, domain: _Domain | None, unit_type: str) -> int:
        index = len(plan.units)
        unit = _Unit(sample_uuid(plan.seed, "org_unit", index), str(next(key)), unique(name), depth, parent, domain,
                     unit_type)
        plan.units.append(unit)
        if parent is not None:
            plan.units[parent].children.append(index)
        return index

    def fill(pattern: str) -> str:
        return pattern.format(place=rng.choice(_PLACES), compass=rng.choice(_COMPASS))

    root = add(plan.municipality, 0, None, None, "Kommune")
    domains = _DOMAINS[: min(rng.randint(5, 7), count - 1, len(_DOMAINS))]
    level = [add(d.name, 1, root, d, "Forvaltning") for d in domains]
    rest = count - len(plan.units)
    sizes = [min(rest, max(len(level), round(rest * 0.15)))]
    for share in (0.45, 0.28):
        sizes.append(min(rest - sum(sizes), round(rest * share)))
    sizes.append(rest - sum(sizes))
    for depth, size in enumerate(sizes, start=2):
        parents = [level[i % len(level)] for i in range(min(size, len(level)))]
        parents += rng.choices(level, k=size - len(parents))
        below: list[int] = []
        for parent in parents:
            domain = plan.units[parent].domain
            assert domain is not None
            if depth == 2:
                taken = {plan.units[c].name for c in plan.units[parent].children}
                free = [d for d in domain.departments if d not in taken]
                name, unit_type = (free[0] if free else fill(f"{domain.departments[0]} {{compass}}")), "Afdeling"
            elif depth == 3:
                pattern, unit_type = rng.choice(domain.institutions)
                name = fill(pattern)
            else:
                name, unit_type = fill(rng.choice(domain.teams)), "Team"
            below.append(add(name, depth, parent, domain, unit_type))
        level = below or level
    for unit in plan.units[1:]:
        unit.start = plan.units[unit.parent or 0].start
        if unit.depth >= 2 and rng.random() < 0.06:  # opened later than the rest
            opened = _month(date(rng.randint(2011, plan.reorganisation.year - 2), 1, 1), rng.randrange(12))
            unit.start = max(unit.start, opened)
        if unit.depth >= 3 and rng.random() < 0.6:
            unit.time_planning = rng.choice(FACETS["time_planning"])[0]


def _plan_unit_changes(plan: _Plan, rng: random.Random) -> None:
    units, today = plan.units, plan.today
    leaves = [i for i, u in enumerate(units) if u.depth >= 3 and not u.children]
    for i in rng.sample(leaves, min(len(leaves), max(1, round(len(units) * 0.03)))):  # closed in the past
        lo = max(_years_after(units[i].start, 2), date(2015, 1, 1))
        units[i].end = _day_in(rng, lo, today - timedelta(days=60))

    # New parents come from the old parent's level, so depths never change and no
    # unit can end up below its own descendant.
    def new_parent(i: int, day: date) -> int | None:
        unit = units[i]
        if unit.depth < 2 or not unit.open_over(day) or unit.start == day or unit.move or i == plan.renamed:
            return None
        same = [p for p, u in enumerate(units) if u.depth == unit.depth - 1 and p != unit.parent and u.open_over(day)]
        return rng.choice(same) if same else None

    renamed = [i for i, u in enumerate(units) if u.depth == 2 and u.open_over(today)]
    plan.renamed = rng.choice(renamed)
    units[plan.renamed].rename = (_month(today, 4), f"Center for {units[plan.renamed].name}")
    moved = [i for i in range(len(units)) if new_parent(i, plan.reorganisation) is not None]
    for i in rng.sample(moved, min(len(moved), max(1, round(len(units) * 0.05)))):
        parent = new_parent(i, plan.reorganisation)
        assert parent is not None
        units[i].move = (plan.reorganisation, parent)
    day = _month(today, 6)
    for i in rng.sample(range(len(units)), len(units)):
        parent = new_parent(i, day)
        if parent is not None:
            plan.future_move = (i, day, parent)
            break


def _cpr(rng: random.Random, birth: date, female: bool, used: set[str]) -> str:
    while True:
        century = rng.randint(0, 3) if birth.year < 2000 else rng.choice((4, 9))
        last = rng.randrange(0, 10, 2) if female else rng.randrange(1, 10, 2)
        cpr = f"{birth:%d%m}{birth.year % 100:02d}{century}{rng.randrange(100):02d}{last}"
        if cpr not in used:
            used.add(cpr)
            return cpr


def _plan_persons(plan: _Plan, rng: random.Random, count: int) -> None:
    used: set[str] = set()
    first, last = date(1960, 1, 1).toordinal(), date(2004, 12, 31).toordinal()
    for index in range(count):
        female = rng.random() < 0.62  # municipal staff are mostly women
        birth = date.fromordinal(rng.randint(first, last) if index else rng.randint(first, first + 9000))
        names = _WOMEN if female else _MEN
        given = rng.choice(names) if rng.random() < 0.75 else " ".join(rng.sample(names, 2))
        surname = rng.choice(_SURNAMES) if rng.random() < 0.8 else " ".join(rng.sample(_SURNAMES, 2))
        person = _Person(sample_uuid(plan.seed, "person", index), _cpr(rng, birth, female, used), birth, given, surname)
        if " " in given and rng.random() < 0.3:
            person.nickname = given.split(" ")[1]
        if index == 0 or rng.random() < 0.04:  # a marriage; a third of them first registered from a wrong date
            day = _day_in(rng, date(2013, 1, 1), plan.today - timedelta(days=120))
            assert day is not None
            person.new_surname = (day, rng.choice([s for s in _SURNAMES if s != surname.split(" ")[-1]]))
            if index == 0 or rng.random() < 0.35:
                person.registered_from = _month(day, 2)
        plan.persons.append(person)


class _Staffing:
    """Plans the engagements: who works where, from when to when, as what."""

    def __init__(self, plan: _Plan, rng: random.Random) -> None:
        self.plan, self.rng = plan, rng
        self.units = [i for i, u in enumerate(plan.units) if u.depth > 0 or len(plan.units) == 1]
        self.weights = [(0.3, 1.5, 3, 10, 6, 5)[plan.units[i].depth] for i in self.units]
        self.employee_number = 10000

    def jobs(self, unit: int) -> tuple[str, ...]:
        domain = self.plan.units[unit].domain
        return _split(_TOP_JOBS if self.plan.units[unit].depth < 2 or domain is None else _JOBS_BY_DOMAIN[domain.name])

    def add(self, person: int, unit: int, start: date, primary: str, engagement_type: str | None = None) -> _Engagement:
        rng, plan = self.rng, self.plan
        self.employee_number += rng.randint(1, 9)
        if engagement_type is None:
            young = start.year - plan.persons[person].birth.year < 22
            hourly = rng.random() < (0.6 if primary == "non-primary" else 0.07)
            engagement_type = "elev" if young and rng.random() < 0.5 else "timeloennet" if hourly else "ansat"
        fraction = rng.choice((1000000, 1000000, 864865, 810811, 675676, 540541)) if rng.random() < 0.4 else None
        engagement = _Engagement(
            sample_uuid(plan.seed, "engagement", len(plan.engagements)), f"{self.employee_number:06d}", person, unit,
            engagement_type, rng.choice(self.jobs(unit)), primary, fraction, start, end=plan.units[unit].end,
        )
        plan.engagements.append(engagement)
        return engagement

    def hire(self, person: int, primary: str) -> None:
        rng, plan, today = self.rng, self.plan, self.plan.today
        adult = _years_after(plan.persons[person].birth, 18)
        for _ in range(10):
            unit = rng.choices(self.units, self.weights)[0]
            end = plan.units[unit].end
            if rng.random() < 0.02 and end is None:  # hired, starting after today
                start = _day_in(rng, max(adult, today + timedelta(days=14)), today + timedelta(days=180))
                if start is not None:
                    self.add(person, unit, start, primary)
                    return
            hi = end - timedelta(days=60) if end else today
            start = _day_in(rng, max(HIRES_FROM, plan.units[unit].start, adult), hi)
            if start is not None:
                self.life(self.add(person, unit, start, primary))
                return

    def life(self, engagement: _Engagement) -> None:
        """Departure and job change (maybe corrected later) of a started engagement."""
        rng, today = self.rng, self.plan.today
        if engagement.end is None and rng.random() < 0.105:
            engagement.end = _day_in(rng, engagement.start + timedelta(days=60), today)
        elif engagement.end is None and rng.random() < 0.025:
            engagement.end = _day_in(rng, today + timedelta(days=1), today + timedelta(days=365))
        if rng.random() < 0.15:
            until = min(engagement.end or today, today) - timedelta(days=30)
            day = _day_in(rng, engagement.start + timedelta(days=180), until)
            if day is not None:
                jobs = [j for j in self.jobs(engagement.unit) if j != engagement.job]
                engagement.job_change = (day, rng.choice(jobs))
                if rng.random() < 0.15 and _month(day, 1) < until:
                    engagement.job_change_from = _month(day, 1)

    def history_person(self) -> None:
        """Person 0: an engagement that ended and one with a (corrected) job change."""
        units = self.plan.units
        steady = [i for i in self.units if units[i].depth >= 2 and units[i].open_over(UNITS_FROM) and not units[i].move]
        steady = steady or [i for i, u in enumerate(units) if u.depth == 1]
        first = self.add(0, steady[0], date(2012, 8, 1), "primary", "ansat")
        first.end = date(2016, 1, 1)
        second = self.add(0, steady[-1], date(2016, 1, 1), "primary", "ansat")
        job = next(j for j in self.jobs(steady[-1]) if j != second.job)
        second.job_change, second.job_change_from = (date(2018, 3, 1), job), date(2018, 4, 1)

    def staff(self) -> None:
        self.history_person()
        engagements = self.plan.engagements
        for person in range(1, len(self.plan.persons)):
            before, roll = len(engagements), self.rng.random()
            if roll >= 0.03:
                self.hire(person, "primary")
            if roll >= 0.90:
                self.hire(person, "non-primary")
            starts = [e.start for e in engagements[before:] if e.start <= self.plan.today]
            if starts and self.rng.random() < 0.2:
                self.plan.persons[person].seniority = _month(min(starts), -12 * self.rng.randint(0, 10))


def plan_sample(seed: int, persons: int, units: int, today: date) -> _Plan:
    """Everything the sample will write, decided up front by ``random.Random(seed)``."""
    if units < 10 or persons < 1:
        raise ValueError("a sample needs at least 10 units and 1 person")
    if today < date(2020, 1, 1):
        raise ValueError(f"today: {today} is before 2020-01-01; the sample's history runs from 2010 to today")
    rng = random.Random(seed)
    town = rng.choice(_TOWN_PARTS[0]) + rng.choice(_TOWN_PARTS[1])
    plan = _Plan(seed, today, date(today.year - 2, 1, 1), f"{town} Kommune")
    _plan_units(plan, rng, units)
    _plan_unit_changes(plan, rng)
    _plan_persons(plan, rng, persons)
    _Staffing(plan, rng).staff()
    return plan


# --- writing ---------------------------------------------------------------------------

_Write = tuple[str, Model, UUID, Interval, dict[str, Any]]  # (create/update/terminate, model, uuid, interval, values)


class _Writer:
    """Runs the writes of one business step in transactions of ``BATCH`` writes."""

    def __init__(self, engine: AsyncEngine, today: date) -> None:
        self.engine, self.today, self.registrations = engine, today, 0

    async def step(self, note: str, batch: Sequence[_Write], *, organisation_row: dict[str, Any] | None = None) -> None:
        for chunk in _chunks(batch, BATCH):
            async with write_transaction(self.engine) as conn:
                registrar = Registrar(conn, registrations, actor=SAMPLE_ACTOR, note=f"sample data: {note}")
                ctx = WriteContext(conn, registrar, self.today)
                if organisation_row is not None:
                    await _insert_organisation(ctx, organisation_row)
                    organisation_row = None
                for kind, model, uuid, interval, values in chunk:
                    if kind == "create":
                        await writes.create(ctx, model, uuid, interval, values)
                    elif kind == "update":
                        await writes.update(ctx, model, uuid, interval, values)
                    else:
                        await writes.terminate(ctx, model, uuid, interval)
                if registrar.registration is not None:
                    self.registrations += 1


def _chunks(items: Sequence[_Write], size: int) -> Iterator[Sequence[_Write]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def _insert_organisation(ctx: WriteContext, row: dict[str, Any]) -> None:
    existing = await ctx.conn.scalar(select(func.count()).select_from(organisation))
    if existing:
        raise ValueError("the database already holds an organisation; load the sample into an empty database")
    await ctx.conn.execute(insert(organisation).values(**row))


def _class(seed: int, facet: str, key: str) -> UUID:
    return sample_uuid(seed, "class", f"{facet}/{key}")


def _classification(seed: int) -> list[_Write]:
    result: list[_Write] = []
    for facet, classes in FACETS.items():
        facet_uuid = sample_uuid(seed, "facet", facet)
        result.append(("create", FACET, facet_uuid, Interval(), {"user_key": facet}))
        result += [
            ("create", CLASS, _class(seed, facet, key), Interval(),
             {"user_key": key, "name": name, "scope": scope, "facet_uuid": facet_uuid})
            for key, name, scope in classes
        ]
    return result


def _unit_writes(plan: _Plan) -> list[_Write]:
    units, seed = plan.units, plan.seed
    return [
        ("create", ORG_UNIT, unit.uuid, Interval.of(unit.start, None), {
            "user_key": unit.user_key,
            "name": unit.name,
            "parent_uuid": None if unit.parent is None else units[unit.parent].uuid,
            "unit_type_uuid": _class(seed, "org_unit_type", unit.unit_type),
            "org_unit_level_uuid": _class(seed, "org_unit_level", f"NY{6 - unit.depth}-niveau"),
            "org_unit_hierarchy_uuid": _class(seed, "org_unit_hierarchy", "Linjeorganisation"),
            "time_planning_uuid": unit.time_planning and _class(seed, "time_planning", unit.time_planning),
        })
        for unit in units
    ]


def _person_writes(plan: _Plan) -> list[_Write]:
    return [
        ("create", PERSON, person.uuid, Interval(), {
            "cpr_number": person.cpr,
            "given_name": person.given_name,
            "surname": person.surname,
            "nickname_given_name": person.nickname,
            "seniority": person.seniority,
        })
        for person in plan.persons
    ]


def _hire_writes(plan: _Plan) -> list[_Write]:
    seed = plan.seed
    return [
        ("create", ENGAGEMENT, e.uuid, Interval.of(e.start, None), {
            "user_key": e.user_key,
            "person_uuid": plan.persons[e.person].uuid,
            "org_unit_uuid": plan.units[e.unit].uuid,
            "engagement_type_uuid": _class(seed, "engagement_type", e.engagement_type),
            "job_function_uuid": _class(seed, "engagement_job_function", e.job),
            "primary_uuid": _class(seed, "primary_type", e.primary),
            "fraction": e.fraction,
        })
        for e in plan.engagements
    ]


def _job(plan: _Plan, job: str) -> dict[str, Any]:
    return {"job_function_uuid": _class(plan.seed, "engagement_job_function", job)}


async def load_sample(
    engine: AsyncEngine, *, seed: int = 2026, persons: int = 3000, units: int = 300, today: date | None = None
) -> SampleSummary:
    """Write a sample municipality into the empty, migrated database behind ``engine``.

    ``today`` (default: the local date) anchors the history: hires run from 2012
    to it, and a few changes are dated after it.
    """
    today = today or date.today()
    plan = plan_sample(seed, persons, units, today)
    u, p, e = plan.units, plan.persons, plan.engagements
    org = {
        "uuid": sample_uuid(seed, "organisation", 0),
        "user_key": plan.municipality,
        "name": plan.municipality,
        "municipality_code": 900 + seed % 100,  # no real municipality has a code above 860
    }
    writer = _Writer(engine, today)
    await writer.step("organisation and classification", _classification(seed), organisation_row=org)
    await writer.step("organisation units", _unit_writes(plan))
    await writer.step("persons", _person_writes(plan))
    await writer.step("hires", _hire_writes(plan))
    await writer.step("job changes", [
        ("update", ENGAGEMENT, x.uuid, Interval.of(x.job_change[0], None), _job(plan, x.job_change[1]))
        for x in e if x.job_change
    ])
    await writer.step("name changes", [
        ("update", PERSON, x.uuid, Interval.of(x.registered_from or x.new_surname[0], None),
         {"surname": x.new_surname[1]})
        for x in p if x.new_surname
    ])
    await writer.step("departures", [
        ("terminate", ENGAGEMENT, x.uuid, Interval.of(x.end, None), {}) for x in e if x.end
    ])
    await writer.step("closed units", [
        ("terminate", ORG_UNIT, x.uuid, Interval.of(x.end, None), {}) for x in u if x.end
    ])
    await writer.step(f"reorganisation {plan.reorganisation}", [
        ("update", ORG_UNIT, x.uuid, Interval.of(x.move[0], None), {"parent_uuid": u[x.move[1]].uuid})
        for x in u if x.move
    ])
    await writer.step("corrections", [
        *(("update", PERSON, x.uuid, Interval.of(x.new_surname[0], x.registered_from), {"surname": x.new_surname[1]})
          for x in p if x.new_surname and x.registered_from),
        *(("update", ENGAGEMENT, x.uuid, Interval.of(x.job_change[0], x.job_change_from), _job(plan, x.job))
          for x in e if x.job_change and x.job_change_from),
    ])
    renamed = u[plan.renamed]
    assert renamed.rename is not None and plan.future_move is not None
    moved, move_from, new_parent = plan.future_move
    await writer.step("future changes", [
        ("update", ORG_UNIT, renamed.uuid, Interval.of(renamed.rename[0], None), {"name": renamed.rename[1]}),
        ("update", ORG_UNIT, u[moved].uuid, Interval.of(move_from, None), {"parent_uuid": u[new_parent].uuid}),
    ])
    return SampleSummary(
        seed=seed,
        today=today,
        facets=len(FACETS),
        classes=sum(len(c) for c in FACETS.values()),
        units=len(u),
        persons=len(p),
        engagements=len(e),
        registrations=writer.registrations,
        organisation=sample_uuid(seed, "organisation", 0),
        root_unit=u[0].uuid,
        person_with_history=p[0].uuid,
        engagement_with_history=e[1].uuid,
        reorganised_unit=next(x.uuid for x in u if x.move),
        closed_unit=next(x.uuid for x in u if x.end),
        future_renamed_unit=renamed.uuid,
        future_moved_unit=u[moved].uuid,
        reorganisation_date=plan.reorganisation,
    )
