"""Trains the bundled ALBEF-architecture model on the shapes benchmark (see __main__.py)."""
