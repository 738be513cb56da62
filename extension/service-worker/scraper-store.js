// The user's scrapers and settings, in chrome.storage.local (with the
// "unlimitedStorage" permission, so a large scraper collection never meets
// the 10 MB quota). Layout, each under its own key:
//
//   scrapers: [{ source, metadata, enabled, installedAt, updatedAt, packages? }]
//             the user's scrapers in install order; metadata is what
//             gleaner.plugins read from the source when it was validated;
//             packages, the lock of what it pins (service-worker/package-installer.js)
//   settings: { builtins: { [name]: { enabled } }, offSites: { [name]: [hostname] } }
//             built-ins switched off, and the sites each scraper is off for
//   lastRuns: { [name]: { at, url, ok, count, error } }
//
// (The person's other settings, each under its own key, are named in
// common/settings.js; the archive carries them too.)
//
// Every change is one chrome.storage.local.set() of whole keys, and Chrome
// applies a set() as a single write: when it fails (quota, disk) nothing of it
// lands and the previous state stays. Changes are queued so two commands never
// interleave their read-modify-write.

import { UserError } from '../common/messages.js';
import { checkSettings, SETTING_KEYS } from '../common/settings.js';

export const ARCHIVE_FORMAT = 'gleaner-scrapers';
export const ARCHIVE_VERSION = 1;

let queue = Promise.resolve();

export async function read() {
  const { scrapers = [], settings = {}, lastRuns = {} } = await chrome.storage.local.get(['scrapers', 'settings', 'lastRuns']);
  return {
    scrapers,
    settings: { builtins: settings.builtins ?? {}, offSites: settings.offSites ?? {} },
    lastRuns,
  };
}

// Run `change(state)`, which edits the state it is given and returns a value;
// then write the keys it touched, and `settings` (checked, see
// common/settings.js) in the same write. Nothing is written if it throws.
export function update(change, settings = {}) {
  const step = queue.then(async () => {
    const state = await read();
    const before = Object.fromEntries(Object.entries(state).map(([key, value]) => [key, JSON.stringify(value)]));
    const value = await change(state);
    const changed = { ...checkSettings(settings) };
    for (const key of Object.keys(before)) {
      if (JSON.stringify(state[key]) !== before[key]) changed[key] = state[key];
    }
    if (Object.keys(changed).length) {
      try {
        await chrome.storage.local.set(changed);
      } catch (error) {
        throw new UserError(`Gleaner could not save your change (${error.message}); your scrapers and settings are as they were before.`);
      }
    }
    return value;
  });
  queue = step.catch(() => {});
  return step;
}

export function findUser(state, name) {
  return state.scrapers.find((s) => s.metadata.name === name) ?? null;
}

export function isEnabled(state, name, builtin) {
  if (builtin) return state.settings.builtins[name]?.enabled !== false;
  return findUser(state, name)?.enabled !== false;
}

export function isOffForSite(state, name, url) {
  const sites = state.settings.offSites[name];
  if (!sites?.length) return false;
  try {
    return sites.includes(new URL(url).hostname);
  } catch {
    return false;
  }
}

// One JSON text holding every user scraper, each one's enabled state and
// per-site settings, the built-ins' settings and the person's settings
// (common/settings.js, as readSettings gives them). Its fields are written
// in a fixed order so export -> import -> export gives the same bytes.
export function archiveText(state, builtinNames, settings) {
  const siteList = (name) => [...(state.settings.offSites[name] ?? [])];
  const archive = {
    format: ARCHIVE_FORMAT,
    version: ARCHIVE_VERSION,
    scrapers: state.scrapers.map((s) => ({
      name: s.metadata.name,
      version: s.metadata.version,
      enabled: s.enabled !== false,
      offSites: siteList(s.metadata.name),
      installedAt: s.installedAt ?? null,
      updatedAt: s.updatedAt ?? null,
      source: s.source,
      // The packages it pins, resolved: every wheel by name, version, file and sha256 (no bytes).
      ...(s.packages?.length ? { packages: s.packages.map(lockEntry) } : {}),
    })),
    builtins: Object.fromEntries(builtinNames.map((name) => [name, {
      enabled: state.settings.builtins[name]?.enabled !== false,
      offSites: siteList(name),
    }])),
    settings: Object.fromEntries(SETTING_KEYS.map((key) => [key, settings[key]])),
  };
  return `${JSON.stringify(archive, null, 2)}\n`;
}

// What an archive keeps of a lock's wheel, in a fixed order.
function lockEntry({ name, version, filename, url, sha256, size, licence, requires, topLevel }) {
  return { name, version, filename, url, sha256, size, licence, requires, topLevel };
}

export function parseArchive(text) {
  let archive;
  try {
    archive = JSON.parse(text);
  } catch (error) {
    throw new UserError(`This file is not a Gleaner archive: it is not JSON (${error.message}).`);
  }
  if (archive?.format !== ARCHIVE_FORMAT || !Array.isArray(archive.scrapers)) {
    throw new UserError('This file is not a Gleaner archive (export one with "Export all").');
  }
  if (archive.version > ARCHIVE_VERSION) {
    throw new UserError(`This archive was written by a newer Gleaner (archive version ${archive.version}); update Gleaner to import it.`);
  }
  // An archive from before settings were exported has none; they stay as they are.
  try {
    checkSettings(archive.settings ?? {});
  } catch (error) {
    throw new UserError(`This archive's settings cannot be used: ${error.message}. Nothing was imported.`);
  }
  return archive;
}

// Dotted versions compared number by number ("1.10" > "1.9"); text parts as text.
export function compareVersions(a, b) {
  const left = String(a).split(/[.+-]/);
  const right = String(b).split(/[.+-]/);
  for (let i = 0; i < Math.max(left.length, right.length); i += 1) {
    const [x, y] = [left[i] ?? '0', right[i] ?? '0'];
    const [nx, ny] = [Number(x), Number(y)];
    const order = Number.isNaN(nx) || Number.isNaN(ny) ? x.localeCompare(y) : Math.sign(nx - ny);
    if (order) return order;
  }
  return 0;
}
