"""Dunning settings per administration: the level ladders, send days, creditor details, legal options.

Why pydantic and full defaults: `dunning: {}` in the config must give a sensible Dutch practice
(herinnering → tweede herinnering → bellijst → WIK 14-dagenbrief / ingebrekestelling → incasso
dossier), while every rule the research marks UNCONFIRMED stays a documented option here
(see `LegalOptions`). Unknown keys are errors, like in the rest of the config.

Example (every key optional):

    dunning:
      min_amount: 25
      creditor: {iban: NL91ABNA0417164300, email: debiteuren@bakkerij.nl, phone: 030-1234567,
                 street: Dorpsstraat 1, postcode: 1234 AB, city: Utrecht, kvk: "12345678"}
      payment_link_template: "https://betaal.example/{admin}?amount={amount}&ref={reference}"
      send_days: {skip_weekends: true, skip_holidays: true, closed_days: [2026-12-31]}
      contract_terms: {cost_percentage: 15, interest_percent: 12}   # B2B only
      legal: {vat_uplift: false, b2b_minimum_per_invoice: false, consumer_interest_from: fourteen_day_term}
      templates_dir: brieven          # <lang>/<template>.txt.j2 here replaces the shipped wording
      company:                         # replaces the whole B2B ladder
        levels:
          - {name: herinnering, delay_days: 7, delay_from: due_date, channel: host_email, term_days: 7}
          - {name: ingebrekestelling, kind: notice_of_default, delay_days: 14, channel: letter,
             charge_costs: true, charge_interest: true}
          - {name: incasso, kind: handover, delay_days: 1, channel: handover, charge_costs: true}
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from connector.legal.costs import ContractCostTerms, CumulationRule
from connector.legal.interest import LeapDayRule
from connector.legal.letters import DeliveryAssumption

__all__ = [
    "Channel",
    "ContractTerms",
    "CreditorDetails",
    "DelayFrom",
    "DunningSettings",
    "LegalOptions",
    "Level",
    "LevelKind",
    "Policy",
    "SendDays",
    "default_company_policy",
    "default_consumer_policy",
    "settings_for",
]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Channel(StrEnum):
    """How a level reaches the debtor."""

    HOST_EMAIL = "host_email"  # the package sends it (Moneybird); our own SMTP when it cannot
    SMTP_EMAIL = "smtp_email"  # the connector mails it itself, with the PDF letter attached
    LETTER = "letter"  # a PDF for the post, left in the output folder
    PHONE = "phone"  # a line on the call list
    HANDOVER = "handover"  # the incasso dossier for a collection agency or bailiff


class LevelKind(StrEnum):
    """What a level means legally; decides which rules apply to it."""

    REMINDER = "reminder"  # herinnering / tweede herinnering: friendly, no costs
    CALL = "call"
    FOURTEEN_DAY = "fourteen_day"  # consumer veertiendagenbrief (art. 6:96 lid 6 BW)
    NOTICE_OF_DEFAULT = "notice_of_default"  # ingebrekestelling / sommatie
    HANDOVER = "handover"


class DelayFrom(StrEnum):
    DUE_DATE = "due_date"
    PREVIOUS = "previous"  # the send date of the previous level (the due date for the first level)


class Level(_Section):
    """One step of a ladder. A level is only reached after the previous one was sent, and never
    before the term the previous letter gave has ended."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$", description="stable id, stored in the history")
    kind: LevelKind = LevelKind.REMINDER
    delay_days: int = Field(ge=0, le=365)
    delay_from: DelayFrom = DelayFrom.PREVIOUS
    channel: Channel
    template: str | None = Field(None, description="template name; defaults to the level name")
    term_days: int = Field(14, ge=1, le=90, description="new payment term in the letter (calendar days)")
    charge_costs: bool = False
    charge_interest: bool = False
    attach_pdf: bool = Field(True, description="e-mails carry the PDF letter as attachment")

    @property
    def template_name(self) -> str:
        return self.template or self.name

    @model_validator(mode="after")
    def _fourteen_day_letter_only_announces(self) -> Level:
        if self.kind is LevelKind.FOURTEEN_DAY and self.charge_costs:
            raise ValueError("a 14-dagenbrief announces the collection costs, it cannot charge them: "
                             "set charge_costs on a later level")
        return self


class Policy(_Section):
    levels: list[Level] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_names(self) -> Policy:
        seen: set[str] = set()
        for level in self.levels:
            if level.name in seen:
                raise ValueError(f"level name {level.name!r} is used twice")
            seen.add(level.name)
        return self

    def index_of(self, name: str) -> int | None:
        """1-based position of the level called `name`, None when this policy has no such level."""
        for position, level in enumerate(self.levels, start=1):
            if level.name == name:
                return position
        return None


