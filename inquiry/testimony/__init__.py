"""Witness testimony: giving, reviewing and withdrawing it, and its attachments."""
