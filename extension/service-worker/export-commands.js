// Exporting one scraper's records (from a tab's last run or a run in the
// history) as a file, in the format the person chose.

import { Command, UserError } from '../common/messages.js';
import { readSetting } from '../common/settings.js';
import { registerCommands } from './command-registry.js';
import { host } from './host-client.js';
import * as history from './run-history.js';
import { lastRunForPage } from './last-run.js';

// site + scraper + date, safe on every file system: example.com-links-2026-11-26.json
export function exportFilename(url, scraper, format, isoDate) {
  let site = 'page';
  try {
    site = new URL(url).hostname.replace(/^www\./, '') || 'page';
  } catch {
    // keep 'page'
  }
  const safe = (text) => text.replace(/[^A-Za-z0-9._-]+/g, '_');
  return `${safe(site)}-${safe(scraper)}-${isoDate.slice(0, 10)}.${format}`;
}

registerCommands('export-commands', {
  async [Command.ExportRecords]({ tabId = null, runId = null, scraper, format }) {
    let run = null;
    if (runId !== null) run = await history.getRun(runId);
    else if (tabId !== null) run = await lastRunForPage(tabId, (await chrome.tabs.get(tabId)).url);
    const result = run?.results.find((r) => r.scraper === scraper);
    if (!result) throw new UserError('There are no records to export; scrape the page first.');
    const options = format === 'csv' ? { neutralize_formulas: await readSetting('csvNeutralizeFormulas') } : {};
    const { text } = await host.exportRecords(result.records, format, options);
    return { text, filename: exportFilename(run.url, scraper, format, run.startedAt), mediaType: format === 'csv' ? 'text/csv' : 'application/json' };
  },
});
