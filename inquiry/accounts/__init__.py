"""Accounts: sign-in, passwords, resets and the first-run set-up link."""
