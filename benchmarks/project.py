"""Generate a Django project of many migrations in many apps, with cross-app dependencies.

App k (``app00`` … ) has one model, ``Item<k>``. Its migrations: ``0001_initial`` creates
the model; each later one adds a nullable field, except that the second and every fifth
(of apps after the first) add a foreign key to the previous app's model, depending on that
app's migration of the same number, and every tenth removes the field the one before it added. So rolling
``app00`` back to zero drags every app with it. models.py matches the last migration.
"""

from pathlib import Path

from djmig_kernel import Sandbox
from djmig_kernel._settings import register_app

HEADER = "from django.db import migrations, models\nimport django.db.models.deletion\n\n\n"


def _kind(k, i):
    """Return what migration I of app K does: create, fk, remove or field."""
    if i == 1:
        return "create"
    if k and (i == 2 or (i % 5 == 0 and i % 10)):
        return "fk"
    return "remove" if i % 10 == 0 else "field"


def _fk(k, i):
    return (f"models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, "
            f"related_name='+', to='app{k - 1:02d}.item{k - 1:02d}')")


def _operation(k, i):
    """Return the source of migration I's operation in app K."""
    model, kind = f"item{k:02d}", _kind(k, i)
    if kind == "create":
        return (f"migrations.CreateModel(name='Item{k:02d}', fields=[('id', models.BigAutoField("
                f"auto_created=True, primary_key=True, serialize=False, verbose_name='ID')), "
                f"('name', models.CharField(max_length=50))])")
    if kind == "fk":
        return f"migrations.AddField(model_name='{model}', name='fk{i}', field={_fk(k, i)})"
    if kind == "remove":
        return f"migrations.RemoveField(model_name='{model}', name='f{i - 1}')"
    return f"migrations.AddField(model_name='{model}', name='f{i}', field=models.CharField(max_length=20, null=True))"


def _name(i):
    return "0001_initial" if i == 1 else f"{i:04d}_step"


def _models_source(k, per_app):
    lines = ["import django.db.models.deletion\nfrom django.db import models\n\n\n",
             f"class Item{k:02d}(models.Model):\n", "    name = models.CharField(max_length=50)\n"]
    for i in range(2, per_app + 1):
        kind = _kind(k, i)
        if kind == "fk":
            lines.append(f"    fk{i} = {_fk(k, i)}\n")
        elif kind == "field" and not (i < per_app and _kind(k, i + 1) == "remove"):
            lines.append(f"    f{i} = models.CharField(max_length=20, null=True)\n")
    return "".join(lines)


def write_app(project, k, per_app):
    """Write app K's package, models.py and PER_APP migrations into PROJECT."""
    app = Path(project) / f"app{k:02d}"
    (app / "migrations").mkdir(parents=True)
    (app / "__init__.py").write_text("")
    (app / "migrations" / "__init__.py").write_text("")
    (app / "models.py").write_text(_models_source(k, per_app))
    for i in range(1, per_app + 1):
        dependencies = [] if i == 1 else [(f"app{k:02d}", _name(i - 1))]
        if _kind(k, i) == "fk":
            dependencies.append((f"app{k - 1:02d}", _name(i)))
        (app / "migrations" / f"{_name(i)}.py").write_text(
            f"{HEADER}class Migration(migrations.Migration):\n"
            f"    dependencies = {dependencies!r}\n"
            f"    operations = [\n        {_operation(k, i)},\n    ]\n"
        )


def generate(root, name, apps, per_app):
    """Make ROOT/NAME, a project of APPS apps with PER_APP migrations each; return its Sandbox."""
    sb = Sandbox.create(root, name, replace=True)
    for k in range(apps):
        write_app(sb.path, k, per_app)
        register_app(sb.path, f"app{k:02d}")
    return sb
