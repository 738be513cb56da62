// A crawl's pages load in real tabs: in a window of the crawl's own, opened
// without focus, so the person's own windows and tabs are never taken over.
// Only tabs the crawl opened are ever closed: a browser may put a tab the
// person opens into the crawl's window (Firefox does when that window was
// the last it focused), and window ids are reused after a browser restart,
// so a crawl's window goes only when it holds nothing but the crawl's tabs.
// A page is ready when the browser says it has loaded, plus a settle time
// for the page's own scripts; a page that never finishes loading is read as
// it stands at the page timeout.

export class TabClosed extends Error {
  constructor() {
    super('the crawl\'s tab was closed before the page was read');
    this.name = 'TabClosed';
  }
}

export class PageLoadError extends Error {
  constructor(message) {
    super(message);
    this.name = 'PageLoadError';
  }
}

// The tabs the crawls opened, by id, in session storage: it outlives a
// stopped service worker (the ids still name the same tabs) and ends with
// the browser session (after which they would name others).
const OWNED_KEY = 'crawlTabs';
let owning = Promise.resolve();

function changeOwned(change) {
  owning = owning.then(async () => {
    const { [OWNED_KEY]: ids = [] } = await chrome.storage.session.get(OWNED_KEY);
    await chrome.storage.session.set({ [OWNED_KEY]: change(ids) });
  }).catch((error) => console.warn('Gleaner: could not note the crawl\'s tabs', error));
  return owning;
}

const own = (tabId) => changeOwned((ids) => [...ids, tabId]);
const disown = (tabIds) => changeOwned((ids) => ids.filter((id) => !tabIds.includes(id)));

async function ownedTabs() {
  await owning;
  const { [OWNED_KEY]: ids = [] } = await chrome.storage.session.get(OWNED_KEY);
  return new Set(ids);
}

// The crawl's window, made once per run of the crawl (and again if the
// person closed it). Returns its id.
export async function crawlWindow(windowId) {
  if (windowId !== null && windowId !== undefined) {
    try {
      await chrome.windows.get(windowId);
      return windowId;
    } catch {
      // closed: make another
    }
  }
  const before = await chrome.windows.getLastFocused().catch(() => null);
  // Firefox refuses focused: false on some platforms; a window it focuses
  // is still better than no crawl.
  const created = await chrome.windows.create({ focused: false, url: 'about:blank' })
    .catch(() => chrome.windows.create({ url: 'about:blank' }));
  // Firefox accepts focused: false but does not implement it (its
  // windows.create focuses every new window): the focus goes straight back
  // to the window the person was in.
  if (before?.focused && (await chrome.windows.get(created.id).catch(() => null))?.focused) {
    await chrome.windows.update(before.id, { focused: true }).catch(() => {});
  }
  const tabs = created.tabs ?? await chrome.tabs.query({ windowId: created.id });
  await Promise.all(tabs.map((tab) => own(tab.id)));
  return created.id;
}

// Close the crawl's tabs in the window, and the window itself unless a tab
// of someone else's is left in it.
export async function closeWindow(windowId) {
  if (windowId === null || windowId === undefined) return;
  const owned = await ownedTabs();
  const tabs = await chrome.tabs.query({ windowId }).catch(() => []);
  const mine = tabs.filter((tab) => owned.has(tab.id)).map((tab) => tab.id);
  if (tabs.length && mine.length === tabs.length) await chrome.windows.remove(windowId).catch(() => {});
  else if (mine.length) await chrome.tabs.remove(mine).catch(() => {});
  await disown(mine);
}

// Open `url` in the crawl's window and resolve once it is ready to read:
// { tab, timedOut, status, loadMs } where status is the HTTP status of the
// page's own response (null where the browser does not say) and loadMs its
// own load time. Rejects with TabClosed
// when the tab goes away meanwhile, PageLoadError when nothing was loaded.
export async function openAndSettle(windowId, url, { timeoutMs, settleMs }) {
  let settle;
  const ready = new Promise((resolve) => { settle = resolve; });
  let tabId = null;
  // Listening before the tab exists: a fast page can be complete before
  // chrome.tabs.create returns. Events for other tabs are ignored.
  const onUpdated = (id, change, tab) => {
    if (tabId !== null && id === tabId && change.status === 'complete' && tab.url && tab.url !== 'about:blank') settle('complete');
  };
  const onRemoved = (id) => {
    if (id === tabId) settle('removed');
  };
  chrome.tabs.onUpdated.addListener(onUpdated);
  chrome.tabs.onRemoved.addListener(onRemoved);
  let timer;
  try {
    const tab = await chrome.tabs.create({ windowId, url, active: false });
    tabId = tab.id;
    await own(tabId);
    // Complete already (events before tabId was known are not missed this way).
    const now = await chrome.tabs.get(tabId).catch(() => null);
    if (!now) settle('removed');
    else if (now.status === 'complete' && now.url && now.url !== 'about:blank') settle('complete');
    timer = setTimeout(() => settle('timeout'), timeoutMs);
    const how = await ready;
    if (how === 'removed') throw new TabClosed();
    const timedOut = how === 'timeout';
    if (!timedOut && settleMs) await sleep(settleMs);
    const current = await chrome.tabs.get(tabId).catch(() => null);
    if (!current) throw new TabClosed();
    // A page still loading at its timeout is read as it stands (what
    // arrived so far), not dropped; only a page that cannot be scripted at
    // all (the browser's own error page) fails here.
    const state = await pageState(tabId);
    if (!state) throw new PageLoadError(timedOut ? `the page did not load within ${timeoutMs / 1000} s` : 'the page could not be read');
    return { tab: current, timedOut, status: state.status, loadMs: state.loadMs };
  } finally {
    clearTimeout(timer);
    chrome.tabs.onUpdated.removeListener(onUpdated);
    chrome.tabs.onRemoved.removeListener(onRemoved);
  }
}

// The document's parse state and its HTTP status (Navigation Timing's
// responseStatus), read in the page; null when the page cannot be scripted
// (an error page of the browser's own).
async function pageState(tabId) {
  try {
    const [injection] = await chrome.scripting.executeScript({
      target: { tabId },
      func: () => {
        const navigation = performance.getEntriesByType('navigation')[0];
        return {
          readyState: document.readyState,
          status: navigation?.responseStatus || null,
          // The page's own load: navigation start to the end of its load event.
          loadMs: navigation ? Math.round(navigation.loadEventEnd || navigation.responseEnd) : null,
        };
      },
    });
    return injection?.result ?? null;
  } catch {
    return null;
  }
}

export async function closeTab(tabId) {
  await chrome.tabs.remove(tabId).catch(() => {});
  await disown([tabId]);
}

export const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });
