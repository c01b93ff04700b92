"""Project folders without Django: making room, the kit's marker, names, settings edits, file fingerprints."""
