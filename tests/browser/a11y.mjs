#!/usr/bin/env node
// Browser accessibility and HTML validity checks for a site built by
// `commission build`.
//
// Usage: node tests/browser/a11y.mjs SITE_DIR
//
// Serves SITE_DIR on 127.0.0.1, visits one page of every page type in
// headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core),
// and on each page:
//   - runs axe-core with the WCAG 2.0/2.1/2.2 A and AA rules;
//   - checks for exactly one <h1>, a non-empty <html lang>, a skip link as
//     the first focusable element pointing at the main landmark, no
//     horizontal scrolling of the document at 320 CSS px, no same-site
//     resource that fails to load and no uncaught script error;
//   - at a phone's 390 CSS px: no horizontal scrolling of the document and no
//     visible text (HTML or SVG, after the SVG's scaling) under 11 px;
//   - at 1280 and at 390 px: every chart (figure.chart) shows exactly one of its
//     drawings, and every chart SVG has a legend (g.chart-legend with labels) and
//     both axis titles; indicator, KPI and options pages have at least one chart;
//     on the map's indicator page, each bar of the areas' bar chart is classed
//     by its area's comparison as the area's table row is.
// Then, on the sample's pages: an indicator page's map has one path per area
// coloured as the area's row of the table says; a date column of a sortable
// table sorts by date; the 404 page's links resolve when the site is served
// under two different paths. It crawls every HTML file of the site for broken
// relative links and fragments, and runs the Nu HTML validator once over all
// visited files.
//
// Exits 1 if anything failed and ends with `browser: N passed, M failed`.
// Environment: CHROMIUM_PATH overrides /usr/bin/chromium.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const AXE_PATH = path.join(REPO, 'node_modules', 'axe-core', 'axe.min.js');
const VNU_JAR = path.join(REPO, 'node_modules', 'vnu-jar', 'build', 'dist', 'vnu.jar');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const REFLOW_WIDTH = 320;
const PHONE_WIDTH = 390;
const MIN_TEXT_PX = 11;
const DESKTOP = { width: 1280, height: 800 };
const SNIPPET = 200;

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.rss': 'application/rss+xml; charset=utf-8',
  '.atom': 'application/atom+xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.tsv': 'text/tab-separated-values; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.pdf': 'application/pdf',
  '.wasm': 'application/wasm',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.ods': 'application/vnd.oasis.opendocument.spreadsheet',
  '.zip': 'application/zip',
  '.webmanifest': 'application/manifest+json',
};

// ---------------------------------------------------------------- helpers

function die(msg) {
  console.error(`a11y: ${msg}`);
  process.exit(2);
}

