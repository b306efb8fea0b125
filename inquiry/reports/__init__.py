"""The inquiry's report: compiled from the inquiry, reviewed by members, published as an
accessible PDF with an HTML version, in versions that stay available."""
