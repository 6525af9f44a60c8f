"""Outgoing e-mail: SMTP for production, a mailbox folder for the demo and tests."""
