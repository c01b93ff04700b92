"""Fixtures of the site tests: the site built once as make site builds it, served on loopback, pages in Chromium."""

import functools
import http.server
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from helpers import CHROMIUM_ARGS, missing

ROOT = Path(__file__).resolve().parents[2]
WIDGETS = ROOT / ".cache" / "site-js" / "node_modules"  # make site-js installs them (make test does too)
WINDOW = {"width": 1400, "height": 1000}


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """Build the site from the committed notebooks with site/build.py, into this run's temp folder; return it."""
    if not (WIDGETS.parent / ".installed").is_file():
        missing(f"the widget JavaScript is not in {WIDGETS}: run 'make site-js' (npm installs site/package.json)")
    root = tmp_path_factory.mktemp("site")
    build = [sys.executable, str(ROOT / "site" / "build.py"), "--widgets", str(WIDGETS), "--work", str(root / "work"),
             str(root / "html")]
    done = subprocess.run(build, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        pytest.fail(f"site/build.py failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return root / "html"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def served(site):
    """Serve the built site on 127.0.0.1, as any static host would; return its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="module")
def browser(chromium):
    """Chromium, for this module's tests: Playwright's sync API runs one at a time in a process, so it stops
    before the notebooks' browser tests (on the same pytest-xdist worker) start theirs."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Visit:
    """A page of the site opened at 1400×1000, where every request to another host is blocked and noted."""

    def __init__(self, browser, base):
        self.base, self.blocked, self.failed, self.errors = base, [], [], []
        self.context = browser.new_context(viewport=WINDOW)
        self.page = self.context.new_page()
        self.page.set_default_timeout(30_000)
        self.page.route("**/*", self._route)
        self.page.on("response", lambda r: self.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        self.page.on("requestfailed", self._request_failed)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _route(self, route):
        if route.request.url.startswith(self.base + "/"):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def _request_failed(self, request):
        if request.url not in self.blocked:
            self.failed.append(f"{request.failure} {request.url}")

    def open(self, path):
        """Open PATH of the site and wait until it and its pictures have loaded; return the page."""
        self.page.goto(f"{self.base}/{path}", wait_until="load")
        self.page.wait_for_function("[...document.images].every(image => image.complete)")
        return self.page


@pytest.fixture(scope="module")
def visitor(browser, served):
    """One Visit of the served site for a file's tests: a browser context of its own, closed after them (a context
    for each test took longer than most tests' page)."""
    visit = Visit(browser, served)
    yield visit
    visit.context.close()


@pytest.fixture
def visit(visitor):
    """The file's Visit, with nothing blocked, failed or thrown yet: the page the test opens is its own."""
    visitor.blocked, visitor.failed, visitor.errors = [], [], []
    return visitor
