"""The fixes of check()'s rows that must agree with each other: run in the order shown, they converge."""

from .words import ledger_repairs, manage_line, recorder_command

__all__ = ["Fixes"]


class Fixes:
    """The probe's answer to ``check``, and the fixes made from it.

    Rows about one disagreement share one fix, and running it again does nothing: a pending migration
    whose dependents are applied takes the ledger repair of the inconsistent row (``repairs``); one
    whose tables and columns are there takes the command that records it (``faked``), as do the
    unexpected-table and -column rows of what it made.
    """

    def __init__(self, facts, live):
        self.facts, self.live = facts, live
        self.pending = set(facts["pending"])
        self.repairs = ledger_repairs(facts["inconsistent"])
        self.faked = {}

    def _after(self, migrations):
        """Return the pending migrations that depend on any of MIGRATIONS, which they are not among."""
        children = {}
        for parent, child in self.facts["pending_edges"]:
            children.setdefault(parent, []).append(child)
        seen, todo = set(), list(migrations)
        while todo:
            for child in children.get(todo.pop(), []):
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
        return seen - set(migrations)

    def fake(self, migrations):
        """Return the command that records the pending MIGRATIONS of one app as applied without running them.

        ``migrate APP NAME --fake`` records NAME and what it depends on; one command per migration,
        in plan order, also covers two branches. Run again once a later migration is applied, it would
        unapply that one: where a pending migration depends on these, Django's recorder writes the rows
        instead. The fix is commands only, joined by ``&&``: it runs as it is shown, in a terminal and in
        ``%manage``.
        """
        order = sorted(set(migrations), key=self.facts["pending"].index)
        repaired = [self.repairs[m] for m in order if m in self.repairs]
        if repaired:  # the ledger repair of an inconsistent history records it
            return repaired[0]
        if self._after(order):
            names = [name for m in order for name in self.facts["records"].get(m, [m])]
            commands = recorder_command("record_applied", *names)
        else:
            commands = " && ".join(manage_line("migrate", *m.split(".", 1), "--fake") for m in order)
        self.faked.update(dict.fromkeys(order, commands))
        return commands

    def pending_fix(self, migration):
        """Return the fix of the pending MIGRATION: its share of a ledger repair or fake, or migrate its app."""
        return self.repairs.get(migration) or self.faked.get(migration) or manage_line("migrate", migration.split(".")[0])

    def _redoable(self, migration, missing):
        """Return whether faking back to before MIGRATION and applying it again makes exactly what is MISSING.

        Only for its app's last applied migration that no applied migration of another app depends on (faking
        back would unapply that too), and that made just the one piece that is missing: re-run, it would meet
        anything else it made that is there, and a second row's fix would run it a second time.
        """
        app, name = migration.split(".", 1)
        if self.facts["last_applied"].get(app) != name or migration in self.facts["depended"]:
            return False
        made = [table for table, info in self.facts["expected"].items() if info["made"] == migration]
        made += [f"{table}.{column}" for table, info in self.facts["expected"].items() if table in self.live
                 for column, by in info["columns_made"].items() if by == migration and info["made"] != migration]
        return made == [missing]

    def make(self, subject, migration, run_sql):
        """Return the fix that makes SUBJECT (a table, or "table.column") that MIGRATION made, again.

        The learner's own way where it is safe: ``migrate --fake`` back to before MIGRATION and forward again.
        Otherwise the probe's statements for it, the schema editor's for the model as the applied migrations
        leave it (on SQLite, applying the migration that added a column again would rebuild the table from
        the state at that migration, which lacks what later migrations added).
        """
        if migration and self._redoable(migration, subject):
            app, name = migration.split(".", 1)
            return " && ".join([manage_line("migrate", app, self.facts["before"].get(migration, "zero"), "--fake"),
                                manage_line("migrate", app, name)])
        statements = self.facts["make"].get(subject)
        if statements:
            return run_sql(" ".join(statements))
        where = f" from {manage_line('sqlmigrate', *migration.split('.', 1))}" if migration else ""
        return f"run the statements that make it{where} in {manage_line('dbshell')}"
