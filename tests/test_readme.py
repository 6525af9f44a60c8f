"""The README stays true: every command is documented, and CI runs the README's test command."""

from __future__ import annotations

import re
from pathlib import Path

import click
from click.testing import CliRunner

from connector.cli import main

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def command_paths(group: click.Group, prefix: str = "connector") -> list[str]:
    paths = []
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        if isinstance(command, click.Group):
            paths.extend(command_paths(command, path))
        else:
            paths.append(path)
    return paths


def test_every_command_is_in_the_readme():
    missing = []
    for path in command_paths(main):
        parent, _, leaf = path.rpartition(" ")
        # `connector legal reference make\|check` documents both subcommands (pipes escaped in tables)
        pattern = rf"`{re.escape(parent)} (?:[\w-]+\\?\|)*{re.escape(leaf)}(?:\\?\|[\w-]+)*[` ]"
        if not re.search(pattern, README):
            missing.append(path)
    assert missing == []


def test_every_command_has_help():
    runner = CliRunner()
    for path in command_paths(main):
        result = runner.invoke(main, [*path.split()[1:], "--help"])
        assert result.exit_code == 0, path
        assert "Usage:" in result.output


def test_ci_runs_the_readme_test_command():
    readme_command = re.search(r"pip install \"\.\[test\]\" && (python -m pytest[^\n`]*)", README).group(1)
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert readme_command.strip() in ci
