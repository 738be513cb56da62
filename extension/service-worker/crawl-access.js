// A crawl that waits for the site access the person is being asked for.
//
// Only the page the person clicked can ask (chrome.permissions.request needs
// their gesture; a service worker cannot), and the popup may be gone before
// the answer: a popup closes when it loses focus, and Firefox closes it for
// its own prompt. So the popup leaves the crawl here while it asks, and the
// first of two things starts it, once: the popup coming back with the grant
// (StartAwaitedCrawl), or the browser's permissions.onAdded event, which
// reaches the service worker whether or not the popup is still open.
// Waiting crawls live in session storage, which outlives a stopped service
// worker, and are given up after WAIT_MS (a prompt left unanswered).

import { Command, UserError } from '../common/messages.js';
import { registerCommands } from './command-registry.js';
import { startCrawl } from './crawl.js';
import { originPatterns, siteOf } from '../common/crawl-scope.js';

const WAITING_KEY = 'crawlsAwaitingAccess';
const WAIT_MS = 5 * 60_000;

// One change at a time: the popup and onAdded may both try to start a crawl.
let turns = Promise.resolve();
function inTurn(work) {
  const turn = turns.then(work);
  turns = turn.catch(() => {});
  return turn;
}

// { [waitId]: { request, origins, at, crawl?, startedBy?: 'sender' | 'grant' } },
// without those past WAIT_MS.
async function readWaiting() {
  const { [WAITING_KEY]: waiting = {} } = await chrome.storage.session.get(WAITING_KEY);
  const now = Date.now();
  return Object.fromEntries(Object.entries(waiting).filter(([, entry]) => now - entry.at < WAIT_MS));
}

const writeWaiting = (waiting) => chrome.storage.session.set({ [WAITING_KEY]: waiting });

// Start a waiting crawl unless it started already; its summary either way.
async function startWaiting(waiting, waitId, startedBy) {
  const entry = waiting[waitId];
  if (entry.crawl) return entry.crawl;
  entry.crawl = await startCrawl(entry.request);
  entry.startedBy = startedBy;
  await writeWaiting(waiting);
  return entry.crawl;
}

// The browser granted access: every waiting crawl it covers now starts.
async function accessGranted() {
  const waiting = await readWaiting();
  for (const [waitId, entry] of Object.entries(waiting)) {
    if (entry.crawl || !(await chrome.permissions.contains({ origins: entry.origins }))) continue;
    try {
      await startWaiting(waiting, waitId, 'grant');
    } catch (error) {
      // No page of the person's is left to show it to: the crawl did not start.
      console.warn('Gleaner: a crawl granted access could not start', error);
      delete waiting[waitId];
      await writeWaiting(waiting);
    }
  }
}

chrome.permissions.onAdded.addListener(() => {
  inTurn(accessGranted).catch((error) => console.warn('Gleaner: waiting crawls could not be started', error));
});

registerCommands('crawl-access', {
  // The StartCrawl request, kept while its sender asks for access.
  async [Command.AwaitCrawlAccess](request) {
    let sites;
    try {
      sites = [...new Set(request.urls.map(siteOf))];
    } catch {
      throw new UserError('The crawl has an address that is not a web page (http or https); it did not start.');
    }
    return inTurn(async () => {
      const waiting = await readWaiting();
      const waitId = crypto.randomUUID();
      waiting[waitId] = { request, origins: sites.flatMap(originPatterns), at: Date.now() };
      await writeWaiting(waiting);
      return { waitId };
    });
  },

  // The sender got the grant: the crawl's summary (started now, or already
  // by the grant's event).
  async [Command.StartAwaitedCrawl]({ waitId }) {
    return inTurn(async () => {
      const waiting = await readWaiting();
      if (!waiting[waitId]) throw new UserError('That crawl waited too long for access and was given up; start it again.');
      return startWaiting(waiting, waitId, 'sender');
    });
  },
});
