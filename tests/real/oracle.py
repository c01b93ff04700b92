"""What Django itself says about a corpus project, each question answered in one Django start."""

import json
import re

# What `migrate APP TARGET` runs on this database (a copy: it changes it), statement by statement,
# each as the schema editor's collect_sql mode writes it (parameters quoted in).
MIGRATE_SQL = """
import json
from django.core.management import call_command
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.executor import MigrationExecutor
ran, current, failed = {{}}, [None], {{}}
execute = BaseDatabaseSchemaEditor.execute
def recording(self, sql, params=()):
    if current[0] is not None and not self.collect_sql:
        text = str(sql)
        if params is not None:
            text = text % tuple(map(self.quote_value, params))
        ran[current[0]].append(text + ("" if text.rstrip().endswith(";") else ";"))
    return execute(self, sql, params)
BaseDatabaseSchemaEditor.execute = recording
def wrap(name):
    original = getattr(MigrationExecutor, name)
    def wrapped(self, state, migration, *args, **kwargs):
        current[0] = str(migration)
        ran[current[0]] = []
        try:
            return original(self, state, migration, *args, **kwargs)
        except Exception as error:
            failed[str(migration)] = f"{{type(error).__name__}}: {{error}}"
            raise
        finally:
            current[0] = None
    setattr(MigrationExecutor, name, wrapped)
wrap("apply_migration"); wrap("unapply_migration")
try:
    call_command("migrate", {app!r}, {target!r}, verbosity=0)
except Exception:  # migrate stops there (irreversible, or a RunPython that fails): what ran before stays
    pass
for migration in failed:
    ran.pop(migration, None)
print(json.dumps({{"ran": ran, "failed": failed}}))
"""

_VARYING = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[.\d]*|'[0-9a-f]{32}'")


def migrate_sql(sb, app, target):
    """Run `migrate APP TARGET` in SB (changing it); return ({migration: the statements it ran}, {migration: error}).

    Where migrate stops (an irreversible migration, a RunPython that raises), that one is named with
    Django's error and it and those after it are left out of the first.
    """
    answer = json.loads(sb.shell(MIGRATE_SQL.format(app=app, target=target), timeout=900).stdout.strip().splitlines()[-1])
    return ({m: [_VARYING.sub("<varies>", s) for s in lines] for m, lines in answer["ran"].items()},
            answer["failed"])


def statements(lines, mask=True):
    """Return the SQL statements among a step's shown LINES (its comments left out), times masked unless MASK is False."""
    return [_VARYING.sub("<varies>", line) if mask else line for line in lines if not line.lstrip().startswith("--")]
