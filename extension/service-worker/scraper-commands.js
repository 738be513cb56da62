// The options page's commands for managing scrapers: list, check, save
// (with the packages it pins, see package-installer.js), delete and undo,
// switch on and off (everywhere or for one site), which ones a URL runs, and
// a scraper's own tests.

import { Command, UserError } from '../common/messages.js';
import { urlMatches } from '../common/match-pattern.js';
import { registerCommands } from './command-registry.js';
import { host } from './host-client.js';
import * as store from './scraper-store.js';
import { allScrapers, builtinScrapers, validOrThrow } from './scraper-catalog.js';
import { installPackages, storeWheels, freeUnusedWheels, oneAtATime, packageCache, packagesForTrial } from './package-installer.js';
import { getWheels } from '../common/wheel-store.js';

function userEntry(state, name) {
  const entry = store.findUser(state, name);
  if (!entry) throw new UserError(`There is no scraper of yours named ${name}.`);
  return entry;
}

async function wheelsMissing(lock) {
  const stored = await getWheels(lock.map((wheel) => wheel.sha256));
  return lock.filter((wheel, i) => !stored[i]).map((wheel) => `${wheel.name} ${wheel.version}`);
}

function siteOf(url) {
  try {
    const { hostname } = new URL(url);
    if (hostname) return hostname;
  } catch {
    // fall through
  }
  throw new UserError(`${url} is not a web address with a site name.`);
}

// Save a checked source, with the packages it pins fetched and stored first
// (see package-installer.js); one save at a time (oneAtATime).
async function saveScraper({ source, originalName = null, replace = false }) {
  const { metadata } = await validOrThrow(source);
  const before = await store.read();
  const previous = store.findUser(before, originalName ?? metadata.name) ?? store.findUser(before, metadata.name);
  // Fetched and checked before anything is written: a refusal leaves everything as it was.
  const { lock, records } = await installPackages(metadata, previous);
  await storeWheels(records);
  const now = new Date().toISOString();
  const saved = store.update((state) => {
    const clash = store.findUser(state, metadata.name);
    if (clash && metadata.name !== originalName && !replace) {
      throw new UserError(`A scraper named ${metadata.name} is already installed (version ${clash.metadata.version}); replace it or change NAME.`);
    }
    const original = originalName ? store.findUser(state, originalName) : null;
    const previous = original ?? clash;
    const entry = {
      source,
      metadata,
      ...(lock.length ? { packages: lock } : {}),
      enabled: previous ? previous.enabled !== false : true,
      installedAt: previous?.installedAt ?? now,
      updatedAt: now,
    };
    const index = previous ? state.scrapers.indexOf(previous) : state.scrapers.length;
    state.scrapers = state.scrapers.filter((s) => s !== original && s !== clash);
    state.scrapers.splice(Math.min(index, state.scrapers.length), 0, entry);
    if (original && original.metadata.name !== metadata.name && state.settings.offSites[original.metadata.name]) {
      state.settings.offSites[metadata.name] = state.settings.offSites[original.metadata.name];
      delete state.settings.offSites[original.metadata.name];
    }
    return { ...metadata, enabled: entry.enabled, packages: lock };
  });
  // Whether it was saved or refused, wheels no scraper names any more (the old version's, or
  // those of a save that failed) are freed.
  return saved.finally(async () => freeUnusedWheels(await store.read()).catch(() => {}));
}

