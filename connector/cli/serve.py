"""`connector serve`: the background service (schedules from the config, single instance, graceful stop)."""

from __future__ import annotations

import logging
import os
import signal
import sys
from pathlib import Path
from typing import Any

import click

from connector.cli._common import config_option, open_config, open_store, state_dir
from connector.cli.logs import configure_logging
from connector.clock import SYSTEM_CLOCK
from connector.config.service_schema import load_schedule_file, schedule_of

schedule_option = click.option(
    "--schedule", "schedule_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
    help="YAML file with the schedule (jobs, lock) instead of the config's `schedule:` section.")


@click.command("serve")
@config_option
@schedule_option
@click.option("--log-format", type=click.Choice(["text", "json"]), default=None,
              help="json: one JSON object per line, for log collectors (same as `connector --log-format`).")
@click.pass_context
def serve_command(ctx: click.Context, config_path: Path, schedule_path: Path | None, log_format: str | None) -> None:
    """Run the scheduled jobs until stopped (SIGTERM or Ctrl-C let the running job finish first)."""
    from connector.service.runner import ServiceRunner
    from connector.service.scheduler import Service

    root = ctx.find_root().params
    _service_logging(int(root.get("verbose") or 0), log_format or root.get("log_format") or "text")
    config = open_config(config_path)
    schedule = load_schedule_file(schedule_path) if schedule_path else schedule_of(config)
    store = open_store(config)
    runner = ServiceRunner(config, store, schedule, clock=SYSTEM_CLOCK, state_dir=state_dir(config))
    service = Service(runner)

    signals: list[int] = []

    def stop(signum: int, _frame: Any) -> None:
        log = logging.getLogger("connector.service")
        signals.append(signum)
        if len(signals) == 1:
            log.info("received %s: finishing the running job, then stopping (again to stop at once)",
                     signal.Signals(signum).name)
            service.stop()
        else:
            log.warning("stopping at once; an interrupted job is resumed at the next start")
            os._exit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    service.run()


def _service_logging(verbose: int, log_format: str) -> None:
    """A service logs what it does (INFO) even without -v; APScheduler's own lines only with -vv."""
    configure_logging(max(verbose, 1), log_format, stream=sys.stderr)
    connector_logger = logging.getLogger("connector")
    aps = logging.getLogger("apscheduler")
    aps.handlers[:] = list(connector_logger.handlers)
    aps.setLevel(logging.DEBUG if verbose >= 3 else logging.INFO if verbose >= 2 else logging.WARNING)
    aps.propagate = False


def register(group: click.Group) -> None:
    group.add_command(serve_command)
