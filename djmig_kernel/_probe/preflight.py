"""What stops ``migrate`` before it starts: conflicting leaves, and an inconsistent history."""


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
        from .drift import leaf_tables, records, in_database  # only on this error path: it renders every model

        migration, dependency = wrong[0]
        tables = leaf_tables(executor)
        return {
            "error": "inconsistent", "app": app,
            "migration": f"{migration[0]}.{migration[1]}", "dependency": f"{dependency[0]}.{dependency[1]}",
            "made": in_database(tables, dependency, executor.connection), "records": records(loader, dependency),
        }
    return None
