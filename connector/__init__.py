"""Debiteurenbeheer connector: receivables sync, reconciliation and dunning for Dutch bookkeeping packages."""

__version__ = "0.1.0"
