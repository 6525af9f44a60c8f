"""e-Boekhouden adapter + simulator pair for the shared contract suite."""

from __future__ import annotations

from pathlib import Path

from adapters.eboekhouden.adapter import EboekhoudenAdapter
from adapters.eboekhouden.simulator import EboekhoudenSimulator
from connector.clock import Clock

from . import ContractPair


def make_adapter(simulator: EboekhoudenSimulator, clock: Clock, *, api_token: str | None = None,
                 **options: object) -> EboekhoudenAdapter:
    """An adapter pointed at `simulator` (another `api_token` gives the bad-credentials case)."""
    return EboekhoudenAdapter(
        api_token=simulator.api_token if api_token is None else api_token,
        base_url=simulator.base_url, clock=clock, administration_name="Bakkerij Simulatie B.V.",
        **options,  # type: ignore[arg-type]
    )


def make_pair(tmp_path: Path, clock: Clock, *, invoices: int = 60, seed: int = 7) -> ContractPair:
    del tmp_path  # the adapter keeps no files
    simulator = EboekhoudenSimulator(clock=clock, seed=seed, invoices=invoices)
    simulator.start()
    adapter = make_adapter(simulator, clock)

    def close() -> None:
        adapter.close()
        simulator.stop()

    return ContractPair(
        adapter=adapter,
        simulator=simulator,
        change_invoices=simulator.change_invoices,
        pay_invoice=simulator.pay_invoice,
        request_count=simulator.request_count,
        close=close,
        bad_credentials=lambda: make_adapter(simulator, clock, api_token="not-a-valid-token"),
    )
