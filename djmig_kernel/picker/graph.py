"""The picker's copy of the migration graph: asked of Django once, then kept up to date from the ledger."""

from ..exceptions import UnknownAppError

__all__ = ["PickerGraph"]


class PickerGraph:
    """The MigrationDAG of SANDBOX, for the picker of APP (``dag``), and the targets it offers."""

    def __init__(self, sandbox, app):
        self._sandbox, self._app = sandbox, app
        self.dag, self._fingerprint = None, None
        self.load()

    def load(self):
        """Ask Django for the graph (one start); raise UnknownAppError if APP has no migrations."""
        self._fingerprint = self._sandbox.files_fingerprint()
        dag = self._sandbox.graph()
        if self._app not in dag.apps:
            raise UnknownAppError(
                f"app {self._app!r} has no migrations in {self._sandbox!r}; choose one of: "
                f"{', '.join(dag.apps)}, or run sb.makemigrations({self._app!r}) first"
            )
        self.dag = dag

    def reload_applied(self):
        """Read the applied migrations from the ledger; ask Django again only if the graph may differ.

        While no migration file changed, a migrate changes only which migrations are applied.
        """
        if self._sandbox.files_fingerprint() == self._fingerprint:
            ledger = self._sandbox.ledger()
            dag = self.dag.with_applied(zip(ledger["app"], ledger["name"]))
            if dag is not None:
                self.dag = dag
                return
        self.load()

    def names(self):
        """Return the app's migration names, in order."""
        return [name for a, name in self.dag.nodes if a == self._app]

    def options(self):
        """Return the Dropdown options: ("zero", "zero") and ("[X] name", name) for each migration."""
        return [("zero", "zero")] + [
            (f"[{'X' if (self._app, name) in self.dag.applied else ' '}] {name}", name) for name in self.names()
        ]

    def current(self):
        """Return the name of the app's current migration, or "zero"."""
        current = self.dag.current(self._app)
        return current[1] if current else "zero"

    def needs_nothing(self, target):
        """Return True if ``migrate APP TARGET`` has nothing to do, as Django's executor decides."""
        leaves = self.dag.applied_leaves(self._app)
        return not leaves if target == "zero" else (self._app, target) in leaves

    def around(self, highlight):
        """Return the apps a drawing of the app shows: it, the apps that depend on it, those of HIGHLIGHT."""
        return ({self._app} | {c[0] for p, c in self.dag.edges if p[0] == self._app}
                | {n[0] for n in highlight})
