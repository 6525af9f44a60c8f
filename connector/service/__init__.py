"""Orchestration: wires config, secrets, adapters, the store and the pure core into runs."""
