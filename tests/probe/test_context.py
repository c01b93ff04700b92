"""The probe answers in the context of the command it stands for: a translated app gives no false model-changes."""

import struct

from djmig_kernel._probe.context import STANDS_FOR

CAKES = """
from django.db import models
from django.utils.translation import gettext_lazy as _


class Cake(models.Model):
    name = models.CharField(_("name"), max_length=50, help_text=_("What the menu calls it."))

    class Meta:
        verbose_name = _("cake")
        verbose_name_plural = _("cakes")
"""

GERMAN = {"name": "Name", "What the menu calls it.": "Wie die Karte ihn nennt.",
          "cake": "Kuchen", "cakes": "Kuchen (Mehrzahl)"}


def write_mo(path, messages):
    """Write MESSAGES ({msgid: msgstr}) as a GNU gettext catalogue (.mo) at PATH, as msgfmt.py writes one."""
    messages = {"": "Content-Type: text/plain; charset=UTF-8\n", **messages}
    ids = sorted(messages)
    keys = [i.encode() for i in ids]
    values = [messages[i].encode() for i in ids]
    start = 7 * 4 + 16 * len(ids)  # header, then the two tables of (length, offset)
    key_offsets, offset = [], start
    for key in keys:
        key_offsets += [len(key), offset]
        offset += len(key) + 1
    value_offsets = []
    for value in values:
        value_offsets += [len(value), offset]
        offset += len(value) + 1
    header = struct.pack("Iiiiiii", 0x950412DE, 0, len(ids), 28, 28 + 8 * len(ids), 0, 0)
    tables = struct.pack(f"{len(key_offsets)}i", *key_offsets) + struct.pack(f"{len(value_offsets)}i", *value_offsets)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header + tables + b"".join(k + b"\0" for k in keys) + b"".join(v + b"\0" for v in values))


def _bakery(sandbox):
    sandbox.startapp("bakery")
    sandbox.write_models("bakery", CAKES)
    write_mo(sandbox.path / "bakery/locale/de/LC_MESSAGES/django.mo", GERMAN)
    settings = sandbox.path / sandbox.path.name / "settings.py"
    settings.write_text(settings.read_text() + '\nLANGUAGE_CODE = "de"\n')
    sandbox.makemigrations("bakery")
    sandbox.migrate()
    return sandbox


def test_an_app_that_ships_a_translation_for_the_active_language_has_no_model_changes(sandbox):
    """makemigrations runs with translations deactivated (@no_translations): the probe does too."""
    sb = _bakery(sandbox)
    shown = sb.manage("shell", "--no-imports", "-c",
                      "from bakery.models import Cake; print(Cake._meta.get_field('name').help_text)")
    assert shown.stdout.strip() == "Wie die Karte ihn nennt."  # the project's Django speaks German
    assert "No changes detected" in sb.manage("makemigrations", "--check", "--dry-run").stdout
    sb.manage("migrate", "--check")
    assert sb.check().empty


def test_a_real_change_under_a_translation_is_still_found(sandbox):
    sb = _bakery(sandbox)
    sb.write_models("bakery", CAKES.replace("max_length=50", "max_length=80"))
    rows = sb.check()
    assert rows["kind"].tolist() == ["model-changes"]
    assert rows["detail"].iloc[0].endswith("Alter field name on cake")


def test_every_request_stands_for_a_command():
    assert STANDS_FOR == {"graph": "showmigrations", "plan": "migrate", "sql": "migrate", "locks": "migrate",
                          "state": "migrate", "check": "makemigrations"}
