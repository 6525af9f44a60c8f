"""Moneybird: client, adapter and a local simulator of its REST API v2."""
