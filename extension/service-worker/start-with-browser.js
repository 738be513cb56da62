// "Start Python when the browser starts" (the options page's Performance
// section, off by default): at the browser's start, Python boots the way the
// install-time boot and the popup's WarmUp boot it (host.describe(): the
// offscreen document, restored from the memory snapshot), so the first click
// finds it ready instead of waiting about a second for it. It is then let go
// after the keep-warm period without a use, as after any use.
//
// Chrome only. Firefox's event page, which holds Python there, is unloaded
// after 30 s without events: a boot at the browser's start would be gone
// before most first clicks, having cost the start its CPU (see
// docs/performance.md). runtime.onStartup fires for an installed extension;
// one loaded with --load-extension is installed anew at each launch and never
// gets it.

import { host } from './host-client.js';
import { readSetting } from '../common/settings.js';

const pythonInOffscreenDocument = Boolean(globalThis.chrome?.offscreen);

if (pythonInOffscreenDocument) {
  chrome.runtime.onStartup.addListener(async () => {
    if (!(await readSetting('startPythonWithBrowser'))) return;
    await host.describe().catch((error) => console.warn('Gleaner: Python could not start with the browser', error));
  });
}
