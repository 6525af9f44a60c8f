"""The base of every config section: frozen, and unknown keys are errors (a typo must not pass)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
