"""Safeguarding concerns researchers raise about a contribution, and their follow-up."""
