// Packages scrapers pin in REQUIRES (docs/packages.md): the package index
// setting and size limit, the words the scraper list shows for a lock, and
// the host-access question asked from the person's Save click (the service
// worker, which fetches from the index at install, has no gesture to ask with).

import { readSettings, writeSettings, onSettingsChanged, SETTINGS } from '../common/settings.js';

const indexInput = document.getElementById('package-index');
const limitInput = document.getElementById('package-limit');

// Kept current, so a Save click can ask for access before its first await.
let indexUrl = SETTINGS.packageIndexUrl.default;

async function show() {
  const settings = await readSettings(['packageIndexUrl', 'packageLimitMB']);
  indexUrl = settings.packageIndexUrl;
  indexInput.value = settings.packageIndexUrl;
  limitInput.value = settings.packageLimitMB;
}

indexInput.addEventListener('change', async () => {
  const value = indexInput.value.trim();
  if (!SETTINGS.packageIndexUrl.valid(value)) {
    indexInput.setCustomValidity(`The package index must be ${SETTINGS.packageIndexUrl.means}.`);
    indexInput.reportValidity();
    return;
  }
  indexInput.setCustomValidity('');
  await writeSettings({ packageIndexUrl: value });
});

limitInput.addEventListener('change', async () => {
  const megabytes = Number(limitInput.value);
  if (!SETTINGS.packageLimitMB.valid(megabytes)) {
    await show();
    return;
  }
  await writeSettings({ packageLimitMB: megabytes });
});

onSettingsChanged(show);
show();

// Whether a scraper's text pins a package (REQUIRES = [... "name==1.2" ...]);
// Python checks properly on save, this only decides whether to ask for access.
export function pinsPackages(source) {
  const requires = /^REQUIRES\s*(?::[^=\n]*)?=\s*\[([^\]]*)\]/m.exec(source);
  return Boolean(requires && requires[1].includes('=='));
}

// Ask for host access to the package index's site; call it first thing in a
// click handler (chrome.permissions.request needs the person's gesture).
// Resolves true when granted (at once if it was before).
export function askIndexAccess() {
  const { protocol, hostname } = new URL(indexUrl);
  return chrome.permissions.request({ origins: [`${protocol}//${hostname}/*`] });
}

const size = (bytes) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`);

// "price-parser 0.5.1 (15 KB, BSD-3-Clause)" for each wheel of a lock.
export function describeLock(lock) {
  return lock.map((wheel) => ({ text: `${wheel.name} ${wheel.version}`, detail: `${size(wheel.size)}, ${wheel.licence}` }));
}

export function describeCache({ count, bytes }) {
  return count ? `Package cache: ${count} ${count === 1 ? 'wheel' : 'wheels'}, ${size(bytes)}` : 'Package cache: empty';
}
