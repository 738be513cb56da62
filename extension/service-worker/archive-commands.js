// Export all and Import archive: every scraper of the person's, its state and
// its packages' lock (optionally the wheels too), the built-ins' state and the
// settings, as one JSON file and back. An import fetches the locked wheels
// again and checks each against the archive's sha256.

import { Command, UserError } from '../common/messages.js';
import { readSettings } from '../common/settings.js';
import { registerCommands } from './command-registry.js';
import { host } from './host-client.js';
import * as store from './scraper-store.js';
import { builtinScrapers, validOrThrow } from './scraper-catalog.js';
import { fetchLock, freeUnusedWheels, oneAtATime, pinsOf, storeWheels, wheelsAsBase64 } from './package-installer.js';

// A free "name-2", "name-3"... for keeping both of two scrapers with one name.
function freeName(state, builtinNames, name) {
  const taken = new Set([...builtinNames, ...state.scrapers.map((s) => s.metadata.name)]);
  let n = 2;
  while (taken.has(`${name}-${n}`)) n += 1;
  return `${name}-${n}`;
}

function withName(source, name) {
  return source.replace(/^NAME\s*(:[^=]*)?=.*$/m, `NAME = ${JSON.stringify(name)}`);
}

registerCommands('archive-commands', {
  async [Command.ExportArchive]({ withWheels = false }) {
    const state = await store.read();
    let text = store.archiveText(state, (await builtinScrapers()).map((s) => s.name), await readSettings());
    if (withWheels) {
      // The wheels' bytes after everything else, so an archive without them differs only by this key.
      const archive = JSON.parse(text);
      archive.wheels = await wheelsAsBase64([...new Set(state.scrapers.flatMap((s) => (s.packages ?? []).map((w) => w.sha256)))]);
      text = `${JSON.stringify(archive, null, 2)}\n`;
    }
    return { text, filename: `gleaner-scrapers-${new Date().toISOString().slice(0, 10)}.json` };
  },

  // One at a time with installs: wheels it stores are named by no scraper until its write.
  async [Command.ImportArchive](payload) {
    return oneAtATime(() => importArchive(payload));
  },
});

async function importArchive({ text, choices = null }) {
  const archive = store.parseArchive(text);
  const builtinNames = (await builtinScrapers()).map((s) => s.name);
  // Every scraper is checked before anything is written: all or nothing.
  const checked = [];
  for (const item of archive.scrapers) {
    const reply = await host.validate(item.source);
    if (!reply.ok) throw new UserError(`${item.name || 'A scraper'} in the archive is invalid: ${reply.error.message}${reply.error.line ? ` (line ${reply.error.line})` : ''}. Nothing was imported.`);
    checked.push({ item, metadata: reply.metadata });
  }
  const current = await store.read();
  const conflicts = checked.filter(({ metadata }) => store.findUser(current, metadata.name)).map(({ metadata, item }) => {
    const installed = store.findUser(current, metadata.name);
    return { name: metadata.name, installed: installed.metadata.version, incoming: metadata.version, newer: store.compareVersions(metadata.version, installed.metadata.version) > 0, same: installed.source === item.source };
  });
  if (conflicts.some((c) => !choices?.[c.name])) return { conflicts };
  const renamed = new Map();
  for (const { item, metadata } of checked) {
    if (choices?.[metadata.name] === 'keep-both') {
      const name = freeName(current, builtinNames, metadata.name);
      const reply = await validOrThrow(withName(item.source, name));
      renamed.set(item, { source: withName(item.source, name), metadata: reply.metadata });
    }
  }
  // Packages are fetched again (or taken from the archive) and checked against the archive's
  // hashes before anything is written.
  const records = [];
  for (const { item, metadata } of checked) {
    if (choices?.[metadata.name] === 'skip' && store.findUser(current, metadata.name)) continue;
    if (pinsOf(metadata).length && !item.packages?.length) {
      throw new UserError(`${metadata.name} in the archive pins packages but carries no lock of them; install it from its .py file instead. Nothing was imported.`);
    }
    if (item.packages?.length) records.push(...await fetchLock(metadata.name, item.packages, archive.wheels ?? {}));
  }
  await storeWheels(records);
  const done = store.update((state) => {
    const imported = [];
    const skipped = [];
    for (const { item, metadata: checkedMetadata } of checked) {
      const choice = choices?.[checkedMetadata.name];
      if (choice === 'skip' && store.findUser(state, checkedMetadata.name)) {
        skipped.push(checkedMetadata.name);
        continue;
      }
      const { source, metadata } = renamed.get(item) ?? { source: item.source, metadata: checkedMetadata };
      const entry = {
        source, metadata, enabled: item.enabled !== false, installedAt: item.installedAt ?? null, updatedAt: item.updatedAt ?? null,
        ...(item.packages?.length ? { packages: item.packages } : {}),
      };
      const existing = store.findUser(state, metadata.name);
      if (existing) state.scrapers[state.scrapers.indexOf(existing)] = entry;
      else state.scrapers.push(entry);
      if (item.offSites?.length) state.settings.offSites[metadata.name] = [...item.offSites];
      else delete state.settings.offSites[metadata.name];
      imported.push(metadata.name);
    }
    for (const [name, settings] of Object.entries(archive.builtins ?? {})) {
      if (!builtinNames.includes(name)) continue;
      if (settings.enabled === false) state.settings.builtins[name] = { enabled: false };
      else delete state.settings.builtins[name];
      if (settings.offSites?.length) state.settings.offSites[name] = [...settings.offSites];
      else delete state.settings.offSites[name];
    }
    return { imported, skipped };
  }, archive.settings ?? {});
  return done.finally(async () => freeUnusedWheels(await store.read()).catch(() => {}));
}
