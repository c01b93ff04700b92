"""check(): the probe's facts held against the live schema, each disagreement with its fix, in one set of words."""
