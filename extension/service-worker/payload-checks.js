// The shape of every command's payload, checked before the command runs.
// Only Gleaner's own pages may send commands at all (see fromExtensionPage);
// the shapes keep a bug, or a page of ours fed odd data, from reaching
// storage or the Python host with values nobody meant. A command without a
// shape here is refused: adding a command means declaring its payload.

import { Command, ContentCommand, EXPORT_FORMATS } from '../common/messages.js';

const MAX_SOURCE_CHARS = 1024 * 1024;
const MAX_ARCHIVE_CHARS = 32 * 1024 * 1024;

// Each check returns null when the value is fine, or what it should be.
const optional = (check) => (value) => (value === undefined || value === null ? null : check(value));
const tabId = (v) => (Number.isSafeInteger(v) && v >= 0 ? null : 'a tab id (a whole number)');
const text = (max) => (v) => (typeof v === 'string' && v.length <= max ? null : `text of at most ${max} characters`);
const name = text(64);
const url = (v) => (typeof v === 'string' && v.length <= 8192 && /^[a-z][a-z0-9+.-]*:/i.test(v) ? null : 'an absolute URL');
const bool = (v) => (typeof v === 'boolean' ? null : 'true or false');
const oneOf = (...values) => (v) => (values.includes(v) ? null : values.map((x) => JSON.stringify(x)).join(' or '));
const object = (v) => (v && typeof v === 'object' && !Array.isArray(v) ? null : 'an object');
const list = (v) => (Array.isArray(v) ? null : 'a list');
const runId = (v) => (Number.isSafeInteger(v) && v > 0 ? null : 'a history run id (a whole number)');
const crawlId = text(80);
const number = (v) => (typeof v === 'number' && Number.isFinite(v) ? null : 'a number');
const listOf = (check, max) => (v) => (Array.isArray(v) && v.length <= max && v.every((item) => check(item) === null) ? null : `a list of at most ${max} items`);
const index = (v) => (Number.isSafeInteger(v) && v >= 0 ? null : 'a position (a whole number)');
// An object with exactly these fields (each check as in a payload shape).
const fieldsOf = (fields, what) => (v) => {
  if (object(v)) return what;
  if (Object.keys(v).some((key) => !Object.hasOwn(fields, key))) return `${what}, with no field but ${Object.keys(fields).join(', ')}`;
  const wrong = Object.entries(fields).find(([key, check]) => check(v[key]) !== null);
  return wrong ? `${what} whose ${wrong[0]} is ${wrong[1](v[wrong[0]])}` : null;
};
const selector = text(4000);
// What the picker or the Lists view picked (gleaner.scraper_writer checks the rest).
const pickedSpec = fieldsOf({
  item_selector: selector,
  fields: listOf(fieldsOf({ name: text(200), selector: text(4000), attr: text(200) }, 'a field'), 200),
  next_selector: optional(selector),
}, 'a picked list (item_selector, fields, next_selector)');
const columnPair = (v) => (Array.isArray(v) && v.length === 2 && v.every((part) => text(200)(part) === null) ? null : 'a [key, name] pair');

const CRAWL_REQUEST = {
  mode: oneOf('follow', 'next', 'list'),
  urls: listOf(url, 10_000),
  scrapers: listOf(name, 50),
  nextPages: optional(number),
  maxPages: optional(number),
  delaySeconds: optional(number),
  timeoutSeconds: optional(number),
  settleMs: optional(number),
  anySite: optional(bool),
  pageColumn: optional(bool),
};

export const SHAPES = Object.freeze({
  [Command.DescribeTab]: { tabId },
  [Command.ScrapeTab]: { tabId, feedUrl: optional(url) },
  [Command.ExportRecords]: {
    tabId: optional(tabId),
    runId: optional(runId),
    scraper: optional(name),
    format: oneOf(...EXPORT_FORMATS),
    list: optional(index),
    columns: optional(listOf(columnPair, 200)),
  },
  [Command.GetLastRun]: { tabId },
  [Command.WarmUp]: {},
  [Command.StartPicker]: { tabId },
  [Command.FindLists]: { tabId },
  [Command.SaveListAsScraper]: { tabId, spec: pickedSpec },
  [ContentCommand.SavePickedScraper]: { spec: pickedSpec },
  [Command.ListScrapers]: {},
  [Command.ValidateScraper]: { source: text(MAX_SOURCE_CHARS) },
  [Command.SaveScraper]: { source: text(MAX_SOURCE_CHARS), originalName: optional(name), replace: optional(bool) },
  [Command.DeleteScraper]: { name },
  [Command.RestoreScraper]: { entry: object, index, offSites: optional(list) },
  [Command.SetScraperEnabled]: { name, enabled: bool },
  [Command.SetScraperOffForSite]: { name, url, off: bool },
  [Command.TestUrl]: { url: text(8192) },
  [Command.RunScraperTests]: { name, source: optional(text(MAX_SOURCE_CHARS)) },
  [Command.TryScraper]: { source: text(MAX_SOURCE_CHARS), tabId: optional(tabId), page: optional(object) },
  [Command.ExportArchive]: { withWheels: optional(bool) },
  [Command.ImportArchive]: { text: text(MAX_ARCHIVE_CHARS), choices: optional(object) },
  [Command.ListRuns]: {},
  [Command.GetRun]: { runId },
  [Command.DeleteRun]: { runId },
  [Command.ClearRuns]: {},
  [Command.StartCrawl]: CRAWL_REQUEST,
  [Command.AwaitCrawlAccess]: CRAWL_REQUEST,
  [Command.StartAwaitedCrawl]: { waitId: text(80) },
  [Command.ListCrawls]: {},
  [Command.GetCrawl]: { crawlId, withTimings: optional(bool) },
  [Command.PauseCrawl]: { crawlId },
  [Command.ResumeCrawl]: { crawlId },
  [Command.StopCrawl]: { crawlId },
  [Command.DeleteCrawl]: { crawlId },
  [Command.ExportCrawl]: { crawlId, scraper: name, format: oneOf('json', 'csv', 'jsonl'), pageColumn: optional(bool) },
});

export class InvalidMessage extends Error {
  constructor(message) {
    super(message);
    this.name = 'InvalidMessage';
    this.type = 'InvalidMessage';
    this.user = false;
  }
}

// Throws InvalidMessage naming the command and the first field that is wrong.
export function checkPayload(command, payload) {
  const shape = Object.hasOwn(SHAPES, command) ? SHAPES[command] : null;
  if (!shape) throw new InvalidMessage(`refused ${command}: it has no declared payload shape`);
  if (payload === undefined || payload === null) payload = {};
  if (typeof payload !== 'object' || Array.isArray(payload)) throw new InvalidMessage(`refused ${command}: its payload must be an object`);
  for (const key of Object.keys(payload)) {
    if (!Object.hasOwn(shape, key)) throw new InvalidMessage(`refused ${command}: unexpected field ${JSON.stringify(key)}`);
  }
  for (const [key, check] of Object.entries(shape)) {
    const wanted = check(payload[key]);
    if (wanted) throw new InvalidMessage(`refused ${command}: ${key} must be ${wanted}`);
  }
  return payload;
}
