"""A box office made by a script: one app of 200 migrations whose every state has dozens of models, most of them
pointing at a few hubs (events, orders, items), and plugin apps that depend on it all along its history.

It has the weight of a large application's main app (the one a picker must preview quickly: many models in each
state, several operations a step, table rebuilds, unique_together set and removed, data migrations, models made
and deleted), where no package of that size installs beside the corpus's others. The migrations are written as
makemigrations would write them, and models.py matches the last one (makemigrations --check is clean).
"""

import random

from djmig_kernel import Sandbox
from djmig_kernel.project.settings import register_app

APP = "boxoffice"
# Plugin apps (label: model), as a large application's payment providers, outputs and tools are apps of their own.
PLUGINS = {"payments": "Payment", "badges": "BadgeLayout", "mailing": "Mail", "reports": "Report",
           "checkins": "Scan", "webhooks": "Hook", "cardpay": "Charge", "walletpay": "Wallet",
           "banktransfer": "Transfer", "ticketpdf": "Layout", "stats": "Figure", "sendmail": "Rule",
           "returnurl": "Target", "seating": "Plan", "exporters": "Export"}
_HEADER = ("from django.conf import settings\nfrom django.db import migrations, models\n"
           "import django.db.models.deletion\n\n\n")
_ID = "models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')"
_NOUNS = ("Voucher", "Quota", "Question", "Answer", "Invoice", "InvoiceLine", "Refund", "Payment", "Seat",
          "SeatingPlan", "Checkin", "CheckinList", "Device", "Gate", "TaxRule", "Discount", "Membership",
          "Customer", "Subevent", "Waitinglist", "Giftcard", "Transaction", "Badge", "Webhook", "Team")
_DATA = '''

def _touch(apps, schema_editor):
    """Read the historical model, as a data migration does (its state is rendered for it)."""
    apps.get_model("boxoffice", "{model}").objects.filter(pk=0).count()

'''


def _fk(target, model, field, null=True):
    """Return the source of a foreign key of MODEL.FIELD to TARGET ("app.model", or the user model's setting)."""
    on_delete = "SET_NULL" if null else "CASCADE"
    to = target if target.startswith("settings.") else repr(target)
    return (f"models.ForeignKey({'null=True, ' if null else ''}on_delete=django.db.models.deletion.{on_delete}, "
            f"related_name='{model.lower()}_{field}', to={to})")


def _create(name, fields):
    return f"migrations.CreateModel(name='{name}', fields=[('id', {_ID}), " + ", ".join(
        f"('{field}', {source})" for field, source in fields) + "])"


class _History:
    """The app's models as its migrations so far leave them: {model: {field: source}}, Meta, who points at whom."""

    def __init__(self, seed):
        self.random = random.Random(seed)
        self.models, self.together, self.indexes, self.pointed = {}, {}, {}, set()
        self.chars = []  # (model, field, max_length) of CharFields that a later migration may alter or remove

    def _point(self, source):
        if f"to='{APP}." in source:
            self.pointed.add(source.split(f"to='{APP}.")[1].split("'")[0])

    def create(self, name, fields):
        self.models[name] = dict(fields)
        for source in self.models[name].values():
            self._point(source)
        return _create(name, fields)

    def add(self, model, field, source):
        self.models[model][field] = source
        self._point(source)
        return f"migrations.AddField(model_name='{model.lower()}', name='{field}', field={source})"

    def pick(self, hubs_first=False):
        names = sorted(self.models)
        hubs = [n for n in ("Event", "Order", "Item", "OrderPosition") if n in self.models]
        return self.random.choice(hubs if hubs_first and self.random.random() < 0.6 else names)


def _initial(history):
    """The first migration's models: a few hubs and what points at them (as an application's 0001 has)."""
    ops = [
        history.create("Organizer", [("name", "models.CharField(max_length=200)"),
                                     ("slug", "models.SlugField(unique=True)")]),
        history.create("Event", [("name", "models.CharField(max_length=200)"),
                                 ("organizer", _fk("boxoffice.organizer", "Event", "organizer", null=False))]),
        history.create("Item", [("name", "models.CharField(max_length=255)"),
                                ("price", "models.DecimalField(decimal_places=2, max_digits=10)"),
                                ("event", _fk("boxoffice.event", "Item", "event", null=False))]),
        history.create("ItemVariation", [("value", "models.CharField(max_length=255)"),
                                         ("item", _fk("boxoffice.item", "ItemVariation", "item", null=False))]),
        history.create("Order", [("code", "models.CharField(max_length=16)"),
                                 ("status", "models.CharField(max_length=3)"),
                                 ("event", _fk("boxoffice.event", "Order", "event", null=False))]),
        history.create("OrderPosition", [
            ("order", _fk("boxoffice.order", "OrderPosition", "order", null=False)),
            ("item", _fk("boxoffice.item", "OrderPosition", "item", null=False)),
            ("variation", _fk("boxoffice.itemvariation", "OrderPosition", "variation"))]),
        history.create("LogEntry", [("action", "models.CharField(max_length=255)"),
                                    ("event", _fk("boxoffice.event", "LogEntry", "event")),
                                    ("user", _fk("settings.AUTH_USER_MODEL", "LogEntry", "user"))]),
    ]
    for name in ("CartPosition", "Question", "Voucher"):
        ops.append(history.create(name, [("name", "models.CharField(max_length=100)"),
                                         ("event", _fk("boxoffice.event", name, "event", null=False)),
                                         ("item", _fk("boxoffice.item", name, "item"))]))
    return ops


