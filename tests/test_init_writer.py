"""The config writer of `connector init`: a new commented file, and adding an administration to an
existing one without changing a byte of the rest."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connector.config import load_config
from connector.errors import ConfigError
from connector.onboarding.config_writer import (
    AdminEntry,
    GlobalSettings,
    add_administration,
    new_config_text,
    write_config,
)
from connector.onboarding.policy_presets import dunning_comments, dunning_section
from connector.onboarding.wizard import key_problem, slug

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = (REPO / "config.example.yaml").read_text(encoding="utf-8")


def entry(key: str = "nieuw-klant", name: str = "Nieuwe Klant B.V.", **kw) -> AdminEntry:
    base = {"key": key, "name": name, "package": "eboekhouden", "settings": {"source": "Debiteuren"},
                "headline": [f"{name}: added by `connector init`"]}
    base.update(kw)
    return AdminEntry(**base)


def load_text(tmp_path: Path, text: str, name: str = "config.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def test_adding_to_the_example_config_keeps_every_existing_line(tmp_path):
    merged = add_administration(EXAMPLE, entry())
    old, new = EXAMPLE.splitlines(), merged.splitlines()
    assert new[:len(old)] == old  # the new entry comes after everything that was there
    added = new[len(old):]
    assert added[0] == "" and added[1] == "  # Nieuwe Klant B.V.: added by `connector init`"
    config = load_text(tmp_path, merged)
    assert [a.key for a in config.administrations] == [
        "bakkerij-jansen", "installatiebedrijf-smit", "kapsalon-bakker", "nieuw-klant"]
    assert config.administration("nieuw-klant").name == "Nieuwe Klant B.V."


def test_the_entry_goes_before_the_next_top_level_key_and_its_comments(tmp_path):
    text = ("state:\n  url: sqlite:///s.db\n\nadministrations:\n  - key: a\n    name: A\n    package: eboekhouden\n"
            "    eboekhouden: {source: X}\n    # a note that belongs to a\n\n# Mail settings below\nsmtp:\n"
            "  host: mail.example.nl\n")
    merged = add_administration(text, entry(key="b", name="B"))
    lines = merged.splitlines()
    assert lines.index("    # a note that belongs to a") < lines.index("  - key: b") < lines.index("# Mail settings below")
    assert merged.replace("\n  # B: added by `connector init`\n", "\n").count("smtp:") == 1
    config = load_text(tmp_path, merged)
    assert [a.key for a in config.administrations] == ["a", "b"] and config.smtp.host == "mail.example.nl"


@pytest.mark.parametrize("listing", ["administrations:", "administrations: []", "administrations: []  # none yet",
                                     "administrations: ~"])
def test_an_empty_list_gets_its_first_entry(tmp_path, listing):
    merged = add_administration(f"language: en\n{listing}\nsummary:\n  recipients: [a@b.nl]\n", entry())
    config = load_text(tmp_path, merged)
    assert [a.key for a in config.administrations] == ["nieuw-klant"]
    assert config.language == "en" and config.summary.recipients == ["a@b.nl"]
    assert ("# none yet" in merged) == ("# none yet" in listing)


def test_a_file_without_administrations_gets_the_list_at_the_end(tmp_path):
    merged = add_administration("# my settings\nlanguage: nl\n", entry())
    assert merged.startswith("# my settings\nlanguage: nl\n\nadministrations:\n")
    assert load_text(tmp_path, merged).administrations[0].key == "nieuw-klant"


def test_items_written_at_column_zero_keep_their_style(tmp_path):
    text = "administrations:\n- key: a\n  name: A\n  package: eboekhouden\n  eboekhouden: {source: X}\nlanguage: nl\n"
    merged = add_administration(text, entry(key="b", name="B"))
    assert "\n- key: b\n" in merged
    assert [a.key for a in load_text(tmp_path, merged).administrations] == ["a", "b"]


def test_a_flow_style_list_is_refused_with_the_line(tmp_path):
    with pytest.raises(ConfigError, match=r"cfg:2: write `administrations:` as a list"):
        add_administration("language: nl\nadministrations: [{key: a}]\n", entry(), source="cfg")


def test_new_file_is_commented_and_valid(tmp_path):
    dunning = dunning_section(company="reminders", consumer="standard",
                              creditor={"iban": "NL91 ABNA 0417 1643 00", "email": "debiteuren@bakkerij.nl", "phone": ""})
    comments, above = dunning_comments(company="reminders", consumer="standard")
    first = entry(key="bakkerij", name="Bakkerij: De Vries & Zn.", package="moneybird",
                  settings={"administration_id": "123456789012345678", "auth": "token"}, dunning=dunning,
                  comments=comments, above=above, footer=["Secrets in the keyring: api_token"])
    settings_ = GlobalSettings(smtp={"host": "smtp.kantoor.nl", "port": 587, "security": "starttls",
                                     "username": "debiteuren@kantoor.nl", "sender": "debiteuren@kantoor.nl"},
                               summary_recipients=["accountant@kantoor.nl"])
    text = new_config_text(settings_, [first], config_name="config.yaml")
    config = load_text(tmp_path, text)
    admin = config.administration("bakkerij")
    assert admin.name == "Bakkerij: De Vries & Zn." and admin.moneybird.administration_id == "123456789012345678"
    assert admin.dunning.company.levels[-1].name == "bellijst" and admin.dunning.creditor.iban == "NL91ABNA0417164300"
    assert admin.dunning.consumer.levels[3].name == "veertiendagenbrief"  # the standard ladder
    assert config.smtp.username == "debiteuren@kantoor.nl" and config.summary.recipients == ["accountant@kantoor.nl"]
    assert "# Secrets in the keyring: api_token" in text
    assert "business customers: no ingebrekestelling, no costs, no interest" in text
    assert "connector doctor --config config.yaml" in text
    assert all(line.rstrip() == line for line in text.splitlines())  # no trailing blanks


def test_write_config_validates_keeps_a_backup_and_replaces_atomically(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(EXAMPLE, encoding="utf-8")
    config = write_config(path, add_administration(EXAMPLE, entry()))
    assert config.source_path == path.resolve() and len(config.administrations) == 4
    assert (tmp_path / "config.yaml.bak").read_text(encoding="utf-8") == EXAMPLE
    broken = add_administration(EXAMPLE, entry(key="nieuw-klant-2", settings={"source": "far too long source"}))
    with pytest.raises(ConfigError, match=r"config.yaml:\d+ administrations\[3\]\.eboekhouden\.source"):
        write_config(path, broken)
    assert len(load_config(path).administrations) == 4  # unchanged after the refusal
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(
    lambda s: s.strip() == s and s)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=names, source=st.from_regex(r"[A-Za-z0-9_ ]{1,10}", fullmatch=True).filter(lambda s: s.strip()))
def test_any_name_survives_the_round_trip(tmp_path, name, source):
    merged = add_administration(EXAMPLE, entry(name=name, settings={"source": source}))
    data = yaml.safe_load(merged)
    added = data["administrations"][-1]
    assert added["name"] == name and added["eboekhouden"]["source"] == source
    assert merged.startswith(EXAMPLE)


def test_keys_from_names_and_their_checks():
    assert slug("Bakkerij Jansen B.V.") == "bakkerij-jansen"
    assert slug("Lunchroom De Linde V.O.F.") == "lunchroom-de-linde"
    assert slug("Café 't Hoekje") == "caf-t-hoekje"
    assert slug("!!!") == "administratie"
    assert key_problem("smtp", set()) and key_problem("oauth", set())
    assert "already in the config" in key_problem("a", {"a"})
    assert key_problem("Hoofdletters", set()) and key_problem("ok-key_1", set()) is None


def test_presets_are_valid_dunning_settings_and_unknown_ones_are_refused():
    assert dunning_section() == {"unknown_contacts": "consumer"}
    assert dunning_section(enabled=False)["enabled"] is False
    with pytest.raises(ValueError, match="choose one of standard, reminders"):
        dunning_section(company="strict")
    with pytest.raises(ValueError, match="IBAN"):
        dunning_section(creditor={"iban": "NL00BANK0000000000"})
