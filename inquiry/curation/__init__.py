"""Researchers care for the cohort's recommendations: merging duplicates and freezing
the wording for the vote."""