function clip(s, n = SNIPPET) {
  const one = String(s ?? '').replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

function isFile(p) {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDir(p) {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- server

// Serves `root` under the URL prefix `mount` ("/" or "/sub/path/").
function startServer(root, mount = '/') {
  const notFound = path.join(root, '404.html');
  const server = http.createServer((req, res) => {
    let fullPath;
    try {
      fullPath = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('bad request');
      return;
    }
    if (`${fullPath}/` === mount) {
      res.writeHead(301, { location: encodeURI(mount) }).end();
      return;
    }
    // Outside the mount nothing exists: the site's 404 page answers.
    const urlPath = fullPath.startsWith(mount) ? fullPath.slice(mount.length - 1) : '/\u0000outside-mount';
    const file = path.join(root, path.normalize(urlPath));
    if (file !== root && !file.startsWith(root + path.sep)) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('forbidden');
      return;
    }
    let target = file;
    if (isDir(target)) {
      if (!urlPath.endsWith('/')) {
        const q = new URL(req.url, 'http://127.0.0.1').search;
        res.writeHead(301, { location: `${encodeURI(fullPath)}/${q}` }).end();
        return;
      }
      target = path.join(target, 'index.html');
    }
    let status = 200;
    if (!isFile(target)) {
      status = 404;
      target = isFile(notFound) ? notFound : null;
    }
    if (!target) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
      return;
    }
    const type = CONTENT_TYPES[path.extname(target).toLowerCase()] || 'application/octet-stream';
    const body = fs.readFileSync(target);
    res.writeHead(status, { 'content-type': type, 'content-length': body.length, 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

// ---------------------------------------------------------------- discovery

// Sorted sub-folders of `rel` (a site path like "needs/indicators") that
// contain an index.html, optionally filtered.
function subPages(root, rel, keep = () => true) {
  const dir = path.join(root, rel);
  if (!isDir(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.') && keep(d.name))
    .map((d) => d.name)
    .sort()
    .filter((name) => isFile(path.join(dir, name, 'index.html')))
    .map((name) => `${rel}/${name}`);
}

function discover(root) {
  const page = (rel) => (isFile(path.join(root, rel, 'index.html')) ? `/${rel}/` : null);
  const first = (rel, keep) => {
    const found = subPages(root, rel, keep)[0];
    return found ? `/${found}/` : null;
  };
  // The first KPI page of any contract (the first contract may have none).
  const firstKpi = () => {
    for (const contract of subPages(root, 'performance/contracts')) {
      const kpi = subPages(root, contract)[0];
      if (kpi) return `/${kpi}/`;
    }
    return null;
  };

  const types = [
    ['home', isFile(path.join(root, 'index.html')) ? '/' : null],
    ['needs', page('needs')],
    ['needs indicator', first('needs/indicators')],
    // The first indicator page with a map (the sample's ward boundaries), for the map checks.
    ['needs map', first('needs/indicators', (n) => {
      try {
        return fs.readFileSync(path.join(root, 'needs/indicators', n, 'index.html'), 'utf8').includes('<figure class="map"');
      } catch {
        return false;
      }
    })],
    ['needs area', first('needs/areas')],
    ['needs priorities', page('needs/priorities')],
    ['planning', page('planning')],
    ['planning specification', first('planning', (n) => n !== 'resources' && n !== 'engagement')],
    ['planning resources', page('planning/resources')],
    ['planning engagement', page('planning/engagement')],
    ['planning engagement item', first('planning/engagement')],
    ['procurement', page('procurement')],
    ['procurement option', first('procurement/options')],
    ['procurement tender', first('procurement/tenders')],
    ['procurement grants', page('procurement/grants')],
    ['procurement grant', first('procurement/grants')],
    ['performance', page('performance')],
    ['performance contract', first('performance/contracts')],
    ['performance KPI', firstKpi()],
    ['performance compliance', page('performance/compliance')],
    ['performance pipeline', page('performance/pipeline')],
    ['data', page('data')],
    ['search', page('search')],
    ['accessibility', page('accessibility')],
    ['404', isFile(path.join(root, '404.html')) ? '/404.html' : null],
  ];
  const known = new Set(['needs', 'planning', 'procurement', 'performance', 'data', 'search', 'accessibility']);
  for (const rel of subPages(root, '.', (n) => !known.has(n))) {
    const name = rel.slice(2);
    types.push([`free page ${name}`, `/${name}/`]);
  }
  return types;
}

// The URL path the site is built to be served under: A11Y_BASE_PATH if set,
// else the path of the home page's <link rel="canonical"> (pages such as
// 404.html use root-relative links because they are served at any depth),
// else "/".
function basePath(root) {
  let p = process.env.A11Y_BASE_PATH;
  if (!p) {
    try {
      const html = fs.readFileSync(path.join(root, 'index.html'), 'utf8');
      const tag = (html.match(/<link\b[^>]*\brel=["']?canonical\b[^>]*>/i) || [])[0];
      const href = tag && (tag.match(/\bhref=(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i) || []).slice(1).find((x) => x !== undefined);
      if (href) {
        const decoded = href
          .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
          .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
          .replace(/&amp;/g, '&');
        p = decodeURIComponent(new URL(decoded, 'http://127.0.0.1/').pathname);
      }
    } catch {
      p = undefined;
    }
  }
  if (!p) return '/';
  if (!p.startsWith('/')) p = `/${p}`;
  if (!p.endsWith('/')) p = p.replace(/[^/]*$/, '');
  return p;
}

function fileFor(root, urlPath) {
  const rel = decodeURIComponent(urlPath);
  return rel.endsWith('/') ? path.join(root, rel, 'index.html') : path.join(root, rel);
}

// ---------------------------------------------------------------- in-page checks

// Runs in the page. Structure checks that do not depend on focus or width.
function structureChecks() {
  const out = [];
  const describe = (el) => {
    if (!el) return '';
    let s = el.tagName.toLowerCase();
    if (el.id) s += `#${el.id}`;
    else if (el.classList.length) s += `.${[...el.classList].join('.')}`;
    return s;
  };
  const h1s = [...document.querySelectorAll('h1')];
  if (h1s.length !== 1) {
    out.push({
      id: 'one-h1',
      help: `Page must have exactly one <h1> (found ${h1s.length})`,
      nodes: h1s.slice(0, 3).map((el) => ({ target: describe(el), html: el.outerHTML })),
    });
  }
  const lang = document.documentElement.getAttribute('lang');
  if (!lang || !lang.trim()) {
    out.push({
      id: 'html-lang',
      help: '<html> must have a non-empty lang attribute',
      nodes: [{ target: 'html', html: document.documentElement.outerHTML.slice(0, 200) }],
    });
  }
  const mains = [...document.querySelectorAll('main, [role="main"]')];
  if (mains.length !== 1) {
    out.push({
      id: 'main-landmark',
      help: `Page must have exactly one main landmark (found ${mains.length})`,
      nodes: mains.slice(0, 3).map((el) => ({ target: describe(el), html: el.outerHTML })),
    });
  }
  return out;
}

// Runs in the page after one Tab press from the top of the document.
function skipLinkCheck() {
  const el = document.activeElement;
  const describe = (e) => {
    if (!e) return '(none)';
    let s = e.tagName.toLowerCase();
    if (e.id) s += `#${e.id}`;
    else if (e.classList.length) s += `.${[...e.classList].join('.')}`;
    return s;
  };
  const main = document.querySelector('main, [role="main"]');
  const allowed = new Set(['#main']);
  if (main && main.id) allowed.add(`#${main.id}`);
  const fail = (why) => [
    {
      id: 'skip-link',
      help: `First focusable element must be a skip link to ${[...allowed].join(' or ')}: ${why}`,
      nodes: [
        {
          target: describe(el && el !== document.body ? el : null),
          html: el && el !== document.body ? el.outerHTML : '',
        },
      ],
    },
  ];
  if (!el || el === document.body || el === document.documentElement) {
    return fail('nothing received focus on the first Tab');
  }
  if (el.tagName !== 'A') return fail(`first focusable element is <${el.tagName.toLowerCase()}>, not a link`);
  const href = el.getAttribute('href') || '';
  if (!allowed.has(href)) return fail(`it points at "${href}"`);
  const target = document.getElementById(decodeURIComponent(href.slice(1)));
  if (!target) return fail(`no element has id "${href.slice(1)}"`);
  if (main && target !== main && !main.contains(target) && !target.contains(main)) {
    return fail(`"${href}" is outside the main landmark`);
  }
  return [];
}

// Runs in the page at 320 px. Reports the document's width and the outermost
// elements that stick out past the viewport (not inside a scroll container).
function reflowCheck(width) {
  const doc = document.documentElement;
  const scrollWidth = doc.scrollWidth;
  if (scrollWidth <= width + 1) return [];
  const describe = (e) => {
    let s = e.tagName.toLowerCase();
    if (e.id) s += `#${e.id}`;
    else if (e.classList.length) s += `.${[...e.classList].join('.')}`;
    const parent = e.parentElement;
    return parent && parent !== document.body && parent !== doc ? `${describe(parent)} > ${s}` : s;
  };
  // An element is clipped by an ancestor scroll/overflow box only if that box
  // lies on its containing-block chain: an absolutely positioned element
  // escapes an overflow:auto wrapper that is not positioned (the usual cause
  // of a "visually hidden" span widening the page from inside a scrolling table).
  const containingBlock = (e) => {
    const pos = getComputedStyle(e).position;
    if (pos === 'fixed') return null;
    if (pos !== 'absolute') return e.parentElement;
    for (let p = e.parentElement; p; p = p.parentElement) {
      const cs = getComputedStyle(p);
      if (cs.position !== 'static' || cs.transform !== 'none' || cs.filter !== 'none' || cs.contain.includes('paint')) {
        return p;
      }
    }
    return null;
  };
  const clips = (p) => ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(p).overflowX);
  const clipped = (e) => {
    if (getComputedStyle(e).position === 'fixed') return true;
    for (let p = containingBlock(e); p && p !== document.body && p !== doc; p = containingBlock(p)) {
      if (clips(p)) return true;
    }
    return false;
  };
  const limit = width + 1;
  const boxes = [];
  const contents = [];
  for (const e of document.body.querySelectorAll('*')) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.right > limit) {
      if (!clipped(e)) boxes.push(e);
    } else if (
      e.scrollWidth > e.clientWidth + 1 &&
      r.left + e.clientLeft + e.scrollWidth > limit &&
      getComputedStyle(e).overflowX === 'visible' &&
      !clipped(e)
    ) {
      contents.push(e);
    }
  }
  // The outermost box that sticks out, and the innermost element whose
  // content (a long word, say) overflows it.
  const outer = boxes.filter((e) => !boxes.some((o) => o !== e && o.contains(e)));
  const inner = contents.filter((e) => !contents.some((o) => o !== e && e.contains(o)) && !boxes.some((o) => e.contains(o)));
  const offenders = [...outer, ...inner]
    .sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
  const longestWord = (e) =>
    (e.textContent || '').split(/\s+/).reduce((a, w) => (w.length > a.length ? w : a), '');
  return [
    {
      id: 'reflow-320',
      help: `Document scrolls horizontally at ${width} px (scrollWidth ${scrollWidth})`,
      count: offenders.length,
      nodes: offenders.map((e) => {
        const r = e.getBoundingClientRect();
        const why = boxes.includes(e)
          ? `box right edge ${Math.round(r.right)} px, position ${getComputedStyle(e).position}`
          : `content overflows to ${Math.round(r.left + e.clientLeft + e.scrollWidth)} px; longest word "${longestWord(e).slice(0, 60)}"`;
        return { target: `${describe(e)} (${why})`, html: e.outerHTML };
      }),
    },
  ];
}

// Runs in the page. Visible text smaller than `min` px: HTML text by its computed font size, SVG
// text by its font size times the scale the SVG is drawn at.
function smallTextCheck(min) {
  const small = [];
  const hidden = (e) => e.closest('[hidden], .visually-hidden, .skip-link, [aria-hidden="true"] title, title, desc');
  for (const e of document.body.querySelectorAll('*')) {
    const own = [...e.childNodes].some((n) => n.nodeType === 3 && n.nodeValue.trim());
    if (!own || hidden(e)) continue;
    const cs = getComputedStyle(e);
    if (cs.display === 'none' || cs.visibility === 'hidden') continue;
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    let size = parseFloat(cs.fontSize);
    if (e instanceof SVGElement) {
      const m = e.getScreenCTM();
      if (m) size *= Math.hypot(m.a, m.b);
    }
    if (size < min - 0.05) small.push({ e, size });
  }
  if (!small.length) return [];
  return [
    {
      id: 'text-size-390',
      help: `Text under ${min} px at ${window.innerWidth} px wide`,
      count: small.length,
      nodes: small.map(({ e, size }) => ({ target: `${e.tagName.toLowerCase()} "${(e.textContent || '').trim().slice(0, 40)}" at ${size.toFixed(1)} px`, html: e.outerHTML })),
    },
  ];
}

// Runs in the page. Every chart shows one drawing (the wide one on screens, the narrow one on
// phones), and every drawing, shown or not, has a legend with words and both axis titles.
// `needed`: the page type must have at least one chart.
function chartCheck(needed) {
  const out = [];
  const figures = [...document.querySelectorAll('figure.chart')];
  if (needed && !figures.length) out.push({ id: 'chart', help: 'page has no chart', nodes: [] });
  const shown = (e) => getComputedStyle(e).display !== 'none' && e.getBoundingClientRect().width > 0;
  const words = (e) => (e?.textContent || '').trim();
  for (const fig of figures) {
    const svgs = [...fig.querySelectorAll('svg.chart-svg')];
    const visible = svgs.filter(shown);
    const name = words(svgs[0]?.querySelector('title')) || '(untitled chart)';
    if (visible.length !== 1) {
      out.push({ id: 'chart', help: `"${name}" shows ${visible.length} drawings at ${window.innerWidth} px, not one`, nodes: [] });
    }
    for (const svg of svgs) {
      const which = svg.classList.contains('chart-narrow') ? 'narrow' : 'wide';
      const labels = [...svg.querySelectorAll('g.chart-legend .legend-label')].map(words).filter(Boolean);
      const missing = [];
      if (!labels.length) missing.push('legend');
      if (!words(svg.querySelector('text.axis-title-x'))) missing.push('horizontal axis title');
      if (!words(svg.querySelector('text.axis-title-y'))) missing.push('vertical axis title');
      if (missing.length) {
        out.push({ id: 'chart', help: `"${name}" (${which}) has no ${missing.join(', no ')}`, nodes: [{ target: `svg.${which}`, html: svg.outerHTML.slice(0, 300) }] });
      }
    }
  }
  return out;
}

// Runs in the page. The bar chart of areas colours each bar by its area's comparison with the
// benchmark, as the table's row for that area says (the map's classes).
function barCheck() {
  const rows = new Map();
  for (const tr of document.querySelectorAll('table tr')) {
    const name = tr.querySelector('th[scope="row"] a');
    const cmp = [...tr.querySelectorAll('td.cmp')].pop();
    if (name && cmp) rows.set(name.textContent.trim(), [...cmp.classList].find((c) => c.startsWith('cmp-')));
  }
  const bars = [...document.querySelectorAll('figure.chart svg.chart-svg rect.area')];
  if (!bars.length) return [{ id: 'chart-bars', help: 'no bar chart of areas coloured by comparison', nodes: [] }];
  const out = [];
  for (const bar of bars) {
    const name = bar.querySelector('title')?.textContent.trim() || '';
    const want = rows.get(name);
    if (!want || !bar.classList.contains(want)) {
      out.push({ id: 'chart-bars', help: `bar of ${name} is ${bar.getAttribute('class')}, the table says ${want || 'nothing'}`, nodes: [] });
    }
  }
  return out;
}

// Runs in the page. Each map's areas: one path per area, classed as the table row of that area.
function mapCheck() {
  const out = [];
  const maps = [...document.querySelectorAll('figure.map svg')];
  if (!maps.length) return [{ id: 'map', help: 'indicator page has no map', nodes: [] }];
  const rows = new Map();
  for (const tr of document.querySelectorAll('table tr')) {
    const name = tr.querySelector('th[scope="row"] a');
    const cmp = [...tr.querySelectorAll('td.cmp')].pop();
    if (name && cmp) rows.set(name.textContent.trim(), [...cmp.classList].find((c) => c.startsWith('cmp-')));
  }
  for (const svg of maps) {
    const paths = [...svg.querySelectorAll('path.area')];
    const names = paths.map((p) => (p.querySelector('title')?.textContent || '').split(':')[0]);
    if (new Set(names).size !== paths.length) {
      out.push({ id: 'map', help: `map paths are not one per area: ${names.join(', ')}`, nodes: [] });
    }
    for (const [i, p] of paths.entries()) {
      const want = rows.get(names[i]) || 'cmp-none';
      if (!p.classList.contains(want)) {
        out.push({ id: 'map', help: `map colours ${names[i]} as ${p.getAttribute('class')}, the table says ${want}`, nodes: [] });
      }
    }
    const fig = svg.closest('figure');
    if (!fig.querySelector('.map-legend li') || !fig.querySelector('.attribution')?.textContent.trim()) {
      out.push({ id: 'map', help: 'map has no legend or no attribution', nodes: [] });
    }
  }
  return out;
}

// Runs in the page. Sorts the first date column of a sortable table and reads the order back.
function dateSortCheck() {
  const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
  const parse = (t) => {
    const m = /^(\d{1,2}) ([A-Za-z]+) (\d{4})$/.exec(t.trim());
    return m && MONTHS.includes(m[2].toLowerCase()) ? Date.UTC(+m[3], MONTHS.indexOf(m[2].toLowerCase()), +m[1]) : null;
  };
  for (const table of document.querySelectorAll('table.sortable')) {
    const heads = [...table.querySelectorAll('thead th')];
    for (const [col, th] of heads.entries()) {
      const cells = () => [...table.tBodies[0].rows].map((r) => r.cells[col]?.textContent.trim() || '');
      const values = cells().filter((t) => t && t !== '–');
      if (values.length < 3 || !values.every((t) => parse(t) !== null)) continue;
      const button = th.querySelector('button');
      if (!button) return [{ id: 'sort-dates', help: `date column "${th.textContent.trim()}" has no sort button`, nodes: [] }];
      button.click();
      const sorted = cells().filter((t) => t && t !== '–').map(parse);
      const ok = sorted.every((v, i) => i === 0 || sorted[i - 1] <= v);
      return ok ? [] : [{ id: 'sort-dates', help: `sorting "${th.textContent.trim()}" gave ${cells().join(', ')}`, nodes: [] }];
    }
  }
  return [{ id: 'sort-dates', help: 'no sortable date column found', nodes: [] }];
}

// ---------------------------------------------------------------- crawl

// Every relative link and fragment in every HTML file of the site resolves to a file (a folder to
// its index.html) and, for a fragment, to an element with that id. Root-absolute links (the 404
// page's, made from base_url) are resolved under the mount path.
function crawl(root, mount) {
  const broken = [];
  const ids = new Map();
  const idsOf = (file) => {
    if (!ids.has(file)) {
      const html = fs.readFileSync(file, 'utf8');
      ids.set(file, new Set([...html.matchAll(/\s(?:id|name)="([^"]*)"/g)].map((m) => m[1])));
    }
    return ids.get(file);
  };
  const files = [];
  const walk = (dir) => {
    for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, d.name);
      if (d.isDirectory()) walk(p);
      else if (d.name.endsWith('.html')) files.push(p);
    }
  };
  walk(root);
  let links = 0;
  for (const file of files) {
    const html = fs.readFileSync(file, 'utf8').replace(/<script\b[\s\S]*?<\/script>/gi, '');
    for (const m of html.matchAll(/\s(?:href|src|action)="([^"]*)"/g)) {
      const raw = m[1]
        .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
        .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
        .replace(/&quot;/g, '"')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&');
      if (/^[a-z][a-z0-9+.-]*:|^\/\//i.test(raw)) continue;
      links += 1;
      const [pathPart, fragment] = raw.split('#');
      const clean = decodeURIComponent(pathPart.split('?')[0]);
      let target;
      if (clean === '') target = file;
      else if (clean.startsWith('/')) target = clean.startsWith(mount) ? path.join(root, clean.slice(mount.length)) : null;
      else target = path.resolve(path.dirname(file), clean);
      if (target && isDir(target)) target = path.join(target, 'index.html');
      const where = path.relative(root, file);
      if (!target || !isFile(target)) {
        broken.push(`${where}: ${raw}`);
      } else if (fragment && target.endsWith('.html') && !idsOf(target).has(decodeURIComponent(fragment))) {
        broken.push(`${where}: ${raw} (no id "${fragment}")`);
      }
    }
  }
  return { files: files.length, links, broken };
}

// ---------------------------------------------------------------- validator

function runValidator(files) {
  if (!files.length) return { byFile: new Map(), global: [] };
  if (!isFile(VNU_JAR)) {
    return { byFile: new Map(), global: [`vnu.jar not found at ${VNU_JAR} (run npm ci)`] };
  }
  const r = spawnSync('java', ['-jar', VNU_JAR, '--errors-only', '--format', 'json', ...files], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) return { byFile: new Map(), global: [`could not run java: ${r.error.message}`] };
  const text = [r.stderr, r.stdout].find((t) => t && t.trim().startsWith('{'));
  if (!text) {
    return {
      byFile: new Map(),
      global: [`validator printed no JSON (exit ${r.status}): ${clip(`${r.stdout}${r.stderr}`, 500)}`],
    };
  }
  let messages;
  try {
    messages = JSON.parse(text).messages || [];
  } catch (e) {
    return { byFile: new Map(), global: [`validator JSON unreadable: ${e.message}`] };
  }
  const byFile = new Map();
  const global = [];
  for (const m of messages) {
    if (m.type !== 'error' && m.type !== 'non-document-error') continue;
    let file = null;
    try {
      file = m.url ? fileURLToPath(m.url) : null;
    } catch {
      file = null;
    }
    if (!file) {
      global.push(m.message);
      continue;
    }
    if (!byFile.has(file)) byFile.set(file, []);
    byFile.get(file).push(m);
  }
  return { byFile, global };
}

// ---------------------------------------------------------------- main

async function main() {
  const arg = process.argv[2];
  if (!arg || process.argv.length > 3) die('usage: node tests/browser/a11y.mjs SITE_DIR');
  const root = fs.realpathSync(path.resolve(arg));
  if (!isDir(root)) die(`${arg} is not a directory`);
  if (!isFile(AXE_PATH)) die(`axe-core not found at ${AXE_PATH} (run npm ci)`);
  if (!isFile(CHROMIUM)) die(`Chromium not found at ${CHROMIUM} (apt-get install chromium)`);
  const axeSource = fs.readFileSync(AXE_PATH, 'utf8');

  const types = discover(root);
  const visits = types.filter(([, url]) => url);
  if (!visits.length) die(`no pages found in ${root}`);
  const skipped = types.filter(([, url]) => !url).map(([name]) => name);
  console.log(`a11y: site ${root}`);
  console.log(`a11y: ${visits.length} page types to visit`);
  console.log(`a11y: skipped (not in this site): ${skipped.length ? skipped.join(', ') : 'none'}`);

  const mount = basePath(root);
  const server = await startServer(root, mount);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const base = origin + mount.slice(0, -1);
  console.log(`a11y: serving at ${origin}${mount}`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  const context = await browser.newContext({ viewport: DESKTOP, reducedMotion: 'reduce' });
  const page = await context.newPage();

  // Same-site resources that fail and uncaught script errors, per visit.
  let current = null;
  page.on('response', (resp) => {
    if (!current || !resp.url().startsWith(origin)) return;
    if (resp.status() >= 400 && resp.request().resourceType() !== 'document') {
      current.broken.push(`${resp.status()} ${resp.url().slice(origin.length)}`);
    }
  });
  page.on('requestfailed', (req) => {
    if (!current || !req.url().startsWith(origin)) return;
    if (current.broken.some((b) => b.endsWith(` ${req.url().slice(origin.length)}`))) return;
    current.broken.push(`${req.failure()?.errorText || 'failed'} ${req.url().slice(origin.length)}`);
  });
  page.on('pageerror', (err) => {
    if (current) current.jsErrors.push(err.message);
  });

  const results = [];
  const started = Date.now();
  for (const [type, url] of visits) {
    const res = { type, url, file: fileFor(root, url), failures: [], broken: [], jsErrors: [] };
    current = res;
    results.push(res);
    try {
      await page.setViewportSize(DESKTOP);
      const resp = await page.goto(base + url, { waitUntil: 'load', timeout: 30000 });
      await page.waitForLoadState('networkidle', { timeout: 3000 }).catch(() => {});
      if (!resp || resp.status() !== 200) {
        res.failures.push({ id: 'http-status', help: `page answered ${resp ? resp.status() : 'nothing'}`, nodes: [] });
      }

      // Focus order first, from the freshly loaded page: one Tab should land
      // on the skip link. Blur afterwards so axe sees the page at rest.
      await page.bringToFront();
      await page.keyboard.press('Tab');
      res.failures.push(...(await page.evaluate(skipLinkCheck)));
      await page.evaluate(() => {
        if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
        window.scrollTo(0, 0);
      });

      // axe-core, injected through the DevTools protocol so a page CSP cannot block it.
      await page.evaluate(axeSource);
      const axe = await page.evaluate(
        (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
        AXE_TAGS,
      );
      for (const v of axe.violations) {
        res.failures.push({
          id: v.id,
          kind: 'axe',
          impact: v.impact,
          help: v.help,
          helpUrl: v.helpUrl,
          count: v.nodes.length,
          nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html })),
        });
      }

      res.failures.push(...(await page.evaluate(structureChecks)));
      const chartPage = ['needs indicator', 'performance KPI', 'procurement option'].includes(type);
      res.failures.push(...(await page.evaluate(chartCheck, chartPage)));
      res.h1 = await page.evaluate(() => (document.querySelector('h1')?.textContent || '').trim());

      await page.setViewportSize({ width: REFLOW_WIDTH, height: 640 });
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      res.failures.push(...(await page.evaluate(reflowCheck, REFLOW_WIDTH)));

      await page.setViewportSize({ width: PHONE_WIDTH, height: 844 });
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      res.failures.push(
        ...(await page.evaluate(reflowCheck, PHONE_WIDTH)).map((f) => ({ ...f, id: 'reflow-390' })),
        ...(await page.evaluate(smallTextCheck, MIN_TEXT_PX)),
        ...(await page.evaluate(chartCheck, false)).map((f) => ({ ...f, id: 'chart-390' })),
      );
      if (type === 'needs map') {
        await page.setViewportSize(DESKTOP);
        res.failures.push(...(await page.evaluate(mapCheck)), ...(await page.evaluate(barCheck)));
      }
      if (type === 'performance pipeline') {
        await page.setViewportSize(DESKTOP);
        res.failures.push(...(await page.evaluate(dateSortCheck)));
      }
    } catch (e) {
      res.failures.push({ id: 'page-error', help: `could not test page: ${clip(e.message, 500)}`, nodes: [] });
    }
    current = null;
    if (res.broken.length) {
      res.failures.push({
        id: 'broken-resource',
        help: 'Same-site resources failed to load',
        nodes: [...new Set(res.broken)].map((b) => ({ target: b, html: '' })),
      });
    }
    if (res.jsErrors.length) {
      res.failures.push({
        id: 'js-error',
        help: 'Uncaught script errors',
        nodes: [...new Set(res.jsErrors)].map((m) => ({ target: clip(m), html: '' })),
      });
    }
  }
  // Search: on the search page, as a reader uses it — the query typed in the form — the site's
  // index finds a contract and an indicator page by the words of their headings, each result says
  // what it is, results can be narrowed by every type of page, and a nonsense word finds nothing.
  const searchRes = results.find((r) => r.type === 'search');
  if (searchRes) {
    const sres = { type: 'search results', url: searchRes.url, file: searchRes.file, failures: [], broken: [], jsErrors: [] };
    results.push(sres);
    try {
      await page.setViewportSize(DESKTOP);
      await page.goto(base + searchRes.url, { waitUntil: 'load', timeout: 30000 });
      // Types the query, submits it, and reads the first 20 results: their addresses and text.
      const search = async (q) => {
        await page.fill('#search-query', q);
        await page.press('#search-query', 'Enter');
        await page.waitForFunction(
          (query) => {
            const status = document.getElementById('search-status').textContent;
            return status.includes(query.trim()) && !document.getElementById('search-list').getAttribute('aria-busy');
          },
          q,
          { timeout: 30000 },
        );
        for (let i = 0; i < 2; i++) {
          const more = page.locator('#search-more');
          if (!(await more.isVisible())) break;
          await more.click();
          await page.waitForFunction(() => !document.getElementById('search-more').disabled, null, { timeout: 30000 });
        }
        await page.waitForTimeout(200);
        return page.evaluate(() =>
          [...document.querySelectorAll('#search-list li')].map((li) => ({
            path: new URL(li.querySelector('a').href).pathname.replace(/index\.html$/, ''),
            title: li.querySelector('a').textContent,
          })),
        );
      };
      const targets = ['performance contract', 'needs indicator']
        .map((type) => results.find((r) => r.type === type && r.h1))
        .filter(Boolean);
      if (!targets.length) {
        sres.failures.push({ id: 'search', help: 'no contract or indicator page to search for', nodes: [] });
      }
      for (const target of targets) {
        const want = new URL(base + target.url).pathname.replace(/index\.html$/, '');
        const got = await search(target.h1);
        const hit = got.find((r) => r.path === want);
        console.log(`a11y: search "${target.h1}" found ${got.length} page(s)${hit ? `, ${want} among them as "${hit.title}"` : ''}`);
        if (!hit) {
          sres.failures.push({ id: 'search', help: `searching for "${target.h1}" did not find ${want} (found ${got.slice(0, 5).map((r) => r.path).join(', ') || 'nothing'})`, nodes: [] });
        } else if (!hit.title.includes(': ') || hit.title.indexOf(': ') === 0) {
          sres.failures.push({ id: 'search', help: `the result ${want} does not say what it is ("${hit.title}")`, nodes: [] });
        }
      }
      // The one filter, by type of page, under the theme's name for it.
      const types = await page.evaluate(() =>
        [...document.querySelectorAll('#search-filters input[type=checkbox]')].map((b) => b.value),
      );
      console.log(`a11y: search can be narrowed to ${types.length} type(s): ${types.join(', ')}`);
      if (types.length < 2) {
        sres.failures.push({ id: 'search', help: `results can be narrowed to ${types.length} type(s) (${types.join(', ')}), not each kind of page`, nodes: [] });
      }
      // Narrowed to one type, every result is of that type.
      if (targets.length && types.length >= 2) {
        // The type of the first result whose kind names it ("Contract: …", "KPI of …").
        const found = await search(targets[0].h1);
        const named = (t) => types.find((v) => t.startsWith(v + ': ') || t.startsWith(v + ' '));
        const kind = found.map((r) => named(r.title)).find(Boolean);
        const box = page.locator(`#search-filters input[value="${kind}"]`);
        if (!kind || !(await box.count())) {
          sres.failures.push({ id: 'search', help: `no result of "${targets[0].h1}" is of a type to narrow to (${found.slice(0, 5).map((r) => r.title).join('; ')})`, nodes: [] });
        } else {
          await box.check();
          await page.waitForTimeout(300);
          const narrowed = await page.evaluate(() => [...document.querySelectorAll('#search-list li a')].map((a) => a.textContent));
          const stray = narrowed.filter((t) => !t.startsWith(kind + ': ') && !t.startsWith(kind + ' '));
          console.log(`a11y: narrowed to "${kind}", ${narrowed.length} result(s) shown`);
          if (!narrowed.length || stray.length) {
            sres.failures.push({ id: 'search', help: `narrowed to "${kind}", results of other types remain: ${stray.slice(0, 3).join('; ') || 'none shown'}`, nodes: [] });
          }
          await box.uncheck();
        }
      }
      // A word being typed finds the words it begins (no Enter, no space after it), and a word
      // finds the other words of its stem ("cause" finds a page that says "causes").
      const longest = targets.flatMap((t) => t.h1.split(/[^\p{L}\p{N}]+/u)).sort((a, b) => b.length - a.length)[0] || '';
      if (longest.length >= 6) {
        const typed = longest.slice(0, 5);
        await page.fill('#search-query', '');
        await page.type('#search-query', typed);
        await page.waitForFunction(
          (query) => document.getElementById('search-status').textContent.includes(query) && !document.getElementById('search-list').getAttribute('aria-busy'),
          typed,
          { timeout: 30000 },
        );
        const shown = await page.evaluate(() => document.querySelectorAll('#search-list li').length);
        console.log(`a11y: typing "${typed}" shows ${shown} result(s)`);
        if (!shown) sres.failures.push({ id: 'search', help: `typing "${typed}" (the start of "${longest}") found nothing`, nodes: [] });
      }
      for (const target of targets) {
        const plural = target.h1.split(/[^\p{L}\p{N}]+/u).find((w) => w.length >= 5 && /[^s]s$/.test(w));
        if (!plural) continue;
        const want = new URL(base + target.url).pathname.replace(/index\.html$/, '');
        const singular = plural.slice(0, -1);
        const got = await search(singular + ' ');
        console.log(`a11y: search "${singular}" (for "${plural}") found ${got.length} page(s)${got.some((r) => r.path === want) ? `, ${want} among them` : ''}`);
        if (!got.some((r) => r.path === want)) {
          sres.failures.push({ id: 'search', help: `searching for "${singular}" did not find ${want}, whose heading says "${plural}"`, nodes: [] });
        }
      }
      const none = await search('zzqxjvnotaword');
      if (none.length) sres.failures.push({ id: 'search', help: `a nonsense word found ${none.length} page(s)`, nodes: [] });
      // The results, filters and "show more" button as axe-core sees them.
      await search(targets.length ? targets[0].h1 : 'care');
      await page.evaluate(axeSource);
      const axe = await page.evaluate(
        (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
        AXE_TAGS,
      );
      for (const v of axe.violations) {
        sres.failures.push({ id: v.id, kind: 'axe', impact: v.impact, help: v.help, helpUrl: v.helpUrl, count: v.nodes.length, nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html })) });
      }
    } catch (e) {
      sres.failures.push({ id: 'search', help: `could not search: ${clip(e.message, 500)}`, nodes: [] });
    }
  }
  // The 404 page, answering a missing address deep in the site, under the site's own path and
  // under another one: every link on it must lead to a page.
  if (results.some((r) => r.type === '404')) {
    const mounts = [mount, '/another/deeper/'];
    const nres = { type: '404 under two paths', url: '/404.html', file: path.join(root, '404.html'), failures: [], broken: [], jsErrors: [] };
    results.push(nres);
    for (const m of mounts) {
      const other = m === mount ? server : await startServer(root, m);
      const o = `http://127.0.0.1:${other.address().port}`;
      try {
        const resp = await page.goto(`${o}${m}no/such/page/here/`, { waitUntil: 'load', timeout: 30000 });
        if (!resp || resp.status() !== 404) {
          nres.failures.push({ id: '404', help: `a missing page under ${m} answered ${resp ? resp.status() : 'nothing'}`, nodes: [] });
        }
        const hrefs = await page.evaluate(() =>
          [...document.querySelectorAll('a[href], link[href], form[action]')]
            .filter((a) => !(a.getAttribute('href') || '').startsWith('#'))
            .map((a) => a.href || new URL(a.getAttribute('action'), location.href).href),
        );
        const styled = await page.evaluate(() => getComputedStyle(document.querySelector('.site-header')).backgroundColor);
        if (styled === 'rgba(0, 0, 0, 0)') nres.failures.push({ id: '404', help: `the 404 page under ${m} has no stylesheet`, nodes: [] });
        for (const h of hrefs.filter((h) => h.startsWith(o))) {
          const r = await fetch(h.split('#')[0]);
          if (r.status !== 200) nres.failures.push({ id: '404', help: `under ${m}, the 404 page links to ${h.slice(o.length)}, which answers ${r.status}`, nodes: [] });
        }
        console.log(`a11y: 404 page under ${m}: ${hrefs.length} links checked`);
      } catch (e) {
        nres.failures.push({ id: '404', help: `could not test the 404 page under ${m}: ${clip(e.message, 300)}`, nodes: [] });
      }
      if (other !== server) await new Promise((r) => other.close(r));
    }
  }
  const c = crawl(root, mount);
  console.log(`a11y: crawl: ${c.files} HTML files, ${c.links} relative links, ${c.broken.length} broken`);
  results.push({
    type: 'crawl',
    url: '(every page)',
    file: '',
    broken: [],
    jsErrors: [],
    failures: c.broken.length
      ? [{ id: 'broken-link', help: `${c.broken.length} broken relative links or fragments`, count: c.broken.length, nodes: c.broken.slice(0, 20).map((b) => ({ target: b, html: '' })) }]
      : [],
  });
  const browserSeconds = ((Date.now() - started) / 1000).toFixed(1);

  await context.close();
  await browser.close();
  await new Promise((r) => server.close(r));

  // Nu validator, once, over every visited file.
  const vStart = Date.now();
  const visitedFiles = [...new Set(results.map((r) => r.file).filter(isFile))];
  const { byFile, global: validatorGlobal } = runValidator(visitedFiles);
  for (const res of results) {
    for (const m of byFile.get(res.file) || []) {
      const where = m.lastLine ? `line ${m.lastLine}${m.firstColumn ? `:${m.firstColumn}` : ''}` : '';
      res.failures.push({
        id: 'html-validator',
        kind: 'vnu',
        help: m.message,
        nodes: [{ target: where, html: m.extract || '' }],
      });
    }
  }
  // A validator that could not run at all fails every page: none was checked.
  for (const msg of validatorGlobal) {
    for (const res of results) {
      res.failures.push({ id: 'html-validator', kind: 'vnu', help: `validator: ${msg}`, nodes: [] });
    }
  }
  const validatorSeconds = ((Date.now() - vStart) / 1000).toFixed(1);

  // Report, page by page.
  let passed = 0;
  let failed = 0;
  const byRule = new Map();
  for (const res of results) {
    if (!res.failures.length) {
      passed += 1;
      console.log(`ok   ${res.url} (${res.type})`);
      continue;
    }
    failed += 1;
    console.log(`FAIL ${res.url} (${res.type})`);
    for (const f of res.failures) {
      const impact = f.impact ? ` [${f.impact}]` : '';
      const count = f.count && f.count > 3 ? ` (${f.count} elements)` : '';
      console.log(`  ${f.id}${impact}: ${clip(f.help, 300)}${count}`);
      for (const n of f.nodes.slice(0, 3)) {
        if (n.target) console.log(`    at   ${clip(n.target)}`);
        if (n.html) console.log(`    html ${clip(n.html)}`);
      }
      const key = f.kind === 'vnu' ? `html-validator: ${clip(f.help, 120)}` : f.id;
      const agg = byRule.get(key) || { pages: new Set(), elements: 0, impact: f.impact, helpUrl: f.helpUrl };
      agg.pages.add(res.url);
      agg.elements += f.count || Math.max(f.nodes.length, 1);
      byRule.set(key, agg);
    }
  }
  if (byRule.size) {
    console.log('');
    console.log('failures by rule (pages, elements):');
    const rows = [...byRule.entries()].sort((a, b) => b[1].pages.size - a[1].pages.size || a[0].localeCompare(b[0]));
    for (const [rule, agg] of rows) {
      const impact = agg.impact ? ` [${agg.impact}]` : '';
      console.log(`  ${String(agg.pages.size).padStart(3)} pages ${String(agg.elements).padStart(4)} elements  ${rule}${impact}`);
    }
  }
  console.log('');
  console.log(`a11y: browser checks ${browserSeconds}s, validator ${validatorSeconds}s over ${visitedFiles.length} files`);
  console.log(`browser: ${passed} passed, ${failed} failed`);
  process.exitCode = failed || results.length === 0 ? 1 : 0;
}

export { startServer, discover, basePath };

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((e) => {
    console.error(e && e.stack ? e.stack : e);
    process.exit(2);
  });
}
