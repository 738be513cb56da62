// Reading a tab: the capture script (content/capture.js) injected into it,
// and every way that can fail said in words a person understands.

import { UserError, PAGE_LIMIT_CHARS } from '../common/messages.js';
import { capturePage } from '../content/capture.js';
import { withDeadline, StageTimeout } from '../common/deadline.js';

// capturePage waits up to 5 s for the document; past this, and the page's
// own allowance, the tab is not going to answer.
const CAPTURE_DEADLINE_MS = 10_000;
// Serialising a page, walking its DOM and handing both back costs time in
// proportion to its elements: a few ms per 1,000 on an idle machine, up to
// ten times that on a busy one (docs/performance.md). A page big by nature
// gets that long, not a verdict that it hangs.
const CAPTURE_MS_PER_1000_ELEMENTS = 40;
// A page still loading when asked has not all its elements yet: it gets
// the allowance of one at the size limit, which holds this many at most
// in a dense table (the 20 MB bench page has one per 25 characters).
const MOST_ELEMENTS = PAGE_LIMIT_CHARS / 25;
const PROBE_DEADLINE_MS = 4_000;

// Pages no extension may script; null for a page worth trying.
export function unreadableReason(url) {
  // Without access, Chrome hides a tab's URL; browser pages look the same way.
  if (!url) return 'Gleaner cannot read this tab: it shows a browser page, or one Gleaner was not given access to. Open a web page or feed and click the Gleaner button there.';
  if (/^(chrome|edge|brave|opera|vivaldi|about|chrome-extension|moz-extension|devtools|view-source|chrome-search|chrome-untrusted):/i.test(url)) {
    return 'This is a browser page; extensions cannot read it. Open a web page or feed and try again.';
  }
  if (/^https:\/\/(chrome\.google\.com\/webstore|chromewebstore\.google\.com|addons\.mozilla\.org)/i.test(url)) {
    return 'The browser\'s extension store does not let extensions read its pages.';
  }
  return null;
}

export function explainCaptureError(error, url) {
  const text = String(error?.message || error);
  if (/pdf|cannot be scripted|extensions gallery/i.test(text)) {
    return new UserError('Gleaner cannot read this kind of page (a PDF or a page the browser protects).');
  }
  if (/Cannot access|permission|host permission|activeTab/i.test(text)) {
    return new UserError(`Gleaner has no access to ${new URL(url).host || 'this page'} yet: click the Gleaner button on the page itself to grant it for this tab.`);
  }
  if (/file:/.test(url)) {
    return new UserError('To scrape local files, allow "Access file URLs" for Gleaner on the browser\'s extensions page.');
  }
  return Object.assign(new Error(`could not capture the page: ${text}`), { context: 'service worker' });
}

// The tab's page as capture.js sends it ({ url, title, kind, feeds, html,
// tree } or a feed's bytes); with feedUrl, the feed that page links.
export async function captureTab(tab, feedUrl = null) {
  const reason = unreadableReason(tab.url);
  if (reason) throw new UserError(reason);
  if (feedUrl) return inject(tab, feedUrl, CAPTURE_DEADLINE_MS);
  const size = await answers(tab);
  if (!size) {
    // An untitled tab (the browser shows its address as its title) that no
    // script can enter is a document without a root; any other is busy.
    if (!tab.title || tab.url.endsWith(tab.title)) return captureAsText(tab);
    throw new StageTimeout('the page to answer (it may be busy running its own scripts)', PROBE_DEADLINE_MS);
  }
  return inject(tab, null, captureDeadline(size));
}

// Whether a script can enter the tab at all, and how large its document is
// ({ elements, loading }), or null. Chromium injects nothing into a
// document that never got a root element, which is what an XML file becomes
// when its <?xml-stylesheet?> is missing or never answers.
async function answers(tab) {
  const probe = chrome.scripting.executeScript({
    target: { tabId: tab.id },
    func: () => ({ elements: document.getElementsByTagName('*').length, loading: document.readyState === 'loading' }),
    injectImmediately: true,
  });
  try {
    const [injection] = await withDeadline(probe, PROBE_DEADLINE_MS, 'the page');
    return injection?.result ?? null;
  } catch (error) {
    if (error instanceof StageTimeout) return null;
    throw explainCaptureError(error, tab.url);
  }
}

function captureDeadline({ elements, loading }) {
  return CAPTURE_DEADLINE_MS + Math.ceil((loading ? Math.max(elements, MOST_ELEMENTS) : elements) / 1000) * CAPTURE_MS_PER_1000_ELEMENTS;
}

// Such a tab is loaded once more with its response's content type set to
// text/plain (for this tab, this address and an XML response only, then the
// rule is gone), so that the browser shows the file as text, which a script
// can enter; the capture then reads the response's own bytes, as for any feed.
async function captureAsText(tab) {
  const ruleId = 1 + (tab.id % 1_000_000);
  const escaped = tab.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  await chrome.declarativeNetRequest.updateSessionRules({
    removeRuleIds: [ruleId],
    addRules: [{
      id: ruleId,
      priority: 1,
      action: { type: 'modifyHeaders', responseHeaders: [{ header: 'content-type', operation: 'set', value: 'text/plain; charset=utf-8' }] },
      condition: {
        regexFilter: `^${escaped}$`,
        tabIds: [tab.id],
        resourceTypes: ['main_frame'],
        responseHeaders: [{ header: 'content-type', values: ['*xml*'] }],
      },
    }],
  });
  try {
    await chrome.tabs.reload(tab.id);
    await withDeadline(loaded(tab.id), CAPTURE_DEADLINE_MS, 'the page to load again');
    if (!(await answers(tab))) throw new UserError('This tab shows no document Gleaner can read (an XML file whose stylesheet failed to load?), even after loading it again.');
    return await inject(tab, tab.url, CAPTURE_DEADLINE_MS);
  } finally {
    await chrome.declarativeNetRequest.updateSessionRules({ removeRuleIds: [ruleId] });
  }
}

function loaded(tabId) {
  return new Promise((resolve) => {
    const listener = (id, change) => {
      if (id !== tabId || change.status !== 'complete') return;
      chrome.tabs.onUpdated.removeListener(listener);
      resolve();
    };
    chrome.tabs.onUpdated.addListener(listener);
  });
}

async function inject(tab, feedUrl, deadlineMs) {
  let injection;
  try {
    // injectImmediately: a tab that never becomes idle (a page holding a
    // connection open, a feed whose stylesheet never answers) must still be
    // read; capturePage itself waits a few seconds for the document.
    const injected = chrome.scripting.executeScript({ target: { tabId: tab.id }, func: capturePage, args: [feedUrl, PAGE_LIMIT_CHARS], injectImmediately: true });
    [injection] = await withDeadline(injected, deadlineMs, 'the page to answer');
  } catch (error) {
    throw error instanceof StageTimeout ? error : explainCaptureError(error, tab.url);
  }
  if (!injection?.result) throw new UserError('The page did not answer; it may still be loading. Try again in a moment.');
  const { tooLarge, error } = injection.result;
  if (tooLarge) {
    const mb = (chars) => `${(chars / 1_048_576).toFixed(1)} MB`;
    throw new UserError(`This page is too large to scrape: it is ${mb(tooLarge.chars)}, and Gleaner reads pages of at most ${mb(tooLarge.limitChars)}.`);
  }
  if (error) throw new UserError(error);
  return injection.result;
}
