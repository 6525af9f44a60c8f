"""`connector simulate exact`: a real process printing what a person needs, and a working login."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

import requests


def test_simulate_exact_prints_a_working_login() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "connector",
            "simulate",
            "exact",
            "--port",
            "0",
            "--invoices",
            "5",
            "--seed",
            "2",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        lines = []
        for line in process.stdout:
            lines.append(line)
            if line.startswith("Config for an administration"):
                break
        text = "".join(lines)
        if "Config for an administration" not in text:
            process.kill()
            raise AssertionError(f"simulator did not start:\n{text}\n{process.stderr.read()}")
        base_url = re.search(r"running at (http://127\.0\.0\.1:\d+)", text).group(1)
        token = re.search(r"access_token\s+(\S+)", text).group(1)
        for expected in (
            "division        101234",
            "client_id       exact-sim-client-id",
            "client_secret   exact-sim-client-secret",
            "/api/oauth2/auth?",
            "/api/oauth2/token",
        ):
            assert expected in text
        me = requests.get(
            f"{base_url}/api/v1/current/Me",
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            timeout=5,
        )
        assert me.json()["d"]["results"][0]["CurrentDivision"] == 101234
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
    assert process.returncode == 0
