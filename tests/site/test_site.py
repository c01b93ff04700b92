"""The static site (make site) in Chromium: every page from this host alone, fitting 1400 px, linked and searchable."""

import functools
import json
import re
import tomllib
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from accessibility import axe_violations, impacts, severe

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
NAMES = [path.stem for path in NOTEBOOKS]
GLOSSARY = ROOT / "notebooks" / "glossary.ipynb"  # the site's last page, after the notebooks
PAGES = ["index.html", *(f"{name}.html" for name in NAMES), "glossary.html", "search.html?q=migrate"]
SEARCHED = "#search-results .search-summary:not(:empty)"  # Sphinx's search page says how many pages it found
ARTIFACTS = ROOT / "test-artifacts"  # each page's first screen, as the JupyterLab tests save theirs
LAUNCH = tomllib.loads((ROOT / "site" / "launch.toml").read_text())

pytestmark = pytest.mark.browser

# What a page of the site shows wrong: pictures that did not load, were shrunk unreadable (below 75% of their
# own width, as the JupyterLab test counts it) or have no text of their own, stored HTML shown as text, and how
# wide the page is.
_LOOK = """() => ({
  unloaded: [...document.images].filter(i => i.naturalWidth === 0).map(i => i.getAttribute('src').slice(0, 80)),
  shrunk: [...document.images].filter(i => i.getBoundingClientRect().width < 0.75 * i.naturalWidth)
    .map(i => `${i.getAttribute('src').slice(0, 60)}: ${Math.round(i.getBoundingClientRect().width)} px of ` +
              `${i.naturalWidth}`),
  escaped: (document.querySelector('article') || document.body).innerText.match(/<(table|div|svg|style)\\b/g),
  // A picture's text is what it shows, not its file's name (the DAGs had their hashed SVG names).
  unnamed: [...document.images].map(i => i.getAttribute('alt') || '')
    .filter(alt => !alt.trim() || /^\\S+\\.(svg|png)$/.test(alt)),
  width: document.scrollingElement.scrollWidth,
  dataframes: document.querySelectorAll('article table.dataframe').length,
})"""


def _stored(name, needle):
    """How many of notebook NAME's stored outputs hold NEEDLE in their text/html."""
    cells = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text())["cells"]
    outputs = [output for cell in cells for output in cell.get("outputs", ())]
    return sum(needle in "".join(output.get("data", {}).get("text/html", "")) for output in outputs)


def _title(name):
    source = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text())["cells"][0]["source"]
    return "".join(source).splitlines()[0].removeprefix("# ").strip()


@pytest.mark.parametrize("path", PAGES)
def test_a_page_asks_no_other_host_loads_every_picture_fits_the_window_and_passes_axe(visit, path):
    """... and axe-core finds no critical or serious violation on the whole page (a picture without its text,
    a box that scrolls out of the keyboard's reach, text of too little contrast)."""
    page = visit.open(path)
    _nothing_went_wrong(visit, path)
    name = path.removesuffix(".html")
    if name in NAMES and _stored_widgets(name):
        page.wait_for_selector(".jupyter-widgets .widget-dropdown select")  # the picker, from its stored state
    if path.startswith("search.html"):
        page.wait_for_selector(SEARCHED)
    page.wait_for_load_state("networkidle")  # the widgets' fonts, the search index
    _nothing_went_wrong(visit, path)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"site-{re.sub(r'[^a-z0-9-]+', '-', path.removesuffix('.html'))}.png")
    look = page.evaluate(_LOOK)
    assert look["unloaded"] == [], f"{path}: pictures that did not load: {look['unloaded']}"
    assert look["shrunk"] == [], f"{path}: pictures shrunk unreadable: {look['shrunk']}"
    assert look["escaped"] is None, f"{path} shows stored HTML as text: {look['escaped']}"
    assert look["unnamed"] == [], f"{path}: pictures whose text says nothing of them: {look['unnamed']}"
    assert look["width"] <= 1400, f"{path} is {look['width']} px wide in a 1400 px window"
    if name in NAMES:
        assert look["dataframes"] >= _stored(name, '<table class="dataframe"'), f"{path}: tables not drawn as tables"
    violations = axe_violations(page, ["html"])
    assert not severe(violations), f"{path}: axe-core finds {impacts(violations)}: " + "; ".join(severe(violations))


