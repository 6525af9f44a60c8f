"""Dunning settings: full Dutch-practice defaults from `dunning: {}`, clear errors for bad input."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from pydantic import ValidationError

from connector.dunning.policy import Channel, DunningSettings, LevelKind, settings_for


def test_empty_section_gives_the_usual_dutch_ladders():
    settings = DunningSettings.model_validate({})
    assert [lv.name for lv in settings.company.levels] == [
        "herinnering", "tweede_herinnering", "bellijst", "ingebrekestelling", "incasso"]
    assert [lv.name for lv in settings.consumer.levels] == [
        "herinnering", "tweede_herinnering", "bellijst", "veertiendagenbrief", "incasso"]
    wik = settings.consumer.levels[3]
    assert wik.kind is LevelKind.FOURTEEN_DAY and not wik.charge_costs, "the 14-dagenbrief announces, never charges"
    notice = settings.company.levels[3]
    assert notice.charge_costs and notice.charge_interest and notice.channel is Channel.SMTP_EMAIL
    assert settings.company.levels[2].channel is Channel.PHONE
    assert settings.company.levels[4].channel is Channel.HANDOVER
    assert settings.min_amount == Decimal("10.00")
    assert settings.send_days.skip_weekends and settings.send_days.skip_holidays
    assert settings.legal.b2b_minimum_per_invoice is False and settings.legal.cumulation is False
    assert settings.policy_for("unknown") is settings.consumer, "unknown contacts get the stricter consumer law"
    assert settings.debtor_kind("unknown") == "consumer"


def test_settings_for_an_administration_fills_in_name_and_language():
    admin = SimpleNamespace(name="Bakkerij De Vries B.V.", language="en", dunning={"creditor": {"iban": "NL91 ABNA 0417 1643 00"}})
    settings = settings_for(admin)
    assert settings.creditor.name == "Bakkerij De Vries B.V." and settings.creditor.iban == "NL91ABNA0417164300"
    assert settings.language == "en"
    assert settings_for(SimpleNamespace(name="X", language="nl", dunning=DunningSettings())).creditor.name == "X"
    assert settings_for(SimpleNamespace(name="X", language="nl", dunning=settings)).creditor.name == settings.creditor.name


@pytest.mark.parametrize("data, message", [
    ({"company": {"levels": [{"name": "a", "delay_days": 1, "channel": "phone"},
                             {"name": "a", "delay_days": 1, "channel": "phone"}]}}, "used twice"),
    ({"company": {"levels": []}}, "at least 1"),
    ({"company": {"levels": [{"name": "a", "delay_days": 1, "channel": "fax"}]}}, "channel"),
    ({"company": {"levels": [{"name": "Herinnering!", "delay_days": 1, "channel": "phone"}]}}, "pattern"),
    ({"creditor": {"iban": "NL00ABNA0000000000"}}, "not a valid IBAN"),
    ({"payment_link_template": "https://pay.example/{bedrag}"}, "unknown or malformed placeholder"),
    ({"min_amont": 5}, "Extra inputs are not permitted"),
    ({"consumer": {"levels": [{"name": "wik", "kind": "fourteen_day", "delay_days": 1, "channel": "letter",
                               "charge_costs": True}]}}, "cannot charge them"),
])
def test_bad_settings_are_refused_with_a_reason(data, message):
    with pytest.raises(ValidationError, match=message):
        DunningSettings.model_validate(data)


def test_a_config_file_with_a_dunning_section_loads(tmp_path):
    from connector.config import load_config

    (tmp_path / "config.yaml").write_text(
        "administrations:\n"
        "  - key: bakkerij\n    name: Bakkerij\n    package: moneybird\n"
        "    moneybird: {administration_id: '1'}\n"
        "    dunning:\n      min_amount: 25\n      legal: {vat_uplift: true}\n"
        "      consumer:\n        levels:\n"
        "          - {name: veertiendagenbrief, kind: fourteen_day, delay_days: 7, delay_from: due_date, channel: letter}\n",
        encoding="utf-8")
    settings = settings_for(load_config(tmp_path / "config.yaml").administrations[0])
    assert settings.min_amount == Decimal(25) and settings.legal.vat_uplift
    assert [lv.channel for lv in settings.consumer.levels] == [Channel.LETTER]
    assert len(settings.company.levels) == 5
