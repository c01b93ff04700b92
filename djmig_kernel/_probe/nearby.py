"""The small project state a migration's schema operations need: what they touch, and its neighbours.

A schema editor working on model M reads M, the models M points at (foreign keys,
many-to-many targets and their through models, parents: to render them), and the
models pointing at M (a rebuilt primary key or a renamed table changes their columns
too), with what those point at in turn. Nothing else of the project is read, so this
state renders in time proportional to the step, not to the project.
"""

from django.db.migrations import operations as ops

# Django's own schema operations; what each touches is read from its attributes. Any
# other operation (a package's own) may read any model: its step uses the whole state.
_MODULE = "django.db.migrations.operations."


def _reference(model, app, name=None):
    """Return the (app, model) key a field or base reference MODEL names, or None."""
    from django.db.migrations.utils import resolve_relation

    if not isinstance(model, str) and not hasattr(model, "_meta"):
        return None  # a plain Python mixin among the bases
    try:
        return resolve_relation(model, app, name)
    except TypeError:
        return None


def _field_targets(field, app, name):
    """Yield the models FIELD points at: its related model and its explicit through model."""
    remote = getattr(field, "remote_field", None)
    if remote is None:
        return
    for model in (remote.model, getattr(remote, "through", None)):
        if model is not None:
            key = _reference(model, app, name)
            if key:
                yield key


def _operation_keys(operation, app):
    """Return the model keys OPERATION names, or None if it is not one of Django's own."""
    if not type(operation).__module__.startswith(_MODULE):
        return None
    if isinstance(operation, ops.SeparateDatabaseAndState):
        keys = set()
        for inner in (*operation.database_operations, *operation.state_operations):
            inner_keys = _operation_keys(inner, app)
            if inner_keys is None:
                return None
            keys |= inner_keys
        return keys
    keys = set()
    if isinstance(operation, ops.RenameModel):
        keys |= {(app, operation.old_name_lower), (app, operation.new_name_lower)}
    elif isinstance(operation, ops.models.ModelOperation):
        keys.add((app, operation.name_lower))
    model_name = getattr(operation, "model_name_lower", None)
    if model_name:
        keys.add((app, model_name))
    fields = [field for _, field in getattr(operation, "fields", None) or ()]
    if getattr(operation, "field", None) is not None:
        fields.append(operation.field)
    name = model_name or getattr(operation, "name_lower", None)
    keys.update(_targets(fields, getattr(operation, "bases", None) or (), app, name))
    return keys


def _targets(fields, bases, app, name):
    """Yield the keys of the models that FIELDS and BASES of model NAME of APP point at."""
    for field in fields:
        yield from _field_targets(field, app, name)
    for base in bases:
        key = _reference(base, app)
        if key:
            yield key


def _points_at(model_state):
    """Yield the keys of the models MODEL_STATE points at: related models, through models, parents."""
    return _targets(model_state.fields.values(), model_state.bases, model_state.app_label, model_state.name_lower)


class Nearby:
    """Which models point at which in a state that a walk over the plan moves on, kept up to date.

    (Django's own ``ProjectState.relations`` is not used: once computed, it makes
    ``alter_field`` move the altered field to the end of its model, and the SQL of a table
    rebuild would list the columns in another order than ``migrate`` does.)
    """

    def __init__(self, state):
        self.state = state
        self._targets = {}  # model key: the keys it points at
        self._pointing = {}  # model key: the keys that point at it
        self.moved(None)

    def keys(self, migration):
        """Return the keys MIGRATION's operations touch and those pointing at them; None: any model."""
        touched = set()
        for operation in migration.operations:
            keys = _operation_keys(operation, migration.app_label)
            if keys is None:
                return None
            touched |= keys
        return self.around(touched)

    def around(self, keys):
        """Return KEYS and the keys of the models pointing at them."""
        return set(keys) | {key for target in keys for key in self._pointing.get(target, ())}

    def small_state(self, keys):
        """Return a ProjectState of copies of the models KEYS and every model they point at."""
        from django.db.migrations.state import ProjectState

        models, wanted, stack = self.state.models, set(), list(keys)
        while stack:
            key = stack.pop()
            if key in wanted or key not in models:
                continue
            wanted.add(key)
            stack.extend(self._targets[key])
        # Sorted: the order in which models are rendered is the order a renamed model's
        # related tables are rebuilt in (Django's executor follows hash order there).
        return ProjectState(models={key: models[key].clone() for key in sorted(wanted)},
                            real_apps=self.state.real_apps)

    def moved(self, keys):
        """Read again what the models KEYS (None: all of them) point at, after the state moved on."""
        if keys is None:
            keys = set(self._targets) | set(self.state.models)
        for key in keys:
            for target in self._targets.pop(key, ()):
                self._pointing[target].discard(key)
            if key in self.state.models:
                self._targets[key] = set(_points_at(self.state.models[key])) - {key}
                for target in self._targets[key]:
                    self._pointing.setdefault(target, set()).add(key)
