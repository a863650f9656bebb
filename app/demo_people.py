"""The demo people (README, "Demo people"), shared by ``flask demo seed`` and the development
identity provider, so that what the provider says and what the RNP mirror
holds always agree.

Each logs in by typing their subject on the provider's form. Their ID-token
claims carry the CNIE, the IDCS, their names in Latin and Arabic script
(``given_name#ar``, the OIDC way of tagging a claim's language), the birth
date and the phone.

Demo IDCS numbers start with 1; synthetic ones start with 2.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class DemoPerson:
    """A person in the RNP mirror (``idcs`` None: not in the RNP)."""

    key: str
    idcs: str | None
    cnie: str | None
    first_name_latin: str
    last_name_latin: str
    first_name_ar: str
    last_name_ar: str
    birth_date: date
    sex: str
    phone: str | None = None


@dataclass(frozen=True)
class DemoLogin:
    """A subject on the development identity provider."""

    subject: str
    person_key: str | None = None
    name: str | None = None
    roles: tuple[str, ...] = ()
    office: str | None = None  # a code of app/data/offices.json
    extra: dict[str, Any] = field(default_factory=dict)


PEOPLE = (
    # amina: in the RNP, no household yet; her family is in the RNP too, so
    # that she can add them when she registers.
    DemoPerson(
        "amina",
        "1000000101",
        "BE123456",
        "Amina",
        "Ouali",
        "أمينة",
        "والي",
        date(1988, 3, 14),
        "F",
        "+212612345601",
    ),
    DemoPerson(
        "hassan",
        "1000000102",
        "BE654321",
        "Hassan",
        "Ouali",
        "حسن",
        "والي",
        date(1984, 7, 2),
        "M",
        "+212612345602",
    ),
    DemoPerson(
        "salma_child", "1000000103", None, "Salma", "Ouali", "سلمى", "والي", date(2012, 9, 15), "F"
    ),
    DemoPerson("adam", "1000000104", None, "Adam", "Ouali", "آدم", "والي", date(2017, 1, 20), "M"),
    # youssef's household of 5.
    DemoPerson(
        "youssef",
        "1000000201",
        "AB123456",
        "Youssef",
        "El Amrani",
        "يوسف",
        "العمراني",
        date(1979, 5, 10),
        "M",
        "+212661234567",
    ),
    DemoPerson(
        "fatima",
        "1000000202",
        "AB654321",
        "Fatima",
        "El Amrani",
        "فاطمة",
        "العمراني",
        date(1983, 11, 22),
        "F",
        "+212662345678",
    ),
    DemoPerson(
        "omar_child",
        "1000000203",
        None,
        "Omar",
        "El Amrani",
        "عمر",
        "العمراني",
        date(2008, 4, 3),
        "M",
    ),
    DemoPerson(
        "meryem",
        "1000000204",
        None,
        "Meryem",
        "El Amrani",
        "مريم",
        "العمراني",
        date(2013, 12, 1),
        "F",
    ),
    DemoPerson(
        "khadija",
        "1000000205",
        "A112233",
        "Khadija",
        "Bennani",
        "خديجة",
        "بناني",
        date(1951, 2, 17),
        "F",
    ),
    # karim: holds a CNIE, not in the RNP.
    DemoPerson(
        "karim", None, "K987654", "Karim", "Saidi", "كريم", "السعيدي", date(1995, 2, 3), "M"
    ),
)

LOGINS = (
    DemoLogin("amina", "amina"),
    DemoLogin("youssef", "youssef"),
    DemoLogin("fatima", "fatima"),
    DemoLogin("karim", "karim"),
    DemoLogin(
        "agent.salma",
        name="Salma Idrissi",
        roles=("counter_agent",),
        office="hay-hassani-annex",
    ),
    # A second agent: two agents never serve the same household at once. Sidi
    # Moumen lies in the Préfecture d'arrondissements de Sidi Bernoussi, not
    # in latifa's Hay Hassani, so she does not see his sessions.
    DemoLogin(
        "agent.youness",
        name="Youness Alaoui",
        roles=("counter_agent",),
        office="sidi-moumen-caidat",
    ),
    # Checks the sessions agents opened on an identity check, without a code.
    DemoLogin(
        "supervisor.latifa",
        name="Latifa Cherkaoui",
        roles=("counter_supervisor",),
        office="hay-hassani-prefecture",
    ),
    DemoLogin(
        "reviewer.omar",
        name="Omar Benali",
        roles=("reviewer",),
        office="anr-rsu-rabat",
    ),
    # A second reviewer: corrections that change eligibility need two (four eyes).
    DemoLogin(
        "reviewer.nadia",
        name="Nadia Tazi",
        roles=("reviewer",),
        office="anr-rsu-rabat",
    ),
)

# youssef's household, as declared at registration (version 1).
YOUSSEF_HOUSEHOLD: dict[str, Any] = {
    "residence": {
        "region": "casablanca-settat",
        "province": "casablanca",
        "milieu": "urban",
        "address": "12 rue Al Massira, Hay Hassani",
        "phone": "+212661234567",
    },
    "members": [
        {
            "key": "youssef",
            "relation": "self",
            "marital_status": "married",
            "education": "primary",
            "in_school": None,
            "activity": "self_employed",
            "occupation": "artisan",
            "disability": False,
            "health_coverage": "amo_tadamon",
        },
        {
            "key": "fatima",
            "relation": "spouse",
            "marital_status": "married",
            "education": "lower_secondary",
            "in_school": None,
            "activity": "homemaker",
            "occupation": None,
            "disability": False,
            "health_coverage": "amo_tadamon",
        },
        {
            "key": "omar_child",
            "relation": "child",
            "marital_status": "single",
            "education": "upper_secondary",
            "in_school": True,
            "activity": "student",
            "occupation": None,
            "disability": False,
            "health_coverage": "amo_tadamon",
        },
        {
            "key": "meryem",
            "relation": "child",
            "marital_status": "single",
            "education": "primary",
            "in_school": True,
            "activity": "student",
            "occupation": None,
            "disability": False,
            "health_coverage": "amo_tadamon",
        },
        {
            "key": "khadija",
            "relation": "parent",
            "marital_status": "widowed",
            "education": "none",
            "in_school": None,
            "activity": "other",
            "occupation": None,
            "disability": True,
            "health_coverage": "amo_tadamon",
        },
    ],
    "housing": {
        "dwelling_type": "traditional_house",
        "occupancy": "tenant",
        "monthly_rent": 900,
        "rooms": 2,
        "wall_material": "concrete_brick",
        "roof_material": "tile_metal_sheet",
        "water_source": "network_in_dwelling",
        "sanitation": "public_sewer",
        "electricity": "individual_meter",
        "cooking_energy": "butane",
    },
    "assets": {
        "cars": 0,
        "motorcycles": 0,
        "tvs": 1,
        "satellite_dishes": 1,
        "refrigerators": 1,
        "washing_machines": 0,
        "computers": 0,
        "smartphones": 2,
        "air_conditioners": 0,
        "home_internet": False,
    },
    "spending": {"electricity_bill": 180, "water_bill": 70, "telecom": 100, "butane_bottles": 3},
}


def person(key: str) -> DemoPerson:
    return next(p for p in PEOPLE if p.key == key)


def id_token_claims(login: DemoLogin) -> dict[str, Any]:
    """The claims the development provider puts in this person's ID token."""
    claims: dict[str, Any] = {}
    if login.person_key:
        p = person(login.person_key)
        claims.update(
            {
                "name": f"{p.first_name_latin} {p.last_name_latin}",
                "given_name": p.first_name_latin,
                "family_name": p.last_name_latin,
                "given_name#ar": p.first_name_ar,
                "family_name#ar": p.last_name_ar,
                "birthdate": p.birth_date.isoformat(),
                "gender": "female" if p.sex == "F" else "male",
            }
        )
        if p.idcs:
            claims["idcs"] = p.idcs
        if p.cnie:
            claims["cnie"] = p.cnie
        if p.phone:
            claims["phone_number"] = p.phone
    if login.name:
        claims["name"] = login.name
    if login.roles:
        claims["roles"] = list(login.roles)
    if login.office:
        claims["office"] = login.office
    claims.update(login.extra)
    return claims
