"""Forms of the assessments app, split as the views are: `register` and `allocation`."""
