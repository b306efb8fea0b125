"""Information and consent texts, and members agreeing to them."""
