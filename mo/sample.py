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

from bitemporal import Interval, utcnow
from mo.db.tables import organisation
from mo.model.models import CLASS, ENGAGEMENT, FACET, ORG_UNIT, PERSON
from mo.model.spec import Model
from mo.service import writes
from mo.service.context import WriteContext
from mo.service.transaction import writing
from mo.timezone import day_of

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


# --- the classification and the organisation --------------------------------------

_Classes = tuple[tuple[str, str, str | None], ...]  # (user_key, name, scope)


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split(", "))


#: directorate -> department -> (type of the units below it, their names, their teams, the jobs).
_DIRECTORATES: dict[str, dict[str, tuple[str, str, str, str]]] = {
    "Børn og Unge": {
        "Skoler": ("Skole", "{place}skolen", "Indskoling, Mellemtrin, Udskoling, SFO, Specialklasser",
                   "Lærer, Pædagog, Pædagogmedhjælper, Skoleleder, Skolesekretær"),
        "Dagtilbud": ("Institution", "Børnehuset {place}, Vuggestuen {place}, Dagtilbud {place}",
                      "Vuggestuegruppen, Børnehavegruppen, Køkken", "Pædagog, Pædagogmedhjælper, Pædagogisk assistent"),
        "Familie og Forebyggelse": ("Center", "Familiehuset {place}, Familiecenter {compass}",
                                    "Myndighed, Forebyggelse, Anbringelser", "Socialrådgiver, Familiebehandler"),
        "Pædagogisk Psykologisk Rådgivning": ("Afdeling", "PPR {compass}", "Psykologer, Tale-høre",
                                              "Psykolog, Tale-hørekonsulent"),
        "Sundhedsplejen": ("Afdeling", "Sundhedsplejen {compass}", "Spæd og småbørn, Skolesundhed",
                           "Sundhedsplejerske, Kontorfuldmægtig"),
        "Ungdomsskolen": ("Institution", "Ungdomsklubben {place}", "Undervisning, Klubaftener",
                          "Ungdomsskolelærer, Klubmedarbejder"),
    },
    "Social og Sundhed": {
        "Hjemmeplejen": ("Afdeling", "Hjemmepleje {compass}", "Dagvagt, Aftenvagt, Nattevagt",
                         "Social- og sundhedshjælper, Social- og sundhedsassistent, Sygeplejerske"),
        "Plejecentre": ("Center", "Plejecenter {place}", "Dagvagt, Aftenvagt, Nattevagt, Køkken, Demensenhed",
                        "Social- og sundhedsassistent, Social- og sundhedshjælper, Sygeplejerske, Køkkenassistent"),
        "Handicap og Psykiatri": ("Institution", "Bostedet {place}, Botilbuddet {place}, Værestedet {place}",
                                  "Dagvagt, Aftenvagt, Nattevagt", "Pædagog, Social- og sundhedsassistent"),
        "Træning og Rehabilitering": ("Center", "Træningscenter {place}, Aktivitetscenter {place}",
                                      "Træning, Hjælpemidler", "Fysioterapeut, Ergoterapeut, Terapeutassistent"),
        "Sygeplejen": ("Afdeling", "Sygepleje {compass}", "Dagvagt, Aftenvagt, Nattevagt",
                       "Sygeplejerske, Social- og sundhedsassistent"),
        "Myndighed": ("Afdeling", "Visitation {compass}", "Hjælpemidler, Boliger, Personlig pleje",
                      "Visitator, Socialrådgiver, Kontorfuldmægtig"),
    },
    "Teknik og Miljø": {
        "Vej og Park": ("Afdeling", "Driftsområde {compass}", "Vejdrift, Grønne områder, Vintertjeneste",
                        "Vejmand, Gartner, Maskinfører"),
        "Byg og Miljø": ("Afdeling", "Byggesager {compass}, Miljøtilsyn {compass}", "Erhverv, Bolig, Landbrug",
                         "Byggesagsbehandler, Miljømedarbejder, Ingeniør"),
        "Plan og Udvikling": ("Afdeling", "Lokalplaner {compass}, Mobilitet {compass}", "Planlægning, GIS",
                              "Planlægger, Landinspektør, Arkitekt"),
        "Natur og Vand": ("Afdeling", "Natur {compass}, Vandløb {compass}", "Natur, Vandløb, Grundvand",
                          "Biolog, Miljømedarbejder, Ingeniør"),
        "Affald og Genbrug": ("Institution", "Genbrugsplads {place}", "Pladsen, Indsamling", "Pladsmand, Chauffør"),
        "Ejendomme": ("Afdeling", "Ejendomsservice {compass}", "Teknisk service, Rengøring, Vedligehold",
                      "Servicemedarbejder, Rengøringsassistent, Håndværker"),
    },
    "Kultur og Fritid": {
        "Bibliotekerne": ("Institution", "{place} Bibliotek", "Udlån, Formidling, Børn og unge",
                          "Bibliotekar, Biblioteksassistent"),
        "Kulturhuse": ("Institution", "Kulturhuset {place}, Medborgerhuset {place}", "Drift, Arrangementer",
                       "Kulturmedarbejder, Servicemedarbejder"),
        "Musikskolen": ("Institution", "Musikskolen {place}", "Strygere, Blæsere, Rytmisk", "Musikskolelærer"),
        "Idræt og Fritid": ("Institution", "{place} Idrætscenter, {place} Svømmehal", "Drift, Svømning, Booking",
                            "Livredder, Servicemedarbejder, Idrætskonsulent"),
        "Museer og Arkiver": ("Institution", "Lokalarkivet {place}, {place} Museum", "Samlinger, Formidling",
                              "Arkivar, Museumsinspektør"),
    },
    "Økonomi og Administration": {
        "Økonomi": ("Afdeling", "Budget og Analyse, Regnskab, Opkrævning", "Team {compass}",
                    "Økonomimedarbejder, Controller, Bogholder"),
        "HR og Personale": ("Afdeling", "Løn, Rekruttering, Arbejdsmiljø", "Team {compass}",
                            "HR-konsulent, Lønkonsulent, Arbejdsmiljøkonsulent"),
        "IT og Digitalisering": ("Afdeling", "IT-drift, IT-support, Digitalisering", "Team {compass}",
                                 "IT-medarbejder, IT-supporter, Digitaliseringskonsulent"),
        "Borgerservice": ("Afdeling", "Borgerservice {place}", "Pas og kørekort, Skranke, Telefoni",
                          "Kontorfuldmægtig, Borgerservicemedarbejder"),
        "Sekretariat og Politisk Betjening": ("Afdeling", "Direktionssekretariat, Byrådssekretariat, Jura",
                                              "Team {compass}", "Jurist, Specialkonsulent, Kontorfuldmægtig"),
    },
    "Beskæftigelse og Integration": {
        "Jobcenter": ("Center", "Jobcenter {place}", "Sygedagpenge, Kontanthjælp, Fleksjob, Ressourceforløb",
                      "Jobkonsulent, Socialrådgiver, Sagsbehandler"),
        "Ydelsesservice": ("Afdeling", "Ydelser {compass}", "Kontanthjælp, Boligstøtte",
                           "Sagsbehandler, Kontorfuldmægtig"),
        "Integration": ("Institution", "Sprogcenter {place}, Integrationshuset {place}", "Danskundervisning, Mentorer",
                        "Sproglærer, Integrationskonsulent, Mentor"),
        "Unge og Uddannelse": ("Center", "Ungecenter {place}", "Vejledning, Uddannelsespålæg",
                               "Uddannelsesvejleder, Socialrådgiver, Mentor"),
    },
}
_DEPARTMENTS = {name: spec for departments in _DIRECTORATES.values() for name, spec in departments.items()}
#: The jobs at the root and in the directorates' own staff.
_TOP_JOBS = _split("Direktør, Chefkonsulent, Specialkonsulent, Kontorfuldmægtig")
_JOBS = tuple(dict.fromkeys([*(j for spec in _DEPARTMENTS.values() for j in _split(spec[3])), *_TOP_JOBS]))


