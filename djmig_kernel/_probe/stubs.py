"""Stubs of the models a small project state points at: what a foreign key to each reads, and no more.

A foreign key's column takes its type from the primary key (or to_field) of the model it points at, and its
constraint names that model's table. Rendering the whole model instead would render its own relations, and
their targets in turn: on an app whose models all point at a few hubs, every model of the app.
"""


def reference(model, app, name=None):
    """Return the (app, model) key a field or base reference MODEL names, or None."""
    from django.db.migrations.utils import resolve_relation

    if not isinstance(model, str) and not hasattr(model, "_meta"):
        return None  # a plain Python mixin among the bases
    try:
        return resolve_relation(model, app, name)
    except TypeError:
        return None


def parents_and_throughs(model_state):
    """Yield the keys of MODEL_STATE's parents and of its many-to-many fields' explicit through models."""
    app, name = model_state.app_label, model_state.name_lower
    for base in model_state.bases:
        key = reference(base, app)
        if key:
            yield key
    for field in model_state.fields.values():
        through = getattr(getattr(field, "remote_field", None), "through", None)
        key = through is not None and reference(through, app, name)
        if key:
            yield key


def _keyed(field):
    """Return the names of the fields of its related model that FIELD's column refers to (None: its primary key)."""
    if field.many_to_many:
        return {None}
    return set(getattr(field, "to_fields", None) or [None])


# A stub's options: what names its table and says whether it is swapped; the rest (indexes, constraints,
# orderings) names fields a stub does not have.
_STUB_OPTIONS = ("db_table", "managed", "proxy", "swappable", "db_tablespace", "abstract")


def stubs(models, full):
    """Return {key: stub} for the models that the models FULL (keys of MODELS) point at and that are not among them.

    A stub keeps its primary key, the fields a foreign key names (to_field), its parents and its table's
    name: what the column type and the constraint of a foreign key to it read. Rendered, it costs its few
    fields, not its own relations (each of which would need its target rendered in turn).
    """
    from django.db.migrations.state import ModelState

    wanted, stack = {}, []

    def want(field, app, name):
        key = reference(field.remote_field.model, app, name)
        if key and key in models and key not in full:
            stack.append(key)
            wanted.setdefault(key, set()).update(_keyed(field))

    for key in full:
        state = models[key]
        for field in state.fields.values():
            if getattr(field, "remote_field", None) is not None:
                want(field, state.app_label, state.name_lower)
    found = {}
    while stack:
        key = stack.pop()
        state = models[key]
        fields = {name: field for name, field in state.fields.items()
                  if field.primary_key or name in wanted[key]}
        if key in found and set(found[key].fields) == set(fields):
            continue
        options = {k: v for k, v in state.options.items() if k in _STUB_OPTIONS}
        found[key] = ModelState(state.app_label, state.name, [(n, f.clone()) for n, f in fields.items()], options,
                                state.bases, state.managers)
        for field in fields.values():
            if getattr(field, "remote_field", None) is not None:
                want(field, state.app_label, state.name_lower)
        for base in state.bases:
            parent = reference(base, state.app_label)
            if parent and parent in models and parent not in full:
                stack.append(parent)
                wanted.setdefault(parent, set())
    return found
