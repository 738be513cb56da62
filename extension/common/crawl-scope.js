// Where a crawl may go, and when two addresses are the same page: the
// crawl's duplicate filter and scope, as plain functions (no browser API),
// so a test under Node reaches them as they are.

// Suffixes under which a registrable domain has three labels (example.co.uk).
// A small, documented rule rather than the whole Public Suffix List: a
// second-level label among these, under a two-letter country code, is part
// of the suffix. docs/crawling.md says what it gets wrong (*.github.io pages
// share one site, as they would under a two-label rule).
const SECOND_LEVEL = new Set(['ac', 'co', 'com', 'edu', 'go', 'gob', 'gov', 'ltd', 'ne', 'net', 'nic', 'or', 'org', 'plc', 'sch']);

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

// The site a URL belongs to: its registrable domain ("example.co.uk" for
// shop.example.co.uk), or the host itself for an IP address or a one-label
// name (localhost).
export function siteOf(url) {
  const { hostname } = new URL(url);
  if (!hostname) throw new Error(`${url} has no host`);
  if (IPV4.test(hostname) || hostname.startsWith('[')) return hostname;
  const labels = hostname.replace(/\.$/, '').split('.');
  if (labels.length <= 2) return labels.join('.');
  const [second, top] = labels.slice(-2);
  const take = top.length === 2 && SECOND_LEVEL.has(second) ? 3 : 2;
  return labels.slice(-take).join('.');
}

// The match patterns that give host access to a site and its subdomains,
// over http and https, whatever the port (match patterns ignore ports).
// Spelled per scheme: Chrome grants only patterns it finds inside one of
// optional_host_permissions, and *:// is inside neither http://*/* nor https://*/*.
export function originPatterns(site) {
  const hosts = IPV4.test(site) || site.startsWith('[') || !site.includes('.') ? [site] : [site, `*.${site}`];
  return hosts.flatMap((host) => [`http://${host}/*`, `https://${host}/*`]);
}

// One spelling per page, so the seen-set catches a page however a link
// writes it (as Scrapy's request fingerprint does): no fragment, the query's
// parameters sorted, the host lowercased and the default port dropped (the
// URL parser does those two). Null for anything that is not http(s).
export function canonicalUrl(url, base = undefined) {
  let parsed;
  try {
    parsed = new URL(url, base);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  parsed.hash = '';
  if (parsed.search) {
    const params = [...parsed.searchParams.entries()];
    // A stable sort: repeated keys keep their order.
    params.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    parsed.search = new URLSearchParams(params).toString();
  }
  return parsed.href;
}

// Inside the crawl's scope: same site as one of its start pages, unless the
// crawl was widened to any site.
export function inScope(url, sites, anySite = false) {
  if (anySite) return true;
  try {
    return sites.includes(siteOf(url));
  } catch {
    return false;
  }
}

// A list of URLs from text a person pasted or uploaded: one per line, or a
// CSV whose column is named url (or the first column holding URLs).
// Returns { urls, skipped } with lines that are not http(s) addresses counted.
export function parseUrlList(text) {
  const lines = text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  let rows = lines;
  if (lines.length && lines[0].includes(',')) {
    const cells = (line) => splitCsvLine(line);
    const header = cells(lines[0]).map((cell) => cell.trim().toLowerCase());
    let column = header.indexOf('url');
    let body = lines.slice(1);
    if (column < 0) {
      column = header.findIndex((cell) => /^https?:\/\//.test(cell));
      body = lines;
    }
    rows = column < 0 ? [] : body.map((line) => (cells(line)[column] ?? '').trim());
  }
  const urls = [];
  let skipped = 0;
  for (const row of rows) {
    const url = /^https?:\/\//i.test(row) ? canonicalUrl(row) : null;
    if (url) urls.push(url);
    else skipped += 1;
  }
  return { urls, skipped };
}

function splitCsvLine(line) {
  const cells = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (ch === '"') {
        quoted = false;
      } else {
        cell += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else {
      cell += ch;
    }
  }
  cells.push(cell);
  return cells;
}

// Ask for host access to the sites of `urls`, from the page the person
// clicked on (chrome.permissions.request needs their gesture, and the
// service worker has none). Resolves true when granted (at once if it was
// granted before), false when refused.
export async function askSiteAccess(urls) {
  const sites = [...new Set(urls.map((url) => siteOf(url)))];
  return chrome.permissions.request({ origins: sites.flatMap(originPatterns) });
}
