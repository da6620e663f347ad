// Starts the Pagefind search UI on the search page. The index is chunked: the browser fetches only
// the fragments a query needs. The site root is resolved from this page, so search works under any
// sub-path; the query in ?q= (from the header form, which works without JavaScript) is run at once.
// A large site's index comes in shards built in parallel (pagefind/shards.js lists the others):
// they are merged into one result list. Each result is prefixed with what it is (the `kind` each
// page declares), and results can be narrowed by type. Opened from disk (file://) the index cannot
// be fetched: the page says so and offers the index pages instead.
(function () {
  var box = document.getElementById("search");
  if (!box) return;
  if (window.location.protocol === "file:" || typeof PagefindUI === "undefined") {
    box.hidden = true;
    var offline = document.getElementById("search-unavailable");
    if (offline) offline.hidden = false;
    return;
  }
  var base = new URL(box.getAttribute("data-root") || "./", window.location.href).pathname;
  var shards = (window.commissionSearchShards || []).map(function (folder) {
    return { bundlePath: base + "pagefind/" + folder, baseUrl: base };
  });
  var ui = new PagefindUI({
    element: "#search",
    baseUrl: base,
    showImages: false,
    resetStyles: false,
    showSubResults: true,
    mergeIndex: shards,
    processResult: function (result) {
      if (result.meta && result.meta.kind && result.meta.title) {
        result.meta.title = result.meta.kind + ": " + result.meta.title;
      }
      // Said once, before the title: not again as a tag under the result (the UI shows every
      // other metadata field, under its field name).
      if (result.meta) delete result.meta.kind;
      return result;
    },
  });
  var q = new URLSearchParams(window.location.search).get("q");
  if (q) ui.triggerSearch(q);
})();
