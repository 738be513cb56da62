// The keep-warm setting: how long Python stays booted after the last use
// before its memory is given back (see PythonHost.keepWarm). Stored in
// chrome.storage.local; the service worker sends it with each host command.

import { DEFAULT_KEEP_WARM_MINUTES } from '../offscreen/python-host.js';

const input = document.getElementById('keep-warm');

async function show() {
  const { keepWarmMinutes } = await chrome.storage.local.get('keepWarmMinutes');
  input.value = keepWarmMinutes ?? DEFAULT_KEEP_WARM_MINUTES;
}

input.addEventListener('change', async () => {
  const minutes = Number(input.value);
  if (!Number.isFinite(minutes) || minutes <= 0) {
    await show();
    return;
  }
  await chrome.storage.local.set({ keepWarmMinutes: minutes });
});

show();
