"""Real projects made of PyPI packages, each set up as its own docs say: built in a temp folder, no network."""

import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from djmig_kernel import Sandbox
from djmig_kernel.sandbox import MARKER

MIGRATE_TIMEOUT = 900


def _append(sb, text, settings=None):
    path = sb.path / (settings or f"{sb.path.name}/settings.py")
    path.write_text(path.read_text() + textwrap.dedent(text))


def _configured(sb, settings, databases=None):
    """Return SB with SETTINGS appended to its settings.

    DATABASES (settings text) points it at another database: the project is then a learner's own (the
    kit's marker goes), whose settings the kit reads as Django reads them.
    """
    _append(sb, settings)
    if databases:
        _append(sb, databases)
        (sb.path / MARKER).unlink()
        sb = Sandbox.open(sb.path)
    return sb


def build_mysite(root):
    """``wagtail start mysite``: Wagtail's own project template (home with a RunPython, search), migrated."""
    subprocess.run([sys.executable, "-m", "wagtail.bin.wagtail", "start", "mysite"], cwd=root, check=True,
                   capture_output=True)
    sb = Sandbox.open(Path(root) / "mysite")
    sb.migrate(timeout=MIGRATE_TIMEOUT)
    return sb


# django-oscar's "Building your own shop", for Oscar 4 (app configs by path), in German: Oscar ships a
# German translation of its help_text and verbose_name.
SHOP = """
from oscar.defaults import *  # noqa: E402,F403

INSTALLED_APPS += [
    "django.contrib.sites", "django.contrib.flatpages",
    "oscar.config.Shop",
    "oscar.apps.analytics.apps.AnalyticsConfig", "oscar.apps.checkout.apps.CheckoutConfig",
    "oscar.apps.address.apps.AddressConfig", "oscar.apps.shipping.apps.ShippingConfig",
    "oscar.apps.catalogue.apps.CatalogueConfig", "oscar.apps.catalogue.reviews.apps.CatalogueReviewsConfig",
    "oscar.apps.communication.apps.CommunicationConfig", "oscar.apps.partner.apps.PartnerConfig",
    "oscar.apps.basket.apps.BasketConfig", "oscar.apps.payment.apps.PaymentConfig",
    "oscar.apps.offer.apps.OfferConfig", "oscar.apps.order.apps.OrderConfig",
    "oscar.apps.customer.apps.CustomerConfig", "oscar.apps.search.apps.SearchConfig",
    "oscar.apps.voucher.apps.VoucherConfig", "oscar.apps.wishlists.apps.WishlistsConfig",
    "oscar.apps.dashboard.apps.DashboardConfig",
    "oscar.apps.dashboard.reports.apps.ReportsDashboardConfig",
    "oscar.apps.dashboard.users.apps.UsersDashboardConfig",
    "oscar.apps.dashboard.orders.apps.OrdersDashboardConfig",
    "oscar.apps.dashboard.catalogue.apps.CatalogueDashboardConfig",
    "oscar.apps.dashboard.offers.apps.OffersDashboardConfig",
    "oscar.apps.dashboard.partners.apps.PartnersDashboardConfig",
    "oscar.apps.dashboard.pages.apps.PagesDashboardConfig",
    "oscar.apps.dashboard.ranges.apps.RangesDashboardConfig",
    "oscar.apps.dashboard.reviews.apps.ReviewsDashboardConfig",
    "oscar.apps.dashboard.vouchers.apps.VouchersDashboardConfig",
    "oscar.apps.dashboard.communications.apps.CommunicationsDashboardConfig",
    "oscar.apps.dashboard.shipping.apps.ShippingDashboardConfig",
    "widget_tweaks", "haystack", "treebeard", "sorl.thumbnail", "django_tables2",
]
SITE_ID = 1
MIDDLEWARE += ["oscar.apps.basket.middleware.BasketMiddleware",
               "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware"]
AUTHENTICATION_BACKENDS = ["oscar.apps.customer.auth_backends.EmailBackend",
                           "django.contrib.auth.backends.ModelBackend"]
TEMPLATES[0]["OPTIONS"]["context_processors"] += [
    "django.template.context_processors.i18n",
    "oscar.apps.search.context_processors.search_form",
    "oscar.apps.checkout.context_processors.checkout",
    "oscar.apps.communication.notifications.context_processors.notifications",
    "oscar.core.context_processors.metadata",
]
HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}
LANGUAGE_CODE = "de"
"""


