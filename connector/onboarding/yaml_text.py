"""Write YAML as text with comments, one line per key, so a person can read and edit it.

Why not `yaml.safe_dump` of the whole file: it drops comments, and the config is read by
accountants who need a word next to a setting. Why not ruamel.yaml: the only edit we make
to an existing file is *adding* lines, which needs no round-trip library (see config_writer).
Scalars still go through PyYAML, so quoting ("123", "ja", ": ") is always right.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import yaml

Comments = Mapping[str, str]


def scalar(value: Any) -> str:
    """One value as YAML flow text: `'123'` for a digit string, `[a, b]` for a short list."""
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**9, sort_keys=False)
    return text.removesuffix("\n").removesuffix("\n...").strip()


def mapping_lines(data: Mapping[str, Any], *, indent: int = 0, path: str = "",
                  comments: Comments | None = None, above: Mapping[str, Sequence[str]] | None = None) -> list[str]:
    """Block-style lines for `data`; `comments[path]` is put after a key, `above[path]` on lines before it.

    Paths are dotted (`moneybird.auth`); items of a list of mappings use `key[]` (`company.levels[]`).
    """
    comments = comments or {}
    above = above or {}
    pad = " " * indent
    lines: list[str] = []
    for key, value in data.items():
        where = f"{path}.{key}" if path else str(key)
        lines.extend(f"{pad}# {line}" if line else f"{pad}#" for line in above.get(where, ()))
        note = f"  # {comments[where]}" if where in comments else ""
        if isinstance(value, Mapping) and value:
            lines.append(f"{pad}{key}:{note}")
            lines.extend(mapping_lines(value, indent=indent + 2, path=where, comments=comments, above=above))
        elif isinstance(value, list) and value and any(isinstance(item, Mapping) for item in value):
            lines.append(f"{pad}{key}:{note}")
            for item in value:
                lines.extend(list_item_lines(item, indent=indent + 2, path=f"{where}[]", comments=comments))
        else:
            lines.append(f"{pad}{key}: {scalar(value)}{note}")
    return lines


def list_item_lines(item: Any, *, indent: int, path: str = "", comments: Comments | None = None) -> list[str]:
    """One `- ...` item at `indent` (the dash's column); a mapping's keys line up after the dash."""
    if not isinstance(item, Mapping) or not item:
        return [f"{' ' * indent}- {scalar(item)}"]
    body = mapping_lines(item, indent=indent + 2, path=path, comments=comments)
    first = body[0]
    return [f"{' ' * indent}- {first[indent + 2:]}", *body[1:]]
