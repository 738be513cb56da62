// The options page manages scrapers. It draws what the service worker returns
// and sends it the person's choices; checking, testing and running scrapers
// happen in Python (through the service worker), storage in scraper-store.js.

import { Target, Command, request } from '../common/messages.js';
import { el } from '../common/ui.js';
import { createEditor } from './editor.bundle.js';
import { initHistory } from './history.js';
import { receiveDrafts } from '../common/editor-draft.js';
import { askIndexAccess, describeCache, describeLock, pinsPackages } from './package-settings.js';

const $ = (id) => document.getElementById(id);
const SHOWN_ROWS = 100;
const VALIDATE_DELAY_MS = 700;
const TOAST_MS = 10_000;

const TEMPLATE = `"""What this scraper collects, in one sentence."""

NAME = "my-scraper"
TITLE = "My scraper"
VERSION = "1.0.0"
MATCHES = ["https://example.org/*"]
EXCLUDES = []
INPUT = "html"          # or "feed"
REQUIRES = []


def scrape(page):
    # page.url, page.title, page.html, page.soup (BeautifulSoup), page.absolute(href)
    for heading in page.soup.find_all(["h1", "h2"]):
        yield {"level": heading.name, "text": heading.get_text(" ", strip=True)}


TESTS = [
    {
        "url": "https://example.org/",
        "html": "<h1>Hello</h1><h2>World</h2>",
        "records": [{"level": "h1", "text": "Hello"}, {"level": "h2", "text": "World"}],
    },
]
`;

let scrapers = [];
// The scraper in the editor: originalName is its saved NAME (null until saved).
let current = null;
let editor = null;
let validateTimer = null;
let pendingSave = null;

const send = (name, payload) => request(Target.ServiceWorker, name, payload);

function notify(text, { error = false } = {}) {
  $('notice').textContent = text;
  $('notice').classList.toggle('error', error);
}

