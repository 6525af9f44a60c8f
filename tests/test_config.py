"""Config loading: a bad file gives one clear `file:line key: message` and exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from connector.config import load_config
from connector.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]

GOOD = """\
state:
  url: sqlite:///state.db
administrations:
  - key: jansen
    name: Jansen B.V.
    package: moneybird
    moneybird:
      administration_id: "123"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_config_is_valid():
    config = load_config(REPO / "config.example.yaml")
    assert [a.package.value for a in config.administrations] == ["moneybird", "exact", "eboekhouden"]


def test_relative_state_url_is_next_to_the_config(tmp_path):
    config = load_config(write(tmp_path, GOOD))
    assert config.state_url == f"sqlite:///{tmp_path / 'state.db'}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GOOD.replace("administration_id", "administraton_id"),
         "config.yaml:8 administrations[0].moneybird.administraton_id: unknown key (did you mean 'administration_id'?)"),
        (GOOD + "    payments:\n      book: always\n",
         "config.yaml:10 administrations[0].payments.book: Input should be 'auto', 'suggest_only' or 'off'"),
        (GOOD.replace("package: moneybird", "package: snelstart"),
         "config.yaml:6 administrations[0].package: Input should be 'moneybird', 'exact' or 'eboekhouden'"),
        (GOOD.replace('      administration_id: "123"\n', "      base_url: http://x\n"),
         "administrations[0].moneybird.administration_id: field required"),
        ("state: [\n", "invalid YAML"),
        ("- a\n- b\n", "the config must be a mapping"),
    ],
    ids=["typo", "enum", "package", "missing", "yaml", "not-a-mapping"],
)
def test_bad_config_names_file_line_and_key(tmp_path, text, expected):
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    assert expected in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.yaml")


def test_package_section_must_match(tmp_path):
    text = GOOD.replace("package: moneybird", "package: exact")
    with pytest.raises(ConfigError, match="package is 'exact' but the 'exact:' section is missing"):
        load_config(write(tmp_path, text))


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("status", "--config", "missing.yaml"), "config file not found"),
        (("sync", "--config", "config.yaml"), "unknown key"),
    ],
)
def test_cli_reports_config_errors_without_traceback(tmp_path, cli, args, expected):
    write(tmp_path, GOOD.replace("name:", "nmae:"))
    result = cli(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_a_misspelt_key_is_one_message_not_also_a_missing_one(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, GOOD.replace("administration_id", "administraton_id")))
    assert str(info.value).splitlines() == [
        (f"{tmp_path / 'config.yaml'}:8 administrations[0].moneybird.administraton_id: unknown key "
         "(did you mean 'administration_id'?)")]


def test_a_missing_key_next_to_an_unrelated_unknown_one_is_still_reported(tmp_path):
    text = GOOD.replace('      administration_id: "123"\n', "      colour: blue\n")
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    assert [line.split(" ", 1)[1] for line in str(info.value).splitlines()] == [
        "administrations[0].moneybird.administration_id: field required",
        ("administrations[0].moneybird.colour: unknown key (known keys: administration_id, auth, base_url, "
         "financial_account_id, token_env)"),
    ]


def test_validator_messages_carry_no_pydantic_prefix(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, GOOD.replace("key: jansen", "key: Jansen BV")))
    assert str(info.value) == (f"{tmp_path / 'config.yaml'}:4 administrations[0].key: use lower-case letters, "
                               "digits, '-' or '_' (max 63), e.g. 'bakkerij-jansen'")


def test_a_malformed_state_url_names_the_key_and_line(tmp_path, cli):
    write(tmp_path, GOOD.replace("sqlite:///state.db", "sqlite//state.db"))
    result = cli("status", "--config", "config.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == ("error: config.yaml:2 state.url: not a database URL; "
                                     "use sqlite:///FILE or postgresql+psycopg://USER@HOST/DB")
