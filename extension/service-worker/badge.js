// The toolbar button's badge: progress at a glance ("12", "3/40"), for
// every tab (a crawl) or for one tab (a right-click scrape: its record
// count). The browser shows about four characters and cuts the rest, so
// callers pass a short count, not a sentence.

const BADGE_COLOUR = '#2e6b3f'; // the icon's green (py/gleaner_cli/icon.py)
const BADGE_TEXT_COLOUR = '#ffffff';

// { tabId } limits it to that tab; without it, every tab shows it.
export async function showProgress(text, { tabId } = {}) {
  const where = tabId === undefined ? {} : { tabId };
  await Promise.all([
    chrome.action.setBadgeBackgroundColor({ ...where, color: BADGE_COLOUR }),
    // Firefox has had setBadgeTextColor since 63, Chrome since 110.
    chrome.action.setBadgeTextColor?.({ ...where, color: BADGE_TEXT_COLOUR }),
    chrome.action.setBadgeText({ ...where, text: String(text) }),
  ]);
}

export async function clear({ tabId } = {}) {
  await chrome.action.setBadgeText({ ...(tabId === undefined ? {} : { tabId }), text: '' });
}
