// Picking and the Lists view in headless firefox-esr: the Lists view finds
// the lists and outlines them in the page, Save as scraper opens the
// options page's editor with the new scraper, and Pick data puts the picker
// into the page, where a click picks instead of following the link and Esc
// leaves the page as it was. This script only drives Firefox and reports
// what it saw; tests/test_e2e_firefox.py asserts.
//
//   node tests/firefox/picker-scenario.mjs '{"extension": ..., "site": ...}'

import { launchFirefox, sleep } from '../../py/gleaner_cli/firefox-driver.mjs';

const { extension, site } = JSON.parse(process.argv[2]);

async function until(check, what, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs / 1000} s for ${what}`);
    await sleep(100);
  }
}

const listsView = (popup) => popup.evaluate(() => {
  const view = document.getElementById('lists');
  return {
    state: view.dataset.state,
    heading: view.querySelector('h2')?.textContent ?? null,
    columns: [...view.querySelectorAll('th input')].map((input) => input.value),
    rows: [...view.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((td) => td.textContent)),
    status: document.getElementById('status').textContent,
  };
});
const pickerShown = (page) => page.evaluate(() => document.querySelectorAll('gleaner-picker').length);

const firefox = await launchFirefox({ extension });
const report = {};
try {
  const { page, tabId } = await firefox.openTab(`${site}/picker/books-1.html`);
  const markup = await page.evaluate(() => document.documentElement.outerHTML);

  // The Lists view: the lists, the first outlined in the page, flipping.
  const popup = await firefox.openPopup(tabId);
  await popup.click('#lists-toggle');
  await until(async () => (await listsView(popup)).state === 'shown', 'the Lists view');
  report.lists = { first: await listsView(popup), outlined: await pickerShown(page) };
  await popup.click('#lists button[data-action=next-list]');
  await until(async () => (await listsView(popup)).heading?.startsWith('List 2'), 'list 2');
  report.lists.second = await listsView(popup);

  // Save as scraper from the view: the options page opens with the new, unsaved scraper.
  await popup.click('#lists button[data-action=previous-list]');
  await until(async () => (await listsView(popup)).heading?.startsWith('List 1'), 'list 1 again');
  await popup.click('#lists button[data-action=save-list]');
  report.saveStatus = await until(() => popup.evaluate(() => {
    const text = document.getElementById('status').textContent;
    return text === 'Writing the scraper…' ? null : text;
  }), 'the popup to say how the save went');
  // The options page already open (the driver's control page is one) takes
  // it, or a new one opens. (BiDi names extension pages about:blank: ask the page.)
  const options = await until(async () => {
    for (const candidate of await firefox.browser.pages()) {
      const shows = await candidate.evaluate(() => location.href.endsWith('/extension/options/options.html') && document.getElementById('editor-pane').dataset.validation === 'ok').catch(() => false);
      if (shows) return candidate;
    }
    return null;
  }, 'the new scraper in an options page\'s editor');
  report.editor = await options.evaluate(() => ({
    title: document.getElementById('editor-title').textContent,
    state: document.getElementById('editor-state').textContent,
    // The editor's first lines (CodeMirror draws the lines in view).
    text: [...document.getElementById('editor').shadowRoot.querySelectorAll('.cm-line')].map((line) => line.textContent).join('\n'),
  }));
  await popup.close();
  await sleep(500);
  report.outlineAfterPopupClosed = await pickerShown(page);

  // Pick data: the picker takes the page's clicks until Esc.
  const picking = await firefox.openPopup(tabId);
  await picking.click('#pick');
  report.pickStatus = await until(() => picking.evaluate(() => {
    const text = document.getElementById('status').textContent;
    return text.startsWith('Picking') || /error/.test(document.getElementById('status').className) ? text : null;
  }), 'the popup to say picking started');
  await picking.close();
  await page.bringToFront();
  report.pickerShown = await pickerShown(page);
  await page.click('li.book:nth-of-type(2) h2 a');
  await sleep(1000);
  report.urlAfterClick = page.url();
  await page.keyboard.press('Escape');
  await sleep(500);
  report.pickerAfterEsc = await pickerShown(page);
  report.markupKept = (await page.evaluate(() => document.documentElement.outerHTML)) === markup;
} catch (error) {
  report.error = String(error?.stack || error);
} finally {
  await firefox.close();
}
console.log(JSON.stringify(report));
