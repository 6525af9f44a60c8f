"""Letters and e-mails: golden files per level and language, babel formatting, escaping, overrides, QR.

Golden files live in tests/golden/letters/; regenerate them after a deliberate wording change with
UPDATE_GOLDEN=1 python -m pytest tests/test_letters_render.py
and review the diff.
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, date
from decimal import Decimal
from pathlib import Path

import pytest
import segno
from hypothesis import given
from hypothesis import strategies as st

from connector.legal.letters import FourteenDayLetterDraft, Severity, check_fourteen_day_letter
from connector.letters.email import build_email, message_id_for
from connector.letters.epc import epc_qr
from connector.letters.formatting import format_iban, format_long_date, format_money
from connector.letters.pdf import layout_text
from connector.letters.render import LetterRenderer, TemplateProblem
from tests.dunning_samples import TODAY, ladder, sample_action, settings, with_language

GOLDEN = Path(__file__).parent / "golden" / "letters"
LEVELS = ("herinnering", "tweede_herinnering", "veertiendagenbrief", "ingebrekestelling", "incasso")
UPDATE = bool(os.environ.get("UPDATE_GOLDEN"))


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"golden file {path} was missing and has been written; check it and run again")
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs from the golden file"


@pytest.fixture(scope="module")
def renderer() -> LetterRenderer:
    return LetterRenderer()


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("level", LEVELS)
def test_each_level_matches_its_golden_files(renderer, level, language):
    action = with_language(sample_action(level), language)
    letter = renderer.render(action, settings(), TODAY)
    check_golden(f"{language}-{level}.txt", f"Subject: {letter.subject}\n\n{letter.text}")
    check_golden(f"{language}-{level}.html", letter.html)
    pages = layout_text(letter.letter_html)
    check_golden(f"{language}-{level}.pdf.txt",
                 "".join(f"--- page {n} ---\n" + "\n".join(lines) + "\n" for n, lines in enumerate(pages, 1)))


def test_pdf_is_a_complete_pdf_with_the_letter_on_it(renderer):
    action = sample_action("ingebrekestelling")
    letter = renderer.render(action, settings(), TODAY, pdf=True)
    assert letter.pdf is not None and letter.pdf.startswith(b"%PDF-") and letter.pdf.rstrip().endswith(b"%%EOF")
    pages = layout_text(letter.letter_html)
    assert any("Ingebrekestelling" in line for line in pages[0])


def test_amounts_and_dates_are_dutch_in_both_languages():
    assert format_money(Decimal("1234.56")) == "€\u00a01.234,56"
    assert format_money(Decimal("1234.56"), "en") == "€\u00a01.234,56"
    assert format_long_date(date(2026, 11, 23)) == "23 november 2026"
    assert format_long_date(date(2026, 11, 23), "en") == "23 November 2026"
    assert format_iban("NL91ABNA0417164300") == "NL91 ABNA 0417 1643 00"
    with pytest.raises(TypeError):
        format_money(12.5)  # type: ignore[arg-type]


@given(st.decimals(min_value=Decimal("-999999.99"), max_value=Decimal("9999999.99"), places=2))
def test_money_formatting_round_trips(amount):
    text = format_money(amount).replace("€\u00a0", "").replace(".", "").replace(",", ".")
    assert Decimal(text) == amount


def test_the_fourteen_day_letter_passes_the_legal_check_in_both_languages(renderer):
    for language in ("nl", "en"):
        action = with_language(sample_action("veertiendagenbrief"), language)
        letter = renderer.render(action, settings(), TODAY)
        draft = FourteenDayLetterDraft(
            text=letter.text, send_date=TODAY, due_date=action.invoices[0].invoice.due_date,
            principals=(action.principal,), announced_costs=action.announced_costs,
            stated_deadline=action.new_term_date,
        )
        problems = check_fourteen_day_letter(draft)
        assert [p for p in problems if p.severity is Severity.ERROR] == [], language
        assert "binnen veertien dagen vanaf de dag nadat deze brief bij u is bezorgd" in " ".join(letter.text.split())
        assert "45,00" in letter.text


def test_customer_text_is_escaped_in_html_but_not_in_plain_text(renderer):
    action = sample_action("herinnering")
    nasty = replace(action, contact=replace(action.contact, name="<script>alert(1)</script> & Zn", attention=""))
    letter = renderer.render(nasty, settings(), TODAY)
    assert "<script>" not in letter.html and "&lt;script&gt;" in letter.html
    assert "<script>" not in letter.letter_html
    assert "Beste <script>alert(1)</script> & Zn," in letter.text


def test_templates_dir_overrides_one_wording(tmp_path):
    (tmp_path / "nl").mkdir()
    (tmp_path / "nl" / "herinnering.txt.j2").write_text(
        "{% macro subject() %}Even een seintje: {{ invoice_numbers }}{% endmacro %}\n"
        "{% macro body() %}Hallo {{ debtor.name }}, graag {{ principal|money }} voor "
        "{{ new_term_date|longdate }}.{% endmacro %}\n", encoding="utf-8")
    letter = LetterRenderer([tmp_path]).render(sample_action("herinnering"), settings(), TODAY)
    assert letter.subject == "Even een seintje: 2026-101 en 2026-102"
    assert letter.paragraphs == ("Hallo Jansen ICT B.V., graag €\u00a01.391,50 voor 30 november 2026.",)
    assert "Rekeningoverzicht" in letter.text, "the shipped layout still frames the custom wording"


def test_a_broken_template_names_file_and_line(tmp_path):
    (tmp_path / "nl").mkdir()
    (tmp_path / "nl" / "herinnering.txt.j2").write_text(
        "{% macro subject() %}x{% endmacro %}\n{% macro body() %}\n{{ no_such_variable }}\n{% endmacro %}\n",
        encoding="utf-8")
    with pytest.raises(TemplateProblem, match="no_such_variable"):
        LetterRenderer([tmp_path]).render(sample_action("herinnering"), settings(), TODAY)
    missing = replace(sample_action("herinnering"), template="bestaat_niet")
    with pytest.raises(TemplateProblem, match="bestaat_niet"):
        LetterRenderer().render(missing, settings(), TODAY)


def test_english_falls_back_to_dutch_for_a_wording_without_english_version(tmp_path):
    (tmp_path / "nl").mkdir()
    (tmp_path / "nl" / "eigen.txt.j2").write_text(
        "{% macro subject() %}Eigen{% endmacro %}{% macro body() %}Tekst{% endmacro %}", encoding="utf-8")
    action = replace(with_language(sample_action("herinnering"), "en"), template="eigen")
    assert LetterRenderer([tmp_path]).render(action, settings(), TODAY).subject == "Eigen"


def test_epc_qr_carries_iban_amount_and_reference_in_utf8():
    """EPC069-12 field order; character set 1 (UTF-8) always, never segno's smallest fit (ISO 8859-1)."""
    qr = epc_qr(name="Bakkerij Dé Vries B.V.", iban="NL91ABNA0417164300", amount=Decimal("1391.50"),
                reference="Facturen 2026-101 2026-102", bic="ABNANL2A")
    expected = ("BCD\n002\n1\nSCT\nABNANL2A\nBakkerij Dé Vries B.V.\nNL91ABNA0417164300\nEUR1391.5\n\n\n"
                "Facturen 2026-101 2026-102").encode()
    assert qr is not None and qr.matrix == segno.make_qr(expected, error="m", boost_error=False).matrix
    structured = epc_qr(name="X", iban="NL91ABNA0417164300", amount=Decimal(10), reference="RF18 5390 0754 7034")
    expected_rf = b"BCD\n002\n1\nSCT\n\nX\nNL91ABNA0417164300\nEUR10\n\nRF18539007547034"
    assert structured is not None and structured.matrix == segno.make_qr(expected_rf, error="m", boost_error=False).matrix
    assert epc_qr(name="X", iban="", amount=Decimal(10), reference="x") is None
    assert epc_qr(name="X", iban="NL91ABNA0417164300", amount=Decimal(0), reference="x") is None


