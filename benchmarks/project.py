"""Generate a Django project of many migrations in many apps, with cross-app dependencies.

Each app (``app00`` … ) has MODELS models, ``Model0`` … Its ``0001_initial`` creates
them; each later migration adds a nullable field to one of them in turn, except that
the second (of apps after the first) adds a foreign key to ``app00.Model0`` (as a
project's apps point at its user model), and every tenth removes the field the one
before it added. The second and every fifth migration of each app after the first
also depends on the previous app's migration of the same number, so rolling app00
back to zero drags every app with it. models.py matches the last migration.
"""

from pathlib import Path

from djmig_kernel import Sandbox
from djmig_kernel.project.settings import register_app

MODELS = 4
HEADER = "from django.db import migrations, models\nimport django.db.models.deletion\n\n\n"
_ID = "models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')"
_FK = ("models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, "
       "related_name='+', to='app00.model0')")
_CHAR = "models.CharField(max_length=20, null=True)"


def _kind(k, i):
    """Return what migration I of app K does: create, fk, remove or field."""
    if i == 1:
        return "create"
    if k and i == 2:
        return "fk"
    return "remove" if i % 10 == 0 else "field"


def _model(i):
    """Return the index of the model that migration I changes (a removal: the one I - 1 changed)."""
    return (i - 1 if i % 10 == 0 else i) % MODELS


def _depends_on_previous_app(k, i):
    """Return True if migration I of app K depends on the previous app's migration I."""
    return bool(k) and (i == 2 or i % 5 == 0)


def _operation(k, i):
    """Return the source of migration I's operations in app K."""
    kind, model = _kind(k, i), f"model{_model(i)}"
    if kind == "create":
        return ",\n        ".join(
            f"migrations.CreateModel(name='Model{j}', fields=[('id', {_ID}), "
            f"('name', models.CharField(max_length=50))])"
            for j in range(MODELS)
        )
    if kind == "fk":
        return f"migrations.AddField(model_name='{model}', name='fk{i}', field={_FK})"
    if kind == "remove":
        return f"migrations.RemoveField(model_name='{model}', name='f{i - 1}')"
    return f"migrations.AddField(model_name='{model}', name='f{i}', field={_CHAR})"


def _name(i):
    return "0001_initial" if i == 1 else f"{i:04d}_step"


def _models_source(k, per_app):
    fields = {j: ["    name = models.CharField(max_length=50)\n"] for j in range(MODELS)}
    for i in range(2, per_app + 1):
        kind = _kind(k, i)
        if kind == "fk":
            fields[_model(i)].append(f"    fk{i} = {_FK}\n")
        elif kind == "field" and not (i < per_app and _kind(k, i + 1) == "remove"):
            fields[_model(i)].append(f"    f{i} = {_CHAR}\n")
    classes = [f"class Model{j}(models.Model):\n" + "".join(lines) for j, lines in fields.items()]
    return "import django.db.models.deletion\nfrom django.db import models\n\n\n" + "\n\n".join(classes)


def write_app(project, k, per_app):
    """Write app K's package, models.py and PER_APP migrations into PROJECT."""
    app = Path(project) / f"app{k:02d}"
    (app / "migrations").mkdir(parents=True)
    (app / "__init__.py").write_text("")
    (app / "migrations" / "__init__.py").write_text("")
    (app / "models.py").write_text(_models_source(k, per_app))
    for i in range(1, per_app + 1):
        dependencies = [] if i == 1 else [(f"app{k:02d}", _name(i - 1))]
        if _depends_on_previous_app(k, i):
            dependencies.append((f"app{k - 1:02d}", _name(i)))
        (app / "migrations" / f"{_name(i)}.py").write_text(
            f"{HEADER}class Migration(migrations.Migration):\n"
            f"    dependencies = {dependencies!r}\n"
            f"    operations = [\n        {_operation(k, i)},\n    ]\n"
        )


def generate(root, name, apps, per_app, database="sqlite"):
    """Make ROOT/NAME, a project of APPS apps with PER_APP migrations each, on DATABASE; return its Sandbox."""
    sb = Sandbox.create(root, name, replace=True, database=database)
    for k in range(apps):
        write_app(sb.path, k, per_app)
        register_app(sb.path, f"app{k:02d}")
    return sb
