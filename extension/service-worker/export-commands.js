// Exporting records (from a tab's last run or a run in the history) as a
// file, in the format the person chose: one scraper's, or without a scraper
// every scraper's of the run in one file (XLSX: a sheet each).

import { Command, UserError } from '../common/messages.js';
import { readSetting } from '../common/settings.js';
import { registerCommands } from './command-registry.js';
import { host } from './host-client.js';
import * as history from './run-history.js';
import { lastRunForPage } from './last-run.js';

// site + scraper + date, safe on every file system: example.com-links-2026-11-26.json
export function exportFilename(url, scraper, extension, isoDate) {
  let site = 'page';
  try {
    site = new URL(url).hostname.replace(/^www\./, '') || 'page';
  } catch {
    // keep 'page'
  }
  const safe = (text) => text.replace(/[^A-Za-z0-9._-]+/g, '_');
  return `${safe(site)}-${safe(scraper)}-${isoDate.slice(0, 10)}.${extension}`;
}

// Formula neutralisation (the options page's setting) applies to every
// format a spreadsheet opens; an XLSX sheet is named after its scraper.
async function exportOptions(format, scraper) {
  const options = {};
  if (['csv', 'tsv', 'xlsx'].includes(format)) options.neutralize_formulas = await readSetting('csvNeutralizeFormulas');
  if (format === 'xlsx' && scraper) options.sheet_name = scraper;
  return options;
}

// One list of the lists scraper's records (each says which list it is in),
// with the columns the person kept, renamed, in their order: [[key, name], ...].
export function listRecords(records, list, columns = null) {
  const chosen = records.filter((record) => record.list === list);
  if (!columns) return chosen;
  return chosen.map((record) => Object.fromEntries(columns.map(([key, name]) => [name, record[key] ?? null])));
}

registerCommands('export-commands', {
  // A binary format comes back as base64 (see HostCommand.Export).
  async [Command.ExportRecords]({ tabId = null, runId = null, scraper = null, format, list = null, columns = null }) {
    let run = null;
    if (runId !== null) run = await history.getRun(runId);
    else if (tabId !== null) run = await lastRunForPage(tabId, (await chrome.tabs.get(tabId)).url);
    const result = scraper === null ? null : run?.results.find((r) => r.scraper === scraper);
    if (!run || (scraper !== null && !result) || !run.results.some((r) => r.records.length)) {
      throw new UserError('There are no records to export; scrape the page first.');
    }
    const records = list === null ? result?.records : listRecords(result?.records ?? [], list, columns);
    if (list !== null && !records.length) throw new UserError(`List ${list + 1} has no records in the last scrape; scrape the page again.`);
    const name = list === null ? scraper ?? 'all' : `${scraper}-${list + 1}`;
    const { mediaType, extension, ...content } = await host.exportRecords({
      ...(records ? { records } : { results: run.results }),
      format,
      options: await exportOptions(format, records ? name : null),
    });
    return { ...content, filename: exportFilename(run.url, name, extension, run.startedAt), mediaType };
  },
});
