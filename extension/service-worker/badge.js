// The toolbar button's badge: a crawl's progress at a glance ("12", "3/40"),
// for every tab, cleared when the crawl ends. The browser shows about four
// characters and cuts the rest, so callers pass a short count, not a sentence.

const BADGE_COLOUR = '#2e6b3f'; // the icon's green (py/gleaner_cli/icon.py)
const BADGE_TEXT_COLOUR = '#ffffff';

export async function showProgress(text) {
  await Promise.all([
    chrome.action.setBadgeBackgroundColor({ color: BADGE_COLOUR }),
    // Firefox has had setBadgeTextColor since 63, Chrome since 110.
    chrome.action.setBadgeTextColor?.({ color: BADGE_TEXT_COLOUR }),
    chrome.action.setBadgeText({ text: String(text) }),
  ]);
}

export async function clear() {
  await chrome.action.setBadgeText({ text: '' });
}
