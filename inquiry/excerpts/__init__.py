"""Excerpts: quotable spans of approved testimony, tagged with themes."""
