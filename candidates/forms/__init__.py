"""Forms of the candidates app, split as the views are: `applications` and `review`."""
