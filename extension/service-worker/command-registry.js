// Every command the service worker answers, registered by the module that
// owns it (scrape-commands.js, scraper-commands.js, ...): a module adding a
// capability brings its commands with it, and service-worker.js only wires
// modules up and dispatches. Names come from common/messages.js; a name
// registered twice, or one messages.js does not declare, fails at load.

import { Command, ContentCommand } from '../common/messages.js';

// Extension pages' commands and content scripts' commands are kept apart:
// a content script's message is looked up among its own few only.
const handlers = new Map(); // name -> { owner, handler }
const contentHandlers = new Map();
const declared = new Set(Object.values(Command));
const declaredForContent = new Set(Object.values(ContentCommand));

function register(table, names, group, owner, moduleHandlers) {
  for (const [name, handler] of Object.entries(moduleHandlers)) {
    if (!names.has(name)) throw new Error(`${owner} registers ${name}, which common/messages.js does not declare as a ${group}`);
    if (table.has(name)) throw new Error(`${owner} registers ${name}, already registered by ${table.get(name).owner}`);
    if (typeof handler !== 'function') throw new Error(`${owner} registers ${name} without a handler`);
    table.set(name, { owner, handler });
  }
}

// handlers: { [Command.X]: async (payload) => result }; owner names the module.
export function registerCommands(owner, moduleHandlers) {
  register(handlers, declared, 'Command', owner, moduleHandlers);
}

// handlers: { [ContentCommand.X]: async (payload, sender) => result }: what a
// script Gleaner injected into a tab may ask; sender.tab is that tab.
export function registerContentCommands(owner, moduleHandlers) {
  register(contentHandlers, declaredForContent, 'ContentCommand', owner, moduleHandlers);
}

// The handler for a command name, or null. A Map, so a name such as
// "constructor" can never reach an inherited property.
export function findCommand(name) {
  return handlers.get(name)?.handler ?? null;
}

export function findContentCommand(name) {
  return contentHandlers.get(name)?.handler ?? null;
}

// { [name]: owner } for every registered command (the protocol test reads it).
export function registeredCommands() {
  return Object.fromEntries([...handlers].map(([name, { owner }]) => [name, owner]));
}

export function registeredContentCommands() {
  return Object.fromEntries([...contentHandlers].map(([name, { owner }]) => [name, owner]));
}
