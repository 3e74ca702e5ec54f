"""Settings split by environment: base, local, test, production. All read the environment."""
