"""Monthly moderation events, the sampling engine, decisions, feedback, peer review."""
