"""Veertiendagenbrief rules (research note §2), B2B defaults and working-day helpers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from connector.legal.letters import (
    DeliveryAssumption,
    FourteenDayLetterDraft,
    Severity,
    amounts_in_text,
    assumed_delivery_date,
    b2b_minimum_compensation,
    check_fourteen_day_letter,
    commercial_due_date_without_agreement,
    commercial_interest_first_day,
    earliest_cost_date,
    fourteen_day_term,
)
from connector.legal.workdays import add_working_days, is_working_day, next_working_day, term_end

GOOD_TEXT = """Geachte heer Jansen,

Op 1 oktober 2026 verstuurden wij factuur 2026-0042 van € 3.000,00. Wij hebben uw betaling nog
niet ontvangen. Wij verzoeken u het bedrag van € 3.000,00 te betalen binnen veertien dagen vanaf
de dag nadat deze brief bij u is bezorgd. Betaalt u binnen deze termijn, dan zijn er geen
incassokosten verschuldigd. Betaalt u niet op tijd, dan brengen wij € 425,00 aan
buitengerechtelijke incassokosten in rekening, vermeerderd met de wettelijke rente.
"""


def draft(**changes: object) -> FourteenDayLetterDraft:
    base = FourteenDayLetterDraft(
        text=GOOD_TEXT,
        send_date=date(2026, 11, 2),
        due_date=date(2026, 10, 31),
        principals=(Decimal("3000.00"),),
        announced_costs=Decimal("425.00"),
    )
    return replace(base, **changes)


def codes(problems: list) -> list[str]:
    return [p.code for p in problems]


# --- delivery and term --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dispatch", "delivered", "chargeable"),
    [
        (date(2026, 11, 2), date(2026, 11, 4), date(2026, 11, 19)),  # Monday -> Wednesday
        (
            date(2026, 11, 6),
            date(2026, 11, 10),
            date(2026, 11, 25),
        ),  # Friday: Sat counts, Sun+Mon not
        (
            date(2026, 11, 5),
            date(2026, 11, 7),
            date(2026, 11, 24),
        ),  # Thursday -> Saturday; term ends Sat 21 -> Mon 23
        (date(2026, 12, 23), date(2026, 12, 29), date(2027, 1, 13)),  # Christmas days do not count
    ],
)
def test_term_from_dispatch(dispatch: date, delivered: date, chargeable: date) -> None:
    term = fourteen_day_term(dispatch)
    assert term.delivered == delivered
    assert term.first_term_day == date.fromordinal(delivered.toordinal() + 1)
    assert term.costs_chargeable_from == chargeable == earliest_cost_date(dispatch)


def test_term_without_working_day_extension_is_delivery_plus_fifteen() -> None:
    term = fourteen_day_term(date(2026, 11, 5), extend_to_working_day=False)
    assert term.last_term_day == date(2026, 11, 21)
    assert term.costs_chargeable_from == date(2026, 11, 22)


def test_delivery_assumption_is_configurable() -> None:
    next_day = DeliveryAssumption(
        days_after_dispatch=1, non_counting_weekdays=frozenset(), skip_public_holidays=False
    )
    assert assumed_delivery_date(date(2026, 12, 24), assumption=next_day) == date(2026, 12, 25)
    # injected holiday calendar
    assert assumed_delivery_date(date(2026, 11, 2), holidays={date(2026, 11, 3)}) == date(
        2026, 11, 5
    )


def test_liberation_day_extends_term_even_outside_lustrum_years() -> None:
    # Fri 17-4-2026: Sat counts, Sun + Mon do not -> delivered Tue 21-4; day 14 = Tue 5 May 2026
    term = fourteen_day_term(date(2026, 4, 17))
    assert term.delivered == date(2026, 4, 21)
    assert term.last_term_day == date(2026, 5, 6)


# --- the letter validator -----------------------------------------------------------------


def test_good_letter_has_no_problems() -> None:
    assert check_fourteen_day_letter(draft()) == []


def test_sent_on_or_before_due_date() -> None:
    problems = check_fourteen_day_letter(draft(send_date=date(2026, 10, 31)))
    assert codes(problems) == ["sent_before_default"]
    assert "2026-11-01" in problems[0].message


def test_wrong_term_wording() -> None:
    text = GOOD_TEXT.replace(
        "binnen veertien dagen vanaf\nde dag nadat deze brief bij u is bezorgd",
        "binnen 14 dagen na dagtekening",
    )
    problems = check_fourteen_day_letter(draft(text=text))
    assert codes(problems) == ["term_wording_wrong", "term_wording_missing"]
    assert all(p.severity is Severity.ERROR for p in problems)


@pytest.mark.parametrize(
    "phrase",
    ["veertien dagen na verzending", "14 dagen na heden", "8 dagen na de datum van deze brief"],
)
def test_other_wrong_term_phrasings(phrase: str) -> None:
    problems = check_fourteen_day_letter(draft(text=GOOD_TEXT + f"\nOf binnen {phrase}.\n"))
    assert codes(problems) == ["term_wording_wrong"]


def test_fifteen_days_wording_is_also_accepted() -> None:
    text = GOOD_TEXT.replace(
        "binnen veertien dagen vanaf\nde dag nadat deze brief bij u is bezorgd",
        "binnen vijftien dagen nadat deze brief bij u is bezorgd",
    )
    assert check_fourteen_day_letter(draft(text=text)) == []


def test_missing_cost_amount() -> None:
    assert codes(check_fourteen_day_letter(draft(announced_costs=None))) == ["cost_amount_missing"]
    text = GOOD_TEXT.replace("€ 425,00", "de wettelijke")
    assert codes(check_fourteen_day_letter(draft(text=text))) == ["cost_amount_missing"]


def test_costs_differing_from_staffel() -> None:
    text = GOOD_TEXT.replace("€ 425,00", "€ 450,00")
    problems = check_fourteen_day_letter(draft(text=text, announced_costs=Decimal("450.00")))
    assert codes(problems) == ["cost_amount_wrong"]
    assert "425.00" in problems[0].message


def test_vat_uplift_needs_declaration_and_uplifted_amount() -> None:
    text = GOOD_TEXT.replace("€ 425,00", "€ 514,25")
    problems = check_fourteen_day_letter(
        draft(text=text, announced_costs=Decimal("514.25"), vat_uplift=True)
    )
    assert codes(problems) == ["vat_declaration_missing"]
    ok = draft(text=text, announced_costs=Decimal("514.25"), vat_uplift=True, vat_declaration=True)
    assert check_fourteen_day_letter(ok) == []


def test_stated_deadline_too_early() -> None:
    # sent Mon 2-11, delivered Wed 4-11, last term day Wed 18-11
    assert check_fourteen_day_letter(draft(stated_deadline=date(2026, 11, 18))) == []
    problems = check_fourteen_day_letter(draft(stated_deadline=date(2026, 11, 16)))
    assert codes(problems) == ["deadline_too_early"]


def test_warnings_for_business_debtor_and_missing_principal() -> None:
    text = GOOD_TEXT.replace("€ 3.000,00", "het openstaande bedrag").replace(
        "geen\nincassokosten", "nog niets"
    )
    problems = check_fourteen_day_letter(draft(text=text, debtor="business"))
    assert codes(problems) == ["not_consumer", "principal_missing", "cost_free_payment_not_stated"]
    assert all(p.severity is Severity.WARNING for p in problems)


def test_amounts_in_text() -> None:
    assert amounts_in_text("€ 1.025,00, €40,- en 425.00 of 3000 euro") == {
        Decimal("1025.00"),
        Decimal("40.00"),
        Decimal("425.00"),
        Decimal("3000.00"),
    }


# --- B2B ----------------------------------------------------------------------------------


def test_b2b_rules() -> None:
    assert commercial_interest_first_day(date(2024, 5, 31)) == date(2024, 6, 1)
    assert commercial_due_date_without_agreement(date(2026, 1, 10)) == date(2026, 2, 9)
    assert b2b_minimum_compensation(date(2026, 1, 31), today=date(2026, 1, 31)) == 0
    assert b2b_minimum_compensation(date(2026, 1, 31), today=date(2026, 2, 1)) == Decimal(40)


# --- working days -------------------------------------------------------------------------


def test_working_days() -> None:
    assert is_working_day(date(2026, 11, 23))
    assert not is_working_day(date(2026, 12, 25))
    assert next_working_day(date(2026, 11, 23)) == date(2026, 11, 23)
    assert next_working_day(date(2026, 12, 25)) == date(2026, 12, 28)  # Fri Xmas, Sat 2nd day, Sun
    assert next_working_day(date(2026, 4, 25)) == date(2026, 4, 28)  # Sat, Sun, Mon 27-4 King's Day
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 28)
    assert add_working_days(date(2026, 11, 20), 0) == date(2026, 11, 20)
    assert add_working_days(date(2026, 11, 20), 5) == date(2026, 11, 27)
    assert term_end(date(2026, 11, 17), 14) == date(2026, 12, 1)
    assert term_end(date(2026, 11, 20), 14) == date(2026, 12, 4)
    assert term_end(date(2026, 12, 11), 14) == date(
        2026, 12, 28
    )  # 25-12 -> after Christmas weekend
    assert next_working_day(date(2026, 11, 21), holidays=set()) == date(2026, 11, 23)
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 1), -1)
