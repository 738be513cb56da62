// The safety settings: the default time limit for scrapers, and whether CSV
// exports neutralise spreadsheet formulas (see common/settings.js); the
// service worker reads them for every scrape and every export.

import { readSettings, writeSettings, onSettingsChanged, SETTINGS } from '../common/settings.js';

const timeout = document.getElementById('scraper-timeout');
const neutralize = document.getElementById('csv-neutralize');

async function show() {
  const { scraperTimeoutSeconds, csvNeutralizeFormulas } = await readSettings(['scraperTimeoutSeconds', 'csvNeutralizeFormulas']);
  timeout.value = scraperTimeoutSeconds;
  neutralize.checked = csvNeutralizeFormulas;
}

timeout.addEventListener('change', async () => {
  const seconds = Number(timeout.value);
  if (!SETTINGS.scraperTimeoutSeconds.valid(seconds)) {
    await show();
    return;
  }
  await writeSettings({ scraperTimeoutSeconds: seconds });
});

neutralize.addEventListener('change', () => writeSettings({ csvNeutralizeFormulas: neutralize.checked }));

// An imported archive may change them while the page is open.
onSettingsChanged(show);
show();
