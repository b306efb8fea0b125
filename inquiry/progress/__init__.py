"""Progress after the response ("you said, we did"): dated updates per recommendation
and the progress page every member and observer reads."""
