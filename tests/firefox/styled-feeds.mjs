// Feeds styled with XSLT, in headless firefox-esr: for each URL, what the
// popup ended in and the run it made. The assertions live in
// tests/test_styled_feeds.py, which runs it:
//
//   node tests/firefox/styled-feeds.mjs '{"extension": ..., "urls": [...]}'

import { launchFirefox, popupState, sleep } from '../../py/gleaner_cli/firefox-driver.mjs';

const { extension, urls } = JSON.parse(process.argv[2]);
const firefox = await launchFirefox({ extension });
const report = {};
try {
  for (const url of urls) {
    const page = await firefox.browser.newPage();
    // Not awaited: a stylesheet that never answers keeps the tab loading.
    page.goto(url, { timeout: 60_000 }).catch(() => {});
    let tabId = null;
    while (tabId === null) {
      await sleep(250);
      tabId = await firefox.evaluate(async (href) => (await chrome.tabs.query({})).find((t) => t.url === href)?.id ?? null, url);
    }
    await sleep(1000);
    const started = Date.now();
    const popup = await firefox.openPopup(tabId, { timeoutMs: 60_000 });
    const [state, status] = await popupState(popup);
    const run = state === 'done' ? (await firefox.send(popup, 'GetLastRun', { tabId })).result : null;
    report[url] = { state, status, run, seconds: (Date.now() - started) / 1000 };
    await popup.close();
    await page.close();
  }
} catch (error) {
  report.error = `${error.message}\n${error.stack}`;
} finally {
  await firefox.close();
}
console.log(JSON.stringify(report));
