"""Sphinx settings of the tutorial's static site (make site, site/build.py): stored outputs, nothing executed."""

import json
import re
import sys
import tomllib
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from docutils import nodes

HERE = Path(__file__).resolve().parent
LAUNCH = tomllib.loads((HERE / "launch.toml").read_text())
NOTEBOOK = re.compile(r"\d\d-[a-z0-9-]+")

project = "djmig"
html_title = "djmig: see what Django migrations do"
extensions = ["myst_nb", "sphinx.ext.githubpages"]  # githubpages: a .nojekyll, so _static/ is served there too
root_doc = "index"
exclude_patterns = ["_static", "sandboxes", "**/.ipynb_checkpoints"]

# Headings are anchors named as JupyterLab names them (their text, spaces made "-"), so that a notebook's link to
# glossary.ipynb#DAG finds the same heading in JupyterLab and on the site.
myst_heading_anchors = 2
myst_heading_slug_func = "slugs.jupyterlab_id"
sys.path.insert(0, str(HERE))

# The notebooks are shown with the outputs they store (make notebooks made them); nothing runs here.
nb_execution_mode = "off"
nb_merge_streams = True
# A cell that fails on purpose shows the kit's one line (an error output), not a Python traceback: as text.
nb_render_error_lexer = "text"
# Each DAG is stored twice: as SVG (shown) and as its DOT text, text/vnd.graphviz (what nbval compares), which
# myst-nb does not know and skips. site/build.py refuses any other output type the site could not show.
suppress_warnings = ["mystnb.unknown_mime_type"]
# The stored widget state (notebook 06's picker) renders with the JavaScript site/build.py copied from npm
# into _static/vendor (widgets-config.js says where): no other host is asked for anything.
nb_ipywidgets_js = {"vendor/require.js": {}, "widgets-config.js": {}, "vendor/html-manager/embed-amd.js": {}}

html_theme = "furo"
html_static_path = ["_static"]
html_css_files = ["djmig.css"]
html_js_files = ["djmig.js", "nohighlight.js"]  # a box that scrolls is reached by the keyboard; a search keeps scripts whole
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
html_theme_options = {"navigation_with_keys": True}


def binder_url(docname):
    """Binder's link that opens notebook DOCNAME of the repository in JupyterLab."""
    parts = urlsplit(LAUNCH["repository"])
    owner_repo = parts.path.strip("/").removesuffix(".git")
    if parts.netloc != "github.com" or owner_repo.count("/") != 1:
        raise ValueError(f"site/launch.toml: repository {LAUNCH['repository']!r} is not https://github.com/OWNER/REPO")
    return f"https://mybinder.org/v2/gh/{owner_repo}/HEAD?" + urlencode({"labpath": f"notebooks/{docname}.ipynb"})


def hub_url(docname):
    """nbgitpuller's link: the JupyterHub clones (or updates) the repository, then opens notebook DOCNAME."""
    repository = LAUNCH["repository"].removesuffix(".git")
    folder = repository.rstrip("/").rsplit("/", 1)[1]
    query = urlencode({
        "repo": repository,
        "urlpath": f"lab/tree/{folder}/notebooks/{docname}.ipynb",
        "branch": LAUNCH["branch"],
    })
    return f"{LAUNCH['hub'].rstrip('/')}/hub/user-redirect/git-pull?{query}"


def add_launch_links(app, doctree):
    """Under a notebook page's title: links that run that notebook live, on Binder and on a JupyterHub."""
    docname = app.env.docname
    if not NOTEBOOK.fullmatch(docname):
        return
    section = next(iter(doctree.findall(nodes.section)))
    links = nodes.paragraph(classes=["launch-links"])
    links += nodes.Text("Run this notebook live: ")
    links += nodes.reference("", "open it on Binder", refuri=binder_url(docname), classes=["launch-binder"])
    links += nodes.Text(" (free, public, may take a few minutes to start) or ")
    links += nodes.reference("", "on your course's JupyterHub", refuri=hub_url(docname), classes=["launch-hub"])
    links += nodes.Text(".")
    if json.loads(Path(app.env.doc2path(docname)).read_text())["metadata"].get("widgets"):
        links += nodes.Text(" The widgets on this page show the state the notebook was saved in; they move only in a"
                            " live notebook.")
    section.insert(section.first_child_matching_class(nodes.title) + 1, links)


def setup(app):
    app.connect("doctree-read", add_launch_links)
    # The widget JavaScript is staged in the sources' _static (site/build.py), beside this folder's own.
    app.connect("config-inited", lambda app, config: config.html_static_path.append(str(Path(app.srcdir) / "_static")))
