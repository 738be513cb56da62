// Scrape times in headless firefox-esr, medians of N fresh profiles (not a
// test: numbers for the README and reviews).
//
//   node tests/firefox/bench-scrape.mjs PACKAGE URL [N=5]
//
// cold:     popup opened in a fresh profile, from its navigation's start until
//           its records show (Python boots from nothing, and saves its memory
//           snapshot)
// warm:     "Scrape again" with Python running
// unloaded: "Scrape again" after Firefox unloaded the idle event page (Python
//           boots from the snapshot); the idle timeout is lowered to 3 s for it

import { launchFirefox, popupState, sleep } from '../../py/gleaner_cli/firefox-driver.mjs';

const [extension, url, runs = '5'] = process.argv.slice(2);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function untilDone(popup) {
  for (;;) {
    const [state, status] = await popupState(popup);
    if (state && state !== 'running') {
      if (state !== 'done') throw new Error(status);
      return;
    }
    await sleep(20);
  }
}

// Click "Scrape again" and time it inside the popup, until its state is done again.
function again(popup) {
  return popup.evaluate(() => new Promise((resolve, reject) => {
    const started = performance.now();
    const observer = new MutationObserver(() => {
      const { state } = document.body.dataset;
      if (state === 'running') return;
      observer.disconnect();
      if (state === 'done') resolve(performance.now() - started);
      else reject(new Error(document.getElementById('status').textContent));
    });
    observer.observe(document.body, { attributes: true, attributeFilter: ['data-state'] });
    document.getElementById('scrape').click();
  }));
}

const times = { cold: [], warm: [], unloaded: [] };
for (let i = 0; i < Number(runs); i += 1) {
  const firefox = await launchFirefox({ extension, idleTimeoutMs: 3000 });
  try {
    const { tabId } = await firefox.openTab(url);
    const popup = await firefox.openPopup(tabId, { wait: false });
    await untilDone(popup);
    // On the popup's clock, from its navigation's start, as bench/perf.py
    // times Chromium's: the driver's own work to open a tab is not a user's
    // wait (noticing the records is, here, up to one 20 ms poll late).
    times.cold.push(await popup.evaluate(() => performance.now()));
    times.warm.push(await again(popup));
    await popup.close();
    while (await firefox.backgroundAlive()) await sleep(200);
    const reopened = await firefox.openPopup(tabId);
    times.unloaded.push(await again(reopened));
  } finally {
    await firefox.close();
  }
  process.stderr.write(`run ${i + 1}: ${Object.entries(times).map(([k, v]) => `${k} ${(v.at(-1) / 1000).toFixed(2)} s`).join(', ')}\n`);
}
process.stdout.write(`${JSON.stringify(Object.fromEntries(Object.entries(times).map(([k, v]) => [k, { medianMs: Math.round(median(v)), runsMs: v.map(Math.round) }])))}\n`);
