"""The small project state a migration's schema operations need: what they touch, and its neighbours.

A schema editor working on model M reads M, its parents and through models, the models M points at (a foreign
key's column and constraint read their primary key and table: ``stubs``), and, where the step renames M or its
table or changes a key field of M (a primary key, a unique field), the models pointing at M, whose columns and
constraints follow. Nothing else of the project is read, so this state renders in time proportional to the
step, not to the project: on an app whose dozens of models all point at a few hubs, a step on a hub renders the
hub and the keys it points at, not every model pointing at it.
"""

from django.db.migrations import operations as ops

from .stubs import parents_and_throughs, reference, stubs

# Django's own schema operations; what each touches is read from its attributes. Any
# other operation (a package's own) may read any model: its step uses the whole state.
_MODULE = "django.db.migrations.operations."


def _field_targets(field, app, name):
    """Yield the models FIELD points at: its related model and its explicit through model."""
    remote = getattr(field, "remote_field", None)
    if remote is None:
        return
    for model in (remote.model, getattr(remote, "through", None)):
        if model is not None:
            key = reference(model, app, name)
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


def _referred(operation, app, field_of):
    """Return the keys of the models OPERATION changes in a way the models pointing at them see: a renamed model
    or table, a primary key or a unique field (a to_field target) altered, renamed, added or removed. Their
    referrers' columns and constraints follow. FIELD_OF(key, name): the field as the migration has it so far.

    Any other change (a plain column added, altered or dropped, a model made or deleted, an index, a
    constraint) writes the same SQL whether those referrers are in the state or not.
    """
    if isinstance(operation, ops.SeparateDatabaseAndState):
        return set().union(*(_referred(inner, app, field_of) for inner in operation.database_operations))
    if isinstance(operation, ops.RenameModel):
        return {(app, operation.old_name_lower), (app, operation.new_name_lower)}
    if isinstance(operation, ops.AlterModelTable):
        return {(app, operation.name_lower)}
    if not isinstance(operation, ops.fields.FieldOperation):
        return set()
    key = (app, operation.model_name_lower)
    old = None if isinstance(operation, ops.AddField) else field_of(key, operation.name)
    if old is None and not isinstance(operation, ops.AddField):
        return {key}  # a field the state does not know: its kind is not known here
    fields = [field for field in (old, getattr(operation, "field", None)) if field is not None]
    return {key} if any(field.primary_key or field.unique for field in fields) else set()


def _follow(operation, app, fields):
    """Record in FIELDS {(key, name): field} what OPERATION, a step of a migration, makes of a field."""
    if isinstance(operation, (ops.AddField, ops.AlterField)):
        fields[(app, operation.model_name_lower), operation.name] = operation.field
    elif isinstance(operation, ops.RenameField):
        key = (app, operation.model_name_lower)
        fields[key, operation.new_name] = fields.pop((key, operation.old_name), None)


def _targets(fields, bases, app, name):
    """Yield the keys of the models that FIELDS and BASES of model NAME of APP point at."""
    for field in fields:
        yield from _field_targets(field, app, name)
    for base in bases:
        key = reference(base, app)
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
        """Return the keys MIGRATION's operations touch, and those pointing at the ones whose referrers follow
        (_referred); None: any model."""
        touched, referred, fields = set(), set(), {}

        def field_of(key, name):
            if (key, name) in fields:
                return fields[key, name]
            return self.state.models[key].fields.get(name) if key in self.state.models else None

        for operation in migration.operations:
            keys = _operation_keys(operation, migration.app_label)
            if keys is None:
                return None
            touched |= keys
            referred |= _referred(operation, migration.app_label, field_of)
            _follow(operation, migration.app_label, fields)
        return touched | self.around(referred)

    def around(self, keys):
        """Return KEYS and the keys of the models pointing at them."""
        return set(keys) | {key for target in keys for key in self._pointing.get(target, ())}

    def small_state(self, keys):
        """Return a ProjectState of copies of the models KEYS, their parents and through models, and a stub of
        every other model they point at (_stubs: what a foreign key's column and constraint read of it)."""
        from django.db.migrations.state import ProjectState

        models, full, stack = self.state.models, set(), list(keys)
        while stack:
            key = stack.pop()
            if key in full or key not in models:
                continue
            full.add(key)
            stack.extend(parents_and_throughs(models[key]))
        small = {key: models[key].clone() for key in full}
        small.update(stubs(models, full))
        # Sorted: the order in which models are rendered is the order a renamed model's
        # related tables are rebuilt in (Django's executor follows hash order there).
        return ProjectState(models={key: small[key] for key in sorted(small)}, real_apps=self.state.real_apps)

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
