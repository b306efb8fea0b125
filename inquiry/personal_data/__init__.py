"""What the platform holds about a person: a download for them (their right of access)."""