def _named(names: Sequence[str]) -> _Classes:
    return tuple((name, name, None) for name in names)


FACETS: dict[str, _Classes] = {
    "engagement_type": (("ansat", "Ansat", None), ("timeloennet", "Timelønnet", None), ("elev", "Elev", None)),
    "engagement_job_function": _named(_JOBS),
    "org_unit_type": _named(_split("Kommune, Forvaltning, Afdeling, Center, Institution, Skole, Team")),
    "org_unit_level": _named([f"NY{n}-niveau" for n in range(6, 0, -1)]),
    "org_unit_hierarchy": _named(_split("Linjeorganisation, Sikkerhedsorganisation, MED-organisation")),
    "primary_type": (("primary", "Primær", "3000"), ("non-primary", "Ikke-primær", "0"),
                     ("explicitly-primary", "Manuelt primær", "5000")),
    "time_planning": _named(_split("Arbejdstidsplaner, Tjenestetid, Dannes ikke")),
    "employee_address_type": (("EmailEmployee", "Email", "EMAIL"), ("PhoneEmployee", "Telefon", "PHONE"),
                              ("AdressePostEmployee", "Postadresse", "DAR")),
    "org_unit_address_type": (("EmailUnit", "Email", "EMAIL"), ("PhoneUnit", "Telefon", "PHONE"),
                              ("AddressMailUnit", "Postadresse", "DAR"), ("EAN", "EAN-nummer", "EAN"),
                              ("p-nummer", "P-nummer", "PNUMBER"), ("ContactOpenHours", "Åbningstid", "TEXT")),
    "visibility": (("Ekstern", "Må vises eksternt", "PUBLIC"), ("Intern", "Må vises internt", "INTERNAL"),
                   ("Hemmelig", "Hemmelig", "SECRET")),
}
"""Facet user_key -> classes, with OS2mo's user_keys and scopes."""

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
    directorate: str | None
    department: str | None
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
    """The later day the name change is first registered from; a correction moves it back."""


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
    """The job change's true, later start; a correction moves it there from ``job_change``'s day."""


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
    """The tree, level by level: root, directorates, departments, institutions, teams."""
    units, names = plan.units, set[tuple[int | None, str]]()

    def add(names_from: Sequence[str], depth: int, parent: int | None, department: str | None, unit_type: str) -> None:
        # Units up to institutions have names unique in the municipality; teams within their unit.
        scope = parent if depth >= 4 else None
        for _ in range(20):
            name = rng.choice(names_from).format(place=rng.choice(_PLACES), compass=rng.choice(_COMPASS))
            if (scope, name) not in names:
                break
        base, n = name, 2
        while (scope, name) in names:
            name, n = f"{base} {n}", n + 1
        names.add((scope, name))
        directorate = name if depth == 1 else None if parent is None else units[parent].directorate
        index = len(units)
        units.append(_Unit(sample_uuid(plan.seed, "org_unit", index), str(1000 + index), name, depth, parent,
                           directorate, department, unit_type))
        if parent is not None:
            units[parent].children.append(index)

    add([plan.municipality], 0, None, None, "Kommune")
    for directorate in list(_DIRECTORATES)[: min(rng.randint(5, 7), count - 1, len(_DIRECTORATES))]:
        add([directorate], 1, 0, None, "Forvaltning")
    rest = count - len(units)
    sizes = [min(rest, max(len(units) - 1, round(rest * 0.12)))]
    sizes += [min(rest - sizes[0], round(rest * 0.45))]
    sizes += [min(rest - sum(sizes), round(rest * 0.28))]
    sizes += [rest - sum(sizes)]
    # Departments: one per directorate first, then the others in random order.
    shuffled = [(d, name) for d in range(1, len(units)) for name in _DIRECTORATES[units[d].name]]
    rng.shuffle(shuffled)
    firsts = {d: (d, name) for d, name in reversed(shuffled)}
    departments = sorted(firsts.values()) + [pair for pair in shuffled if pair not in firsts.values()]
    for i in range(sizes[0]):
        parent, name = departments[i % len(departments)]
        add([name if i < len(departments) else name + " {compass}"], 2, parent, name, "Afdeling")
    level = list(range(len(units) - sizes[0], len(units)))
    for depth, size in enumerate(sizes[1:], start=3):
        parents = level[:size] + rng.choices(level, k=max(0, size - len(level)))
        before = len(units)
        for parent in parents:
            department = units[parent].department
            assert department is not None
            unit_type, institutions, teams, _ = _DEPARTMENTS[department]
            if depth == 3:
                add(_split(institutions), depth, parent, department, unit_type)
            else:
                add(_split(teams) if depth == 4 else _split("Gruppe A, Gruppe B, Gruppe C"), depth, parent, department,
                    "Team")
        level = list(range(before, len(units))) or level
    for unit in units[1:]:
        unit.start = units[unit.parent or 0].start
        if unit.depth >= 2 and rng.random() < 0.06:  # opened later than the rest
            opened = _month(date(rng.randint(2011, plan.reorganisation.year - 2), 1, 1), rng.randrange(12))
            unit.start = max(unit.start, opened)
        if unit.depth >= 3 and rng.random() < 0.6:
            unit.time_planning = rng.choice(FACETS["time_planning"])[0]


