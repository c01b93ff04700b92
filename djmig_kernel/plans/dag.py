"""MigrationDAG: the migration graph as plain data, with Django's own plan algorithms."""

from dataclasses import dataclass, field, replace
from functools import cached_property

from ..display.jupyter import DagDisplay
from ..exceptions import UnknownMigrationError

__all__ = ["MigrationDAG"]


def _node(value):
    app, name = value
    return (str(app), str(name))


@dataclass(frozen=True, eq=True)
class MigrationDAG(DagDisplay):
    """The graph Django's MigrationLoader builds: a node per migration (app, name).

    An edge (parent, child) says that child depends on parent. ``applied`` holds
    the migrations the django_migrations table records; ``replaces`` maps a
    squashed migration to the migrations it stands for.
    """

    nodes: list = field(default_factory=list)
    edges: list = field(default_factory=list)
    applied: frozenset = frozenset()
    replaces: dict = field(default_factory=dict)
    squashes: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_probe(cls, data):
        """Build a MigrationDAG from the JSON the probe prints."""
        return cls(
            nodes=sorted(_node(n) for n in data["nodes"]),
            edges=sorted((_node(p), _node(c)) for p, c in data["edges"]),
            applied=frozenset(_node(n) for n in data["applied"]),
            replaces={
                tuple(key.split(".", 1)): [_node(n) for n in value]
                for key, value in sorted(data["replaces"].items())
            },
            squashes={
                tuple(key.split(".", 1)): [_node(n) for n in value]
                for key, value in sorted(data.get("squashes", {}).items())
            },
        )

    def with_applied(self, recorded):
        """Return this DAG with the applied set Django's loader makes of the ledger rows RECORDED.

        RECORDED: the (app, name) of every django_migrations row. Returns None when the
        graph's shape would change with them (a squash whose replaced migrations become
        partly applied, or stop being so): then ask Django again.
        """
        applied = {_node(n) for n in recorded}
        for squash, replaced in self.squashes.items():
            done = [node in applied for node in replaced]
            if (all(done) or not any(done)) != (squash in self.nodes):
                return None
            # As MigrationLoader.build_graph: a squash counts as applied when all it replaces are.
            (applied.add if all(done) else applied.discard)(squash)
        return replace(self, applied=frozenset(applied))

    def __repr__(self):
        apps = len({app for app, _ in self.nodes})
        applied = sum(node in self.applied for node in self.nodes)
        return f"<MigrationDAG: {len(self.nodes)} migrations in {apps} apps, {applied} applied>"

    # -- structure ---------------------------------------------------------

    @property
    def apps(self):
        """Return the sorted app labels that have migrations."""
        return sorted({app for app, _ in self.nodes})

    @cached_property
    def _adjacency(self):
        # Built once per DAG, so that walks over a graph of thousands of migrations stay linear.
        parents, children = {}, {}
        for parent, child in self.edges:
            parents.setdefault(child, []).append(parent)
            children.setdefault(parent, []).append(child)
        return parents, children

    def adjacency(self):
        """Return ({node: [parents]}, {node: [children]}), built once per DAG; do not change them."""
        return self._adjacency

    def parents(self, node):
        """Return the sorted migrations NODE depends on."""
        return sorted(self._adjacency[0].get(tuple(node), []))

    def children(self, node):
        """Return the sorted migrations that depend on NODE."""
        return sorted(self._adjacency[1].get(tuple(node), []))

    def _check(self, node):
        node = _node(node)
        if node not in self.nodes:
            names = [name for app, name in self.nodes if app == node[0]]
            raise UnknownMigrationError.for_name(node[0], node[1], names)
        return node

    def _ends(self, app, neighbours):
        return sorted(
            node
            for node in self.nodes
            if (app is None or node[0] == app) and all(n[0] != node[0] for n in neighbours(node))
        )

    def leaf_nodes(self, app=None):
        """Return the migrations that no migration of the same app depends on (Django's definition)."""
        return self._ends(app, self.children)

    def root_nodes(self, app=None):
        """Return the migrations that depend on no migration of the same app."""
        return self._ends(app, self.parents)

    def applied_leaves(self, app):
        """Return APP's applied migrations that no applied migration of APP depends on."""
        return [
            n for n in self.nodes
            if n[0] == app and n in self.applied
            and not any(c in self.applied for c in self.children(n) if c[0] == app)
        ]

    def current(self, app):
        """Return the last of APP's applied leaves: where the app is now, or None."""
        return max(self.applied_leaves(app), default=None)

    def merges(self):
        """Return the migrations that join two or more migrations of their own app."""
        return [n for n in self.nodes if sum(p[0] == n[0] for p in self.parents(n)) > 1]

    # -- plans -------------------------------------------------------------

    def _dfs(self, start, forwards):
        # Django's MigrationGraph.iterative_dfs, so the order matches Django's.
        visited, seen = [], set()
        stack = [(start, False)]
        while stack:
            node, processed = stack.pop()
            if node in seen:
                continue
            if processed:
                seen.add(node)
                visited.append(node)
            else:
                stack.append((node, True))
                nxt = self.parents(node) if forwards else self.children(node)
                stack += [(n, False) for n in nxt]
        return visited

    def forwards_plan(self, node):
        """Return the migrations to apply, in order, so that NODE is applied (NODE last)."""
        return self._dfs(self._check(node), True)

    def backwards_plan(self, node):
        """Return the migrations to unapply, in order, so that NODE is unapplied (NODE last)."""
        return self._dfs(self._check(node), False)

