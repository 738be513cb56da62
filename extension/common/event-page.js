// Firefox runs the background as an event page and unloads it after
// extensions.background.idle.timeout (30 s) without events or extension API
// calls, even while it still owes the popup a reply: a cold boot plus a slow
// scrape can outlast that, and the unload would take the running Python with
// it. Each extension API call from the event page restarts Firefox's idle
// timer (reason "parentapicall" in Firefox's ext-backgroundPage.js), so a
// cheap one is made every second while work is pending. Chrome's offscreen
// document has no such timer and never calls this.

const PING_INTERVAL_MS = 1_000;

export async function keepAliveWhile(promise) {
  const timer = setInterval(() => {
    chrome.runtime.getPlatformInfo().catch(() => {});
  }, PING_INTERVAL_MS);
  try {
    return await promise;
  } finally {
    clearInterval(timer);
  }
}
