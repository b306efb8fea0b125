"""Invitations: researchers invite people to an inquiry in a role; the link joins them."""
