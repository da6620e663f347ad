// Progressive enhancement: column headers of tables with class "sortable" become buttons that sort
// the rows; aria-sort tells screen readers the order. Without JavaScript the tables read as written.
// A cell sorts by its data-sort attribute when it has one (an ISO date, an unrounded number), else
// by its own text (not the words of a label inside it): dates such as "30 June 2026" or "Apr 2024"
// by date, numbers such as "1,219", "£4.2m", "31.4%" by value, anything else alphabetically.
// Numbers come before text, and blanks ("–") last whichever way the column is sorted.
(function () {
  var MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
  var SCALE = { k: 1e3, m: 1e6, bn: 1e9 };

  function ownText(cell) {
    var text = "";
    cell.childNodes.forEach(function (n) {
      if (n.nodeType === 3) text += n.nodeValue;
      else if (n.nodeType === 1 && !n.matches(".cmp-label, .visually-hidden, .unit, .note")) text += ownText(n);
    });
    return text;
  }

  function date(text) {
    var m = /^(?:(\d{1,2})\s+)?([a-z]{3})[a-z]*\s+(\d{4})$/i.exec(text);
    if (m) {
      var month = MONTHS.indexOf(m[2].toLowerCase());
      if (month >= 0) return Date.UTC(+m[3], month, m[1] ? +m[1] : 1);
    }
    m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(text);
    if (m) return Date.UTC(+m[1], +m[2] - 1, m[3] ? +m[3] : 1);
    return null;
  }

  function number(text) {
    var m = /^([-−]?)£?\s*([\d,]*\.?\d+)\s*(k|m|bn)?\s*%?$/i.exec(text);
    if (!m) return null;
    var v = parseFloat(m[2].replace(/,/g, ""));
    if (m[3]) v *= SCALE[m[3].toLowerCase()];
    return m[1] ? -v : v;
  }

  // [kind, value]: kind 0 number or date, 1 text, 2 blank.
  function key(cell) {
    var sort = cell.getAttribute("data-sort");
    var text = (sort !== null ? sort : ownText(cell)).replace(/\s+/g, " ").trim();
    if (text === "" || text === "–" || text === "-") return [2, 0];
    var d = date(text);
    if (d !== null) return [0, d];
    var n = number(text);
    if (n !== null) return [0, n];
    return [1, text.toLowerCase()];
  }

  function compare(x, y, ascending) {
    if (x[0] !== y[0]) return x[0] - y[0];
    var c = x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0;
    return ascending ? c : -c;
  }

  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, col) {
      if (th.querySelector("a")) return; // a header that links somewhere keeps its link
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows).map(function (r, i) { return [key(r.cells[col]), i, r]; });
        rows.sort(function (a, b) { return compare(a[0], b[0], ascending) || a[1] - b[1]; });
        rows.forEach(function (r) { body.appendChild(r[2]); });
      });
    });
  });
})();
