"""Questions for the set-up, answered by a flag, by the person at the keyboard, or by a default.

One object decides, so every question in `connector init` works both ways: interactively
(a prompt with the default shown) and scripted (`--no-input`: the flag's value or the
default, and an error naming the missing flag when there is neither).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import TypeVar

import click

T = TypeVar("T")


class Asker:
    def __init__(self, *, interactive: bool = True, echo: Callable[[str], None] = click.echo) -> None:
        self.interactive = interactive
        self.echo = echo

    def text(self, question: str, *, value: str | None = None, default: str | None = None, flag: str,
             check: Callable[[str], str | None] | None = None, optional: bool = False) -> str:
        """A line of text; `check(answer)` returns a problem to show (and ask again) or None."""
        if value is not None:
            return self._checked(value, check, flag)
        if not self.interactive:
            if default is not None or optional:
                return self._checked(default or "", check, flag) if default else ""
            raise click.UsageError(f"{question}: give {flag} (running with --no-input)")
        while True:
            answer = click.prompt(question, default=default if default is not None else ("" if optional else None),
                                  show_default=bool(default)).strip()
            if not answer and optional:
                return ""
            problem = check(answer) if check else None
            if problem is None:
                return answer
            self.echo(f"  {problem}")

    def secret(self, question: str, *, value: str | None = None, flag: str) -> str:
        """A token or password: not echoed on a terminal, never shown back."""
        if value:
            return value.strip()
        if not self.interactive:
            raise click.UsageError(f"{question}: give {flag} or its environment variable (running with --no-input)")
        while True:
            answer = click.prompt(question, hide_input=sys.stdin.isatty(), default="", show_default=False).strip()
            if answer:
                return answer
            self.echo("  (empty; paste the value, or press Ctrl-C to stop)")

    def choice(self, question: str, options: Sequence[tuple[T, str]], *, value: T | None = None,
               default: T | None = None, flag: str) -> T:
        """One of `options` (value, label), asked as a numbered list."""
        values = [option for option, _label in options]
        if value is not None:
            if value not in values:
                raise click.UsageError(f"{flag} {value}: choose one of {', '.join(map(str, values))}")
            return value
        if not self.interactive:
            if default is not None:
                return default
            raise click.UsageError(f"{question}: give {flag} (one of {', '.join(map(str, values))})")
        self.echo(question)
        for number, (_option, label) in enumerate(options, start=1):
            self.echo(f"  {number}. {label}")
        start = values.index(default) + 1 if default in values else None
        while True:
            answer = click.prompt("Number", default=start, type=int)
            if 1 <= answer <= len(options):
                return values[answer - 1]
            self.echo(f"  choose 1 to {len(options)}")

    def confirm(self, question: str, *, value: bool | None = None, default: bool = True) -> bool:
        if value is not None:
            return value
        if not self.interactive:
            return default
        return click.confirm(question, default=default)

    @staticmethod
    def _checked(answer: str, check: Callable[[str], str | None] | None, flag: str) -> str:
        problem = check(answer) if check else None
        if problem is not None:
            raise click.UsageError(f"{flag} {answer!r}: {problem}")
        return answer
