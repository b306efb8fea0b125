"""Recommendations in participants' own words: drafting, support, comments, amendments."""
