"""Questions participants put to witnesses before or during an evidence session."""
