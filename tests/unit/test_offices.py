"""Offices as reference data: codes, names in both languages, a real province."""

from __future__ import annotations

import pytest

from app.demo_people import LOGINS
from app.domain.errors import DomainError
from app.domain.geography import provinces_by_code
from app.domain.offices import office_name, offices_by_code, offices_overseen_from
from app.services.accounts import office_claimed


def test_every_office_lies_in_a_province_of_the_reference_data() -> None:
    for office in offices_by_code().values():
        assert office.province_code in provinces_by_code()
        assert office.name_fr and office.name_ar and office.name_fr != office.name_ar


def test_every_demo_staff_member_claims_a_known_office() -> None:
    staff = [login for login in LOGINS if login.roles]
    assert staff and all(login.office in offices_by_code() for login in staff)


def test_a_supervisor_oversees_her_own_prefecture_of_arrondissements_only() -> None:
    hay_hassani = offices_overseen_from("hay-hassani-prefecture")
    assert "hay-hassani-annex" in hay_hassani
    assert "sidi-moumen-caidat" not in hay_hassani  # Sidi Bernoussi, also in Casablanca
    assert "mohammedia-pachalik" not in hay_hassani
    assert offices_overseen_from("mohammedia-pachalik") == ("mohammedia-pachalik",)
    assert offices_overseen_from("unknown") == ()


def test_names_follow_the_language_and_old_free_text_shows_as_it_was() -> None:
    assert office_name("hay-hassani-annex", "ar") == "الملحقة الإدارية الحي الحسني"
    assert office_name("hay-hassani-annex", "fr") == "Annexe administrative Hay Hassani"
    assert office_name("Bureau d'avant", "ar") == "Bureau d'avant"
    assert office_name(None, "fr") == "—"


def test_counter_staff_must_claim_a_known_office() -> None:
    claims = {"office": "hay-hassani-annex"}
    assert office_claimed(claims, "office", ["counter_agent"]) == "hay-hassani-annex"
    for role in ("counter_agent", "counter_supervisor"):
        with pytest.raises(DomainError) as refused:
            office_claimed({"office": "Annexe Hay Hassani"}, "office", [role])
        assert refused.value.code == "unknown_office"
    assert office_claimed({"office": "Somewhere"}, "office", ["reviewer"]) is None
