"""What stops ``migrate`` before it starts: conflicting leaves, and an inconsistent history (and whether what
the missing dependency makes is there)."""

from .state import leaf_tables


def _dotted(key):
    return f"{key[0]}.{key[1]}"


def records(loader, key):
    """Return the ledger names Django records when it applies KEY: a squash records what it replaces too."""
    migration = loader.graph.nodes[key]
    return [_dotted(r) for r in migration.replaces] + [_dotted(key)]


def in_database(leaf, key, connection, live=None):
    """Return whether the database has every table and column that migration KEY makes (True if none).

    LEAF: leaf_tables(), what every migration makes. LIVE: the database's table names, when the caller has read them already.
    """
    name = _dotted(key)
    live = set(connection.introspection.table_names() if live is None else live)
    made = [(table, info["made"] == name, {c for c, by in info["columns_made"].items() if by == name})
            for table, info in leaf.items()]
    if any((whole or wanted) and table not in live for table, whole, wanted in made):
        return False
    with connection.cursor() as cursor:
        return not any(wanted - {c.name for c in connection.introspection.get_table_description(cursor, table)}
                       for table, _, wanted in made if wanted)


def inconsistent(loader, applied=None):
    """Return [(migration, dependency)] for each applied migration whose dependency is not applied.

    The same test as Django's ``check_consistent_history``, but every case, not the first.
    """
    graph = loader.graph
    applied = loader.applied_migrations if applied is None else applied
    found = []
    for key in sorted(applied):
        if key not in graph.nodes:
            continue
        for parent in sorted(p.key for p in graph.node_map[key].parents):
            if parent in applied:
                continue
            squash = loader.replacements.get(parent)
            if squash and all(r in applied for r in squash.replaces):
                continue
            found.append((key, parent))
    return found


def error(executor, app):
    """Return the probe's error answer for what would stop ``migrate APP``, or None."""
    loader = executor.loader
    conflicts = loader.detect_conflicts()
    if conflicts:
        # migrate stops here too, before it looks at its arguments.
        return {"error": "conflict", "app": app, "conflicts": conflicts}
    wrong = inconsistent(loader)
    if wrong:
        migration, dependency = wrong[0]
        tables = leaf_tables(executor)  # only on this error path: it renders every model
        return {
            "error": "inconsistent", "app": app,
            "migration": f"{migration[0]}.{migration[1]}", "dependency": f"{dependency[0]}.{dependency[1]}",
            "made": in_database(tables, dependency, executor.connection), "records": records(loader, dependency),
        }
    return None