def build_shop(root, databases=None):
    """A django-oscar shop: 30 apps, 134 migrations of Oscar's own, LANGUAGE_CODE "de" (DATABASES: _configured)."""
    sb = _configured(Sandbox.create(root, "shop"), SHOP, databases)
    sb.migrate(timeout=MIGRATE_TIMEOUT)
    return sb


# django-allauth (accounts, social accounts, MFA, user sessions), django-celery-beat (periodic tasks)
# and django-simple-history (a history table for a model of the project's own), as their docs say.
ACCOUNTS = """
INSTALLED_APPS += [
    "django.contrib.sites",
    "allauth", "allauth.account", "allauth.socialaccount", "allauth.socialaccount.providers.github",
    "allauth.mfa", "allauth.usersessions",
    "django_celery_beat",
    "simple_history",
    "notes",
]
SITE_ID = 1
MIDDLEWARE += ["allauth.account.middleware.AccountMiddleware",
               "allauth.usersessions.middleware.UserSessionsMiddleware",
               "simple_history.middleware.HistoryRequestMiddleware"]
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend",
                           "allauth.account.auth_backends.AuthenticationBackend"]
LANGUAGE_CODE = "fr"
"""

NOTES = """
from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class Note(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    history = HistoricalRecords()
"""


def build_accounts(root, databases=None):
    """allauth + celery-beat + simple-history beside an app of the project's own (notes), in French
    (DATABASES: _configured)."""
    sb = Sandbox.create(root, "accounts")
    sb.manage("startapp", "notes")
    sb = _configured(sb, ACCOUNTS, databases)
    sb.write_models("notes", NOTES)
    sb.makemigrations("notes")
    sb.migrate(timeout=MIGRATE_TIMEOUT)
    return sb


# django CMS 5 ("Installing django CMS by hand") with django-filer and easy-thumbnails for its files.
PORTAL = """
INSTALLED_APPS += [
    "django.contrib.sites",
    "cms", "menus", "treebeard", "sekizai",
    "filer", "easy_thumbnails",
]
SITE_ID = 1
CMS_CONFIRM_VERSION4 = True
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "German")]
CMS_TEMPLATES = [("base.html", "Base")]
X_FRAME_OPTIONS = "SAMEORIGIN"
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.common.CommonMiddleware"),
                  "django.middleware.locale.LocaleMiddleware")
MIDDLEWARE += ["cms.middleware.user.CurrentUserMiddleware", "cms.middleware.page.CurrentPageMiddleware",
               "cms.middleware.toolbar.ToolbarMiddleware", "cms.middleware.language.LanguageCookieMiddleware"]
TEMPLATES[0]["OPTIONS"]["context_processors"] += [
    "django.template.context_processors.i18n", "sekizai.context_processors.sekizai",
    "cms.context_processors.cms_settings",
]
THUMBNAIL_HIGH_RESOLUTION = True
THUMBNAIL_PROCESSORS = ("easy_thumbnails.processors.colorspace", "easy_thumbnails.processors.autocrop",
                        "filer.thumbnail_processors.scale_and_crop_with_subject_location",
                        "easy_thumbnails.processors.filters")
"""


def build_portal(root):
    """django CMS with django-filer: pages and their files, two languages."""
    sb = Sandbox.create(root, "portal")
    _append(sb, PORTAL)
    sb.migrate(timeout=MIGRATE_TIMEOUT)
    return sb


BUILDERS = {"mysite": build_mysite, "shop": build_shop, "accounts": build_accounts, "portal": build_portal}


def build_all(root, names=None, workers=2):
    """Build the projects NAMES (default: all) under ROOT, WORKERS at a time; return {name: Sandbox}."""
    names = list(names or BUILDERS)
    for name in names:
        (Path(root) / name).parent.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(workers) as pool:
        built = pool.map(lambda name: BUILDERS[name](Path(root)), names)
        return dict(zip(names, built))
