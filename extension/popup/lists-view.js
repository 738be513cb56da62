// The popup's Lists view: the lists the `lists` scraper found on the page,
// one at a time (main list first), each outlined on the page while it
// shows. Columns renamed or dropped here are what the export writes and
// what "Save as scraper" puts in the scraper. The records are the lists
// scraper's from the run the popup shows; the lists' selectors come from
// Python (FindLists) on the page as it is now.

import { Target, Command, Port, request } from '../common/messages.js';
import { el, saveFile, FILE_FORMATS } from '../common/ui.js';

const LISTS_SCRAPER = 'lists';
// The records' own column saying which list they belong to: not a column of the list.
const LIST_KEY = 'list';
const SHOWN_ROWS = 100;
const $ = (id) => document.getElementById(id);
const send = (name, payload) => request(Target.ServiceWorker, name, payload);

let tabId = null;
let say = () => {};
let lists = [];
let recordsByList = new Map();
let columnsByList = new Map(); // index -> [{ key, name, kept }]
let port = null;

// setStatus: the popup's status line.
export function initListsView(tab, setStatus) {
  tabId = tab;
  say = setStatus;
}

export function listsShown() {
  return !$('lists').hidden;
}

// run: the run the popup shows (its lists scraper's records are the rows).
export async function showLists(run) {
  $('lists').hidden = false;
  $('results').hidden = true;
  $('lists').replaceChildren();
  $('lists').dataset.state = 'finding';
  const result = run?.results.find((r) => r.scraper === LISTS_SCRAPER);
  if (!result) {
    say('The lists scraper did not run on this page (it is off here, or turned off): turn it on and Scrape again.', { error: true });
    $('lists').dataset.state = 'none';
    return;
  }
  say('Finding the lists on this page…');
  let found;
  try {
    found = await send(Command.FindLists, { tabId });
  } catch (error) {
    say(error.message, { error: true });
    $('lists').dataset.state = 'error';
    return;
  }
  if (!listsShown()) return; // closed meanwhile
  lists = found.lists;
  recordsByList = new Map();
  for (const record of result.records) {
    if (!recordsByList.has(record[LIST_KEY])) recordsByList.set(record[LIST_KEY], []);
    recordsByList.get(record[LIST_KEY]).push(record);
  }
  columnsByList = new Map();
  if (!lists.length) {
    say('No list was found on this page.');
    $('lists').dataset.state = 'none';
    return;
  }
  port?.disconnect();
  port = chrome.tabs.connect(tabId, { name: Port.ListsOutline });
  port.onDisconnect.addListener(() => {
    port = null;
  });
  const changed = lists.some((list) => (recordsByList.get(list.index)?.length ?? 0) !== list.items);
  say(`${lists.length} ${lists.length === 1 ? 'list' : 'lists'} on this page.${changed ? ' The page has changed since the scrape: Scrape again for its records as they are now.' : ''}`);
  showList(0);
}

export function hideLists() {
  $('lists').hidden = true;
  $('results').hidden = false;
  port?.postMessage({ selector: null });
}

function columnsOf(list) {
  if (!columnsByList.has(list.index)) {
    const keys = [...new Set([...list.spec.fields.map((field) => field.name), ...(recordsByList.get(list.index) ?? []).flatMap(Object.keys)])].filter((key) => key !== LIST_KEY);
    columnsByList.set(list.index, keys.map((key) => ({ key, name: key, kept: true })));
  }
  return columnsByList.get(list.index);
}

const kept = (list) => columnsOf(list).filter((column) => column.kept);
const cellText = (value) => (value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value));

