"""The rating API: leaderboards, explanations, rating events and their stream,
rules, recomputation, season close and diplomas (issue 6)."""
