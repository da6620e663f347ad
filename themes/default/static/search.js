// Static search: loads search-index.json only on the search page, so other pages stay light.
(function () {
  var params = new URLSearchParams(window.location.search);
  var q = (params.get("q") || "").trim();
  var input = document.getElementById("q");
  var out = document.getElementById("results");
  if (!out) return;
  if (input) input.value = q;
  if (!q) return;
  var root = document.querySelector('link[rel="stylesheet"]').getAttribute("href").replace("assets/style.css", "");
  fetch(root + "search-index.json").then(function (r) { return r.json(); }).then(function (pages) {
    var words = q.toLowerCase().split(/\s+/).filter(Boolean);
    var hits = pages.map(function (p) {
      var hay = (p.title + " " + p.text).toLowerCase();
      var score = 0;
      for (var i = 0; i < words.length; i++) {
        if (hay.indexOf(words[i]) < 0) return null;
        score += p.title.toLowerCase().indexOf(words[i]) >= 0 ? 3 : 1;
      }
      return { page: p, score: score };
    }).filter(Boolean).sort(function (a, b) { return b.score - a.score || a.page.title.localeCompare(b.page.title); });
    out.textContent = "";
    var h = document.createElement("h2");
    h.textContent = hits.length + (hits.length === 1 ? " result" : " results") + " for \u201c" + q + "\u201d";
    out.appendChild(h);
    var ol = document.createElement("ol");
    hits.slice(0, 50).forEach(function (hit) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = root + hit.page.href;
      a.textContent = hit.page.title;
      li.appendChild(a);
      var p = document.createElement("p");
      p.textContent = hit.page.text.slice(0, 200);
      li.appendChild(p);
      ol.appendChild(li);
    });
    out.appendChild(ol);
  });
})();
