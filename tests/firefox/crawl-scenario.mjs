// A URL-list crawl in headless firefox-esr: the event page runs the crawl in
// tabs of its own window and keeps the records in its IndexedDB. Assertions
// live in tests/test_crawl_firefox.py.
//
//   node tests/firefox/crawl-scenario.mjs '{"extension": ..., "urls": [...], "scrapers": [...], "userScrapers": [...]}'

import { launchFirefox, sleep } from '../../py/gleaner_cli/firefox-driver.mjs';

const { extension, urls, scrapers, userScrapers } = JSON.parse(process.argv[2]);
const WAIT_MS = 180_000;

const firefox = await launchFirefox({ extension });
const report = {};
try {
  await firefox.setUserScrapers(userScrapers);
  const page = await firefox.controlPage();
  const start = await firefox.send(page, 'StartCrawl', { mode: 'list', urls, scrapers, maxPages: urls.length, delaySeconds: 0 });
  if (!start.ok) throw new Error(start.error.message);
  const deadline = Date.now() + WAIT_MS;
  let crawl = start.result;
  while (crawl.state === 'running' && Date.now() < deadline) {
    await sleep(250);
    crawl = (await firefox.send(page, 'ListCrawls', {})).result.crawls.find((c) => c.id === crawl.id);
  }
  report.crawl = crawl;
  report.details = (await firefox.send(page, 'GetCrawl', { crawlId: crawl.id })).result;
  report.exports = {};
  for (const scraper of scrapers) report.exports[scraper] = (await firefox.send(page, 'ExportCrawl', { crawlId: crawl.id, scraper, format: 'json' })).result?.text ?? null;
} catch (error) {
  report.error = error.message;
} finally {
  await firefox.close();
}
process.stdout.write(`${JSON.stringify(report)}\n`);
