// Sphinx's search marks the words searched for on the next page opened, in every text of the page, the contents
// of its <script> elements too: notebook 06's stored widget state (a script of JSON) then no longer parses and its
// picker is not drawn. A script's text is never marked: Sphinx leaves a text alone whose parent is "nohighlight".
document.addEventListener("DOMContentLoaded", () => {
  for (const script of document.querySelectorAll("script")) script.classList.add("nohighlight");
});
