// The safety settings: the default time limit for scrapers, and whether CSV
// exports neutralise spreadsheet formulas. Stored in chrome.storage.local as
// scraperTimeoutSeconds and csvNeutralizeFormulas; the service worker reads
// them for every scrape and every export.

const DEFAULT_TIMEOUT_SECONDS = 10;
const MAX_TIMEOUT_SECONDS = 300;

const timeout = document.getElementById('scraper-timeout');
const neutralize = document.getElementById('csv-neutralize');

async function show() {
  const { scraperTimeoutSeconds, csvNeutralizeFormulas } = await chrome.storage.local.get(['scraperTimeoutSeconds', 'csvNeutralizeFormulas']);
  timeout.value = scraperTimeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  neutralize.checked = csvNeutralizeFormulas !== false;
}

timeout.addEventListener('change', async () => {
  const seconds = Number(timeout.value);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_TIMEOUT_SECONDS) {
    await show();
    return;
  }
  await chrome.storage.local.set({ scraperTimeoutSeconds: seconds });
});

neutralize.addEventListener('change', () => chrome.storage.local.set({ csvNeutralizeFormulas: neutralize.checked }));

show();
