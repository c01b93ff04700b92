"""JupyterHub on one machine for a djmig course: a read-only course folder, each learner's sandboxes in their home.

Run as root, with the kit installed where every learner can run it (e.g. a venv in /opt/djmig, not under /root):

    DJMIG_COURSE=/srv/djmig/notebooks jupyterhub -f classroom/jupyterhub_config.py

Each learner is a user of the machine (PAM logins) with a home of their own. The course folder is one read-only
copy of notebooks/ (chmod -R a-w); every learner sees it as ~/course, and the kit puts their sandboxes in
~/djmig-work (DJMIG_SANDBOXES), which their file browser shows beside it.
"""

import os
import pwd
import sys

c = get_config()  # noqa: F821 (JupyterHub's config loader provides it)

# The read-only course folder: a copy of this repository's notebooks/ (with images/).
COURSE = os.environ.get("DJMIG_COURSE", "/srv/djmig/notebooks")
FIRST_NOTEBOOK = "00-the-four-moving-pieces.ipynb"

# Learners log in with their user name and password on this machine; list them (and the instructors) here.
c.Authenticator.allowed_users = set(os.environ.get("DJMIG_LEARNERS", "").split())
c.Authenticator.admin_users = set(os.environ.get("DJMIG_INSTRUCTORS", "").split())

# The hub behind configurable-http-proxy (npm install -g configurable-http-proxy), on port 8000 of every address.
c.JupyterHub.bind_url = "http://:8000"
c.ConfigurableHTTPProxy.command = [os.environ.get("DJMIG_PROXY", "configurable-http-proxy")]

# Each learner's server runs as that user, in their home, with JupyterLab open at the first notebook.
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [os.path.join(os.path.dirname(sys.executable), "jupyterhub-singleuser")]  # the hub's own
c.Spawner.notebook_dir = "~"
c.Spawner.default_url = f"/lab/tree/course/{FIRST_NOTEBOOK}"
# A server that starts a notebook's Django for the first time may take a while on a busy machine.
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120


def learner_home(spawner):
    """Return the learner's home: the spawner's own home_dir (SimpleLocalProcessSpawner), else the user's."""
    return getattr(spawner, "home_dir", "") or pwd.getpwnam(spawner.user.name).pw_dir


def sandboxes(spawner):
    """Return where the kit puts this learner's sandboxes: ~/djmig-work."""
    return os.path.join(learner_home(spawner), "djmig-work")


# A relative sandbox root (replay("sandboxes/00", ...)) in the read-only course goes to the same path in here.
c.Spawner.environment = {"DJMIG_SANDBOXES": sandboxes}


def link_the_course(spawner):
    """Before each start: make ~/course a link to the course folder (a learner's own ~/course is left alone)."""
    home = learner_home(spawner)
    os.makedirs(home, exist_ok=True)
    link = os.path.join(home, "course")
    if not os.path.lexists(link):
        os.symlink(COURSE, link)


c.Spawner.pre_spawn_hook = link_the_course