def _step(history, i):
    """Return the operations of migration I, and the model a data migration of it reads (or None)."""
    rnd, ops, data = history.random, [], None
    if i % 3 == 0:
        name = f"{_NOUNS[(i // 3) % len(_NOUNS)]}{i}"
        other = history.pick()
        ops.append(history.create(name, [("name", "models.CharField(max_length=100)"),
                                         ("event", _fk("boxoffice.event", name, "event", null=False)),
                                         ("link", _fk(f"boxoffice.{other.lower()}", name, "link"))]))
    for _ in range(rnd.choice((1, 2, 3))):
        model = history.pick(hubs_first=True)
        field = f"f{i}_{len(ops)}"
        kind = rnd.random()
        if kind < 0.5:
            length = rnd.choice((32, 64, 190))
            ops.append(history.add(model, field, f"models.CharField(max_length={length}, null=True)"))
            history.chars.append((model, field, length))
        elif kind < 0.75:
            ops.append(history.add(model, field, "models.BooleanField(default=False)"))  # a rebuild on SQLite
        else:
            target = history.pick(hubs_first=True)
            ops.append(history.add(model, field, _fk(f"boxoffice.{target.lower()}", model, field)))
    if i % 4 == 0 and history.chars:
        model, field, length = history.chars.pop(rnd.randrange(len(history.chars)))
        if field in history.models.get(model, {}):
            history.models[model][field] = f"models.CharField(max_length={length * 2}, null=True)"
            ops.append(f"migrations.AlterField(model_name='{model.lower()}', name='{field}', "
                       f"field={history.models[model][field]})")
    if i % 10 == 0 and history.chars:
        model, field, _ = history.chars.pop(0)
        if field in history.models.get(model, {}):
            del history.models[model][field]
            ops.append(f"migrations.RemoveField(model_name='{model.lower()}', name='{field}')")
    if i % 25 == 0 and history.chars:
        model, field, length = history.chars.pop()
        if field in history.models.get(model, {}):
            history.models[model][f"{field}_renamed"] = history.models[model].pop(field)
            ops.append(f"migrations.RenameField(model_name='{model.lower()}', old_name='{field}', "
                       f"new_name='{field}_renamed')")
    ops += _meta_step(history, i)
    if i % 20 == 0:
        data = history.pick(hubs_first=True)
        ops.append("migrations.RunPython(_touch, _touch)")
    if i % 33 == 0:
        leaves = sorted(m for m in history.models if m.lower() not in history.pointed and m[-1].isdigit()
                        and m not in history.together and m not in history.indexes)
        if leaves:
            del history.models[leaves[0]]
            ops.append(f"migrations.DeleteModel(name='{leaves[0]}')")
    return ops, data


def _meta_step(history, i):
    """Return migration I's unique_together and index operations: set on a model, removed 7 migrations later."""
    ops = []
    if i % 15 == 0:
        model = next(m for m in sorted(history.models) if m not in history.together and "name" in history.models[m]
                     and "event" in history.models[m])
        history.together[model] = i
        ops.append(f"migrations.AlterUniqueTogether(name='{model.lower()}', unique_together={{('event', 'name')}})")
    for model, since in sorted(history.together.items()):
        if since == i - 7:
            del history.together[model]
            ops.append(f"migrations.AlterUniqueTogether(name='{model.lower()}', unique_together=set())")
    if i % 12 == 0:
        model = history.pick(hubs_first=True)
        field = next(f for f in reversed(history.models[model]) if "ForeignKey" not in history.models[model][f])
        history.indexes.setdefault(model, []).append((f"bo_{i}_idx", field))
        history.chars = [char for char in history.chars if char[:2] != (model, field)]  # an indexed field stays
        ops.append(f"migrations.AddIndex(model_name='{model.lower()}', "
                   f"index=models.Index(fields=['{field}'], name='bo_{i}_idx'))")
    return ops


def _name(i):
    return "0001_initial" if i == 1 else f"{i:04d}_auto"


