// WebExtension match patterns: the JS twin of py/gleaner/matching.py.
// The service worker filters scrapers with this file without booting Python;
// tests/match_cases.json holds the cases both implementations must pass.

const WILDCARD_SCHEMES = ['http', 'https', 'ws', 'wss'];
const SCHEMES = [...WILDCARD_SCHEMES, 'ftp', 'file'];
const DEFAULT_PORTS = { http: 80, https: 443, ws: 80, wss: 443, ftp: 21 };
const PATTERN = /^(\*|[a-z]+):\/\/([^/]*)(\/.*)$/s;

export class InvalidPattern extends Error {}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function splitHostPort(hostPort) {
  if (hostPort.startsWith('[')) {
    const end = hostPort.indexOf(']');
    const rest = hostPort.slice(end + 1);
    return [hostPort.slice(1, end), rest.startsWith(':') ? rest.slice(1) : ''];
  }
  const colon = hostPort.indexOf(':');
  return colon < 0 ? [hostPort, ''] : [hostPort.slice(0, colon), hostPort.slice(colon + 1)];
}

export function compilePattern(pattern) {
  if (pattern === '<all_urls>') {
    return { schemes: SCHEMES, anyHost: true, host: '', port: null, path: /^.*$/s };
  }
  const match = PATTERN.exec(pattern);
  if (!match) {
    throw new InvalidPattern(`'${pattern}' is not a match pattern (expected scheme://host/path or <all_urls>)`);
  }
  const [, scheme, hostPort, path] = match;
  if (scheme !== '*' && !SCHEMES.includes(scheme)) {
    throw new InvalidPattern(`'${pattern}': scheme '${scheme}' is not supported`);
  }
  let host = '';
  let port = '';
  if (scheme === 'file') {
    if (hostPort) throw new InvalidPattern(`'${pattern}': file patterns take no host (file:///path)`);
  } else {
    [host, port] = splitHostPort(hostPort);
    if (!host) throw new InvalidPattern(`'${pattern}': the host is missing`);
    if (host.includes('*') && host !== '*' && !(host.startsWith('*.') && !host.slice(2).includes('*'))) {
      throw new InvalidPattern(`'${pattern}': '*' in the host must be alone or lead as '*.'`);
    }
    if (port && !(/^\d+$/.test(port) || port === '*')) {
      throw new InvalidPattern(`'${pattern}': the port must be a number`);
    }
  }
  return {
    schemes: scheme === '*' ? WILDCARD_SCHEMES : [scheme],
    anyHost: host === '*',
    host: host.toLowerCase(),
    port: port && port !== '*' ? Number(port) : null,
    path: new RegExp(`^${path.split('*').map(escapeRegExp).join('.*')}$`, 's'),
  };
}

export function patternMatches(compiled, url) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const scheme = parsed.protocol.slice(0, -1);
  if (!compiled.schemes.includes(scheme)) return false;
  if (!compiled.anyHost) {
    const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    if (compiled.host.startsWith('*.')) {
      const base = compiled.host.slice(2);
      if (host !== base && !host.endsWith(`.${base}`)) return false;
    } else if (host !== compiled.host) {
      return false;
    }
  }
  if (compiled.port !== null) {
    const port = parsed.port ? Number(parsed.port) : DEFAULT_PORTS[scheme] ?? null;
    if (port !== compiled.port) return false;
  }
  const path = (parsed.pathname || '/') + parsed.search;
  return compiled.path.test(path);
}

export function urlMatches(url, includes, excludes = []) {
  const hit = (pattern) => patternMatches(compilePattern(pattern), url);
  return includes.some(hit) && !excludes.some(hit);
}
