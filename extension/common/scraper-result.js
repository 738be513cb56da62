// One scraper's result on one page, the one shape every JS context passes on
// (the Python host's gleaner.host.run_plugin makes the same one in Python):
//   { scraper, title, ok, records, follows, error, ms }
// records: what it scraped (kept even when it failed part way);
// follows: [{ url, callback, data }], the pages it asks a crawl to visit next;
// error: null when ok, else { type, message, user, traceback?, ... };
// ms: its time in Python, null when it never ran there.

export function scraperResult({ scraper, title = null, ok, records = [], follows = [], error = null, ms = null }) {
  return { scraper, title: title || scraper, ok, records, follows: follows ?? [], error: ok ? null : error, ms: ms ?? null };
}

// A scraper that did not finish: `message` for the person, with the records
// (and follows) it gave before that.
export function failedResult(scraper, error, records = [], follows = []) {
  return scraperResult({ scraper: scraper.name, title: scraper.title, ok: false, records, follows, error });
}
