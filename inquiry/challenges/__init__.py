"""100-day challenges: frontline teams test a recommendation in 100 days, from a
readiness check against eight conditions to reviews on day 0, 50 and 100."""
