// The search page: runs a query against the site's own search index (search/meta.json and the
// chunks it lists, written by commission; docs/FORMATS.md, "Search index"). The browser fetches
// only what a query needs: the chunks holding its words, then the text of the results it shows.
// The query in ?q= (from the header form, which works without JavaScript) is run at once, and the
// page's address follows what is typed, so a search can be linked to. Results can be narrowed by
// type (each page's filter) and say what they are (its kind). Every sentence the reader sees comes
// from the page (the theme's words), with {count}, {query}, {kind}, {title} and {value} filled in.
// Opened from disk (file://) the index cannot be fetched: the page says so and offers the index
// pages instead.
(function () {
  "use strict";
  var form = document.getElementById("search");
  if (!form) return;
  var input = document.getElementById("search-query");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-list");
  var more = document.getElementById("search-more");
  var filtersBox = document.getElementById("search-filters");
  var results = document.getElementById("search-results");
  var words = form.dataset;
  var unavailable = function () {
    form.hidden = true;
    results.hidden = true;
    var offline = document.getElementById("search-unavailable");
    if (offline) offline.hidden = false;
  };
  if (window.location.protocol === "file:" || !window.fetch || !window.URLSearchParams) {
    unavailable();
    return;
  }
  var root = new URL(form.getAttribute("data-root") || "./", window.location.href);
  var folder = new URL("search/", root);
  var PAGE_SIZE = 10;
  var PREFIX_WEIGHT = 0.5;
  var MAX_PREFIX_STEMS = 200;
  var WORD = /[\p{Alphabetic}\p{N}]+(?:['\u2019][\p{Alphabetic}\p{N}]+)*/gu;
  var MAX_WORD_CHARS = 40;

  var fill = function (pattern, values) {
    return pattern.replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
  };
  var number = function (n) {
    return n.toLocaleString(document.documentElement.lang || undefined);
  };
  // The words of a text, as the index cut them (src/publish/search_words.rs, for_each_word).
  var wordsOf = function (text) {
    var out = [];
    (text.match(WORD) || []).forEach(function (w) {
      w = w.replace(/['\u2019]/g, "");
      if (Array.from(w).length <= MAX_WORD_CHARS) out.push(w.toLowerCase());
    });
    return out;
  };
  var fetchJson = function (name, fresh) {
    return fetch(new URL(name, folder), fresh ? { cache: "no-cache" } : {}).then(function (r) {
      if (!r.ok) throw new Error(name + ": " + r.status);
      return r.json();
    });
  };
  var cached = {};
  var load = function (name) {
    if (!cached[name]) {
      cached[name] = fetchJson(name).catch(function (e) {
        delete cached[name];
        throw e;
      });
    }
    return cached[name];
  };
  // The numbers back from their differences (meta.json and the chunks store page numbers so).
  var undifference = function (deltas) {
    var n = 0;
    return deltas.map(function (d) {
      n += d;
      return n;
    });
  };

  var meta = fetchJson("meta.json", true).then(function (m) {
    if (m.version !== 1) throw new Error("search index version " + m.version);
    m.filterPages = {};
    Object.keys(m.filters).forEach(function (name) {
      m.filterPages[name] = {};
      Object.keys(m.filters[name]).forEach(function (value) {
        m.filterPages[name][value] = new Set(undifference(m.filters[name][value]));
      });
    });
    return m;
  });

  // Keys compared by code point, as the index sorted them (JavaScript's < compares UTF-16 units).
  var compare = function (a, b) {
    var x = Array.from(a), y = Array.from(b);
    for (var i = 0; i < x.length && i < y.length; i++) {
      var d = x[i].codePointAt(0) - y[i].codePointAt(0);
      if (d) return d;
    }
    return x.length - y.length;
  };
  // The chunks whose keys can hold `from` up to `to` (the chunks' first keys are sorted).
  var chunksFor = function (m, from, to) {
    var first = 0;
    for (var i = 0; i < m.chunks.length; i++) {
      if (compare(m.chunks[i], from) <= 0) first = i;
      else break;
    }
    var names = [];
    for (var k = first; k < m.chunks.length && (k === first || compare(m.chunks[k], to) <= 0); k++) {
      names.push(m.chunk_files[k]);
    }
    return names;
  };
  var loadAll = function (names) {
    return Promise.all(names.map(load));
  };
  // One query word's pages: page number → weight, from every stem the word has (or, for the word
  // being typed, every word it begins), with how many pages have it.
  var termPages = function (m, word, prefix) {
    var to = prefix ? word + String.fromCodePoint(0x10ffff) : word;
    return loadAll(chunksFor(m, word, to)).then(function (chunks) {
      var stems = new Map();
      chunks.forEach(function (chunk) {
        Object.keys(chunk.w).forEach(function (w) {
          var exact = w === word;
          if (exact || (prefix && w.lastIndexOf(word, 0) === 0)) {
            var stem = chunk.w[w] === 1 ? w : chunk.w[w];
            var weight = exact ? 1 : PREFIX_WEIGHT;
            if (!stems.has(stem) || stems.get(stem) < weight) stems.set(stem, weight);
          }
        });
      });
      var wanted = Array.from(stems.keys()).sort().slice(0, MAX_PREFIX_STEMS);
      var names = new Set();
      wanted.forEach(function (s) {
        chunksFor(m, s, s).forEach(function (n) {
          names.add(n);
        });
      });
      return loadAll(Array.from(names)).then(function (stemChunks) {
        var pages = new Map();
        wanted.forEach(function (stem) {
          var postings;
          stemChunks.forEach(function (c) {
            if (Object.prototype.hasOwnProperty.call(c.s, stem)) postings = c.s[stem];
          });
          if (!postings) return;
          var page = 0;
          for (var i = 0; i < postings.length; i += 2) {
            page += postings[i];
            var w = postings[i + 1] * stems.get(stem);
            if (!pages.has(page) || pages.get(page) < w) pages.set(page, w);
          }
        });
        return { pages: pages, stems: wanted };
      });
    });
  };
  // The pages that have every word of the query, best first (BM25: each word's weight on the
  // page times its inverse document frequency), ties in page order.
  var run = function (m, query) {
    var terms = wordsOf(query);
    if (!terms.length) return Promise.resolve({ hits: [], stems: [], words: [], prefix: "" });
    // The last word may be unfinished (until a space follows it): it also finds the words it begins.
    var last = terms[terms.length - 1];
    var prefix = !/\s$/.test(query) && Array.from(last).length >= 2 ? last : "";
    return Promise.all(
      terms.map(function (t, i) {
        return termPages(m, t, prefix !== "" && i === terms.length - 1);
      })
    ).then(function (found) {
      var n = m.pages;
      found.sort(function (a, b) {
        return a.pages.size - b.pages.size;
      });
      var hits = [];
      found[0].pages.forEach(function (w0, page) {
        var score = 0;
        for (var i = 0; i < found.length; i++) {
          var w = i === 0 ? w0 : found[i].pages.get(page);
          if (w === undefined) return;
          var df = found[i].pages.size;
          score += (w / 100) * Math.log(1 + (n - df + 0.5) / (df + 0.5));
        }
        hits.push({ page: page, score: score });
      });
      hits.sort(function (a, b) {
        return b.score - a.score || a.page - b.page;
      });
      var stems = [];
      found.forEach(function (f) {
        stems = stems.concat(f.stems);
      });
      return { hits: hits, stems: stems, words: terms, prefix: prefix };
    });
  };

  var pageRecord = function (m, page) {
    var per = m.pages_per_file;
    return load(m.page_files[Math.floor(page / per)]).then(function (group) {
      return group[page % per];
    });
  };
  // A passage of the page's text around the words found, as nodes: the words in <mark>.
  var excerpt = function (text, found) {
    var matches = function (w) {
      w = w.replace(/['\u2019]/g, "").toLowerCase();
      if (found.words.indexOf(w) >= 0 || (found.prefix && w.lastIndexOf(found.prefix, 0) === 0)) return true;
      return found.stems.some(function (s) {
        return s.length >= 3 && w.lastIndexOf(s, 0) === 0;
      });
    };
    var spans = [];
    var m;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(text))) spans.push({ start: m.index, end: m.index + m[0].length, hit: matches(m[0]) });
    var SPAN = 30;
    var best = 0, bestHits = -1, hits = 0;
    for (var i = 0; i < spans.length; i++) {
      if (spans[i].hit) hits++;
      if (i >= SPAN && spans[i - SPAN].hit) hits--;
      if (hits > bestHits) {
        bestHits = hits;
        best = Math.max(0, i - SPAN + 1);
      }
    }
    var shown = spans.slice(best, best + SPAN);
    var out = document.createDocumentFragment();
    if (!shown.length) return out;
    var pos = shown[0].start;
    if (best > 0) out.appendChild(document.createTextNode("… "));
    shown.forEach(function (s) {
      out.appendChild(document.createTextNode(text.slice(pos, s.start)));
      if (s.hit) {
        var mark = document.createElement("mark");
        mark.textContent = text.slice(s.start, s.end);
        out.appendChild(mark);
      } else {
        out.appendChild(document.createTextNode(text.slice(s.start, s.end)));
      }
      pos = s.end;
    });
    if (best + SPAN < spans.length) out.appendChild(document.createTextNode(" …"));
    return out;
  };
  var resultItem = function (record, found) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = new URL(record.url.replace(/^\//, ""), root).href;
    var kind = (record.meta && record.meta.kind) || "";
    a.textContent = kind ? fill(words.result, { kind: kind, title: record.title }) : record.title;
    var title = document.createElement("p");
    title.className = "search-title";
    title.appendChild(a);
    li.appendChild(title);
    var p = document.createElement("p");
    p.className = "search-excerpt";
    p.appendChild(excerpt(record.content || "", found));
    li.appendChild(p);
    return li;
  };

  var state = { found: null, shown: 0, generation: 0, query: "" };
  var selected = function (m) {
    var chosen = {};
    filtersBox.querySelectorAll("input[type=checkbox]:checked").forEach(function (box) {
      (chosen[box.name] = chosen[box.name] || []).push(box.value);
    });
    return Object.keys(chosen).map(function (name) {
      return chosen[name].map(function (v) {
        return m.filterPages[name][v];
      });
    });
  };
  // One group of checkboxes per filter, each value with how many of the results it has.
  var drawFilters = function (m, hits) {
    var checked = new Set();
    filtersBox.querySelectorAll("input:checked").forEach(function (b) {
      checked.add(b.name + "\u0000" + b.value);
    });
    filtersBox.textContent = "";
    Object.keys(m.filterPages).forEach(function (name, f) {
      var fieldset = document.createElement("fieldset");
      var legend = document.createElement("legend");
      legend.textContent = name;
      fieldset.appendChild(legend);
      Object.keys(m.filterPages[name]).forEach(function (value, v) {
        var pages = m.filterPages[name][value];
        var count = hits.filter(function (h) {
          return pages.has(h.page);
        }).length;
        var id = "search-filter-" + f + "-" + v;
        var box = document.createElement("input");
        box.type = "checkbox";
        box.id = id;
        box.name = name;
        box.value = value;
        box.checked = checked.has(name + "\u0000" + value);
        var label = document.createElement("label");
        label.htmlFor = id;
        label.textContent = fill(words.filterValue, { value: value, count: number(count) });
        var row = document.createElement("div");
        row.className = "search-filter";
        row.appendChild(box);
        row.appendChild(label);
        fieldset.appendChild(row);
      });
      filtersBox.appendChild(fieldset);
    });
    // Nothing found: nothing to narrow.
    filtersBox.hidden = !hits.length || !Object.keys(m.filterPages).length;
  };
  var filtered = function (m) {
    var groups = selected(m);
    return state.found.hits.filter(function (h) {
      return groups.every(function (sets) {
        return sets.some(function (set) {
          return set.has(h.page);
        });
      });
    });
  };
  var showMore = function (m, focusFirst) {
    var hits = filtered(m);
    var batch = hits.slice(state.shown, state.shown + PAGE_SIZE);
    var generation = state.generation;
    return Promise.all(
      batch.map(function (h) {
        return pageRecord(m, h.page);
      })
    ).then(function (records) {
      if (generation !== state.generation) return;
      var first;
      records.forEach(function (record) {
        var li = resultItem(record, state.found);
        first = first || li;
        list.appendChild(li);
      });
      state.shown += batch.length;
      more.hidden = state.shown >= hits.length;
      if (focusFirst && first) first.querySelector("a").focus();
    });
  };
  var showResults = function (m) {
    var hits = filtered(m);
    list.textContent = "";
    state.shown = 0;
    var q = state.query.trim();
    status.textContent =
      hits.length === 0
        ? fill(words.none, { query: q })
        : fill(hits.length === 1 ? words.resultsOne : words.resultsMany, { count: number(hits.length), query: q });
    return showMore(m, false);
  };
  var failed = function () {
    status.textContent = words.failed;
    list.textContent = "";
    more.hidden = true;
  };
  var search = function (query) {
    state.query = query;
    var generation = ++state.generation;
    var url = new URL(window.location.href);
    if (query.trim()) url.searchParams.set("q", query.trim());
    else url.searchParams.delete("q");
    window.history.replaceState(null, "", url.href);
    if (!query.trim()) {
      // Nothing asked: nothing found, and nothing to narrow.
      status.textContent = "";
      list.textContent = "";
      more.hidden = true;
      filtersBox.hidden = true;
      state.found = null;
      meta.catch(failed);
      return;
    }
    status.textContent = words.searching;
    list.setAttribute("aria-busy", "true");
    meta
      .then(function (m) {
        return run(m, query).then(function (found) {
          if (generation !== state.generation) return;
          state.found = found;
          drawFilters(m, found.hits);
          return showResults(m);
        });
      })
      .catch(function () {
        if (generation === state.generation) failed();
      })
      .then(function () {
        if (generation === state.generation) list.removeAttribute("aria-busy");
      });
  };

  var timer;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      search(input.value);
    }, 200);
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    clearTimeout(timer);
    search(input.value);
  });
  filtersBox.addEventListener("change", function () {
    if (!state.found) return;
    state.generation++;
    meta.then(showResults);
  });
  more.addEventListener("click", function () {
    if (more.disabled) return;
    more.disabled = true;
    meta
      .then(function (m) {
        return showMore(m, true);
      })
      .catch(failed)
      .then(function () {
        more.disabled = false;
      });
  });
  results.hidden = false;
  var q = new URLSearchParams(window.location.search).get("q") || "";
  input.value = q;
  search(q);
})();