function showList(position) {
  const list = lists[position];
  const records = recordsByList.get(list.index) ?? [];
  const columns = kept(list);
  const label = `List ${position + 1} of ${lists.length}: ${list.items} ${list.items === 1 ? 'item' : 'items'}`;
  port?.postMessage({ selector: list.spec.item_selector, label });
  const step = (text, to, title) => el('button', { type: 'button', textContent: text, title, disabled: to < 0 || to >= lists.length, dataset: { action: title.startsWith('Next') ? 'next-list' : 'previous-list' }, onclick: () => showList(to) });
  const head = el('tr', {}, ...columns.map((column) => el('th', { scope: 'col', dataset: { key: column.key } },
    el('input', {
      type: 'text',
      value: column.name,
      size: Math.max(4, column.name.length + 1),
      spellcheck: false,
      title: `Rename the column ${column.key}`,
      ariaLabel: `Name of the column ${column.key}`,
      onchange: (event) => {
        column.name = event.target.value.trim() || column.key;
        event.target.value = column.name;
      },
    }),
    el('button', { type: 'button', textContent: '×', title: `Drop the column ${column.name}`, ariaLabel: `Drop the column ${column.name}`, dataset: { drop: column.key }, onclick: () => {
      column.kept = false;
      showList(position);
    } }))));
  const rows = records.slice(0, SHOWN_ROWS).map((record) => el('tr', {}, ...columns.map((column) => {
    const text = cellText(record[column.key]);
    return el('td', { textContent: text, title: text.slice(0, 2000) });
  })));
  const dropped = columnsOf(list).filter((column) => !column.kept);
  const actions = el('span', { className: 'actions' },
    el('button', { type: 'button', textContent: 'Save as scraper', title: 'Write a Python scraper for this list and open it in the editor', dataset: { action: 'save-list' }, disabled: !columns.length, onclick: () => saveAsScraper(list) }),
    ...FILE_FORMATS.map(([text, format]) => el('button', { type: 'button', textContent: text, title: `Save this list as a ${text} file`, dataset: { format }, disabled: !columns.length || !records.length, onclick: () => exportList(list, format) })));
  $('lists').replaceChildren(...[
    el('div', { className: 'lists-head' },
      step('‹', position - 1, 'Previous list'),
      el('h2', { textContent: label }),
      step('›', position + 1, 'Next list'),
      el('code', { textContent: list.spec.item_selector, title: list.spec.item_selector }),
      actions),
    el('div', { className: 'table-wrap' }, el('table', {}, el('thead', {}, head), el('tbody', {}, ...rows))),
    records.length > SHOWN_ROWS ? el('div', { className: 'more', textContent: `Showing the first ${SHOWN_ROWS} of ${records.length}; export to get them all.` }) : null,
    dropped.length ? el('div', { className: 'dropped' }, 'Dropped:', ...dropped.map((column) => el('button', {
      type: 'button', textContent: `${column.key} ↺`, title: `Bring back the column ${column.key}`, dataset: { restore: column.key },
      onclick: () => {
        column.kept = true;
        showList(position);
      },
    }))) : null,
  ].filter(Boolean));
  $('lists').dataset.state = 'shown';
  $('lists').dataset.list = String(list.index);
}

async function exportList(list, format) {
  try {
    const columns = kept(list).map((column) => [column.key, column.name]);
    const { filename, mediaType, ...content } = await send(Command.ExportRecords, { tabId, scraper: LISTS_SCRAPER, format, list: list.index, columns });
    const saved = await saveFile(content, filename, mediaType);
    say(saved ? `Saved ${filename}.` : `The download of ${filename} was interrupted.`, { error: !saved });
  } catch (error) {
    say(error.message, { error: true });
  }
}

// The list's own fields, as the columns now stand: dropped ones left out, renamed ones renamed.
async function saveAsScraper(list) {
  const fields = kept(list).flatMap((column) => {
    const field = list.spec.fields.find((f) => f.name === column.key);
    return field ? [{ name: column.name, selector: field.selector, attr: field.attr }] : [];
  });
  say('Writing the scraper…');
  try {
    await send(Command.SaveListAsScraper, { tabId, spec: { item_selector: list.spec.item_selector, fields, next_selector: list.spec.next_selector ?? null } });
    say('The scraper is open in the editor: check it there and save it to install it.');
  } catch (error) {
    say(error.message, { error: true });
  }
}
