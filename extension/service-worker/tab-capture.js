// Reading a tab: the capture script (content/capture.js) injected into it,
// and every way that can fail said in words a person understands.

import { UserError, PAGE_LIMIT_CHARS } from '../common/messages.js';
import { capturePage } from '../content/capture.js';

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

function explainCaptureError(error, url) {
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
  let injection;
  try {
    [injection] = await chrome.scripting.executeScript({ target: { tabId: tab.id }, func: capturePage, args: [feedUrl, PAGE_LIMIT_CHARS] });
  } catch (error) {
    throw explainCaptureError(error, tab.url);
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
