// What the service worker injects into a tab with chrome.scripting.executeScript
// ({ func: capturePage }), only when the user asks: never declared as a content
// script. The function is serialised on its own, so it may use nothing from
// outside its body.
//
// Without an argument it captures the page: the live DOM as HTML, so scrapers
// see what the user sees (including what the page's scripts built). A tab that
// *is* a feed is re-read from its URL as bytes instead: the browser's XML
// viewer is not the feed, and only the bytes carry the declared encoding.
// With a feed URL (one the page links) it fetches that feed. Both fetches run
// here, in the page's own origin, so they send what the page itself would and
// nothing that runs plugins ever touches the network.
//
// A page longer than limitChars is not sent at all: only its size, so the
// service worker can refuse it in words (moving it would cost the most).
export async function capturePage(feedUrl = null, limitChars = Infinity) {
  const DOCUMENT_WAIT_MS = 5000;
  const tooLarge = (chars) => ({ tooLarge: { chars, limitChars } });
  // Injected without waiting for the tab to become idle: wait for the
  // document itself (its DOM complete), for a few seconds at most.
  if (document.readyState === 'loading') {
    await new Promise((resolve) => {
      document.addEventListener('DOMContentLoaded', resolve, { once: true });
      setTimeout(resolve, 5000);
    });
  }
  // Injected without waiting for the tab to become idle: wait for the
  // document itself (its DOM complete), for at most a few seconds.
  if (document.readyState === 'loading') {
    await new Promise((resolve) => {
      document.addEventListener('DOMContentLoaded', resolve, { once: true });
      setTimeout(resolve, DOCUMENT_WAIT_MS);
    });
  }
  const FEED_TYPES = /^(application\/((rss|atom|rdf|feed)\+)?xml|text\/xml)$/i;
  const page = {
    url: location.href,
    title: document.title,
    contentType: document.contentType,
    characterSet: document.characterSet,
    kind: 'html',
    feeds: [...document.querySelectorAll('link[rel~="alternate" i][href]')]
      .filter((link) => /^application\/((rss|atom|rdf|feed)\+)?xml$|^text\/xml$/i.test((link.type || '').trim()))
      .map((link) => ({ url: link.href, title: link.title || '', type: link.type })),
  };

  // Whether bytes are a feed: their first element, past the XML declaration,
  // processing instructions, comments and a doctype, is rss, feed or RDF.
  function isFeedDocument(base64) {
    const head = atob(base64.slice(0, 8192)).replace(/^\uFEFF|^\xEF\xBB\xBF/, '');
    const start = head.replace(/^(\s+|<\?[^]*?\?>|<!--[^]*?-->|<!DOCTYPE[^>]*>)*/i, '');
    return /^<([\w.-]+:)?(rss|feed|RDF)[\s>/]/.test(start);
  }

  async function fetchFeed(url) {
    let response;
    try {
      response = await fetch(url, { credentials: 'include' });
    } catch (error) {
      return { error: `The feed at ${url} could not be read from this page (${error.message}). Feeds on other sites usually forbid that: open the feed itself in a tab and click Gleaner there.` };
    }
    if (!response.ok) return { error: `The feed at ${url} answered HTTP ${response.status}.` };
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.length > limitChars) return tooLarge(bytes.length);
    let binary = '';
    // Not bytes.subarray(): in a Firefox content script the bytes belong to
    // the page's compartment, and subarray's species lookup is refused
    // ("Permission denied to access property constructor").
    for (let i = 0; i < bytes.length; i += 0x8000) {
      binary += String.fromCharCode(...new Uint8Array(bytes.buffer, i, Math.min(0x8000, bytes.length - i)));
    }
    return { ...page, url: response.url || url, kind: 'feed', bytesBase64: btoa(binary), contentType: response.headers.get('content-type') || '' };
  }

  if (feedUrl) return fetchFeed(feedUrl);
  const root = document.documentElement;
  if (root && (FEED_TYPES.test(document.contentType) || !(root instanceof HTMLElement))) {
    const feed = await fetchFeed(location.href);
    // Fall back to the document the browser parsed; the feed scraper copes with text.
    return feed.error ? { ...page, kind: 'feed', xml: new XMLSerializer().serializeToString(document) } : feed;
  }
  // The response, not what the browser rendered from it, says whether the tab
  // is a feed. A feed styled with <?xml-stylesheet?> (XSLT) renders as an HTML
  // page when its stylesheet loads, and as no document at all (Chromium) or an
  // XML parser error (Firefox) when it does not; Chromium shows some feed types
  // as plain text. The navigation's content type tells: Firefox gives the
  // response's own, Chromium gives '' for a document XSLT made. Only then are
  // the bytes re-read, and they are a feed only if their root element is one.
  const navigation = performance.getEntriesByType('navigation')[0];
  const servedAs = navigation && 'contentType' in navigation ? navigation.contentType : null;
  if (!root || servedAs === '' || /xml/i.test(servedAs ?? '') && !/xhtml/i.test(servedAs)) {
    const feed = await fetchFeed(location.href);
    if (!feed.error && (feed.tooLarge || isFeedDocument(feed.bytesBase64))) return feed;
    if (!root) return { error: 'This tab shows no document Gleaner can read (an XML file whose stylesheet failed?).' };
  }
  // A page whose bytes are valid UTF-8 but that the browser decoded with a
  // legacy encoding (a wrong <meta charset>, or none at all) reaches the DOM as
  // mojibake. Its bytes, re-read from the HTTP cache, are then the truth; this
  // costs the live DOM, only for such pages.
  if (document.characterSet !== 'UTF-8') {
    try {
      const response = await fetch(location.href, { cache: 'force-cache', credentials: 'include' });
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (bytes.some((byte) => byte > 0x7f)) {
        const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
        if (text.length > limitChars) return tooLarge(text.length);
        return { ...page, html: text.replace(/^\uFEFF/, ''), decodedFrom: 'bytes' };
      }
    } catch {
      // Not UTF-8 after all (or not re-readable): the browser's decoding stands.
    }
  }
  const { doctype } = document;
  const declaration = doctype
    ? `${doctype.name}${doctype.publicId ? ` PUBLIC "${doctype.publicId}"` : ''}${doctype.systemId ? ` "${doctype.systemId}"` : ''}`
    : null;
  const html = (declaration ? `<!DOCTYPE ${declaration}>\n` : '') + document.documentElement.outerHTML;
  if (html.length > limitChars) return tooLarge(html.length);
  // The walk has a budget of its own, as large as the page's: a page near
  // the limit (a 20 MB table) is where parsing its HTML again costs most.
  return { ...page, html, tree: domTree(declaration, limitChars) };

  // The DOM itself, as JSON text of a flat list of events (a start, text,
  // an end...), so Python builds its tree without parsing the HTML a second
  // time (py/gleaner/dom_tree.py reads it and says what each event means).
  // Flat, because a page may nest elements deeper than JSON readers recurse.
  // It is the tree html.parser makes of the HTML above, not a new one: names
  // lowercased as that parser does, a void element's children left out as
  // the serialiser leaves them out, and a noscript's text (raw markup in a
  // page that runs scripts, which the parser would parse) handed over to be
  // parsed. Null when the walk cannot finish or is longer than the page's
  // size limit: Python then parses the HTML.
  function domTree(declaration, budget) {
    const END = 0;
    const COMMENT = 1;
    const MARKUP = 2;
    const DOCTYPE = 3;
    const PROCESSING_INSTRUCTION = 4;
    // The serialiser writes no children for these (HTML's void elements).
    const VOID = new Set(['area', 'base', 'basefont', 'bgsound', 'br', 'col', 'embed', 'frame', 'hr', 'img', 'input', 'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
    try {
      const events = declaration ? [[DOCTYPE, declaration], '\n'] : [];
      // Depth first without recursion: nodes still to visit, and END where an element closes.
      const pending = [document.documentElement];
      while (pending.length) {
        const node = pending.pop();
        if (node === END) {
          events.push(END);
        } else if (node.nodeType === Node.TEXT_NODE || node.nodeType === Node.CDATA_SECTION_NODE) {
          if (!node.data) continue;
          if (typeof events[events.length - 1] === 'string') events[events.length - 1] += node.data;
          else events.push(node.data);
        } else if (node.nodeType === Node.COMMENT_NODE) {
          events.push([COMMENT, node.data]);
        } else if (node.nodeType === Node.PROCESSING_INSTRUCTION_NODE) {
          // Serialised as <?target data?>; html.parser keeps all between <? and >.
          events.push([PROCESSING_INSTRUCTION, `${node.target} ${node.data}?`]);
        } else if (node.nodeType === Node.ELEMENT_NODE) {
          const name = node.localName.toLowerCase();
          const attributes = [];
          for (const attribute of node.attributes) attributes.push(attribute.name.toLowerCase(), attribute.value);
          events.push([name, attributes]);
          if (VOID.has(name)) {
            events.push(END);
          } else if (name === 'noscript' && node.childElementCount === 0) {
            if (node.textContent) events.push([MARKUP, node.textContent]);
            events.push(END);
          } else {
            pending.push(END);
            const children = name === 'template' && node.content ? node.content.childNodes : node.childNodes;
            for (let i = children.length - 1; i >= 0; i -= 1) pending.push(children[i]);
          }
        } else {
          throw new Error(`no event for a node of type ${node.nodeType}`);
        }
      }
      const text = JSON.stringify(events);
      return text.length <= budget ? text : null;
    } catch {
      return null;
    }
  }
}
