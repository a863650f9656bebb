"""The questionnaire's rules, over their bounds (hypothesis)."""

from __future__ import annotations

from datetime import date

from hypothesis import assume, given
from hypothesis import strategies as st

from app.domain import validation
from app.domain.validation import ASSET_LIMITS, SPENDING_LIMITS

VALID_HOUSING = {
    "dwelling_type": "apartment",
    "occupancy": "owner",
    "rooms": "3",
    "wall_material": "concrete_brick",
    "roof_material": "concrete_slab",
    "water_source": "network_in_dwelling",
    "sanitation": "public_sewer",
    "electricity": "individual_meter",
    "cooking_energy": "butane",
}


@given(st.integers(1, 30))
def test_any_number_of_rooms_from_1_to_30_is_accepted(rooms: int) -> None:
    checked = validation.check_housing({**VALID_HOUSING, "rooms": str(rooms)})
    assert checked.valid and checked.values["rooms"] == rooms


@given(st.integers(31, 10**6))
def test_more_than_30_rooms_is_refused(rooms: int) -> None:
    checked = validation.check_housing({**VALID_HOUSING, "rooms": str(rooms)})
    assert checked.problems["rooms"].code == "between"


def test_zero_rooms_gets_its_own_message() -> None:
    assert (
        validation.check_housing({**VALID_HOUSING, "rooms": "0"}).problems["rooms"].code
        == "rooms_at_least_one"
    )


@given(st.sampled_from(sorted(ASSET_LIMITS)), st.integers(0, 10**5))
def test_asset_counts_are_bounded(asset: str, count: int) -> None:
    answers = {name: "0" for name in ASSET_LIMITS} | {"home_internet": "no", asset: str(count)}
    checked = validation.check_equipment(answers, milieu="urban")
    assert checked.valid is (count <= ASSET_LIMITS[asset])


def test_forty_cars_is_refused() -> None:
    answers = {name: "0" for name in ASSET_LIMITS} | {"home_internet": "no", "cars": "40"}
    problem = validation.check_equipment(answers, milieu="urban").problems["cars"]
    assert problem.code == "between" and problem.params == {"min": 0, "max": 10}


@given(st.sampled_from(sorted(SPENDING_LIMITS)), st.integers(-(10**6), -1))
def test_negative_amounts_are_refused(item: str, amount: int) -> None:
    answers = {name: "0" for name in SPENDING_LIMITS} | {item: str(amount)}
    assert validation.check_spending(answers).problems[item].code == "not_negative"


def test_no_spending_at_all_is_possible() -> None:
    assert validation.check_spending({name: "0" for name in SPENDING_LIMITS}).valid


@given(st.text(max_size=12))
def test_anything_else_than_digits_is_not_a_count(text: str) -> None:
    answers = {name: "0" for name in SPENDING_LIMITS} | {"telecom": text}
    checked = validation.check_spending(answers)
    typed = validation.ascii_digits(text).replace(" ", "").strip()
    if typed.isascii() and typed.isdecimal() and int(typed) <= SPENDING_LIMITS["telecom"]:
        assert checked.values["telecom"] == int(typed)
    else:
        assert "telecom" in checked.problems


def test_arabic_keyboard_digits_are_understood() -> None:
    assert (
        validation.check_spending(
            {"electricity_bill": "١٢٠", "water_bill": "۰", "telecom": "0", "butane_bottles": "2"}
        ).values["electricity_bill"]
        == 120
    )
    assert validation.normalize_phone("٠٦١٢٣٤٥٦٧٨") == "+212612345678"


def test_rural_assets_only_in_the_rural_milieu() -> None:
    urban = {name: "0" for name in ASSET_LIMITS} | {"home_internet": "yes"}
    assert validation.check_equipment(urban, milieu="urban").valid
    rural = validation.check_equipment(urban, milieu="rural")
    assert set(rural.problems) == {"cattle", "sheep_goats", "tractors", "farm_land_ha"}
    full = urban | {"cattle": "3", "sheep_goats": "20", "tractors": "0", "farm_land_ha": "1,5"}
    checked = validation.check_equipment(full, milieu="rural")
    assert checked.valid and checked.values["farm_land_ha"] == "1.50"


@given(
    st.sampled_from(["06", "07", "+2126", "+2127", "002126", "2127"]),
    st.text("0123456789", min_size=8, max_size=8),
)
def test_moroccan_mobile_numbers_are_normalised(prefix: str, digits: str) -> None:
    number = prefix + digits
    expected = "+212" + ("6" if "6" in prefix[-1:] else "7") + digits
    assert validation.normalize_phone(number) == expected
    assert validation.normalize_phone(number[:-1]) is None


def test_landline_and_foreign_numbers_are_refused() -> None:
    for number in ("0522123456", "+33612345678", "612345678", "hello"):
        assert validation.normalize_phone(number) is None


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)))
def test_a_birth_date_in_the_future_is_refused(born: date) -> None:
    today = date(2026, 11, 28)
    checked = validation.check_member_lookup(
        {"idcs": "1000000101", "birth_date": born.isoformat()}, today
    )
    assert ("birth_date" in checked.problems) is (born > today)


def test_member_questions_depend_on_age_and_activity() -> None:
    answers = {"relation": "child", "marital_status": "single", "education": "primary", "activity": "student",
               "disability": "no", "health_coverage": "none"}  # fmt: skip
    assert validation.check_member(answers, age=30, is_declarant=False).valid
    assert "in_school" in validation.check_member(answers, age=10, is_declarant=False).problems
    working = answers | {"activity": "employed"}
    assert "occupation" in validation.check_member(working, age=30, is_declarant=False).problems
    declarant = validation.check_member(answers | {"relation": "spouse"}, age=40, is_declarant=True)
    assert declarant.values["relation"] == "self"


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
       st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))  # fmt: skip
def test_born_by_for_age_agrees_with_age_on(born: date, day: date) -> None:
    """The SQL form of "adult" (a birth date bound) says what age_on says."""
    from app.domain.declaration import age_on, born_by_for_age

    assume(day.year >= 1900 + 18)
    assert (age_on(born, day) >= 18) == (born <= born_by_for_age(18, day))
