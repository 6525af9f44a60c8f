"""Rendering the summary: golden files for both parts in both languages, overrides, escaping, the chart."""

from __future__ import annotations

import dataclasses
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest

from connector.summary import AutoMatch, CallListRow, FlaggedLine, Summary
from connector.summary.chart import aging_chart_png
from connector.summary.render import chart_cid, render_summary
from tests.summary_samples import TODAY, sample_summary

GOLDEN = Path(__file__).parent / "golden" / "summary"
UPDATE = bool(os.environ.get("UPDATE_GOLDEN"))


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs (UPDATE_GOLDEN=1 rewrites it after review)"


@pytest.fixture(scope="module")
def rendered():
    summary = sample_summary()
    return {language: render_summary(summary, language=language) for language in ("nl", "en")}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_combined_summary_matches_golden_files(rendered, language):
    result = rendered[language]
    check_golden(f"combined.{language}.txt", f"Subject: {result.subject}\n\n{result.text}")
    check_golden(f"combined.{language}.html", result.html)


def test_weekly_single_administration_matches_golden_file():
    bakery = sample_summary().admins[0]
    result = render_summary(Summary(today=TODAY, admins=(bakery,), kind="weekly"), language="nl", charts=False)
    check_golden("weekly-single.nl.txt", f"Subject: {result.subject}\n\n{result.text}")
    assert result.subject == "[1] Weekoverzicht debiteuren Bakkerij De Vries B.V. — week 42"
    assert "cid:" not in result.html


def test_attention_comes_first_and_counts_in_the_subject(rendered):
    nl = rendered["nl"]
    assert nl.subject.startswith("[2] Debiteurenoverzicht 2 administraties")
    assert nl.text.index("ACTIE NODIG") < nl.text.index("Kerncijfers")
    assert nl.html.index("Actie nodig") < nl.html.index("Totaal openstaand")
    assert "Opnieuw toestemming geven" in nl.text and "E-mail niet afgeleverd" in nl.text


def test_html_shows_each_chart_inline_by_content_id(rendered):
    result = rendered["en"]
    cids = [image.cid for image in result.images]
    assert cids == [chart_cid("bakkerij-de-vries"), chart_cid("garage-smit")]
    for cid in cids:
        assert f'src="cid:{cid}"' in result.html
    assert all(image.data.startswith(b"\x89PNG\r\n\x1a\n") for image in result.images)


def test_customer_text_is_escaped_in_html_and_kept_on_one_line_in_text():
    bakery = sample_summary().admins[0]
    hostile = dataclasses.replace(bakery, auto_matches=(
        AutoMatch(date=TODAY, customer="<script>alert(1)</script>\nBcc: x@evil.example", invoice_number="1",
                  amount=Decimal("1.00")),))
    result = render_summary(Summary(today=TODAY, admins=(hostile,)), language="en", charts=False)
    assert "<script>" not in result.html and "&lt;script&gt;alert(1)&lt;/script&gt;" in result.html
    assert not any(line.startswith("Bcc") for line in result.text.splitlines())  # no new line from a name
    assert "<script>alert(1)</script>" in result.text  # plain text needs no escaping


def test_reconciliation_reasons_are_dutch_in_a_dutch_summary_and_english_in_an_english_one():
    bakery = sample_summary().admins[0]
    reason = ("Paid from NL39RABO0300065264, a known account of Hotel Zeezicht; invoice 2026-0005 is "
              "this customer's only open invoice of EUR 178.00.")
    suggestion = dataclasses.replace(bakery.suggestions[0], reason=reason)
    summary = Summary(today=TODAY, admins=(dataclasses.replace(bakery, suggestions=(suggestion,)),))
    nl = render_summary(summary, language="nl", charts=False)
    dutch = ("Betaald vanaf NL39RABO0300065264, een bekende rekening van Hotel Zeezicht; factuur "
             "2026-0005 is de enige openstaande factuur van deze klant van €\u00a0178,00.")
    assert f"Reden: {dutch}".replace("\u00a0", " ") in nl.text  # one_line: plain spaces in text
    assert dutch in nl.html and "a known account" not in nl.html
    en = render_summary(summary, language="en", charts=False)
    assert f"Reason: {reason}" in en.text and reason.replace("'", "&#39;") in en.html


def test_long_lists_are_cut_with_a_count_of_the_rest():
    bakery = sample_summary().admins[0]
    rows = tuple(CallListRow(customer=f"Klant {n}", phone="", amount=Decimal(n), days_overdue=n) for n in range(60))
    result = render_summary(Summary(today=TODAY, admins=(dataclasses.replace(bakery, call_list=rows),)),
                            language="nl", max_rows=50, charts=False)
    assert "… en nog 10 regels" in result.text and "… en nog 10 regels" in result.html
    assert len(re.findall(r"^Klant \d+ ", result.text, flags=re.MULTILINE)) == 50


def test_a_long_list_of_flagged_bank_lines_points_to_connector_matches():
    bakery = sample_summary().admins[0]
    rows = tuple(FlaggedLine(date=TODAY, counterparty=f"Tegenpartij {n}", amount=Decimal(n), kind="psp_payout",
                             reason="Payout from payment provider a payment provider: it settles many sales in one "
                                    "amount, so book it against the provider's clearing account, not against one "
                                    "invoice.") for n in range(30))
    summary = Summary(today=TODAY, admins=(dataclasses.replace(bakery, flagged_lines=rows),))
    nl = render_summary(summary, language="nl", max_rows=20, charts=False)
    assert "… en nog 10 regels: zie `connector matches`" in nl.text and "… en nog 10 regels: zie" in nl.html
    assert len(re.findall(r"^14 okt 2026  Tegenpartij \d+ ", nl.text, flags=re.MULTILINE)) == 20
    assert "Reden: Uitbetaling van een betaalprovider: deze bundelt" in nl.text
    en = render_summary(summary, language="en", max_rows=20, charts=False)
    assert "… and 10 more: see `connector matches`" in en.text
    assert "Received too much" not in en.text  # no overpayment among them


def test_templates_dir_overrides_by_language_and_can_extend_the_builtin(tmp_path):
    (tmp_path / "nl").mkdir()
    (tmp_path / "nl" / "summary.txt.j2").write_text(
        '{% extends "builtin/summary.txt.j2" %}{% block header %}Kantoor Jansen — {{ scope }}\n{% endblock %}',
        encoding="utf-8")
    (tmp_path / "summary.html.j2").write_text("<p>{{ t.total_open }}: {{ f.money(totals.total_open) }}</p>",
                                              encoding="utf-8")
    summary = sample_summary()
    nl = render_summary(summary, language="nl", templates_dir=tmp_path, charts=False)
    assert nl.text.startswith("Kantoor Jansen — 2 administraties\n")
    assert "Kerncijfers" in nl.text
    assert nl.html == "<p>Totaal openstaand: €\u00a08.447,80</p>"
    en = render_summary(summary, language="en", templates_dir=tmp_path, charts=False)
    assert en.text.startswith("Receivables summary — 2 administrations")  # no en/ override: built-in text
    assert en.html == "<p>Total open: €8,447.80</p>"


def test_chart_is_the_same_png_for_the_same_figures():
    rows = sample_summary().admins[0].aging
    first = aging_chart_png(rows, language="nl", title="Openstaand per ouderdom")
    assert first == aging_chart_png(rows, language="nl", title="Openstaand per ouderdom")
    assert first.startswith(b"\x89PNG") and 5_000 < len(first) < 100_000
    assert first != aging_chart_png(rows, language="en", title="Open amount by age")
