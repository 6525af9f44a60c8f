"""Vendor adapters: one package per bookkeeping package (client, adapter, simulator)."""
