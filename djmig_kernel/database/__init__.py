"""The project's live database, read-only: one folder per vendor behind one small interface, and where the settings put it.

Each vendor's folder (``postgresql/``, ``sqlite/``) holds a backend class with the same methods — ``label``,
``session``, ``check``, ``ledger_rows``, ``table_names``, ``columns``, ``column_names``, ``rows``, ``count_rows``,
``state_type``, ``sql_command``, ``guard``, ``shadow_argv`` — and whatever else only that database needs
(PostgreSQL's server, shadow, errors; SQLite's snapshot of the file); ``location`` picks the vendor from the
settings. A third database is a third folder.
"""
