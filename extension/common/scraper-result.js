// One scraper's result on one page. The popup, the history, the exports and
// the options page read it as
//   { scraper, title, ok, records, follows, error, ms }
// (the Python host's gleaner.runner.make_result makes the same one in Python);
// records: what it scraped (kept even when it failed part way);
// follows: [{ url, callback, data }], the pages it asks a crawl to visit next;
// error: null when ok, else { type, message, user, traceback?, ... };
// ms: its time in Python, null when it never ran there.
//
// On its way there (the Python host, the service worker) a result carries
// its records as the JSON text Python wrote, with their count:
//   { scraper, title, ok, recordsJson, count, follows, error, ms }
// The text is read where records are needed (the popup, a crawl, the
// options page's trial) and stored as it is: on a large page, parsing and
// serialising them again at every hop cost more than the scrapers.

export function scraperResult({ scraper, title = null, ok, records = [], recordsJson = null, count = null, follows = [], error = null, ms = null }) {
  return {
    scraper,
    title: title || scraper,
    ok,
    recordsJson: recordsJson ?? JSON.stringify(records),
    count: count ?? records.length,
    follows: follows ?? [],
    error: ok ? null : error,
    ms: ms ?? null,
  };
}

// A scraper that did not finish: `message` for the person, with the records
// (and follows) it gave before that: an array, or a result whose records it keeps.
export function failedResult(scraper, error, records = [], follows = []) {
  const kept = Array.isArray(records) ? { records } : { recordsJson: records.recordsJson, count: records.count };
  return scraperResult({ scraper: scraper.name, title: scraper.title, ok: false, ...kept, follows, error });
}

// The result as it is read: its records as objects.
export function readResult({ recordsJson, count, ...result }) {
  return { ...result, records: JSON.parse(recordsJson) };
}

// The JSON text of the result as it is read (the records' text spliced in,
// not parsed): what the history and the tab's last run keep.
export function resultJson({ recordsJson, count, ...result }) {
  const { scraper, title, ok, ...rest } = result;
  return withFields(`${JSON.stringify({ scraper, title, ok }).slice(0, -1)},"records":${recordsJson}}`, rest);
}

// The JSON text of a run ({ ..., results: [result] }) as it is read.
export function runJson({ results, ...run }) {
  const head = JSON.stringify(run);
  return `${head.length > 2 ? `${head.slice(0, -1)},` : '{'}"results":[${results.map(resultJson).join(',')}]}`;
}

// `text` (one JSON object) with these fields added, without reading it again.
export function withFields(text, fields) {
  const added = JSON.stringify(fields);
  if (added.length <= 2) return text;
  return `${text.slice(0, -1)}${text.length > 2 ? ',' : ''}${added.slice(1)}`;
}