def _plan_unit_changes(plan: _Plan, rng: random.Random) -> None:
    """Closed units, the reorganisation, and a rename and a move after ``today``."""
    units, today = plan.units, plan.today
    leaves = [i for i, u in enumerate(units) if u.depth >= 3 and not u.children]
    for i in rng.sample(leaves, min(len(leaves), max(1, round(len(units) * 0.03)))):
        lo = max(_years_after(units[i].start, 2), date(2015, 1, 1))
        units[i].end = _day_in(rng, lo, today - timedelta(days=60))

    def new_parent(i: int, day: date) -> int | None:
        """Departments change directorate; other units move within their kind of department.

        The new parent is on the old parent's level, so depths never change and no
        unit can end up below its own descendant.
        """
        unit = units[i]
        if unit.depth < 2 or not unit.open_over(day) or unit.start == day or i == plan.renamed:
            return None
        parent = unit.move[1] if unit.move else unit.parent

        def fits(u: _Unit) -> bool:
            if unit.depth == 2:
                return u.directorate != unit.directorate
            return u.department == unit.department

        parents = [p for p, u in enumerate(units)
                   if u.depth == unit.depth - 1 and p != parent and u.open_over(day) and fits(u)]
        return rng.choice(parents) if parents else None

    plan.renamed = rng.choice([i for i, u in enumerate(units) if u.depth == 2 and u.open_over(today)])
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
        self.units = range(len(plan.units))
        self.weights = [(0.3, 1.5, 3, 10, 6, 5)[unit.depth] for unit in plan.units]
        self.employee_number = 10000

    def jobs(self, unit: int) -> tuple[str, ...]:
        department = self.plan.units[unit].department
        return _TOP_JOBS if department is None else _split(_DEPARTMENTS[department][3])

    def other_job(self, unit: int, job: str) -> str:
        return self.rng.choice([j for j in self.jobs(unit) if j != job] or ["Kontorfuldmægtig"])

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
                engagement.job_change = (day, self.other_job(engagement.unit, engagement.job))
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
        second.job_change = (date(2018, 3, 1), self.other_job(steady[-1], second.job))
        second.job_change_from = date(2018, 4, 1)

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


def _plan_sample(seed: int, persons: int, units: int, today: date) -> _Plan:
    """Everything the sample will write, decided up front by ``random.Random(seed)``."""
    if units < 20 or persons < 1:
        raise ValueError(f"units: {units}, persons: {persons}; a sample needs at least 20 units and 1 person")
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
            async with writing(self.engine, SAMPLE_ACTOR, note=f"sample data: {note}", today=self.today) as ctx:
                registrar = ctx.registrar
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

    ``today`` (default: today in the registry's zone) anchors the history: hires
    run from 2012 to it, and a few changes are dated after it. The default size
    takes 20-40 seconds on SQLite or PostgreSQL. A failure midway keeps the steps
    already committed; start again from an empty database.
    """
    today = today or day_of(utcnow())
    plan = _plan_sample(seed, persons, units, today)
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
