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

registerCommands('export-commands', {
  // A binary format comes back as base64 (see HostCommand.Export).
  async [Command.ExportRecords]({ tabId = null, runId = null, scraper = null, format }) {
    let run = null;
    if (runId !== null) run = await history.getRun(runId);
    else if (tabId !== null) run = await lastRunForPage(tabId, (await chrome.tabs.get(tabId)).url);
    const result = scraper === null ? null : run?.results.find((r) => r.scraper === scraper);
    if (!run || (scraper !== null && !result) || !run.results.some((r) => r.records.length)) {
      throw new UserError('There are no records to export; scrape the page first.');
    }
    const { mediaType, extension, ...content } = await host.exportRecords({
      ...(result ? { records: result.records } : { results: run.results }),
      format,
      options: await exportOptions(format, scraper),
    });
    return { ...content, filename: exportFilename(run.url, scraper ?? 'all', extension, run.startedAt), mediaType };
  },
});
