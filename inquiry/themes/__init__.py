"""Themes: the labels researchers use to group excerpts of testimony, and later
reflections and recommendations."""
