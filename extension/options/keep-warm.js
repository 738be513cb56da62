// The Performance settings: how long Python stays booted after the last use
// before its memory is given back (see PythonHost.keepWarm, and
// common/settings.js; the service worker sends it with each host command),
// and whether it boots when the browser starts (service-worker/start-with-browser.js).

import { readSettings, writeSettings, onSettingsChanged, SETTINGS } from '../common/settings.js';

const input = document.getElementById('keep-warm');
const startWithBrowser = document.getElementById('start-with-browser');

// Chrome only: Firefox unloads the event page that holds Python 30 s after
// its last event, a boot at the browser's start with it (see
// start-with-browser.js), so the box is not offered there.
document.getElementById('start-with-browser-row').hidden = !globalThis.chrome?.offscreen;

async function show() {
  const settings = await readSettings(['keepWarmMinutes', 'startPythonWithBrowser']);
  input.value = settings.keepWarmMinutes;
  startWithBrowser.checked = settings.startPythonWithBrowser;
}

input.addEventListener('change', async () => {
  const minutes = Number(input.value);
  if (!SETTINGS.keepWarmMinutes.valid(minutes)) {
    await show();
    return;
  }
  await writeSettings({ keepWarmMinutes: minutes });
});

startWithBrowser.addEventListener('change', () => writeSettings({ startPythonWithBrowser: startWithBrowser.checked }));

onSettingsChanged(show);
show();
