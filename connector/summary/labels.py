"""The summary's words in Dutch and English; templates read them as `t.<name>`.

An accountant who wants other words overrides a template (see docs/service.md); the
catalog stays the single source for the built-in ones so nl and en cannot drift apart.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

LANGUAGES = ("nl", "en")
LOCALES = {"nl": "nl_NL", "en": "en_GB"}

PACKAGE_NAMES = {"moneybird": "Moneybird", "exact": "Exact Online", "eboekhouden": "e-Boekhouden"}

_NL: dict[str, Any] = {
    "subject_daily": "Debiteurenoverzicht {scope} — {date}",
    "subject_weekly": "Weekoverzicht debiteuren {scope} — week {week}",
    "title_daily": "Debiteurenoverzicht",
    "title_weekly": "Weekoverzicht debiteuren",
    "all_admins": "alle administraties",
    "n_admins": "{n} administraties",
    "attention": "Actie nodig",
    "attention_kinds": {"reconsent": "Opnieuw toestemming geven", "admin_failed": "Administratie mislukt",
                        "email_failed": "E-mail niet afgeleverd", "other": "Let op"},
    "no_attention": "Er wacht niets op u.",
    "totals": "Alle administraties samen",
    "key_figures": "Kerncijfers",
    "total_open": "Totaal openstaand",
    "overdue": "Vervallen",
    "invoices": "facturen",
    "invoice_one": "factuur",
    "open_short": "Openstaand",
    "customers_short": "Klanten",
    "dso": "DSO",
    "days": "dagen",
    "dso_unknown": "nog onbekend (minder dan 90 dagen omzet gezien)",
    "dso_trend": "{delta} dagen t.o.v. {previous}",
    "trend_better": "sneller betaald",
    "trend_worse": "trager betaald",
    "trend_same": "gelijk",
    "customers_overdue": "Klanten met achterstand",
    "overpaid": "Te veel ontvangen",
    "payments": "betalingen",
    "payment_one": "betaling",
    "overpaid_action": "terugbetalen of verrekenen",
    "aging": "Ouderdom openstaande posten",
    "bucket": "Ouderdom",
    "count": "Aantal",
    "amount": "Bedrag",
    "share": "Aandeel",
    "total": "Totaal",
    "chart_title": "Openstaand per ouderdom",
    "sent": "Verstuurd in deze run",
    "sent_week": "Verstuurd in de afgelopen week",
    "nothing_sent": "In deze run is niets verstuurd.",
    "nothing_sent_week": "De afgelopen week is niets verstuurd.",
    "level": "Stap",
    "levels": {"reminder": "herinnering", "reminder_1": "1e herinnering", "reminder_2": "2e herinnering",
               "reminder_3": "3e herinnering", "wik_14_days": "14-dagenbrief (WIK)", "demand": "aanmaning",
               "final_notice": "laatste aanmaning", "call": "bellen", "collection": "naar incasso",
               "email": "e-mail", "letter": "brief",
               # the shipped policy's level names (connector.dunning.policy)
               "herinnering": "herinnering", "tweede_herinnering": "2e herinnering", "bellijst": "bellen",
               "ingebrekestelling": "ingebrekestelling", "veertiendagenbrief": "14-dagenbrief (WIK)",
               "incasso": "naar incasso"},
    "auto_matches": "Automatisch gekoppelde betalingen",
    "no_auto_matches": "Geen automatisch gekoppelde betalingen.",
    "date": "Datum",
    "customer": "Klant",
    "invoice": "Factuur",
    "booked": "geboekt",
    "noted": "alleen vastgelegd",
    "suggestions": "Voorstellen die op uw besluit wachten",
    "no_suggestions": "Geen voorstellen open.",
    "reason": "Reden",
    "confidence": "Zekerheid",
    "flagged": "Bankregels die aandacht vragen",
    "no_flagged": "Geen bankregels die aandacht vragen.",
    "counterparty": "Tegenpartij",
    "flag_kinds": {"psp_payout": "uitbetaling betaalprovider", "not_a_customer_payment": "geen klantbetaling",
                   "overpayment": "dubbel of te veel betaald", "ambiguous": "meerdere betalingen voor één factuur"},
    "more_flagged": "… en nog {n} regels: zie `connector matches`",
    "call_list": "Bellijst",
    "no_call_list": "Niemand om te bellen.",
    "phone": "Telefoon",
    "no_phone": "geen nummer",
    "days_overdue": "Dagen vervallen",
    "last_contact": "Laatste contact",
    "never": "nog geen",
    "contact_kinds": {"host_reminder": "herinnering door het pakket", "dispute": "geschil",
                      "promise": "betaaltoezegging", "pause": "gepauzeerd", "arrangement": "betalingsregeling"},
    "holds": "Geschillen, toezeggingen en betalingsregelingen",
    "no_holds": "Niets dat binnenkort vervalt.",
    "hold_kinds": {"dispute": "geschil", "promise": "betaaltoezegging", "payment_plan": "betalingsregeling"},
    "kind": "Soort",
    "due": "Vervalt",
    "note": "Toelichting",
    "more_rows": "… en nog {n} regels",
    "status_failed": "Mislukt: {error}",
    "failed": "mislukt",
    "outbox_failed": "mislukt",
    "outbox_unknown": "niet bekend of het is gelukt, controleer het",
    "outbox_kinds": {"dunning_email": "aanmaning per e-mail", "reminder": "herinnering via het pakket",
                     "reminder_email": "herinnering per e-mail", "dunning_letter": "brief per post",
                     "dunning_call": "bellijst", "dunning_handover": "incassodossier", "note": "notitie in het pakket",
                     "payment": "boeking van een betaling", "summary_email": "overzichtsmail"},
    "footer": "Automatisch gemaakt door de debiteurenconnector op {date}.",
}

_EN: dict[str, Any] = {
    "subject_daily": "Receivables summary {scope} — {date}",
    "subject_weekly": "Weekly receivables overview {scope} — week {week}",
    "title_daily": "Receivables summary",
    "title_weekly": "Weekly receivables overview",
    "all_admins": "all administrations",
    "n_admins": "{n} administrations",
    "attention": "Needs your attention",
    "attention_kinds": {"reconsent": "Grant access again", "admin_failed": "Administration failed",
                        "email_failed": "E-mail not delivered", "other": "Note"},
    "no_attention": "Nothing is waiting for you.",
    "totals": "All administrations together",
    "key_figures": "Key figures",
    "total_open": "Total open",
    "overdue": "Overdue",
    "invoices": "invoices",
    "invoice_one": "invoice",
    "open_short": "Open",
    "customers_short": "Customers",
    "dso": "DSO",
    "days": "days",
    "dso_unknown": "not known yet (less than 90 days of sales seen)",
    "dso_trend": "{delta} days since {previous}",
    "trend_better": "paid sooner",
    "trend_worse": "paid later",
    "trend_same": "unchanged",
    "customers_overdue": "Customers overdue",
    "overpaid": "Received too much",
    "payments": "payments",
    "payment_one": "payment",
    "overpaid_action": "refund or settle",
    "aging": "Aging of open items",
    "bucket": "Age",
    "count": "Count",
    "amount": "Amount",
    "share": "Share",
    "total": "Total",
    "chart_title": "Open amount by age",
    "sent": "Sent this run",
    "sent_week": "Sent in the past week",
    "nothing_sent": "Nothing was sent this run.",
    "nothing_sent_week": "Nothing was sent in the past week.",
    "level": "Step",
    "levels": {"reminder": "reminder", "reminder_1": "1st reminder", "reminder_2": "2nd reminder",
               "reminder_3": "3rd reminder", "wik_14_days": "14-day letter (WIK)", "demand": "demand letter",
               "final_notice": "final notice", "call": "phone call", "collection": "to collection",
               "email": "e-mail", "letter": "letter",
               "herinnering": "reminder", "tweede_herinnering": "2nd reminder", "bellijst": "phone call",
               "ingebrekestelling": "notice of default", "veertiendagenbrief": "14-day letter (WIK)",
               "incasso": "to collection"},
    "auto_matches": "Payments matched automatically",
    "no_auto_matches": "No payments matched automatically.",
    "date": "Date",
    "customer": "Customer",
    "invoice": "Invoice",
    "booked": "booked",
    "noted": "recorded only",
    "suggestions": "Suggestions awaiting your decision",
    "no_suggestions": "No open suggestions.",
    "reason": "Reason",
    "confidence": "Confidence",
    "flagged": "Bank lines that need attention",
    "no_flagged": "No bank lines need attention.",
    "counterparty": "Counterparty",
    "flag_kinds": {"psp_payout": "payment-provider payout", "not_a_customer_payment": "not a customer payment",
                   "overpayment": "paid twice or too much", "ambiguous": "several payments for one invoice"},
    "more_flagged": "… and {n} more: see `connector matches`",
    "call_list": "Call list",
    "no_call_list": "Nobody to call.",
    "phone": "Phone",
    "no_phone": "no number",
    "days_overdue": "Days overdue",
    "last_contact": "Last contact",
    "never": "none yet",
    "contact_kinds": {"host_reminder": "reminder by the package", "dispute": "dispute", "promise": "promise to pay",
                      "pause": "paused", "arrangement": "payment plan"},
    "holds": "Disputes, promises and payment plans",
    "no_holds": "Nothing falls due soon.",
    "hold_kinds": {"dispute": "dispute", "promise": "promise to pay", "payment_plan": "payment plan"},
    "kind": "Kind",
    "due": "Due",
    "note": "Note",
    "more_rows": "… and {n} more rows",
    "status_failed": "Failed: {error}",
    "failed": "failed",
    "outbox_failed": "failed",
    "outbox_unknown": "outcome unknown, please check",
    "outbox_kinds": {},  # the outbox's own names, as `connector status` shows them
    "footer": "Made automatically by the receivables connector on {date}.",
}

_CATALOG = {"nl": MappingProxyType(_NL), "en": MappingProxyType(_EN)}


class Labels:
    """Attribute access to one language's words (`t.total_open`), failing loudly on a typo."""

    def __init__(self, language: str) -> None:
        if language not in _CATALOG:
            raise ValueError(f"summary language must be one of {', '.join(LANGUAGES)}, not {language!r}")
        self.language = language
        self._words = _CATALOG[language]

    def __getattr__(self, name: str) -> Any:
        try:
            return self._words[name]
        except KeyError:
            raise AttributeError(f"no summary label {name!r} in language {self.language!r}") from None

    def level_name(self, key: str) -> str:
        return self._words["levels"].get(key, key.replace("_", " "))

    def outbox_kind(self, kind: str) -> str:
        return self._words["outbox_kinds"].get(kind, kind)

    def flag_kind(self, kind: str) -> str:
        return self._words["flag_kinds"].get(kind, kind.replace("_", " "))

    def contact(self, kind: str, what: str = "") -> str:
        """The last contact in words: the level sent, or the hold recorded with its reason."""
        if kind == "step":
            return self.level_name(what)
        label = self._words["contact_kinds"].get(kind, kind.replace("_", " "))
        return f"{label}: {what}" if what and kind != "host_reminder" else label
