"""The cohort: profiles, make-up and targets, bulk invitations and withdrawal."""