def default_company_policy() -> Policy:
    """B2B: herinnering 5 days after the due date, second reminder, call, ingebrekestelling with
    handelsrente and the (at least € 40) costs, then the incasso dossier."""
    return Policy(levels=[
        Level(name="herinnering", delay_days=5, delay_from=DelayFrom.DUE_DATE, channel=Channel.HOST_EMAIL,
              term_days=7),
        Level(name="tweede_herinnering", delay_days=10, channel=Channel.HOST_EMAIL, term_days=7),
        Level(name="bellijst", kind=LevelKind.CALL, delay_days=8, channel=Channel.PHONE),
        Level(name="ingebrekestelling", kind=LevelKind.NOTICE_OF_DEFAULT, delay_days=3,
              channel=Channel.SMTP_EMAIL, term_days=14, charge_costs=True, charge_interest=True),
        Level(name="incasso", kind=LevelKind.HANDOVER, delay_days=1, channel=Channel.HANDOVER,
              charge_costs=True, charge_interest=True),
    ])


def default_consumer_policy() -> Policy:
    """B2C: herinnering, second reminder, call, the WIK 14-dagenbrief (costs announced, not
    charged), then the incasso dossier with the costs once the 14-day term has passed unpaid."""
    return Policy(levels=[
        Level(name="herinnering", delay_days=5, delay_from=DelayFrom.DUE_DATE, channel=Channel.HOST_EMAIL,
              term_days=7),
        Level(name="tweede_herinnering", delay_days=10, channel=Channel.HOST_EMAIL, term_days=7),
        Level(name="bellijst", kind=LevelKind.CALL, delay_days=8, channel=Channel.PHONE),
        Level(name="veertiendagenbrief", kind=LevelKind.FOURTEEN_DAY, delay_days=3,
              channel=Channel.SMTP_EMAIL),
        Level(name="incasso", kind=LevelKind.HANDOVER, delay_days=1, channel=Channel.HANDOVER,
              charge_costs=True, charge_interest=True),
    ])


class SendDays(_Section):
    skip_weekends: bool = True
    skip_holidays: bool = Field(True, description="Dutch public holidays (the `holidays` package)")
    closed_days: list[date] = Field(default_factory=list, description="extra days without sends")


class CreditorDetails(_Section):
    """Who the letters come from and where to pay; name defaults to the administration's name."""

    name: str = ""
    iban: str = ""
    bic: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    country: str = "Nederland"
    kvk: str = ""
    btw: str = ""
    email: str = ""
    phone: str = ""
    website: str = ""
    signatory: str = Field("", description="name under the letters; the creditor's name when empty")

    @field_validator("iban")
    @classmethod
    def _valid_iban(cls, value: str) -> str:
        if not value:
            return value
        from schwifty import IBAN
        from schwifty.exceptions import SchwiftyException

        try:
            return str(IBAN(value).compact)
        except SchwiftyException as exc:
            raise ValueError(f"not a valid IBAN: {exc}") from None


class ContractTerms(_Section):
    """Agreed terms with business debtors (algemene voorwaarden), replacing the statutory defaults.

    Consumers always get the statutory staffel and interest: these terms are ignored for them.
    """

    cost_percentage: Decimal | None = Field(None, ge=0, le=100)
    cost_fixed_amount: Decimal | None = Field(None, ge=0)
    cost_minimum: Decimal | None = Field(None, ge=0)
    interest_percent: Decimal | None = Field(None, ge=0, lt=100,
                                             description="agreed yearly rate instead of handelsrente")

    def cost_terms(self) -> ContractCostTerms | None:
        if self.cost_percentage is None and self.cost_fixed_amount is None:
            return None
        return ContractCostTerms(percentage=self.cost_percentage, fixed_amount=self.cost_fixed_amount,
                                 minimum=self.cost_minimum)


