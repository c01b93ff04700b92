// A box of the page that scrolls (a long line of code, a wide output, a transcript) is reached by the keyboard:
// Tab stops on it, its arrow keys scroll it, and a screen reader names it. Only boxes that do scroll, measured
// when the page has loaded and again when the window changes size.
(function () {
  function label(box, number) {
    const cell = box.closest(".cell");
    const what = !cell ? "Scrolling box" : box.closest(".cell_input") ? "Code" : "Output";
    return cell ? `${what} of cell ${number(cell)}, scrolls` : what;
  }

  function scrolls(box) {
    const style = getComputedStyle(box);
    const sideways = /auto|scroll/.test(style.overflowX) && box.scrollWidth > box.clientWidth + 1;
    const down = /auto|scroll/.test(style.overflowY) && box.scrollHeight > box.clientHeight + 1;
    return sideways || down;
  }

  function mark() {
    const article = document.querySelector("article");
    if (!article) return;
    const cells = [...article.querySelectorAll(".cell")];
    const number = cell => cells.indexOf(cell) + 1;
    for (const box of article.querySelectorAll("pre, div")) {
      const own = "djmigScrolls" in box.dataset;
      if (!own && (box.hasAttribute("tabindex") || box.querySelector("a, button, select, input, [tabindex]"))) {
        continue;  // the keyboard reaches it already (the picker's preview, a box with a link in it)
      }
      if (scrolls(box)) {
        box.tabIndex = 0;
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", label(box, number));
        box.dataset.djmigScrolls = "";
      } else if (own) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        delete box.dataset.djmigScrolls;
      }
    }
  }

  let pending;
  window.addEventListener("load", mark);
  window.addEventListener("resize", () => { clearTimeout(pending); pending = setTimeout(mark, 200); });
})();
