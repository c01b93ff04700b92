"""A real JupyterHub on loopback, run with the instructors' classroom/jupyterhub_config.py, and driven by its REST API."""

import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
from pathlib import Path

import pytest

from helpers import AS_LEARNER, free_port, wait_until_up
from kernel import request

ROOT = Path(__file__).resolve().parents[2]
CLASSROOM_CONFIG = ROOT / "classroom" / "jupyterhub_config.py"
BIN = Path(sys.executable).parent
# configurable-http-proxy from npm, installed once into the virtual environment the Makefile made.
PROXY_VERSION = "5"
PROXY_PREFIX = Path(sys.prefix) / "node"
PROXY = PROXY_PREFIX / "node_modules" / ".bin" / "configurable-http-proxy"
SERVICE = "classroom-test"


def install_proxy():
    """Return configurable-http-proxy's path, installing it with npm the first time; skip without npm (not in CI)."""
    if PROXY.is_file():
        return PROXY
    npm = shutil.which("npm")
    if npm is None:
        message = "no npm to install configurable-http-proxy with: install Node.js (e.g. 'sudo apt-get install npm')"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set, so the JupyterHub test must run, but there is {message}")
        pytest.skip(message)
    done = subprocess.run([npm, "install", "--prefix", str(PROXY_PREFIX), "--no-audit", "--no-fund",
                           f"configurable-http-proxy@{PROXY_VERSION}"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and PROXY.is_file(), f"npm could not install configurable-http-proxy:\n{done.stderr}"
    return PROXY


def _test_config(folder, homes, ports, token, mark):
    """Return the hub's config for the test: the instructors' file, then loopback, test logins and homes in FOLDER."""
    public, hub, proxy_api = ports
    return f"""\
c = get_config()
load_subconfig({str(CLASSROOM_CONFIG)!r})
c.JupyterHub.bind_url = "http://127.0.0.1:{public}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api}"
c.ConfigurableHTTPProxy.command = [{str(install_proxy())!r}]
c.ConfigurableHTTPProxy.pid_file = {str(folder / "proxy.pid")!r}
c.JupyterHub.db_url = "sqlite:///{folder / "jupyterhub.sqlite"}"
c.JupyterHub.cookie_secret_file = {str(folder / "cookie_secret")!r}
c.JupyterHub.authenticator_class = "dummy"
# No users of the machine here: each learner's home is a folder of the test.
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {str(homes / "{username}")!r}
c.Spawner.cmd = {[*AS_LEARNER, str(BIN / "jupyterhub-singleuser")]!r}
c.Spawner.args = {["--allow-root"] if os.geteuid() == 0 else []!r}
c.Spawner.environment["DJMIG_CLASSROOM_RUN"] = {mark!r}
c.JupyterHub.services = [{{"name": {SERVICE!r}, "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{"name": {SERVICE!r}, "services": [{SERVICE!r}],
                            "scopes": ["admin:users", "admin:servers", "tokens", "access:servers"]}}]
"""


class Hub:
    """A JupyterHub started in FOLDER (with ENV) and the learners' homes in FOLDER/homes; stop() ends all it started."""

    def __init__(self, folder, env=()):
        self.folder, self.homes = folder, folder / "homes"
        self.homes.mkdir()
        ports = (free_port(), free_port(), free_port())
        self.url = f"http://127.0.0.1:{ports[0]}"
        self.token, self.mark = secrets.token_hex(16), secrets.token_hex(8)
        config = folder / "hub_config.py"
        config.write_text(_test_config(folder, self.homes, ports, self.token, self.mark))
        self.log = (folder / "hub.log").open("w")
        # The mark is in the environment of every process the hub starts: the proxy, the servers, their kernels.
        env = {**os.environ, **dict(env), "DJMIG_CLASSROOM_RUN": self.mark}
        self.process = subprocess.Popen([str(BIN / "jupyterhub"), "-f", str(config)], cwd=folder, env=env,
                                        stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_until_up(f"{self.url}/hub/api", self.process)
        except Exception:
            self.stop()
            raise
        self.users = []

    def api(self, method, path, body=None):
        return request(method, f"{self.url}/hub/api{path}", self.token, body)

    def add_learner(self, name):
        """Create the user NAME, start their server through the API; return (their server's URL, their token)."""
        self.api("POST", f"/users/{name}")
        self.users.append(name)
        token = self.api("POST", f"/users/{name}/tokens", {"note": "the classroom test", "expires_in": 3600})["token"]
        self.api("POST", f"/users/{name}/server")
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            server = self.api("GET", f"/users/{name}")["servers"].get("")
            if server and server["ready"]:
                return f"{self.url}{server['url'].rstrip('/')}", token
            if not server or not server["pending"]:
                break
            time.sleep(0.5)  # the hub says nothing when a server becomes ready: ask again
        raise RuntimeError(f"{name}'s server did not start:\n{self.log_tail()}")

    def log_tail(self, lines=40):
        self.log.flush()
        return "\n".join((self.folder / "hub.log").read_text().splitlines()[-lines:])

    def stop(self):
        """Stop the learners' servers, then the hub (which stops the proxy); end whatever of theirs is left."""
        for name in self.users:
            try:
                self.api("DELETE", f"/users/{name}/server")
            except (urllib.error.URLError, ConnectionError):
                pass
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.log.close()
        return self._end_leftovers()

    def _end_leftovers(self, grace=15):
        """Kill each process that still carries this hub's mark after GRACE seconds; return how many there were."""
        deadline = time.monotonic() + grace
        while (left := marked(self.mark)) and time.monotonic() < deadline:
            time.sleep(0.5)  # kernels and their Django processes end a moment after their server
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return len(left)


def marked(mark):
    """Return the ids of the processes whose environment holds DJMIG_CLASSROOM_RUN=MARK."""
    wanted = f"DJMIG_CLASSROOM_RUN={mark}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if wanted in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
            except OSError:
                pass
    return found
