// Material's code annotation markers are links with no text; give each an accessible
// name so screen readers (and axe-core's link-name rule) can tell what they open.
// With `content.lazy`, Material mounts a code block (its copy button, its annotation
// markers) only when it scrolls into view, so markers are labelled as they appear.
function labelAnnotationMarkers() {
  document.querySelectorAll("a.md-annotation__index:not([aria-label])").forEach((link) => {
    const number = link.getAttribute("href").split("_").pop();
    link.setAttribute("aria-label", `Code annotation ${number}`);
  });
}

labelAnnotationMarkers();
// Watch the page's content only: the search box and the navigation change as readers type
// and browse, and never hold annotations.
const content = document.querySelector(".md-content") || document.body;
new MutationObserver(labelAnnotationMarkers).observe(content, {childList: true, subtree: true});
