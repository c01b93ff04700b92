"""The only door to Django: the subprocess runner, manage.py commands, their questions, the probe client, failure lines."""
