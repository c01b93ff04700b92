"""What an answer did to an app's migration files: the ones it added, and their text."""

__all__ = ["migration_names", "new_migrations"]


def migration_names(sb, app="app"):
    """Return the sorted names of APP's migration files in SB (without .py)."""
    return sorted(path.stem for path in (sb.path / app / "migrations").glob("0*.py"))


def new_migrations(sb, before, app="app"):
    """Return {name: text} of APP's migration files in SB that are not among the names BEFORE."""
    folder = sb.path / app / "migrations"
    return {name: (folder / f"{name}.py").read_text() for name in migration_names(sb, app) if name not in before}
