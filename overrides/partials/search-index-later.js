// Material requests the search index (the largest file a page loads) as soon as its bundle
// starts, so on a slow link the index competes with the page's first paint. Hold that one
// request until the page has loaded and painted and the browser is idle, or until the reader
// reaches for search, whichever comes first; every other request goes out untouched.
// Material 9 fetches the index with XMLHttpRequest and offers no hook, hence the wrapper.
(() => {
  const INDEX = /\/search\/search_index\.json$/;
  const open = XMLHttpRequest.prototype.open;
  const send = XMLHttpRequest.prototype.send;
  const held = new WeakSet();
  let release;
  const released = new Promise((resolve) => { release = resolve; });

  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    if (INDEX.test(new URL(url, location.href).pathname)) held.add(this);
    return open.call(this, method, url, ...rest);
  };
  XMLHttpRequest.prototype.send = function (...body) {
    if (!held.has(this)) return send.apply(this, body);
    released.then(() => send.apply(this, body));
  };

  // The reader reaches for search: the search box gets focus (a click, or Material's "/"
  // and "s" shortcuts) or the search toggle opens it on small screens.
  document.addEventListener("focusin", (event) => {
    if (event.target.matches?.("[data-md-component=search-query]")) release();
  });
  document.addEventListener("change", (event) => {
    if (event.target.id === "__search") release();
  });

  // Otherwise: after the load event and the first contentful paint, when the browser idles.
  const whenIdle = () => ("requestIdleCallback" in window)
    ? requestIdleCallback(release, { timeout: 2000 }) : setTimeout(release, 200);
  const loaded = new Promise((resolve) => addEventListener("load", resolve, { once: true }));
  const painted = new Promise((resolve) => {
    if (!PerformanceObserver.supportedEntryTypes?.includes("paint")) return resolve();
    new PerformanceObserver((entries, observer) => {
      if (entries.getEntriesByName("first-contentful-paint").length) {
        observer.disconnect();
        resolve();
      }
    }).observe({ type: "paint", buffered: true });
  });
  Promise.all([loaded, painted]).then(whenIdle);
})();
