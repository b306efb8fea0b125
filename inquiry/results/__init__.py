"""A closed ballot's results: support, consensus across groups and the agreement and
certainty matrix."""
