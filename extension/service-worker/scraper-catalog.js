// Which scrapers exist (the built-ins and the person's own), which apply to a
// URL, and the check every source passes before it is kept or run.

import { UserError } from '../common/messages.js';
import { urlMatches } from '../common/match-pattern.js';
import { host } from './host-client.js';
import * as store from './scraper-store.js';

let builtinsPromise = null;

export function builtinScrapers() {
  builtinsPromise ??= fetch(chrome.runtime.getURL('python/scrapers.json')).then((r) => r.json()).then((index) => index.scrapers);
  return builtinsPromise;
}

// Built-ins then the user's scrapers, each with its enabled state; user
// scrapers carry their source (built-ins' live in the Python host).
export async function allScrapers(state) {
  return [
    ...(await builtinScrapers()).map((s) => ({ ...s, builtin: true, enabled: store.isEnabled(state, s.name, true) })),
    ...state.scrapers.map((s) => ({ ...s.metadata, builtin: false, enabled: s.enabled !== false, source: s.source, packages: s.packages ?? [] })),
  ];
}

// Filtered by pattern here, without booting Python; switched-off scrapers
// and those turned off for this site stay out.
export async function applicableScrapers(url, kind) {
  const state = await store.read();
  return (await allScrapers(state)).filter((scraper) => scraper.enabled
    && (!kind || scraper.input === kind)
    && urlMatches(url, scraper.matches, scraper.excludes)
    && !store.isOffForSite(state, scraper.name, url));
}

export async function scrapersOffForSite(url) {
  const state = await store.read();
  return (await allScrapers(state)).filter((scraper) => scraper.enabled
    && urlMatches(url, scraper.matches, scraper.excludes) && store.isOffForSite(state, scraper.name, url));
}

// A scraper as the popup and the options page list it: without its source.
export function summarize(scraper) {
  const { source, ...metadata } = scraper;
  return metadata;
}

// Check a source in Python; an invalid one becomes a UserError naming the line.
export async function validOrThrow(source, previous) {
  const reply = await host.validate(source, previous);
  if (!reply.ok) {
    const where = reply.error.line ? ` (line ${reply.error.line}${reply.error.column ? `, column ${reply.error.column}` : ''})` : '';
    throw Object.assign(new UserError(`${reply.error.message}${where}; nothing was saved.`), { line: reply.error.line, column: reply.error.column });
  }
  return reply;
}