registerCommands('scraper-commands', {
  async [Command.ListScrapers]() {
    const state = await store.read();
    const scrapers = (await allScrapers(state)).map((scraper) => {
      const entry = scraper.builtin ? null : store.findUser(state, scraper.name);
      return {
        ...scraper,
        offSites: state.settings.offSites[scraper.name] ?? [],
        lastRun: state.lastRuns[scraper.name] ?? null,
        installedAt: entry?.installedAt ?? null,
        updatedAt: entry?.updatedAt ?? null,
      };
    });
    return { scrapers, packageCache: await packageCache() };
  },

  async [Command.ValidateScraper]({ source }) {
    const state = await store.read();
    const first = await host.validate(source);
    if (!first.ok) return first;
    const installed = store.findUser(state, first.metadata.name);
    if (!installed) return { ...first, installed: null };
    const { diff } = await host.validate(source, installed.source);
    return { ...first, installed: { version: installed.metadata.version, source: installed.source, diff, newer: store.compareVersions(first.metadata.version, installed.metadata.version) } };
  },

  async [Command.SaveScraper](payload) {
    return oneAtATime(() => saveScraper(payload));
  },

  // The last scraper to use a wheel takes it with it: Undo then fetches nothing, and says so.
  async [Command.DeleteScraper]({ name }) {
    const deleted = await store.update((state) => {
      const entry = userEntry(state, name);
      const index = state.scrapers.indexOf(entry);
      const offSites = state.settings.offSites[name] ?? null;
      state.scrapers.splice(index, 1);
      delete state.settings.offSites[name];
      delete state.lastRuns[name];
      return { entry, index, offSites };
    });
    await oneAtATime(async () => freeUnusedWheels(await store.read()));
    return deleted;
  },


  async [Command.RestoreScraper]({ entry, index, offSites }) {
    await validOrThrow(entry.source);
    const missing = await wheelsMissing(entry.packages ?? []);
    if (missing.length) {
      throw new UserError(`${entry.metadata.name}'s packages (${missing.join(', ')}) were freed when it was deleted; install it again to fetch them. It was not restored.`);
    }
    return store.update((state) => {
      if (store.findUser(state, entry.metadata.name)) throw new UserError(`A scraper named ${entry.metadata.name} exists again; it was not restored.`);
      state.scrapers.splice(Math.min(index, state.scrapers.length), 0, entry);
      if (offSites) state.settings.offSites[entry.metadata.name] = offSites;
      return {};
    });
  },

  async [Command.SetScraperEnabled]({ name, enabled }) {
    const builtin = (await builtinScrapers()).some((s) => s.name === name);
    return store.update((state) => {
      if (builtin) state.settings.builtins[name] = { enabled: !!enabled };
      else userEntry(state, name).enabled = !!enabled;
      return {};
    });
  },

  async [Command.SetScraperOffForSite]({ name, url, off }) {
    const site = siteOf(url);
    return store.update((state) => {
      const sites = new Set(state.settings.offSites[name] ?? []);
      if (off) sites.add(site);
      else sites.delete(site);
      if (sites.size) state.settings.offSites[name] = [...sites].sort();
      else delete state.settings.offSites[name];
      return { name, site, off: !!off };
    });
  },

  async [Command.TestUrl]({ url }) {
    try {
      new URL(url);
    } catch {
      throw new UserError(`${url || 'That'} is not a complete web address (try https://example.org/page).`);
    }
    const state = await store.read();
    const scrapers = (await allScrapers(state)).map((scraper) => {
      const matches = urlMatches(url, scraper.matches, scraper.excludes);
      const offForSite = store.isOffForSite(state, scraper.name, url);
      return { name: scraper.name, title: scraper.title, builtin: scraper.builtin, enabled: scraper.enabled, matches, offForSite, runs: matches && scraper.enabled && !offForSite };
    });
    return { url, scrapers };
  },

  async [Command.RunScraperTests]({ name, source = null }) {
    const state = await store.read();
    let metadata = store.findUser(state, name)?.metadata ?? null;
    if (source === null) {
      source = store.findUser(state, name)?.source ?? null;
    } else {
      ({ metadata } = await validOrThrow(source));
      name = metadata.name;
    }
    const packages = metadata ? packagesForTrial(state, metadata).map((wheel) => wheel.sha256) : [];
    return host.runTests(name, source ?? undefined, packages.length ? packages : undefined);
  },
});
