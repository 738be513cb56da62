// The right-click menu in headless firefox-esr: each item chosen in Firefox's
// own context menu after a real right-click, so the event page's
// menus.onClicked handler gets the info Firefox gives. This script only
// drives Firefox and reports what it saw; the assertions live in
// tests/test_e2e_firefox.py, which runs it:
//
//   node tests/firefox/context-menu.mjs '{"extension": ..., "site": ...}'
//
// prints one JSON object, one key per choice.

import { launchFirefox, popupState, sleep } from '../../py/gleaner_cli/firefox-driver.mjs';

const { extension, site } = JSON.parse(process.argv[2]);
const WAIT_MS = 120_000;

const firefox = await launchFirefox({ extension });
const report = {};

const badge = (tabId) => firefox.evaluate(
  async (id) => [await chrome.action.getBadgeText({ tabId: id }), await chrome.action.getTitle({ tabId: id })], tabId,
);

// Select a range of the page, as a person's drag does: the contents of one
// element, or from before the first to after the last of several.
function select(page, selector, { whole = false } = {}) {
  return page.evaluate((s, w) => {
    const range = document.createRange();
    const found = document.querySelectorAll(s);
    if (w) {
      range.setStartBefore(found[0]);
      range.setEndAfter(found[found.length - 1]);
    } else {
      range.selectNodeContents(found[0]);
    }
    getSelection().removeAllRanges();
    getSelection().addRange(range);
  }, selector, whole);
}

// Right-click selector, choose the item, and wait for the run it keeps as the
// tab's last (or for the badge's "!", which an error leaves).
async function choose(page, tabId, selector, item) {
  const control = await firefox.controlPage();
  const before = await control.evaluate(() => new Date().toISOString());
  const offered = await firefox.chooseMenuItem(page, selector, item);
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const run = (await firefox.send(control, 'GetLastRun', { tabId })).result;
    const [text, title] = await badge(tabId);
    if (run && run.scope === item && run.startedAt >= before) return { offered, run, badge: [text, title] };
    if (text === '!') return { offered, run: null, badge: [text, title] };
    if (Date.now() > deadline) throw new Error(`no ${item} run within ${WAIT_MS / 1000} s`);
    await sleep(200);
  }
}

try {
  {
    const { page, tabId } = await firefox.openTab(`${site}/harvest.html?menu-page`);
    report.page = await choose(page, tabId, 'h1', 'page');
    await page.close();
  }
  {
    const { page, tabId } = await firefox.openTab(`${site}/harvest.html?menu-table`);
    report.fruitTable = await choose(page, tabId, '#fruit tbody td', 'table');
    // A word selected in the fruit table, the right-click on the grain table:
    // the element Firefox names (info.targetElementId) decides, not the selection.
    await select(page, '#fruit tbody td');
    report.grainTable = await choose(page, tabId, '#grain tbody td', 'table');
    report.grainTable.selected = await page.evaluate(() => getSelection().toString());
    await page.close();
  }
  {
    const { page, tabId } = await firefox.openTab(`${site}/with-feed.html?menu-no-table`);
    report.noTable = await choose(page, tabId, 'h1', 'table');
    await page.close();
  }
  {
    const { page, tabId } = await firefox.openTab(`${site}/harvest.html?menu-selection`);
    await select(page, '#intro');
    report.selection = await choose(page, tabId, '#intro a', 'selection');
    const popup = await firefox.openPopup(tabId);
    report.selection.popupStatus = (await popupState(popup))[1];
    await popup.close();
    await select(page, '#grain tbody tr', { whole: true });
    report.selectedRows = await choose(page, tabId, '#grain tbody td', 'selection');
    await page.close();
  }
} catch (error) {
  report.error = `${error.message}\n${error.stack}`;
} finally {
  await firefox.close();
}
process.stdout.write(`${JSON.stringify(report)}\n`);
