"""Benchmark: import a generated 100,000-entry camt.053 and report wall time and peak memory.

    python bench/bench_bankfiles.py [--entries 100000] [--keep]

Three measurements on the same file:
* stream   - read_camt only, entries dropped as they come: what the streaming reader itself costs;
* import   - parse_file, all mutations kept (the all-or-nothing result a caller gets), wall time
             and peak RSS growth (psutil, sampled) over the process before the import;
* python heap - parse_file again under tracemalloc: peak of Python allocations.
"""

from __future__ import annotations

import argparse
import gc
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import psutil

from connector.bankfiles import parse_file
from connector.bankfiles.camt import read_camt

HEADER = ('<?xml version="1.0" encoding="UTF-8"?>\n'
          '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">\n<BkToCstmrStmt>\n'
          "<GrpHdr><MsgId>BENCH</MsgId><CreDtTm>2026-03-06T20:00:00</CreDtTm></GrpHdr>\n")
PER_STATEMENT = 400


def _entry(n: int, day: date) -> str:
    """A realistic incoming SEPA credit; every 50th entry is a collection batch of three."""
    amount_cents = 1000 + (n * 7919) % 250000
    if n % 50 == 0:
        parts = [amount_cents // 3, amount_cents // 3, amount_cents - 2 * (amount_cents // 3)]
        details = "".join(
            f"<TxDtls><Refs><EndToEndId>F{n}-{i}</EndToEndId></Refs><AmtDtls><TxAmt><Amt Ccy=\"EUR\">"
            f"{p // 100}.{p % 100:02d}</Amt></TxAmt></AmtDtls><RltdPties><Dbtr><Nm>Klant {n}-{i} B.V.</Nm></Dbtr>"
            f"<DbtrAcct><Id><IBAN>NL44RABO0123456789</IBAN></Id></DbtrAcct></RltdPties>"
            f"<RmtInf><Ustrd>Factuur F2026-{n:06d} termijn {i}</Ustrd></RmtInf></TxDtls>" for i, p in enumerate(parts))
    else:
        details = (f"<TxDtls><Refs><EndToEndId>E2E-{n}</EndToEndId></Refs><RltdPties><Dbtr><Nm>Klant {n % 997} B.V."
                   f"</Nm></Dbtr><DbtrAcct><Id><IBAN>NL92ABNA0561234987</IBAN></Id></DbtrAcct></RltdPties>"
                   f"<RltdAgts><DbtrAgt><FinInstnId><BIC>ABNANL2A</BIC></FinInstnId></DbtrAgt></RltdAgts>"
                   f"<RmtInf><Ustrd>Factuur F2026-{n:06d}</Ustrd></RmtInf></TxDtls>")
    return (f'<Ntry><Amt Ccy="EUR">{amount_cents // 100}.{amount_cents % 100:02d}</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
            f"<Sts>BOOK</Sts><BookgDt><Dt>{day.isoformat()}</Dt></BookgDt><ValDt><Dt>{day.isoformat()}</Dt></ValDt>"
            f"<AcctSvcrRef>{n:020d}</AcctSvcrRef><BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd>"
            f"<SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd><NtryDtls>{details}</NtryDtls></Ntry>\n")


def generate(path: Path, entries: int) -> None:
    """Write the file in pieces, one statement per day of PER_STATEMENT entries."""
    day = date(2025, 1, 1)
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for start in range(0, entries, PER_STATEMENT):
            out.write(f"<Stmt><Id>S{start}</Id><ElctrncSeqNb>{start // PER_STATEMENT + 1}</ElctrncSeqNb>"
                      "<Acct><Id><IBAN>NL67INGB0006543210</IBAN></Id><Ccy>EUR</Ccy></Acct>\n")
            out.writelines(_entry(n, day) for n in range(start, min(start + PER_STATEMENT, entries)))
            out.write("</Stmt>\n")
            day += timedelta(days=1)
        out.write("</BkToCstmrStmt>\n</Document>\n")


def _peak_rss_during(work: Callable[[], object]) -> tuple[float, float, int, int, object]:
    """Run `work`, sampling RSS every 5 ms; returns (wall s, cpu s, rss before, peak rss, result)."""
    process = psutil.Process()
    gc.collect()
    before = process.memory_info().rss
    peak = before
    running = True

    def sample() -> None:
        nonlocal peak
        while running:
            peak = max(peak, process.memory_info().rss)
            time.sleep(0.005)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started, cpu_started = time.perf_counter(), time.process_time()
    result = work()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    running = False
    sampler.join()
    peak = max(peak, process.memory_info().rss)
    return elapsed, cpu, before, peak, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the generated file and print its path")
    args = parser.parse_args()
    mib = 1024 * 1024
    with tempfile.TemporaryDirectory(prefix="bench-bankfiles-") as folder:
        path = Path(folder) / "camt053-big.xml"
        started = time.perf_counter()
        generate(path, args.entries)
        print(f"generated {args.entries:,} entries, {path.stat().st_size / mib:.1f} MiB in {time.perf_counter() - started:.1f} s")

        seconds, cpu, before, peak, count = _peak_rss_during(lambda: sum(1 for _ in read_camt(path)))
        print(f"stream : {count:,} items in {seconds:.2f} s wall / {cpu:.2f} s CPU, "
              f"peak RSS +{(peak - before) / mib:.1f} MiB")

        seconds, cpu, before, peak, parsed = _peak_rss_during(lambda: parse_file(path))
        rows = len(parsed.mutations)
        print(f"import : {rows:,} mutations in {seconds:.2f} s wall / {cpu:.2f} s CPU ({rows / cpu:,.0f}/CPU s), "
              f"peak RSS +{(peak - before) / mib:.1f} MiB (process {peak / mib:.0f} MiB)")
        del parsed
        gc.collect()

        tracemalloc.start()
        parse_file(path)
        _current, heap_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"python heap peak during import (tracemalloc): {heap_peak / mib:.1f} MiB")
        if args.keep:
            kept = Path(tempfile.gettempdir()) / path.name
            kept.write_bytes(path.read_bytes())
            print(f"kept {kept}")


if __name__ == "__main__":
    main()
