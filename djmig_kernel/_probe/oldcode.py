"""Run the ORM of the models before a plan against the shadow after it: does the code still running then work?

The models are those the plan's operations change, as the migration state before the plan renders them (the
code deployed before ``migrate``; backwards, the code still running after a rollback). Each is asked what code
does with it: save a new instance (create), fetch every field (read), save a fetched instance (update: the
UPDATE of every field by primary key that ``save()`` sends) and delete one (delete: the deletion collector
looks at what points at it too). All of it runs in one transaction of the shadow, each action in a savepoint,
and is rolled back. The shadow has no rows, so a foreign key's value names no row: Django makes its
constraints DEFERRABLE INITIALLY DEFERRED, checked at a commit that never comes.
"""

import datetime
import decimal
import uuid

from django.db.migrations import operations as ops

from .nearby import Nearby

ACTIONS = ("create", "read", "update", "delete")
# A value of each field type that every column of that type takes.
_VALUES = {
    "BooleanField": True, "NullBooleanField": True, "DecimalField": decimal.Decimal("1"), "FloatField": 1.0,
    "DateField": datetime.date(2000, 1, 1),
    "DateTimeField": datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc),
    "TimeField": datetime.time(0, 0), "DurationField": datetime.timedelta(0), "BinaryField": b"x",
    "JSONField": {}, "GenericIPAddressField": "127.0.0.1", "IPAddressField": "127.0.0.1",
}


def _changed(operation, app):
    """Yield the model keys OPERATION changes (both names of a renamed model): in the database, or in the models
    only (SeparateDatabaseAndState's state operations: the code changes, the table stays)."""
    if isinstance(operation, ops.SeparateDatabaseAndState):
        for inner in (*operation.database_operations, *operation.state_operations):
            yield from _changed(inner, app)
    elif isinstance(operation, ops.RenameModel):
        yield from ((app, operation.old_name_lower), (app, operation.new_name_lower))
    elif getattr(operation, "model_name_lower", None):
        yield app, operation.model_name_lower
    elif isinstance(operation, ops.models.ModelOperation):
        yield app, operation.name_lower


def old_models(executor, plan):
    """Return [("app.name", model)] for each model PLAN changes, first change first, as the state before the plan
    renders it (its own models and those pointing at them only). Models the plan makes are left out: no code
    before it knows them; so are unmanaged, proxy and swapped ones."""
    state = executor._create_project_state(with_applied_migrations=True)
    first = {}
    for migration, _ in plan:
        for operation in migration.operations:
            for key in _changed(operation, migration.app_label):
                if key in state.models:
                    first.setdefault(key, str(migration))
    if not first:
        return []
    near = Nearby(state)
    apps = near.small_state(near.around(first)).apps
    found = [(label, apps.get_model(*key)) for key, label in first.items()]
    return [(label, model) for label, model in found
            if model._meta.managed and not model._meta.proxy and not model._meta.swapped]


def _value(field):
    if field.has_default():
        return field.get_default()
    if field.null:
        return None
    if field.is_relation:
        return 1  # names no row: checked at the commit, which never comes
    kind = field.get_internal_type()
    if kind in _VALUES:
        return _VALUES[kind]
    if kind == "UUIDField":
        return uuid.UUID(int=1)
    if "Integer" in kind or kind.endswith("AutoField"):
        return 1
    return "x"  # text of every kind (CharField, TextField, SlugField, EmailField, FileField, ...)


def _actions(model, alias):
    """Yield (action, function) of MODEL's four actions on the database ALIAS, in order."""
    fields = [f for f in model._meta.concrete_fields
              if not (f.primary_key and f.get_internal_type().endswith("AutoField"))]
    values = {f.attname: _value(f) for f in fields}
    made = {}

    def create():
        instance = model(**values)
        instance.save(using=alias)
        made["pk"] = instance.pk

    def pk():
        return made.get("pk", values.get(model._meta.pk.attname, 1))

    yield "create", create
    yield "read", lambda: list(model._base_manager.using(alias).filter(pk=pk())[:1])
    yield "update", lambda: model._base_manager.using(alias).filter(pk=pk()).update(
        **{f.attname: values[f.attname] for f in fields if not f.primary_key})
    yield "delete", lambda: model(pk=pk()).delete(using=alias)


def run(models, connection):
    """Return [migration, "app.Model", action, works, error] for each of MODELS ([("app.name", model)]) and action,
    run on CONNECTION (the shadow after the plan) in a transaction rolled back; error: the database's first line."""
    from django.db import transaction

    rows = []
    with transaction.atomic(using=connection.alias):
        for label, model in models:
            for action, function in _actions(model, connection.alias):
                try:
                    with transaction.atomic(using=connection.alias):
                        function()
                    rows.append([label, f"{model._meta.app_label}.{model.__name__}", action, True, None])
                except Exception as error:  # noqa: BLE001  (whatever the database or Django says is the answer)
                    line = (str(error).strip().splitlines() or [type(error).__name__])[0]
                    rows.append([label, f"{model._meta.app_label}.{model.__name__}", action, False, line])
        transaction.set_rollback(True, using=connection.alias)
    return rows
