// Material's code annotation markers are links with no text; give each an accessible
// name so screen readers (and axe-core's link-name rule) can tell what they open.
document$.subscribe(() => {
  document.querySelectorAll("a.md-annotation__index").forEach((link) => {
    const number = link.getAttribute("href").split("_").pop();
    link.setAttribute("aria-label", `Code annotation ${number}`);
  });
});
