"""A DAG drawing in words: the title and description that stand in for the picture (alt text, SVG title/desc)."""

__all__ = ["DEFAULT_MEANING", "dag_description", "dag_title", "names_phrase"]

DEFAULT_MEANING = "highlighted"
_LISTED = 3  # a run of more migrations than this is named by its first and last


def _and(words):
    words = list(words)
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def names_phrase(names):
    """Return NAMES (migration names, in order) as a phrase: "0001_initial, 0002_book", or
    "0001_initial … 0094_page (94 migrations)" for a long run."""
    if len(names) > _LISTED:
        return f"{names[0]} … {names[-1]} ({len(names)} migrations)"
    return ", ".join(names)


def _runs(names, key):
    """Return [(key, [names])] of NAMES in order, each run of names that KEY gives the same value."""
    runs = []
    for name in names:
        if runs and runs[-1][0] == key(name):
            runs[-1][1].append(name)
        else:
            runs.append((key(name), [name]))
    return runs


def _shown(dag, apps):
    by_app = {}
    for app, name in dag.nodes:
        if apps is None or app in apps:
            by_app.setdefault(app, []).append(name)
    return by_app


def dag_title(dag, apps=None):
    """Return the title of a drawing of DAG limited to APPS: "Migration graph of app and reviews"."""
    shown = sorted(_shown(dag, apps))
    return f"Migration graph of {_and(shown)}" if shown else "Migration graph with no migrations"


def dag_description(dag, highlight=(), apps=None, meaning=DEFAULT_MEANING):
    """Return what a drawing of DAG says, in sentences: for each app of APPS (all by default) which migrations
    are applied and which not, and its current one; then the HIGHLIGHT migrations, outlined for MEANING.

    Long runs are named by their ends, so the text grows with the number of runs, not of migrations.
    """
    highlight = {tuple(n) for n in highlight}
    sentences = []
    for app, names in sorted(_shown(dag, apps).items()):
        runs = _runs(names, lambda name, app=app: (app, name) in dag.applied)
        states = "; ".join(f"{'applied' if done else 'not applied'} {names_phrase(run)}" for done, run in runs)
        current = dag.current(app)
        sentences.append(f"{app}: {states}; current: {current[1] if current else 'zero (none applied)'}.")
    marked = []
    for app, names in sorted(_shown(dag, apps).items()):
        runs = [run for outlined, run in _runs(names, lambda name, app=app: (app, name) in highlight) if outlined]
        if runs:
            marked.append(f"{app} {', '.join(map(names_phrase, runs))}")
    if marked:
        sentences.append(f"Thick orange outline, {meaning}: {'; '.join(marked)}.")
    return " ".join(sentences)
