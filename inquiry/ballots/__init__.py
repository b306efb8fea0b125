"""The secret ballot over frozen recommendations."""
