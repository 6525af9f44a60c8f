"""e-Boekhouden.nl (REST API v1): open debtor invoices and relations; reminders go out by the connector."""

from adapters.eboekhouden.adapter import EboekhoudenAdapter, build_adapter

__all__ = ["EboekhoudenAdapter", "build_adapter"]
