"""axe-core (npm, installed by make site-js) run in a page of Chromium: the accessibility rules a page breaks."""

from pathlib import Path

from helpers import missing

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / ".cache" / "site-js" / "node_modules" / "axe-core" / "axe.min.js"
# What a learner who uses a screen reader or a keyboard cannot get past; axe's "moderate" and "minor" are advice.
SEVERE = ("critical", "serious")

_RUN = """async include => {
  const result = await axe.run({include: include}, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' ')),
  }));
}"""


def axe_violations(page, include):
    """Return axe-core's violations in the parts of PAGE that the CSS selectors INCLUDE pick, one dict a rule:
    id, impact, help and nodes (each node's selector). axe is injected into the page the first time."""
    if not AXE.is_file():
        missing(f"axe-core is not in {AXE.parent}: run 'make site-js' (npm installs site/package.json)")
    if not page.evaluate("() => Boolean(window.axe)"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(_RUN, [[selector] for selector in include])


def severe(violations):
    """Return the critical and serious VIOLATIONS as lines: rule (impact): what it asks, and where."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']}, on {len(v['nodes'])}: {', '.join(v['nodes'][:3])}"
        for v in violations if v["impact"] in SEVERE
    ]


def impacts(violations):
    """Return {impact: number of elements} of VIOLATIONS, for a message that says how far a page is off."""
    found = {}
    for violation in violations:
        found[violation["impact"]] = found.get(violation["impact"], 0) + len(violation["nodes"])
    return found