def _nothing_went_wrong(visit, path):
    assert visit.blocked == [], f"{path} asked other hosts for {visit.blocked}"
    assert visit.failed == [], f"{path}: requests on this host failed: {visit.failed}"
    assert visit.errors == [], f"{path}: JavaScript errors: {visit.errors}"


def _stored_widgets(name):
    return bool(json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text())["metadata"].get("widgets"))


def test_the_picker_is_drawn_from_its_stored_state_even_after_a_search(visit):
    """A search for a word of the stored state ("migrate") first: Sphinx marks it on the next page opened."""
    visit.open("search.html?q=migrate").wait_for_selector(SEARCHED)
    page = visit.open("06-explore.html")
    picker = page.wait_for_selector(".jupyter-widgets .widget-dropdown select")
    notebook = json.loads((ROOT / "notebooks" / "06-explore.ipynb").read_text())
    models = notebook["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    shown = next(output["data"]["application/vnd.jupyter.widget-view+json"]["model_id"] for cell in notebook["cells"]
                 for output in cell.get("outputs", ()) if "application/vnd.jupyter.widget-view+json" in output.get("data", {}))
    dropdown = _descendant(models, shown, "DropdownModel")  # the shown picker's (the narrated one has its own)
    # The dropdown keeps a label's spaces as no-break spaces.
    options = picker.evaluate("select => [...select.options].map(option => option.textContent.replace(/\\xa0/g, ' '))")
    assert options == dropdown["_options_labels"]
    assert picker.evaluate("select => select.selectedIndex") == dropdown["index"]
    assert page.locator(".jupyter-widgets img").count() >= 1, "the picker's DAG is not drawn"


def _descendant(models, model_id, name):
    """Return the state of the first widget model NAME among the children of widget MODEL_ID (depth first)."""
    model = models[model_id]
    if model["model_name"] == name:
        return model["state"]
    for child in model["state"].get("children", ()):
        found = _descendant(models, child.removeprefix("IPY_MODEL_"), name)
        if found is not None:
            return found
    return None


