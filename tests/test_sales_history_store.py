"""The sales history in the state store: every day of the fetched range kept in cents, per administration,
replaced as a whole, on a real SQLite file and (when installed) a real PostgreSQL server."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from connector.store import Store
from connector.store.schema import sales_history

FIRST, LAST = date(2026, 8, 26), date(2026, 11, 23)


@pytest.fixture
def store(state_url):
    return Store.open(state_url)


def test_every_day_of_the_range_is_kept_and_read_back_as_decimal(store) -> None:
    assert store.invoiced_history("a") == {} and store.invoiced_history_end("a") is None
    store.save_invoiced_history("a", {date(2026, 9, 1): Decimal("1210.00"), date(2026, 9, 2): Decimal("-242.10"),
                                      LAST: Decimal("0.05")}, first=FIRST, last=LAST)
    history = store.invoiced_history("a")
    assert list(history) == [FIRST + timedelta(days=n) for n in range(90)]
    assert history[date(2026, 9, 1)] == Decimal("1210.00") and history[date(2026, 9, 2)] == Decimal("-242.10")
    assert history[FIRST] == Decimal("0.00") and history[LAST] == Decimal("0.05")
    assert all(isinstance(v, Decimal) for v in history.values())
    assert store.invoiced_history_end("a") == LAST
    assert store.invoiced_history("b") == {}, "per administration"
    with store.engine.connect() as conn:
        cents = conn.execute(sa.select(sales_history.c.invoiced_cents)
                             .where(sales_history.c.day == date(2026, 9, 2))).scalar_one()
    assert cents == -24210


def test_saving_again_replaces_the_whole_history(store) -> None:
    store.save_invoiced_history("a", {FIRST: Decimal(5)}, first=FIRST, last=LAST)
    store.save_invoiced_history("a", {}, first=date(2026, 9, 1), last=date(2026, 9, 3))
    assert store.invoiced_history("a") == {date(2026, 9, d): Decimal("0.00") for d in (1, 2, 3)}
    assert store.invoiced_history_end("a") == date(2026, 9, 3)


def test_a_day_outside_the_range_is_refused_and_nothing_is_written(store) -> None:
    with pytest.raises(ValueError):
        store.save_invoiced_history("a", {LAST + timedelta(days=1): Decimal(1)}, first=FIRST, last=LAST)
    assert store.invoiced_history("a") == {}
