"""Exact Online adapter (OAuth2 per country host, per-division sync pulls) and its simulator."""

from adapters.exact_online.adapter import ExactOnlineAdapter, build_adapter

__all__ = ["ExactOnlineAdapter", "build_adapter"]
