"""The researchers' view of a session's reflections (progress, reading, tagging with
themes, CSV download) and the theme board every member reads."""