def test_every_letter_offers_a_way_to_pay(renderer):
    consumer_letter = renderer.render(sample_action("veertiendagenbrief"), settings(), TODAY)
    assert "https://pay.example/inv/301" in consumer_letter.text  # the host's own payment link
    assert 'href="https://pay.example/inv/301"' in consumer_letter.html
    linked = settings(payment_link_template="https://betaal.example/{admin}?bedrag={amount}&ref={reference}")
    company = sample_action("herinnering")
    assert company.pay_link == ""
    from tests.dunning_samples import company as make_company
    from tests.dunning_samples import invoice, plan

    invoices = [invoice("101", "c1", "1210.00", date(2026, 9, 15)), invoice("102", "c1", "242.00", date(2026, 10, 1))]
    (action,) = plan(invoices, [make_company()], cfg=linked).actions
    assert action.pay_link == "https://betaal.example/bakkerij?bedrag=1452.00&ref=Facturen%202026-101%202026-102"
    letter = renderer.render(action, linked, TODAY)
    assert action.pay_link in letter.text and "data:image/svg+xml" in letter.letter_html


def test_email_has_text_html_and_the_pdf(renderer):
    action = sample_action("ingebrekestelling")
    letter = renderer.render(action, settings(), TODAY, pdf=True)
    from datetime import datetime

    message = build_email(letter, sender="debiteuren@devries.example", sender_name="Bakkerij De Vries B.V.",
                          recipients=action.recipients, reply_to="debiteuren@devries.example",
                          idempotency_key=action.idempotency_key, sent_at=datetime(2026, 11, 23, 9, tzinfo=UTC))
    assert message["Message-ID"] == message_id_for(action.idempotency_key)
    parts = [part.get_content_type() for part in message.walk()]
    assert parts == ["multipart/mixed", "multipart/alternative", "text/plain", "text/html", "application/pdf"]
    attachment = next(p for p in message.walk() if p.get_content_type() == "application/pdf")
    assert attachment.get_payload(decode=True) == letter.pdf
    assert attachment.get_filename() == "ingebrekestelling-facturen-2026-101-en-2026-102.pdf"


