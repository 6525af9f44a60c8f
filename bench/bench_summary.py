"""How long the summary of one administration with 5,000 open invoices takes, step by step.

    python bench/bench_summary.py [--invoices 5000]

Steps: figures (build_summary), render (text + HTML + chart PNG), compose (MIME), and the
whole path the service takes: invoices read from a real SQLite store, summary built, sent
through the outbox to a mailbox folder.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.base import Batch, Stream
from connector.clock import FakeClock
from connector.config.schema import ConnectorConfig
from connector.notify.compose import Attachment, compose_email
from connector.records import Invoice
from connector.store import Store
from connector.summary import AutoMatch, CallListRow, HoldDue, Suggestion, Summary, build_summary
from connector.summary.deliver import send_summaries
from connector.summary.from_cycle import admin_summaries_from_store
from connector.summary.render import render_summary

TODAY = date(2026, 10, 14)


def invoices(count: int, seed: int = 1) -> list[Invoice]:
    rng = random.Random(seed)
    out = []
    for n in range(count):
        due = TODAY + timedelta(days=rng.randint(-200, 30))
        cents = rng.randint(-20_000, 500_000) if rng.random() < 0.03 else rng.randint(1_000, 500_000)
        amount = Decimal(cents).scaleb(-2)
        out.append(Invoice(host_id=str(n), number=f"2026-{n:05d}", contact_id=f"c{rng.randint(1, 900)}",
                           invoice_date=due - timedelta(days=30), due_date=due, currency="EUR", total=amount,
                           open_amount=amount, version="1"))
    return out


def lists(count: int) -> dict:
    rng = random.Random(2)
    return {
        "auto_matches": [AutoMatch(date=TODAY, customer=f"Klant {n}", invoice_number=f"2026-{n:05d}",
                                   amount=Decimal(rng.randint(100, 90_000)).scaleb(-2)) for n in range(count // 10)],
        "suggestions": [Suggestion(date=TODAY, customer=f"Klant {n}", invoice_numbers=(f"2026-{n:05d}",),
                                   amount=Decimal(rng.randint(100, 90_000)).scaleb(-2), reason="bedrag en naam",
                                   confidence=0.7) for n in range(count // 20)],
        "call_list": [CallListRow(customer=f"Klant {n}", phone="+31 20 1234567", amount=Decimal(n),
                                  days_overdue=rng.randint(61, 300)) for n in range(count // 12)],
        "holds_due": [HoldDue(kind="promise", customer=f"Klant {n}", amount=Decimal(n), due_date=TODAY)
                      for n in range(count // 50)],
    }


def timed(label: str, results: dict, function, *args, **kwargs):
    started = time.perf_counter()
    value = function(*args, **kwargs)
    results[label] = time.perf_counter() - started
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=5000)
    args = parser.parse_args()
    results: dict[str, float] = {}
    data = invoices(args.invoices)

    import matplotlib  # noqa: F401  - import cost is not the summary's; measured apart
    admin = timed("build_summary", results, build_summary, key="bench", name="Bench B.V.", package="moneybird",
                  today=TODAY, open_invoices=data, sales_last_period=Decimal("2500000.00"), **lists(args.invoices))
    summary = Summary(today=TODAY, admins=(admin,))
    rendered = timed("render nl (text+html+chart)", results, render_summary, summary, language="nl")
    timed("render en (text+html+chart)", results, render_summary, summary, language="en")
    timed("compose MIME", results, compose_email, sender="a@kantoor.example", to=["b@kantoor.example"],
          subject=rendered.subject, text=rendered.text, html=rendered.html,
          date=datetime(2026, 10, 14, 9, tzinfo=UTC),
          inline=[Attachment(data=i.data, filename=i.filename, cid=i.cid) for i in rendered.images])

    with tempfile.TemporaryDirectory() as folder:
        clock = FakeClock(datetime(2026, 10, 14, 9, tzinfo=UTC).timestamp())
        store = Store.open(f"sqlite:///{Path(folder) / 'state.db'}", clock=clock)
        store.apply_batch("bench", Batch(Stream.INVOICES, tuple(data)))
        config = ConnectorConfig.model_validate({
            "administrations": [{"key": "bench", "name": "Bench B.V.", "package": "moneybird",
                                 "moneybird": {"administration_id": "1"}}],
            "smtp": {"mailbox_dir": str(Path(folder) / "mailbox")},
            "summary": {"recipients": ["b@kantoor.example"]},
        })

        def end_to_end() -> None:
            admins = admin_summaries_from_store(config, store, today=TODAY)
            send_summaries(config, store, admins, slot="bench", clock=clock)

        timed("store → summary → outbox → mailbox", results, end_to_end)

    render = results["render nl (text+html+chart)"]
    print(f"render of the summary (HTML + text + chart) for {args.invoices:,} open invoices: {render:.2f} s")
    print(f"summary of one administration with {args.invoices:,} open invoices, step by step")
    for label, seconds in results.items():
        print(f"  {label:<38} {seconds * 1000:8.0f} ms")
    print(f"  open total {admin.figures.total_open:,}  html {len(rendered.html):,} chars  "
          f"chart {len(rendered.images[0].data):,} bytes")


if __name__ == "__main__":
    main()
