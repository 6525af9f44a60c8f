"""Read the YAML config and turn schema errors into `file:line key.path: message` lines."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from connector.config.schema import ConnectorConfig
from connector.errors import ConfigError


def load_config(path: str | Path) -> ConnectorConfig:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found (create one from config.example.yaml)") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config: {exc.strerror}") from None
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{where}: invalid YAML: {problem}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: the config must be a mapping of keys (state, administrations, ...)")
    try:
        config = ConnectorConfig.model_validate(_drop_empty(data))
    except ValidationError as exc:
        raise ConfigError(_describe(exc, root, path)) from None
    return config.model_copy(update={"source_path": path.resolve()})


def _drop_empty(value: Any) -> Any:
    """A key with nothing after it (`bank_files:` with only comments) means "use the defaults"."""
    if isinstance(value, dict):
        return {k: _drop_empty(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_empty(v) for v in value]
    return value


def _describe(exc: ValidationError, root: yaml.Node | None, path: Path) -> str:
    errors = exc.errors()
    # A misspelt key also leaves the key it meant "missing": report only the typo, with its hint.
    meant: set[tuple[Any, ...]] = set()
    for error in errors:
        if error["type"] == "extra_forbidden" and (close := _close_match(tuple(error["loc"]))):
            meant.add(tuple(error["loc"])[:-1] + (close,))
    lines = []
    for error in errors:
        loc = tuple(error["loc"])
        if error["type"] == "missing" and loc in meant:
            continue
        node = _node_at(root, loc)
        line = node.start_mark.line + 1 if node is not None else 1
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = _unknown_key_message(loc)
        elif error["type"] == "missing":
            message = "field required"
        lines.append(f"{path}:{line} {_dotted(loc)}: {message}")
    return "\n".join(lines)


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _node_at(root: yaml.Node | None, loc: tuple[Any, ...]) -> yaml.Node | None:
    """The deepest YAML node along `loc` (the key node for a bad key, its parent for a missing one)."""
    node = root
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == part:
                    node = value_node if part != loc[-1] else key_node
                    break
            else:
                return node
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            return node
    return node


def _known_keys(loc: tuple[Any, ...]) -> list[str]:
    model = _model_at(loc[:-1])
    return sorted(model.model_fields) if model else []


def _close_match(loc: tuple[Any, ...]) -> str | None:
    """The known key an unknown key at `loc` was probably meant to be."""
    close = difflib.get_close_matches(str(loc[-1]), _known_keys(loc), n=1)
    return close[0] if close else None


def _unknown_key_message(loc: tuple[Any, ...]) -> str:
    close, known = _close_match(loc), _known_keys(loc)
    hint = f" (did you mean '{close}'?)" if close else (f" (known keys: {', '.join(known)})" if known else "")
    return f"unknown key{hint}"


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    model: type[BaseModel] | None = ConnectorConfig
    for part in loc:
        if model is None or isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        if field is None:
            return None
        model = _first_model(field.annotation)
    return model


def _first_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _first_model(arg)
        if found is not None:
            return found
    return None
