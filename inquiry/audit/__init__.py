"""The audit log: recording events and the researchers' page that lists them."""
