"""`connector demo` as a newcomer runs it: exit 0, and every promised file is in the folder it names."""

from __future__ import annotations

import email
import email.policy

from connector.config import load_config
from connector.store import Store


def test_demo_leaves_a_complete_folder(tmp_path, cli):
    out = tmp_path / "demo"
    result = cli("demo", "--output", str(out), "--invoices", "24", timeout=300)
    assert result.returncode == 0, result.stderr
    assert f"everything is in {out}" in result.stdout
    for package in ("[moneybird]", "[exact]", "[eboekhouden]"):
        assert package in result.stdout
    assert "reconciliation:" in result.stdout and "dunning:" in result.stdout

    config = load_config(out / "config.yaml")
    store = Store.open(config.state_url)
    for admin in config.administrations:
        assert store.counts(admin.key)["open_invoices"] > 0, admin.key
    secrets = (out / ".connector" / "demo-keyring.cfg").read_text()
    assert "client_5fsecret" in secrets, "secrets live in the demo's own keyring file"
    assert "api_token:" not in (out / "config.yaml").read_text() and "secret" not in (out / "config.yaml").read_text()

    mails = sorted((out / "mailbox").glob("*.eml"))
    assert len(mails) > 5
    summary = email.message_from_bytes(sorted((out / "summary").glob("*.eml"))[-1].read_bytes(),
                                       policy=email.policy.default)
    assert summary.get_body(("html",)) is not None and summary.get_body(("plain",)) is not None
    assert list((out / "summary").glob("*.html"))
    first = min((out / "summary").glob("*.eml")).read_bytes()
    text = email.message_from_bytes(first, policy=email.policy.default).get_body(("plain",)).get_content()
    assert "DSO" in text and "nog onbekend" not in text, "DSO from the first summary (host's sales history)"

    pdfs = list((out / "output").rglob("*.pdf"))
    assert any("veertiendagenbrief" in p.name for p in pdfs), "the ladder reached the 14-day letter"
    assert list((out / "output").rglob("dossier.json")), "and the incasso dossier at its end"
    assert "incasso dossiers " in result.stdout
    assert any("ingebrekestelling" in p.name for p in pdfs)
    assert all(p.read_bytes().startswith(b"%PDF") for p in pdfs)
    assert list((out / "bank-inbox" / "kapsalon-bakker" / "processed").glob("*.xml"))


def test_demo_refuses_to_wipe_a_foreign_folder(tmp_path, cli):
    (tmp_path / "mine.txt").write_text("keep me")
    result = cli("demo", "--output", str(tmp_path))
    assert result.returncode == 2
    assert "was not made by `connector demo`" in result.stderr
    assert (tmp_path / "mine.txt").exists()