def test_a_posted_fourteen_day_letter_prints_no_end_date_and_its_email_copy_says_it_is_a_copy(renderer):
    for language in ("nl", "en"):
        posted = with_language(sample_action("veertiendagenbrief"), language)
        assert posted.by_post and posted.email_copy
        letter = renderer.render(posted, settings(), TODAY)
        assert "9 december 2026" not in letter.text and "9 December 2026" not in letter.text
        copy = renderer.render(posted, settings(), TODAY, copy=True)
        check_golden(f"{language}-veertiendagenbrief-copy.txt", f"Subject: {copy.subject}\n\n{copy.text}")
        assert copy.subject == {"nl": "Kopie: ", "en": "Copy: "}[language] + letter.subject
    by_email = settings(legal={"email_counts_as_written": True})
    mailed = sample_action("veertiendagenbrief", cfg=by_email)
    assert not mailed.by_post and not mailed.email_copy
    letter = renderer.render(mailed, by_email, TODAY)
    check_golden("nl-veertiendagenbrief-email.txt", f"Subject: {letter.subject}\n\n{letter.text}")
    assert "betaalt u uiterlijk op 9 december 2026, dan bent u op tijd" in " ".join(letter.text.split())


def test_letters_by_post_count_their_term_from_delivery(renderer):
    cfg = settings(company={"levels": [
        {"name": "herinnering", "delay_days": 5, "delay_from": "due_date", "channel": "letter", "term_days": 7},
        {"name": "tweede_herinnering", "delay_days": 10, "channel": "letter", "term_days": 7},
        {"name": "ingebrekestelling", "kind": "notice_of_default", "delay_days": 3, "channel": "letter",
         "charge_costs": True, "charge_interest": True}]})
    from tests.dunning_samples import company as make_company
    from tests.dunning_samples import invoice, plan

    inv = invoice("101", "c1", "1210.00", date(2026, 9, 15))
    texts = {}
    for name, history in (("herinnering", []), ("tweede_herinnering", ["herinnering"]),
                          ("ingebrekestelling", ["herinnering", "tweede_herinnering"])):
        steps = [replace(s, via="post") for s in ladder("c1", ("101",), history, date(2026, 10, 6))]
        (action,) = plan([inv], [make_company()], steps, cfg=cfg).actions
        assert action.level_name == name and action.by_post
        texts[name] = " ".join(renderer.render(action, cfg, TODAY).text.split())
    assert "Wilt u € 1.210,00 binnen 7 dagen nadat deze brief bij u is bezorgd betalen?" in texts["herinnering"]
    assert "dringend € 1.210,00 binnen 7 dagen nadat deze brief bij u is bezorgd te betalen" in \
        texts["tweede_herinnering"]
    assert "Neem dan binnen deze termijn contact met ons op" in texts["tweede_herinnering"]
    assert "Wij sommeren u binnen 14 dagen nadat deze brief bij u is bezorgd" in texts["ingebrekestelling"]
    assert all(word not in text for text in texts.values() for word in ("uiterlijk", "december 2026"))


def test_a_template_printing_the_missing_end_date_of_a_posted_letter_fails_loudly(tmp_path):
    (tmp_path / "nl").mkdir()
    (tmp_path / "nl" / "veertiendagenbrief.txt.j2").write_text(
        "{% macro subject() %}x{% endmacro %}{% macro body() %}Betaal voor {{ new_term_date|longdate }}."
        "{% endmacro %}", encoding="utf-8")
    with pytest.raises(TemplateProblem, match="deadline"):
        LetterRenderer([tmp_path]).render(sample_action("veertiendagenbrief"), settings(), TODAY)


def test_the_vat_declaration_is_in_every_letter_that_adds_btw(renderer):
    from connector.legal.letters import has_vat_declaration

    uplift = settings(legal={"vat_uplift": True})
    for level in ("veertiendagenbrief", "ingebrekestelling", "incasso"):
        for language in ("nl", "en"):
            action = with_language(sample_action(level, cfg=uplift), language)
            assert action.vat_uplift, level
            assert has_vat_declaration(renderer.render(action, uplift, TODAY).text), (level, language)
    plain = renderer.render(sample_action("ingebrekestelling"), settings(), TODAY)
    assert not has_vat_declaration(plain.text)
