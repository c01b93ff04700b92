"""The project's live database, read-only: one module per backend behind one small interface, and where the settings put it."""
