// The keep-warm setting: how long Python stays booted after the last use
// before its memory is given back (see PythonHost.keepWarm, and
// common/settings.js); the service worker sends it with each host command.

import { readSetting, writeSettings, onSettingsChanged, SETTINGS } from '../common/settings.js';

const input = document.getElementById('keep-warm');

async function show() {
  input.value = await readSetting('keepWarmMinutes');
}

input.addEventListener('change', async () => {
  const minutes = Number(input.value);
  if (!SETTINGS.keepWarmMinutes.valid(minutes)) {
    await show();
    return;
  }
  await writeSettings({ keepWarmMinutes: minutes });
});

onSettingsChanged(show);
show();
