"""What an answer did to an app's migration files: the ones it added, and their text."""

from .exercise import Exercise

__all__ = ["AddsMigrations", "migration_names", "new_migrations"]


def migration_names(sb, app="app"):
    """Return the sorted names of APP's migration files in SB (without .py)."""
    return sorted(path.stem for path in (sb.path / app / "migrations").glob("0*.py"))


def new_migrations(sb, before, app="app"):
    """Return {name: text} of APP's migration files in SB that are not among the names BEFORE."""
    folder = sb.path / app / "migrations"
    return {name: (folder / f"{name}.py").read_text() for name in migration_names(sb, app) if name not in before}


class AddsMigrations(Exercise):
    """An exercise whose answer adds migrations to app: it starts from the names of app's migration files, and
    added() returns {name: text} of those the answer wrote."""

    def begin(self, sb):
        return migration_names(sb)

    def added(self, sb):
        return new_migrations(sb, self.start)
