// The person's settings: every key Gleaner keeps in chrome.storage.local for
// them, with its default and the values it accepts, here and only here. The
// options page writes them, the service worker reads them, the export
// archive carries them. A stored value that is missing or no longer valid
// reads as the default, so no reader repeats one.
//
// (Scrapers and their per-site state are kept by service-worker/scraper-store.js.)

const positive = (max = Infinity) => (value) => typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= max;
const boolean = (value) => typeof value === 'boolean';
const webAddress = (value) => {
  if (typeof value !== 'string' || value.length > 2048) return false;
  try {
    const { protocol, username, password } = new URL(value);
    return (protocol === 'http:' || protocol === 'https:') && !username && !password;
  } catch {
    return false;
  }
};

// The longest time limit a scraper may have, its own TIMEOUT included, so a
// plugin cannot ask for all the time in the world.
export const MAX_TIMEOUT_SECONDS = 300;

// In the order the archive writes them.
export const SETTINGS = Object.freeze({
  // A scraper's time limit when it sets no TIMEOUT of its own.
  scraperTimeoutSeconds: { default: 10, valid: positive(MAX_TIMEOUT_SECONDS), means: `a number of seconds above 0, at most ${MAX_TIMEOUT_SECONDS}` },
  // CSV exports prefix cells that a spreadsheet would run as a formula.
  csvNeutralizeFormulas: { default: true, valid: boolean, means: 'true or false' },
  // The history keeps the newest runs that fit in this many MB.
  historyLimitMB: { default: 50, valid: positive(), means: 'a number of MB above 0' },
  // Python stays booted this long after its last use, then gives its memory back.
  keepWarmMinutes: { default: 5, valid: positive(), means: 'a number of minutes above 0' },
  // Chrome: Python boots when the browser starts (runtime.onStartup), so the
  // first click finds it ready; it then holds its memory until the keep-warm
  // period passes unused. Off by default: that memory is the cost.
  startPythonWithBrowser: { default: false, valid: boolean, means: 'true or false' },
  // Where the packages a scraper pins in REQUIRES are installed from, at its
  // install only (a PEP 503/691 simple index: PyPI's, a company's, a local one).
  packageIndexUrl: { default: 'https://pypi.org/simple/', valid: webAddress, means: 'an http(s) address of a package index' },
  // All the wheels one scraper installs together may not exceed this.
  packageLimitMB: { default: 20, valid: positive(1024), means: 'a number of MB above 0, at most 1024' },
});

export const SETTING_KEYS = Object.freeze(Object.keys(SETTINGS));

function definition(key) {
  if (!Object.hasOwn(SETTINGS, key)) throw new Error(`unknown setting ${key}`);
  return SETTINGS[key];
}

export function defaultSettings() {
  return Object.fromEntries(SETTING_KEYS.map((key) => [key, SETTINGS[key].default]));
}

// The value to use for a stored one: itself when valid, else the default.
export function effective(key, stored) {
  const { default: fallback, valid } = definition(key);
  return valid(stored) ? stored : fallback;
}

// { key: value } for the keys asked for (all by default), defaults filled in.
export async function readSettings(keys = SETTING_KEYS) {
  keys.forEach(definition);
  const stored = await chrome.storage.local.get([...keys]);
  return Object.fromEntries(keys.map((key) => [key, effective(key, stored[key])]));
}

export async function readSetting(key) {
  return (await readSettings([key]))[key];
}

// Throws a sentence naming the first unknown key or invalid value; returns the values.
export function checkSettings(values) {
  if (!values || typeof values !== 'object' || Array.isArray(values)) throw new TypeError('settings must be an object of names and values');
  for (const [key, value] of Object.entries(values)) {
    if (!Object.hasOwn(SETTINGS, key)) throw new TypeError(`there is no setting named ${key}`);
    if (!SETTINGS[key].valid(value)) throw new TypeError(`the setting ${key} must be ${SETTINGS[key].means}, not ${JSON.stringify(value)}`);
  }
  return values;
}

// One storage write of checked values: all of them land, or none.
export async function writeSettings(values) {
  await chrome.storage.local.set(checkSettings(values));
}

// Calls back with { key: newValue } (defaults filled in) whenever a setting changes.
export function onSettingsChanged(callback) {
  chrome.storage.onChanged.addListener((changes, area) => {
    if (area !== 'local') return;
    const changed = SETTING_KEYS.filter((key) => Object.hasOwn(changes, key));
    if (changed.length) callback(Object.fromEntries(changed.map((key) => [key, effective(key, changes[key].newValue)])));
  });
}
