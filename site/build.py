"""make site: the committed notebooks, with their stored outputs and not executed, as a static website (Sphinx).

    python site/build.py --widgets .cache/site-js/node_modules [--work .cache/site-build] [OUT]

The index is README.md's opening and its "## The tutorial" table (the one list of the notebooks, in order);
the notebooks and their pictures are copied into a work folder beside it, the widget JavaScript (npm) into
its _static/vendor, and Sphinx (myst-nb, the furo theme, site/conf.py) writes OUT (default _site/).
"""

import argparse
import filecmp
import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "site"
NOTEBOOKS = ROOT / "notebooks"
ROW = re.compile(r"^\|\s*`(\d\d-[a-z0-9-]+)`\s*\|\s*(.+?)\s*\|\s*$")
# What the stored picker state needs in the browser: RequireJS and the widgets' HTML manager, with its fonts.
WIDGET_FILES = {
    "requirejs/require.js": "require.js",
    "@jupyter-widgets/html-manager/dist/embed-amd.js": "html-manager/embed-amd.js",
}
# The output types the site shows (text/vnd.graphviz, each DAG's DOT text beside its SVG, is not shown).
SHOWN = {"text/plain", "text/html", "image/svg+xml", "application/vnd.jupyter.widget-view+json"}
FONTS = ("*.woff2", "*.woff", "*.ttf", "*.eot", "*.svg")
# The notebook of the words the others link to at their first use; the site's last page.
GLOSSARY = "glossary"


class SiteError(Exception):
    """What stops the build, said in one line with its fix."""


def tutorial_rows(readme):
    """Return [(notebook name, what you learn)] of README.md's "## The tutorial" table, in its order."""
    if "\n## The tutorial\n" not in readme:
        raise SiteError('README.md has no "## The tutorial" section, which lists the notebooks for the site')
    section = readme.split("\n## The tutorial\n", 1)[1].split("\n## ", 1)[0]
    rows = [match.groups() for match in map(ROW.match, section.splitlines()) if match]
    if not rows:
        raise SiteError('README.md\'s "## The tutorial" has no table rows like | `00-name` | what you learn |')
    return rows


def notebook_title(path):
    """Return the notebook's own title, the first line of its first cell: '# NN · Title' without the '#'."""
    cells = json.loads(path.read_text())["cells"]
    first = "".join(cells[0]["source"]).lstrip() if cells else ""
    if cells[0]["cell_type"] != "markdown" or not first.startswith("# "):
        raise SiteError(f"{path.name} does not open with a '# NN · Title' heading")
    return first.splitlines()[0][2:].strip()


def check_outputs(path):
    """Raise SiteError if the notebook at PATH stores an output the site could not show."""
    for number, cell in enumerate(json.loads(path.read_text())["cells"]):
        for output in cell.get("outputs", ()):
            types = set(output.get("data", {}))
            if types and not types & SHOWN:
                raise SiteError(f"{path.name}, cell {number}: an output of {sorted(types)} only, which the site "
                                f"cannot show; store one of {sorted(SHOWN)} beside it")


def index_page(readme, rows, titles):
    """Return the site's index (MyST Markdown): the README's opening, the tutorial's table linked, a toctree."""
    opening = readme.split("\n## ", 1)[0].rstrip().replace("](notebooks/", "](")
    lines = [
        opening, "", "## The tutorial", "",
        "Each page is a notebook with the outputs it stores; the links at its top run it live, on Binder or",
        "on a JupyterHub.", "",
        "| notebook | what you learn |", "|---|---|",
        *(f"| [{titles[name]}]({name}.ipynb) | {what} |" for name, what in rows),
        "", f"The words of migrations are explained in the [glossary]({GLOSSARY}.ipynb).", "",
        "```{toctree}", ":hidden:", "", *(name for name, _ in rows), GLOSSARY, "```", "",
    ]
    return "\n".join(lines)


def _copy(source, target):
    """Copy SOURCE to TARGET unless it is there already, byte for byte (so Sphinx rebuilds what changed only)."""
    if target.is_file() and filecmp.cmp(source, target, shallow=False):
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)


def _write(target, text):
    if not target.is_file() or target.read_text() != text:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)


def stage(src, widgets):
    """Fill SRC with the index, the notebooks and their pictures, and the widget JavaScript from WIDGETS."""
    readme = (ROOT / "README.md").read_text()
    rows = tutorial_rows(readme)
    listed = [name for name, _ in rows]
    found = sorted(path.stem for path in NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    if sorted(listed) != found:
        missing, extra = sorted(set(found) - set(listed)), sorted(set(listed) - set(found))
        raise SiteError(f"README.md's tutorial table and notebooks/ differ (not in the table: {missing or 'none'}; "
                        f"no such notebook: {extra or 'none'}): give every notebook one row")
    for stale in src.glob("*.ipynb"):
        if stale.stem not in listed and stale.stem != GLOSSARY:
            stale.unlink()
    for name in [*listed, GLOSSARY]:
        check_outputs(NOTEBOOKS / f"{name}.ipynb")
        _copy(NOTEBOOKS / f"{name}.ipynb", src / f"{name}.ipynb")
    for picture in (NOTEBOOKS / "images").glob("*.svg"):
        _copy(picture, src / "images" / picture.name)
    titles = {name: notebook_title(NOTEBOOKS / f"{name}.ipynb") for name in listed}
    _write(src / "index.md", index_page(readme, rows, titles))
    vendor = src / "_static" / "vendor"
    for source, target in WIDGET_FILES.items():
        if not (widgets / source).is_file():
            raise SiteError(f"no {widgets / source}: run 'make site', which installs the widget JavaScript with npm")
        _copy(widgets / source, vendor / target)
    manager = widgets / "@jupyter-widgets" / "html-manager" / "dist"
    for pattern in FONTS:
        for font in manager.glob(pattern):
            _copy(font, vendor / "html-manager" / font.name)


def build(out, work, widgets):
    """Stage the sources in WORK and build the site into OUT; raise SiteError on any Sphinx warning."""
    from sphinx.cmd.build import build_main

    src, html = work / "src", work / "html"  # myst-nb writes beside the HTML folder too, so both stay in WORK
    stage(src, widgets)
    args = ["-b", "html", "-q", "-W", "--keep-going", "-c", str(SITE), "-d", str(work / "doctrees"), str(src), str(html)]
    if build_main(args) != 0:
        raise SiteError("Sphinx stopped on the warnings above; the site was not built")
    if out.exists() and any(out.iterdir()) and not (out / ".buildinfo").is_file():
        raise SiteError(f"{out} holds files that are not a site this built, so it is left alone; choose another folder")
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(html, out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, default=ROOT / "_site")
    parser.add_argument("--work", type=Path, default=ROOT / ".cache" / "site-build")
    parser.add_argument("--widgets", type=Path, required=True, help="the node_modules folder of site/package.json")
    args = parser.parse_args(argv)
    try:
        build(args.out.resolve(), args.work.resolve(), args.widgets.resolve())
    except SiteError as error:
        sys.exit(f"make site: {error}")
    print(f"the site is in {args.out}: open {args.out / 'index.html'}, or serve the folder from any static host")


if __name__ == "__main__":
    main()