function download(text, filename, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = el('a', { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function when(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

// --- the list -----------------------------------------------------------------

function lastRunCell(run) {
  if (!run) return el('td', { className: 'muted', textContent: 'never' });
  const outcome = run.ok
    ? el('span', { textContent: `${run.count} ${run.count === 1 ? 'record' : 'records'}` })
    : el('span', { className: 'bad', textContent: run.error, title: run.error });
  return el('td', { className: 'last-run' }, el('div', {}, outcome), el('div', { className: 'muted small', textContent: when(run.at) }),
    el('div', { className: 'muted small url', textContent: run.url, title: run.url }));
}

function patternsCell(scraper) {
  const cell = el('td', { className: 'patterns' });
  for (const pattern of scraper.matches) cell.append(el('code', { textContent: pattern }));
  for (const pattern of scraper.excludes ?? []) cell.append(el('code', { className: 'exclude', textContent: `not ${pattern}` }));
  if (scraper.input === 'feed') cell.append(el('span', { className: 'badge', textContent: 'feeds' }));
  for (const site of scraper.offSites) {
    cell.append(el('span', { className: 'off-site', dataset: { site } }, `off on ${site} `,
      el('button', { type: 'button', className: 'link', textContent: 'turn on', onclick: () => setOffForSite(scraper.name, site, false) })));
  }
  return cell;
}

function scraperRow(scraper) {
  const toggle = el('input', {
    type: 'checkbox', className: 'enabled', checked: scraper.enabled, title: scraper.enabled ? 'Turn off' : 'Turn on',
    onchange: (event) => setEnabled(scraper.name, event.target.checked),
  });
  toggle.setAttribute('aria-label', `${scraper.title || scraper.name} enabled`);
  const about = el('td', { className: 'about' },
    el('div', {}, el('strong', { textContent: scraper.title || scraper.name }), ' ',
      el('span', { className: 'muted', textContent: scraper.name }), ' ',
      el('span', { className: 'version', textContent: scraper.version }), ' ',
      scraper.builtin && el('span', { className: 'badge', textContent: 'built-in' })),
    scraper.description && el('div', { className: 'muted small', textContent: scraper.description }),
    scraper.packages?.length && el('div', { className: 'packages small' }, 'Packages: ',
      ...describeLock(scraper.packages).flatMap(({ text, detail }, i) => [i ? ', ' : '', el('span', { className: 'package', textContent: text }), el('span', { className: 'muted', textContent: ` (${detail})` })])));
  const actions = el('td', { className: 'row-actions' },
    el('button', { type: 'button', textContent: scraper.builtin ? 'View' : 'Edit', dataset: { action: 'edit' }, onclick: () => openScraper(scraper) }),
    scraper.builtin && el('button', { type: 'button', textContent: 'Duplicate', dataset: { action: 'duplicate' }, onclick: () => duplicate(scraper) }),
    el('button', { type: 'button', textContent: 'Export', title: 'Save as a .py file', dataset: { action: 'export' }, onclick: () => exportOne(scraper) }),
    !scraper.builtin && el('button', { type: 'button', className: 'danger', textContent: 'Delete', dataset: { action: 'delete' }, onclick: () => remove(scraper) }));
  return el('tr', { dataset: { name: scraper.name, builtin: String(scraper.builtin), enabled: String(scraper.enabled) }, className: scraper.enabled ? '' : 'off' },
    el('td', {}, toggle), about, patternsCell(scraper), lastRunCell(scraper.lastRun), actions);
}

async function load() {
  const listed = await send(Command.ListScrapers);
  ({ scrapers } = listed);
  $('package-cache').textContent = describeCache(listed.packageCache);
  const mine = scrapers.filter((s) => !s.builtin);
  const rows = scrapers.map(scraperRow);
  if (!mine.length) {
    rows.push(el('tr', { className: 'empty' }, el('td', { colSpan: 5, className: 'muted', textContent: 'No scrapers of your own yet: start a new one, install a .py file, or duplicate a built-in to customise it.' })));
  }
  $('scrapers').tBodies[0].replaceChildren(...rows);
  document.body.dataset.loaded = 'true';
  if ($('test-url').value) testUrl();
}

// Each change reloads the list before its notice shows: when the notice
// says it is done, the list says so too.
async function setEnabled(name, enabled) {
  let notice;
  try {
    await send(Command.SetScraperEnabled, { name, enabled });
    notice = [`${name} is ${enabled ? 'on' : 'off'}.`];
  } catch (error) {
    notice = [error.message, { error: true }];
  }
  await load();
  notify(...notice);
}

async function setOffForSite(name, site, off) {
  try {
    await send(Command.SetScraperOffForSite, { name, url: `https://${site}/`, off });
  } catch (error) {
    notify(error.message, { error: true });
  }
  await load();
}

let testTimer = null;

async function testUrl() {
  const url = $('test-url').value.trim();
  if (!url) {
    $('test-result').replaceChildren();
    return;
  }
  try {
    const result = await send(Command.TestUrl, { url });
    const runs = result.scrapers.filter((s) => s.runs);
    const off = result.scrapers.filter((s) => s.matches && !s.runs);
    $('test-result').replaceChildren(
      el('span', { className: 'muted', textContent: runs.length ? 'Runs: ' : 'No scraper runs there.' }),
      ...runs.map((s) => el('span', { className: 'chip runs', textContent: s.title || s.name, dataset: { name: s.name } })),
      ...off.map((s) => el('span', { className: 'chip off', textContent: `${s.title || s.name} (${s.enabled ? 'off for this site' : 'turned off'})`, dataset: { name: s.name } })),
    );
  } catch (error) {
    $('test-result').replaceChildren(el('span', { className: 'bad', textContent: error.message }));
  }
}

// --- the editor ---------------------------------------------------------------

function dirty() {
  return !!current && !current.builtin && editor.getText() !== current.savedText;
}

function confirmDiscard() {
  return !dirty() || window.confirm(`Discard your unsaved changes to ${current.originalName || 'the new scraper'}?`);
}

function setEditorState() {
  const state = !current ? '' : current.builtin ? 'built-in, read-only' : dirty() ? 'unsaved changes' : current.originalName ? 'saved' : 'not saved yet';
  $('editor-state').textContent = state;
  $('editor-pane').dataset.dirty = String(dirty());
}

function showProblem(error) {
  if (!error) {
    $('problem').hidden = true;
    editor.clearErrors();
    return;
  }
  const where = error.line ? `Line ${error.line}${error.column ? `, column ${error.column}` : ''}: ` : '';
  $('problem').textContent = `${where}${error.message}`;
  $('problem').hidden = false;
  if (error.line) editor.markError(error.line, error.column, error.message);
}

async function validateNow() {
  clearTimeout(validateTimer);
  if (!current || current.builtin) return null;
  $('editor-pane').dataset.validation = 'pending';
  const source = editor.getText();
  const reply = await send(Command.ValidateScraper, { source });
  if (editor.getText() !== source) return reply; // edited meanwhile; the next check reports
  showProblem(reply.ok ? null : reply.error);
  $('editor-pane').dataset.validation = reply.ok ? 'ok' : 'error';
  return reply;
}

function scheduleValidate() {
  clearTimeout(validateTimer);
  validateTimer = setTimeout(() => validateNow().catch((error) => notify(error.message, { error: true })), VALIDATE_DELAY_MS);
}

function openEditor({ source, originalName = null, builtin = false, title }) {
  current = { originalName, builtin, savedText: originalName || builtin ? source : '' };
  $('editor-pane').hidden = false;
  $('editor-title').textContent = title;
  $('duplicate').hidden = !builtin;
  $('save').hidden = builtin;
  $('replace-box').hidden = true;
  $('try-output').replaceChildren();
  $('tests-output').replaceChildren(el('p', { className: 'muted', textContent: 'Run the scraper\'s own TESTS in this browser\'s Python.' }));
  editor.setText(source);
  editor.setReadOnly(builtin);
  showProblem(null);
  setEditorState();
  refreshTabs();
  $('editor-pane').scrollIntoView({ block: 'start' });
  editor.focus();
  if (!builtin) validateNow().catch((error) => notify(error.message, { error: true }));
}

async function builtinSource(name) {
  const response = await fetch(chrome.runtime.getURL(`python/scrapers/${name}.py`));
  if (!response.ok) throw new Error(`the source of the built-in ${name} is missing from this build`);
  return response.text();
}

async function openScraper(scraper) {
  if (!confirmDiscard()) return;
  try {
    const source = scraper.builtin ? await builtinSource(scraper.name) : scraper.source;
    openEditor({ source, originalName: scraper.builtin ? null : scraper.name, builtin: scraper.builtin, title: `${scraper.title || scraper.name} ${scraper.version}` });
  } catch (error) {
    notify(error.message, { error: true });
  }
}

async function duplicate(scraper) {
  if (!confirmDiscard()) return;
  const taken = new Set(scrapers.map((s) => s.name));
  let name = `${scraper.name}-custom`;
  for (let n = 2; taken.has(name); n += 1) name = `${scraper.name}-custom-${n}`;
  const source = (await builtinSource(scraper.name)).replace(/^NAME\s*=.*$/m, `NAME = ${JSON.stringify(name)}`);
  openEditor({ source, title: `${name} (copy of ${scraper.name})` });
}

async function save() {
  if (!current || current.builtin) return;
  const source = editor.getText();
  try {
    // Asked first, while the click still counts as the person's gesture; the
    // service worker refuses the install with a sentence if it was refused.
    if (pinsPackages(source)) await askIndexAccess();
    const reply = await validateNow();
    if (!reply.ok) {
      notify('Not saved: fix the marked problem first.', { error: true });
      return;
    }
    const { installed } = reply;
    // Installing over another scraper of the same name: show what changes first.
    if (installed && reply.metadata.name !== current.originalName) {
      pendingSave = { source, metadata: reply.metadata };
      const order = installed.newer > 0 ? 'newer than' : installed.newer < 0 ? 'OLDER than' : 'the same version as';
      $('replace-text').textContent = `${reply.metadata.name} is already installed. Installed: version ${installed.version}; this one: version ${reply.metadata.version} (${order} the installed one). Replace it?`;
      $('replace-diff').replaceChildren(...diffLines(installed.diff || 'The code is identical.'));
      $('replace-box').hidden = false;
      return;
    }
    await commitSave(source, false);
  } catch (error) {
    notify(error.message, { error: true });
  }
}

async function commitSave(source, replace) {
  const saved = await send(Command.SaveScraper, { source, originalName: current.originalName, replace });
  current.originalName = saved.name;
  current.savedText = source;
  $('replace-box').hidden = true;
  $('editor-title').textContent = `${saved.title || saved.name} ${saved.version}`;
  setEditorState();
  // The list first: when the notice says saved, the list shows it.
  await load();
  const installed = saved.packages?.length ? ` with ${saved.packages.map((w) => `${w.name} ${w.version}`).join(', ')}` : '';
  notify(`Saved ${saved.name} ${saved.version}${installed}.`);
}

function diffLines(diff) {
  return diff.split('\n').map((line) => el('span', {
    className: line.startsWith('+') && !line.startsWith('+++') ? 'add' : line.startsWith('-') && !line.startsWith('---') ? 'del' : line.startsWith('@@') ? 'hunk' : '',
    textContent: `${line}\n`,
  }));
}

function closeEditor() {
  if (!confirmDiscard()) return;
  current = null;
  $('editor-pane').hidden = true;
}

function exportOne(scraper) {
  const write = (source) => download(source, `${scraper.name}.py`, 'text/x-python');
  if (scraper.builtin) builtinSource(scraper.name).then(write, (error) => notify(error.message, { error: true }));
  else write(scraper.source);
}

// The NAME the editor's text declares (null when it declares none it can be read from).
const nameInEditor = () => /^NAME\s*=\s*["']([^"']+)["']/m.exec(editor.getText())?.[1] ?? null;

function exportCurrent() {
  const name = nameInEditor() || current.originalName || 'scraper';
  download(editor.getText(), `${name}.py`, 'text/x-python');
}

// --- tests and trying it out ------------------------------------------------

async function runTests() {
  const output = $('tests-output');
  output.dataset.state = 'running';
  output.replaceChildren(el('p', { className: 'muted', textContent: 'Running the tests in Python…' }));
  try {
    // A new scraper, not saved yet, is tested under the NAME it declares.
    const payload = current.builtin
      ? { name: nameInEditor() }
      : { name: current.originalName ?? nameInEditor() ?? 'new-scraper', source: editor.getText() };
    const results = await send(Command.RunScraperTests, payload);
    const passed = results.filter((r) => r.ok).length;
    output.replaceChildren(
      el('p', { className: passed === results.length ? 'good summary' : 'bad summary', textContent: results.length ? `${passed} of ${results.length} passed` : 'This scraper has no TESTS.' }),
      ...results.map((r) => el('div', { className: `case ${r.ok ? 'pass' : 'fail'}`, dataset: { ok: String(r.ok) } },
        el('div', {}, el('strong', { textContent: r.ok ? '✓ pass' : '✗ fail' }), ' ', el('span', { textContent: r.name }),
          r.ok && r.records !== undefined ? el('span', { className: 'muted', textContent: ` (${r.records} records)` }) : null),
        ...(r.ok ? [] : r.problems.map((text) => el('pre', { className: 'diff' }, ...diffLines(text)))),
        r.error?.traceback ? el('pre', { className: 'traceback', textContent: r.error.traceback }) : null)),
    );
    output.dataset.state = 'done';
  } catch (error) {
    output.replaceChildren(el('p', { className: 'bad', textContent: error.message }));
    output.dataset.state = 'error';
  }
}

async function refreshTabs() {
  const select = $('try-source');
  const chosen = select.value;
  const tabs = (await chrome.tabs.query({})).filter((tab) => tab.id !== undefined && !tab.url?.startsWith(chrome.runtime.getURL('')));
  select.replaceChildren(el('option', { value: 'paste', textContent: 'Pasted or uploaded page' }),
    ...tabs.map((tab) => el('option', { value: String(tab.id), textContent: `Tab: ${tab.title || tab.url || tab.id}` })));
  if ([...select.options].some((o) => o.value === chosen)) select.value = chosen;
  $('try-paste').hidden = select.value !== 'paste';
}

function recordsTable(records) {
  const columns = [...new Set(records.flatMap((record) => Object.keys(record)))];
  const cell = (value) => (value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value));
  return el('div', { className: 'table-wrap' }, el('table', {},
    el('thead', {}, el('tr', {}, ...columns.map((c) => el('th', { scope: 'col', textContent: c })))),
    el('tbody', {}, ...records.slice(0, SHOWN_ROWS).map((record) => el('tr', {}, ...columns.map((c) => el('td', { textContent: cell(record[c]), title: cell(record[c]).slice(0, 2000) })))))));
}

async function tryIt() {
  const output = $('try-output');
  output.dataset.state = 'running';
  output.replaceChildren(el('p', { className: 'muted', textContent: 'Running…' }));
  try {
    const source = $('try-source').value;
    const text = $('try-html').value;
    const page = source === 'paste'
      ? { url: $('try-url').value.trim() || 'https://example.org/', ...(/^\s*(<\?xml|<rss|<feed|<rdf:RDF)/i.test(text) ? { xml: text } : { html: text }) }
      : null;
    const { result, page: tried } = await send(Command.TryScraper, { source: editor.getText(), tabId: page ? null : Number(source), page });
    const count = result.records.length;
    output.replaceChildren(...[
      el('p', { className: result.ok ? 'summary' : 'bad summary', textContent: `${count} ${count === 1 ? 'record' : 'records'} from ${tried.title || tried.url}${result.ok ? '' : ', then an error'}` }),
      result.ok ? null : el('div', { className: 'error-box' }, el('div', { textContent: result.error.user ? result.error.message : `${result.error.type}: ${result.error.message}` }),
        result.error.traceback ? el('pre', { className: 'traceback', textContent: result.error.traceback }) : null),
      count ? recordsTable(result.records) : null,
      count > SHOWN_ROWS ? el('p', { className: 'muted', textContent: `Showing the first ${SHOWN_ROWS} of ${count}.` }) : null,
    ].filter(Boolean));
    output.dataset.state = 'done';
  } catch (error) {
    output.replaceChildren(el('p', { className: 'bad', textContent: error.message }));
    output.dataset.state = 'error';
  }
}

// --- install, delete, import --------------------------------------------------

async function install(file) {
  if (!confirmDiscard()) return;
  const source = await file.text();
  openEditor({ source, title: `Install ${file.name}` });
  notify(`Check ${file.name} and save it to install it (Ctrl+S / ⌘S).`);
}

let toastTimer = null;

function toast(text, undo) {
  clearTimeout(toastTimer);
  $('toast-text').textContent = text;
  $('toast').hidden = false;
  $('toast-undo').onclick = async () => {
    $('toast').hidden = true;
    let notice;
    try {
      notice = [await undo()];
    } catch (error) {
      notice = [error.message, { error: true }];
    }
    await load();
    notify(...notice);
  };
  toastTimer = setTimeout(() => { $('toast').hidden = true; }, TOAST_MS);
}

async function remove(scraper) {
  if (!window.confirm(`Delete the scraper ${scraper.title || scraper.name} (${scraper.name} ${scraper.version})?`)) return;
  try {
    const deleted = await send(Command.DeleteScraper, { name: scraper.name });
    if (current?.originalName === scraper.name) {
      current = null;
      $('editor-pane').hidden = true;
    }
    await load();
    toast(`Deleted ${scraper.name}.`, async () => {
      await send(Command.RestoreScraper, deleted);
      return `Restored ${scraper.name}.`;
    });
  } catch (error) {
    notify(error.message, { error: true });
    await load();
  }
}

async function exportAll() {
  try {
    const { text, filename } = await send(Command.ExportArchive, { withWheels: $('export-wheels').checked });
    download(text, filename, 'application/json');
    notify(`Exported to ${filename}.`);
  } catch (error) {
    notify(error.message, { error: true });
  }
}

function askConflicts(conflicts) {
  const dialog = $('import-dialog');
  $('conflicts').replaceChildren(...conflicts.map((c) => {
    const select = el('select', { dataset: { name: c.name } },
      el('option', { value: 'replace', textContent: c.newer ? `Replace with the newer ${c.incoming}` : `Replace (archive has ${c.incoming})` }),
      el('option', { value: 'keep-both', textContent: 'Keep both (the imported one is renamed)' }),
      el('option', { value: 'skip', textContent: 'Skip: keep the installed one' }));
    select.value = c.same ? 'skip' : c.newer ? 'replace' : 'skip';
    return el('div', { className: 'conflict' }, el('strong', { textContent: c.name }),
      el('span', { className: 'muted', textContent: ` installed ${c.installed}, archive ${c.incoming}${c.same ? ' (identical)' : ''} ` }), select);
  }));
  return new Promise((resolve) => {
    dialog.onclose = () => {
      if (dialog.returnValue !== 'import') resolve(null);
      else resolve(Object.fromEntries([...$('conflicts').querySelectorAll('select')].map((s) => [s.dataset.name, s.value])));
    };
    dialog.returnValue = '';
    dialog.showModal();
  });
}

async function importArchive(file, { text = null } = {}) {
  try {
    text ??= await file.text();
    let reply = await send(Command.ImportArchive, { text });
    if (reply.conflicts) {
      const choices = await askConflicts(reply.conflicts);
      if (!choices) {
        notify('Import cancelled; nothing changed.');
        return;
      }
      reply = await send(Command.ImportArchive, { text, choices });
    }
    await load();
    notify(`Imported ${reply.imported.length} ${reply.imported.length === 1 ? 'scraper' : 'scrapers'}${reply.skipped.length ? `, skipped ${reply.skipped.join(', ')}` : ''}.`);
  } catch (error) {
    await load();
    notify(error.message, { error: true });
    if (error.type === 'NeedsIndexAccess') {
      // The packages are fetched from the index the person set; access to it is asked from this click.
      const retry = async () => {
        if (await askIndexAccess()) importArchive(file, { text });
      };
      $('notice').append(' ', el('button', { type: 'button', id: 'allow-index', textContent: 'Allow the package index and import', onclick: retry }));
    }
  }
}

function takeFile(file) {
  if (!file) return;
  if (/\.json$/i.test(file.name)) importArchive(file);
  else install(file);
}

// --- wiring -------------------------------------------------------------------

function main() {
  editor = createEditor($('editor'), {
    onSave: () => save(),
    onChange: () => {
      setEditorState();
      if (current && !current.builtin) scheduleValidate();
    },
  });
  $('new').onclick = () => confirmDiscard() && openEditor({ source: TEMPLATE, title: 'New scraper' });
  // Buttons, not labels around the file inputs, so the keyboard reaches them.
  $('install').onclick = () => $('install-file').click();
  $('import').onclick = () => $('import-file').click();
  $('install-file').onchange = (event) => {
    takeFile(event.target.files[0]);
    event.target.value = '';
  };
  $('import-file').onchange = (event) => {
    if (event.target.files[0]) importArchive(event.target.files[0]);
    event.target.value = '';
  };
  $('export-all').onclick = exportAll;
  $('save').onclick = save;
  $('run-tests').onclick = runTests;
  $('export-one').onclick = exportCurrent;
  $('close-editor').onclick = closeEditor;
  $('duplicate').onclick = () => {
    const name = nameInEditor();
    duplicate(scrapers.find((s) => s.name === name));
  };
  $('replace-confirm').onclick = () => pendingSave && commitSave(pendingSave.source, true).catch((error) => notify(error.message, { error: true }));
  $('replace-cancel').onclick = () => {
    $('replace-box').hidden = true;
    pendingSave = null;
  };
  $('try-run').onclick = tryIt;
  $('try-source').onchange = () => { $('try-paste').hidden = $('try-source').value !== 'paste'; };
  $('try-source').onfocus = refreshTabs;
  $('try-file').onchange = async (event) => {
    const file = event.target.files[0];
    if (file) $('try-html').value = await file.text();
  };
  $('test-url').oninput = () => {
    clearTimeout(testTimer);
    testTimer = setTimeout(testUrl, 200);
  };
  // The whole page takes dropped files: a .py installs, a .json imports.
  let dragDepth = 0;
  document.addEventListener('dragenter', (event) => {
    if (!event.dataTransfer?.types.includes('Files')) return;
    dragDepth += 1;
    $('drop-hint').hidden = false;
  });
  document.addEventListener('dragleave', () => {
    dragDepth = Math.max(0, dragDepth - 1);
    if (!dragDepth) $('drop-hint').hidden = true;
  });
  document.addEventListener('dragover', (event) => event.preventDefault());
  document.addEventListener('drop', (event) => {
    event.preventDefault();
    dragDepth = 0;
    $('drop-hint').hidden = true;
    takeFile(event.dataTransfer.files[0]);
  });
  window.addEventListener('beforeunload', (event) => {
    if (dirty()) event.preventDefault();
  });
  initHistory().catch((error) => notify(error.message, { error: true }));
  // "Save as scraper" (picking, or the popup's Lists view) hands its file here, unsaved.
  receiveDrafts(openDraft).catch((error) => notify(error.message, { error: true }));
  return load();
}

function openDraft(draft) {
  if (!confirmDiscard()) {
    notify('The scraper written from your picks was not opened: your unsaved changes are kept. Save as scraper again to open it.', { error: true });
    return;
  }
  openEditor({ source: draft.source, title: draft.title });
  notify(`Written from what you picked on ${draft.url}. Run tests, then Save to install it.`);
}

main().catch((error) => notify(error.message, { error: true }));
