"""In-app notifications: short messages that point a person to something that changed."""
