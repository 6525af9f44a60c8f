"""config.example.yaml documents every key of the schema and is itself a valid config."""

from __future__ import annotations

import re
import typing
from pathlib import Path

from pydantic import BaseModel

from connector.config import ConnectorConfig, load_config
from connector.config.service_schema import default_jobs

EXAMPLE = Path(__file__).resolve().parents[1] / "config.example.yaml"

# Keys that cannot sensibly be shown in the file, each with its reason.
NOT_SHOWN = {
    ("ConnectorConfig", "source_path"): "set by the loader to the file's own location, never read from it",
}


def schema_keys(model: type[BaseModel], seen: set[type[BaseModel]] | None = None) -> set[tuple[str, str]]:
    """(model name, field name) for every field reachable from `model`, through lists, unions and Optional."""
    seen = seen if seen is not None else set()
    if model in seen:
        return set()
    seen.add(model)
    keys = set()
    for name, field in model.model_fields.items():
        keys.add((model.__name__, name))
        for nested in _models_in(field.annotation):
            keys |= schema_keys(nested, seen)
    return keys


def _models_in(annotation: object) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in typing.get_args(annotation) for model in _models_in(arg)]


def test_the_example_is_a_valid_config():
    config = load_config(EXAMPLE)
    assert [a.package.value for a in config.administrations] == ["moneybird", "exact", "eboekhouden"]
    assert config.schedule.jobs == default_jobs(), "the file says its jobs are the defaults"


def test_every_schema_key_is_in_the_example():
    text = EXAMPLE.read_text(encoding="utf-8")
    keys = schema_keys(ConnectorConfig)
    assert len(keys) > 100, "the walk reached the nested sections (dunning, schedule, ...)"
    missing = sorted(f"{model}.{name}" for model, name in keys - set(NOT_SHOWN)
                     if not re.search(rf"(?<![\w-]){re.escape(name)}:", text))
    assert missing == [], f"document these keys in config.example.yaml (or allow-list them with a reason): {missing}"
    assert set(NOT_SHOWN) <= keys, "an allow-listed key no longer exists"