class LegalOptions(_Section):
    """Rules the research marks UNCONFIRMED (research note §9), as options with safe defaults."""

    vat_uplift: bool = Field(False, description="add BTW to the costs: only when the creditor cannot deduct VAT")
    vat_percent: Decimal = Decimal(21)
    b2b_minimum_per_invoice: bool = Field(False, description="UNCONFIRMED: € 40 per invoice, not per letter")
    cumulation: bool = Field(False, description="UNCONFIRMED: Wki cumulatieregeling cap (Stb. 2024, 44)")
    delivery_days: int = Field(2, ge=1, le=10, description="letter deemed delivered on this counting day")
    delivery_skip_weekdays: list[int] = Field(default_factory=lambda: [6, 0],
                                              description="weekdays not counted (0=Monday); Sunday, Monday")
    extend_term_to_working_day: bool = True
    email_counts_as_written: bool = Field(
        False, description="UNCONFIRMED: a 14-dagenbrief sent by e-mail counts as 'schriftelijk'; "
        "off: it goes as a PDF letter for the post")
    email_copy_of_post: bool = Field(
        True, description="a 14-dagenbrief that goes by post is also e-mailed, marked as a copy; "
        "its term still runs from the postal letter's delivery")
    consumer_interest_from: Literal["due_date", "fourteen_day_term", "never"] = Field(
        "fourteen_day_term",
        description="due_date: the invoice term is fatal (art. 6:83 onder a); fourteen_day_term: the "
        "14-dagenbrief is the ingebrekestelling (conservative default)")
    confirmed_rates_only: bool = Field(
        True, description="UNCONFIRMED rates in the table are not charged: the last confirmed rate continues")
    leap_day: LeapDayRule = LeapDayRule.FEB_28
    rates_file: Path | None = None

    def delivery(self) -> DeliveryAssumption:
        return DeliveryAssumption(days_after_dispatch=self.delivery_days,
                                  non_counting_weekdays=frozenset(self.delivery_skip_weekdays))

    def cumulation_rule(self) -> CumulationRule | None:
        return CumulationRule() if self.cumulation else None


class DunningSettings(_Section):
    """The `dunning:` section of one administration."""

    enabled: bool = True
    company: Policy = Field(default_factory=default_company_policy)
    consumer: Policy = Field(default_factory=default_consumer_policy)
    unknown_contacts: Literal["consumer", "company"] = Field(
        "consumer", description="policy for contacts the host does not mark as company or person")
    min_amount: Decimal = Field(Decimal("10.00"), ge=0, description="no letter for less than this, per letter")
    send_days: SendDays = SendDays()
    creditor: CreditorDetails = CreditorDetails()
    payment_link_template: str | None = Field(
        None, description="pay-now URL with {amount} {reference} {invoices} {contact} {admin}, "
        "used when the host has no payment link")
    contract_terms: ContractTerms = ContractTerms()
    legal: LegalOptions = LegalOptions()
    templates_dir: Path | None = Field(None, description="folder whose templates replace the shipped ones")
    language: Literal["nl", "en"] | None = Field(None, description="default language when a contact has none")
    promise_grace_days: int = Field(3, ge=0, le=30, description="days after a promised date before dunning resumes")
    instalment_grace_days: int = Field(3, ge=0, le=30, description="days an instalment may be late")
    host_note: bool = Field(True, description="record steps the connector sent itself as a note in the package")
    attach_invoice_pdfs: bool = Field(True, description="e-mails the connector sends carry the package's "
                                      "invoice PDFs next to the letter, where the package has them")

    @field_validator("payment_link_template")
    @classmethod
    def _link_fields(cls, value: str | None) -> str | None:
        if value is None:
            return value
        try:
            value.format_map({k: "" for k in ("amount", "reference", "invoices", "contact", "admin")})
        except (KeyError, ValueError, IndexError) as exc:
            raise ValueError(f"unknown or malformed placeholder {exc}; use {{amount}}, {{reference}}, "
                             "{invoices}, {contact}, {admin}") from None
        return value

    def policy_for(self, kind: str) -> Policy:
        """`kind` is a ContactKind value; unknown contacts follow `unknown_contacts`."""
        if kind == "company":
            return self.company
        if kind == "consumer":
            return self.consumer
        return self.consumer if self.unknown_contacts == "consumer" else self.company

    def debtor_kind(self, kind: str) -> str:
        """'company' or 'consumer': which law applies to a contact of this ContactKind value."""
        if kind in ("company", "consumer"):
            return kind
        return self.unknown_contacts


def settings_for(admin: Any) -> DunningSettings:
    """The DunningSettings of an AdministrationConfig (a dict until the schema holds the model),
    with the creditor name and language defaulting to the administration's."""
    raw = getattr(admin, "dunning", None) or {}
    settings = raw if isinstance(raw, DunningSettings) else DunningSettings.model_validate(raw)
    updates: dict[str, Any] = {}
    if not settings.creditor.name and getattr(admin, "name", ""):
        updates["creditor"] = settings.creditor.model_copy(update={"name": admin.name})
    if settings.language is None:
        updates["language"] = getattr(admin, "language", "nl")
    return settings.model_copy(update=updates) if updates else settings
