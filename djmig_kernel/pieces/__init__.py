"""The four moving pieces of one app (models.py, migrations/, the ledger, the tables) and what changed between readings."""
