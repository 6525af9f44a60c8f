"""The config schema. Secrets never live here: only the names under which they are stored.

Unknown keys are errors (a typo must not silently switch a feature off), and every
section has defaults that follow common Dutch practice so a minimal file works.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from connector.config.base import Section
from connector.config.service_schema import ScheduleConfig
from connector.dunning.policy import DunningSettings
from connector.records import Package

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


class StateConfig(Section):
    url: str = Field("sqlite:///connector-state.db", description="SQLAlchemy URL of the state store")

    @field_validator("url")
    @classmethod
    def _is_a_database_url(cls, value: str) -> str:
        """Checked here so a typo is reported with the file and line, not when the store opens."""
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            make_url(value).get_dialect()
        except ArgumentError as exc:
            from connector.store.store import bad_url_reason

            raise ValueError(bad_url_reason(value, exc)) from None
        return value


class MoneybirdConfig(Section):
    administration_id: Annotated[str, Field(pattern=r"^\d+$")]
    base_url: str = "https://moneybird.com/api/v2"
    auth: Literal["token", "oauth"] = "token"
    token_env: str | None = Field(None, description="read the API token from this environment variable")
    financial_account_id: str | None = None


class ExactConfig(Section):
    division: int
    country: Literal["nl", "be", "de", "uk", "us", "es", "fr"] = "nl"
    base_url: str | None = None
    client_id_env: str | None = None
    book_payments: bool = False
    bank_journal: str | None = None
    token_key: str | None = Field(None, description="share one token chain between divisions of one login")
    daily_reserve: int = Field(100, ge=0, description="API calls per day kept free for writes")
    error_budget: int = Field(5, ge=1, le=9, description="errors per endpoint per hour before we stop (Exact blocks at 10)")
    document_type: int = Field(55, description="Exact document type for attached letters")


class EboekhoudenConfig(Section):
    base_url: str = "https://api.e-boekhouden.nl"
    token_env: str | None = None
    source: Annotated[str, Field(min_length=1, max_length=10)] = "Debiteuren"
    book_payments: bool = False
    bank_ledger_code: str = ""
    debtor_ledger_code: str = ""
    default_term_days: int = Field(30, ge=0, le=365)
    relation_refresh_days: int = Field(7, ge=1, le=90)


class SyncConfig(Section):
    since: date = Field(date(2015, 1, 1), description="oldest invoice date considered")


class PaymentsConfig(Section):
    book: Literal["auto", "suggest_only", "off"] = "suggest_only"


class BankFilesConfig(Section):
    inbox: Path | None = Field(None, description="folder watched for camt.053 / MT940 files")
    account_iban: str | None = None


class AdministrationConfig(Section):
    key: str
    name: str
    package: Package
    moneybird: MoneybirdConfig | None = None
    exact: ExactConfig | None = None
    eboekhouden: EboekhoudenConfig | None = None
    language: Literal["nl", "en"] = "nl"
    sync: SyncConfig = SyncConfig()
    payments: PaymentsConfig = PaymentsConfig()
    bank_files: BankFilesConfig = BankFilesConfig()
    dunning: DunningSettings = Field(default_factory=DunningSettings, description="policy (docs/policy.md)")
    enabled: bool = True

    @field_validator("key")
    @classmethod
    def _key_shape(cls, value: str) -> str:
        if not KEY_PATTERN.match(value):
            raise ValueError("use lower-case letters, digits, '-' or '_' (max 63), e.g. 'bakkerij-jansen'")
        return value

    @model_validator(mode="after")
    def _package_section_present(self) -> AdministrationConfig:
        section = self.package.value
        if getattr(self, section) is None:
            raise ValueError(f"package is {section!r} but the '{section}:' section is missing")
        for other in Package:
            if other is not self.package and getattr(self, other.value) is not None:
                raise ValueError(f"package is {section!r} but a '{other.value}:' section is present")
        return self

    @property
    def vendor_settings(self) -> MoneybirdConfig | ExactConfig | EboekhoudenConfig:
        return getattr(self, self.package.value)


class SmtpConfig(Section):
    host: str = "localhost"
    port: int = 587
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: str | None = None
    sender: str = "debiteuren@example.nl"
    mailbox_dir: Path | None = Field(None, description="write emails as .eml files here instead of sending")


class SummaryConfig(Section):
    recipients: list[str] = Field(default_factory=list)
    combined: bool = True
    language: Literal["nl", "en"] = "nl"


class ConnectorConfig(Section):
    state: StateConfig = StateConfig()
    timezone: str = "Europe/Amsterdam"
    language: Literal["nl", "en"] = "nl"
    administrations: list[AdministrationConfig] = Field(default_factory=list)
    smtp: SmtpConfig = SmtpConfig()
    summary: SummaryConfig = SummaryConfig()
    schedule: ScheduleConfig = ScheduleConfig()
    workers: int = Field(1, ge=1, le=64, description="administrations worked on at the same time in one run")
    templates_dir: Path | None = None
    output_dir: Path = Path("connector-output")

    # Where the file was read from; relative paths in it are relative to this folder.
    source_path: Path | None = Field(None, exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _default_language(cls, data: Any) -> Any:
        """The top-level `language` is the default of every administration's letters and of the
        summary: filled in where they set none of their own, so every reader sees one answer."""
        if not isinstance(data, dict) or "language" not in data:
            return data
        default = data["language"]
        admins = data.get("administrations")
        if isinstance(admins, list):
            data = {**data, "administrations": [
                {"language": default, **a} if isinstance(a, dict) else a for a in admins]}
        summary = data.get("summary")
        if summary is None or isinstance(summary, dict):
            data = {**data, "summary": {"language": default, **(summary or {})}}
        return data

    @model_validator(mode="after")
    def _unique_keys(self) -> ConnectorConfig:
        seen: set[str] = set()
        for admin in self.administrations:
            if admin.key in seen:
                raise ValueError(f"administration key {admin.key!r} is used twice")
            seen.add(admin.key)
        return self

    def administration(self, key: str) -> AdministrationConfig:
        for admin in self.administrations:
            if admin.key == key:
                return admin
        known = ", ".join(a.key for a in self.administrations) or "none"
        from connector.errors import ConfigError

        raise ConfigError(f"no administration {key!r} in the config (known: {known})")

    def resolve(self, path: Path | None) -> Path | None:
        """A path from the file, made absolute relative to the config's folder."""
        if path is None or path.is_absolute() or self.source_path is None:
            return path
        return self.source_path.parent / path

    @property
    def state_url(self) -> str:
        url = self.state.url
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith("sqlite:////") and ":memory:" not in url:
            resolved = self.resolve(Path(url[len(prefix):]))
            return f"{prefix}{resolved}"
        return url