def _write(folder, name, dependencies, ops, data=None):
    ops_text = "".join(f"        {op},\n" for op in ops)
    (folder / f"{name}.py").write_text(
        _HEADER + (_DATA.format(model=data) if data else "")
        + f"class Migration(migrations.Migration):\n    dependencies = [\n"
        + "".join(f"        {dependency},\n" for dependency in dependencies)
        + f"    ]\n    operations = [\n{ops_text}    ]\n")


def _models_source(history):
    lines = ["from django.conf import settings\nfrom django.db import models\n"]
    for model, fields in history.models.items():
        lines.append(f"\nclass {model}(models.Model):")
        for field, source in fields.items():
            source = source.replace("django.db.models.deletion.", "models.")
            lines.append(f"    {field} = {source}")
        meta = []
        if model in history.together:
            meta.append("        unique_together = [('event', 'name')]")
        if history.indexes.get(model):
            meta.append("        indexes = [" + ", ".join(f"models.Index(fields=['{field}'], name='{name}')"
                                                         for name, field in history.indexes[model]) + "]")
        if meta:
            lines += ["", "    class Meta:", *meta]
    return "\n".join(lines) + "\n"


def _app(path, label):
    folder = path / label
    (folder / "migrations").mkdir(parents=True)
    (folder / "__init__.py").write_text("")
    (folder / "migrations" / "__init__.py").write_text("")
    register_app(path, label)
    return folder


def write_boxoffice(path, migrations=200, seed=7):
    """Write the box office app (MIGRATIONS migrations) and its plugins into the project folder PATH."""
    history, folder = _History(seed), _app(path, APP)
    _write(folder / "migrations", _name(1), ["migrations.swappable_dependency(settings.AUTH_USER_MODEL)"],
           _initial(history))
    for i in range(2, migrations + 1):
        ops, data = _step(history, i)
        _write(folder / "migrations", _name(i), [repr((APP, _name(i - 1)))], ops, data)
    (folder / "models.py").write_text(_models_source(history))
    for k, (plugin, model) in enumerate(PLUGINS.items()):
        _write_plugin(path, plugin, model, k, migrations)


def _write_plugin(path, label, model, k, migrations):
    """Plugin K: a model pointing at the box office's hubs, made and grown along the box office's history in 2 to
    8 migrations, each needing a later box office migration; one of 6 or more has two branches, merged."""
    folder, fields = _app(path, label), []
    count = 2 + (k * 5) % 7
    for j in range(1, count + 1):
        at = min(migrations - 10, 10 + k * 12 + j * 9)  # the box office migration it needs
        dependencies = [repr((APP, _name(at)))] + ([repr((label, _name(j - 1)))] if j > 1 else [])
        if j == 1:
            fields = [("event", _fk("boxoffice.event", model, "event", null=False)),
                      ("order", _fk("boxoffice.order", model, "order"))]
            ops = [_create(model, fields)]
        elif j == 4 and count >= 6:  # makemigrations --merge of 0003_auto and 0003_other
            dependencies.append(repr((label, "0003_other")))
            ops = []
        else:
            ops = [_plugin_field(model, fields, f"g{j}")]
        if j == 3 and count >= 6:  # a branch beside 0003_auto
            _write(folder / "migrations", "0003_other", [repr((label, _name(2)))],
                   [_plugin_field(model, fields, "h3")])
        _write(folder / "migrations", _name(j), dependencies, ops)
    source = "\n".join(f"    {f} = {s.replace('django.db.models.deletion.', 'models.')}" for f, s in fields)
    (folder / "models.py").write_text(f"from django.db import models\n\n\nclass {model}(models.Model):\n{source}\n")


def _plugin_field(model, fields, name):
    fields.append((name, "models.CharField(max_length=64, null=True)"))
    return f"migrations.AddField(model_name='{model.lower()}', name='{name}', field={fields[-1][1]})"


def build_boxoffice(root, databases=None, migrations=200, database="sqlite", fake=False):
    """The box office project in ROOT: MIGRATIONS migrations of one app and its plugins, on DATABASE (a server the
    kit starts for "postgresql"; DATABASES: settings of another, as corpus._configured takes them), migrated (FAKE:
    recorded in the ledger only, no table made)."""
    from corpus import _configured

    sb = Sandbox.create(root, "boxoffice", database=database)
    write_boxoffice(sb.path, migrations)
    # Recorded without waiting for the disk at each migration's commit (the ledger of 300 migrations took seconds).
    fast = '\nDATABASES["default"]["OPTIONS"] = {"init_command": "PRAGMA synchronous = OFF"}\n'
    sb = _configured(sb, fast if fake and database == "sqlite" and not databases else "", databases)
    if fake:  # Django's own apps migrated for real; the box office's and its plugins' migrations only recorded
        for app in ("admin", "sessions"):  # admin's migrations need auth's and contenttypes' first
            sb.manage("migrate", app)
    sb.manage("migrate", *(["--fake"] if fake else []), timeout=900)
    return sb
