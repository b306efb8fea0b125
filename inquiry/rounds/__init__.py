"""The session plan (rounds): its sessions, their order, dates and prompts."""
