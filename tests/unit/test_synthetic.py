"""The synthetic population generator: deterministic, plausible, valid codes."""

from __future__ import annotations

from collections import Counter
from datetime import date

from app.domain import codes, geography
from app.domain.declaration import age_on
from app.domain.synthetic import generate

AS_OF = date(2026, 11, 1)


def sample(n: int = 3000, seed: int = 11) -> list:
    return list(generate(n, seed=seed, as_of=AS_OF))


def test_same_seed_same_households() -> None:
    first = [h.declaration for h in generate(50, seed=3, as_of=AS_OF)]
    again = [h.declaration for h in generate(50, seed=3, as_of=AS_OF)]
    assert first == again


def test_every_answer_uses_a_known_code() -> None:
    for household in sample(800):
        d = household.declaration
        residence = d["residence"]
        assert geography.province_in_region(residence["province"], residence["region"])
        assert residence["milieu"] in codes.MILIEUS
        assert residence["phone"][:4] == "+212" and residence["phone"][4] in "67"
        assert len(residence["phone"]) == 13
        housing = d["housing"]
        assert housing["dwelling_type"] in codes.DWELLING_TYPES
        assert housing["occupancy"] in codes.OCCUPANCIES
        assert (housing["monthly_rent"] is not None) == (housing["occupancy"] == "tenant")
        assert housing["rooms"] >= 1
        assert housing["water_source"] in codes.WATER_SOURCES
        assert housing["sanitation"] in codes.SANITATIONS
        assert housing["electricity"] in codes.ELECTRICITY_SOURCES
        assert housing["cooking_energy"] in codes.COOKING_ENERGIES
        assert ("cattle" in d["assets"]) == (residence["milieu"] == "rural")
        assert d["members"][0]["relation"] == "self"
        for member in d["members"]:
            age = age_on(date.fromisoformat(member["birth_date"]), AS_OF)
            assert 0 <= age <= 100
            assert member["education"] in codes.EDUCATION_LEVELS
            assert member["activity"] in codes.ACTIVITIES
            assert (member["occupation"] is not None) == (
                member["activity"] in codes.WORKING_ACTIVITIES
            )
            assert (member["in_school"] is not None) == (
                codes.SCHOOL_AGE_MIN <= age <= codes.SCHOOL_AGE_MAX
            )
        assert age_on(date.fromisoformat(d["members"][0]["birth_date"]), AS_OF) >= codes.ADULT_AGE


def test_the_population_looks_like_morocco() -> None:
    households = sample()
    milieus = Counter(h.declaration["residence"]["milieu"] for h in households)
    urban_share = milieus["urban"] / len(households)
    assert 0.55 < urban_share < 0.72
    regions = Counter(h.region for h in households)
    assert regions.most_common(1)[0][0] == "casablanca-settat"
    assert set(regions) <= set(geography.region_codes())
    sizes = [len(h.persons) for h in households]
    assert 4.0 < sum(sizes) / len(sizes) < 5.2
    assert max(sizes) >= 10

    # The countryside is less connected to the water network than towns.
    def share_network(milieu: str) -> float:
        group = [h for h in households if h.declaration["residence"]["milieu"] == milieu]
        return sum(
            h.declaration["housing"]["water_source"] == "network_in_dwelling" for h in group
        ) / len(group)

    assert share_network("urban") > share_network("rural") + 0.1


def test_idcs_numbers_are_unique_and_synthetic() -> None:
    idcs = [p.idcs for h in sample(500) for p in h.persons]
    assert len(idcs) == len(set(idcs))
    assert all(len(i) == 10 and i.startswith("2") for i in idcs)