def test_the_index_lists_the_notebooks_as_the_readme_does(visit):
    page = visit.open("index.html")
    readme = (ROOT / "README.md").read_text().split("\n## The tutorial\n", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\| `(\d\d-[a-z0-9-]+)` \|", readme, flags=re.M)
    assert sorted(listed) == NAMES, "README.md's tutorial table must list every notebook"
    links = page.eval_on_selector_all("article table a", "links => links.map(a => [a.getAttribute('href'), a.textContent])")
    assert links == [[f"{name}.html", _title(name)] for name in listed]


@pytest.mark.parametrize("number", range(len(NAMES)), ids=NAMES)
def test_a_notebook_page_is_titled_and_links_to_its_neighbours(visit, number):
    name = NAMES[number]
    page = visit.open(f"{name}.html")
    title = _title(name)
    assert re.fullmatch(r"\d\d · .+", title), f"{name} opens with {title!r}, not '# NN · Title'"
    assert page.inner_text("article h1").strip() == title
    assert page.title().startswith(title)
    before = f"{NAMES[number - 1]}.html" if number else "index.html"
    assert page.get_attribute("a.prev-page", "href") == before
    after = page.locator("a.next-page")
    assert after.get_attribute("href") == (f"{NAMES[number + 1]}.html" if number + 1 < len(NAMES) else "glossary.html")


def test_the_glossary_has_the_words_the_notebooks_link_to(visit):
    """Each link of a notebook to a word of the glossary (glossary.ipynb#word, as JupyterLab finds it) leads to
    that word's section on the site."""
    linked = sorted({(name, word) for name in NAMES for word in
                     re.findall(r"\]\(glossary\.ipynb#([^)]+)\)", (ROOT / "notebooks" / f"{name}.ipynb").read_text())})
    assert {word for _, word in linked} >= {"DAG", "leaf", "ledger", "--fake", "squash"}
    for name, word in linked:
        page = visit.open(f"{name}.html")
        href = page.locator(f"article a[href^='glossary.html#']", has_text=re.compile(".")).evaluate_all(
            "links => links.map(a => a.getAttribute('href'))")
        anchor = next(h for h in href if h.split("#")[1] == re.sub(r"[^a-z0-9]+", "-", word.lower()).strip("-"))
        glossary = visit.open(anchor)
        assert glossary.locator(f"section#{anchor.split('#')[1]} h2").inner_text().rstrip("#¶ ").strip() == word


@pytest.mark.parametrize("name", NAMES)
def test_the_launch_links_open_this_page_s_notebook(visit, name):
    page = visit.open(f"{name}.html")
    notebook = f"notebooks/{name}.ipynb"
    binder = urlsplit(page.get_attribute("article a.launch-binder", "href"))
    owner_repo = urlsplit(LAUNCH["repository"]).path.strip("/")
    assert (binder.scheme, binder.netloc, binder.path) == ("https", "mybinder.org", f"/v2/gh/{owner_repo}/HEAD")
    assert parse_qs(binder.query) == {"labpath": [notebook]}
    assert (ROOT / parse_qs(binder.query)["labpath"][0]).is_file()
    hub = urlsplit(page.get_attribute("article a.launch-hub", "href"))
    assert f"{hub.scheme}://{hub.netloc}" == LAUNCH["hub"]
    assert hub.path == "/hub/user-redirect/git-pull"
    folder = owner_repo.rsplit("/", 1)[1]  # nbgitpuller clones the repository into a folder of its name
    assert parse_qs(hub.query) == {
        "repo": [LAUNCH["repository"]], "urlpath": [f"lab/tree/{folder}/{notebook}"], "branch": [LAUNCH["branch"]],
    }


@functools.cache
def _stems(path):
    """The stems of every word in the file at PATH, as Sphinx's search stems them (Snowball's English)."""
    from sphinx.search.en import SearchEnglish

    stem = SearchEnglish({}).stem
    return frozenset(stem(word) for word in set(re.findall(r"[a-z]+", path.read_text().lower())))


def _a_word_of_its_own(name):
    """A word of notebook NAME's prose whose stem no other notebook nor README.md has."""
    from sphinx.search.en import SearchEnglish

    english = SearchEnglish({})
    cells = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text())["cells"]
    prose = " ".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown").lower()
    # Nor inside a stem of theirs: Sphinx's search also finds a stem inside the words of titles.
    others = [ROOT / "README.md", GLOSSARY, *(path for path in NOTEBOOKS if path.stem != name)]
    taken = " ".join(set().union(*map(_stems, others)))
    words = sorted(set(re.findall(r"(?<![\w-])[a-z]{5,}(?![\w-])", prose)) - set(english.stopwords))
    own = [word for word in words if english.stem(word) not in taken]
    assert own, f"{name} has no word of its own to search for"
    return own[0]


@pytest.mark.parametrize("name", NAMES)
def test_search_finds_a_word_of_each_notebook_on_its_page_only(visit, name):
    word = _a_word_of_its_own(name)
    page = visit.open(f"search.html?q={word}")
    summary = page.wait_for_selector(SEARCHED)
    found = page.eval_on_selector_all("#search-results ul.search > li > a",
                                      "links => links.map(a => a.getAttribute('href').split('?')[0])")
    pages = sorted({link.split("#")[0] for link in found})  # a page, and its section whose title has the word
    assert pages == [f"{name}.html"], f"searching {word!r}: {summary.text_content()} {found}"
