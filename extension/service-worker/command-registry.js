// Every command the service worker answers, registered by the module that
// owns it (scrape-commands.js, scraper-commands.js, ...): a module adding a
// capability brings its commands with it, and service-worker.js only wires
// modules up and dispatches. Names come from common/messages.js; a name
// registered twice, or one messages.js does not declare, fails at load.

import { Command } from '../common/messages.js';

const handlers = new Map(); // name -> { owner, handler }
const declared = new Set(Object.values(Command));

// handlers: { [Command.X]: async (payload) => result }; owner names the module.
export function registerCommands(owner, moduleHandlers) {
  for (const [name, handler] of Object.entries(moduleHandlers)) {
    if (!declared.has(name)) throw new Error(`${owner} registers ${name}, which common/messages.js does not declare`);
    if (handlers.has(name)) throw new Error(`${owner} registers ${name}, already registered by ${handlers.get(name).owner}`);
    if (typeof handler !== 'function') throw new Error(`${owner} registers ${name} without a handler`);
    handlers.set(name, { owner, handler });
  }
}

// The handler for a command name, or null. A Map, so a name such as
// "constructor" can never reach an inherited property.
export function findCommand(name) {
  return handlers.get(name)?.handler ?? null;
}

// { [name]: owner } for every registered command (the protocol test reads it).
export function registeredCommands() {
  return Object.fromEntries([...handlers].map(([name, { owner }]) => [name, owner]));
}
