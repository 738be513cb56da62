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
  return { ...page, html, tree: domWalk(html, declaration, limitChars) };

  // The DOM itself as one string, the walk, so Python builds its tree
  // without parsing the HTML a second time: py/gleaner/dom_tree.py reads it
  // and says what each part means (a shape of one character per event, the
  // element kinds it names, then the texts, names and values as tokens).
  // Not JSON: most of a page is short strings, and one string split once
  // is what both sides make and read fastest. It is the tree html.parser
  // makes of the HTML above, not a new one: names lowercased as that parser
  // does, a void element's children left out as the serialiser leaves them
  // out, and a noscript's text (raw markup in a page that runs scripts,
  // which the parser would parse) handed over to be parsed. Null when the
  // walk cannot finish, is longer than the page's size limit, or the page
  // holds the separator itself (then its HTML holds it too, as the
  // serialiser writes every text, name and value the walk reads): Python
  // then parses the HTML.
  function domWalk(html, declaration, budget) {
    const FORMAT = 'gleaner-walk-2';
    const SEPARATOR = '\x7f';
    const [TEXT, END, UNLISTED, COMMENT, DOCTYPE, PROCESSING_INSTRUCTION, MARKUP] = [...'"/*!#$%'].map((c) => c.charCodeAt(0));
    // Element kinds (a name and an attribute count) are named by the
    // characters '0' to '~', then '¡' to 'ÿ': one byte each.
    const KINDS = 79 + 95;
    const kindCode = (index) => (index < 79 ? 0x30 + index : 0xa1 + index - 79);
    // The serialiser writes no children for these (HTML's void elements).
    const VOID = new Set(['area', 'base', 'basefont', 'bgsound', 'br', 'col', 'embed', 'frame', 'hr', 'img', 'input', 'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
    const { ELEMENT_NODE, TEXT_NODE, CDATA_SECTION_NODE, COMMENT_NODE, PROCESSING_INSTRUCTION_NODE } = Node;
    const NO_ATTRIBUTES = [];
    if (html.includes(SEPARATOR)) return null;
    try {
      let shape = new Uint8Array(0x10000);
      let length = 0;
      const tokens = [];
      // The kinds listed so far: name -> [its character's code, by attribute count].
      const kinds = new Map();
      const listed = [];
      let afterText = false;
      const event = (code) => {
        if (length === shape.length) {
          const larger = new Uint8Array(length * 2);
          larger.set(shape);
          shape = larger;
        }
        shape[length++] = code;
        afterText = false;
      };
      const text = (data) => {
        // Texts next to each other are one string in html.parser's tree.
        if (afterText) {
          tokens[tokens.length - 1] += data;
        } else {
          event(TEXT);
          tokens.push(data);
          afterText = true;
        }
      };
      const start = (name, attributes) => {
        const count = attributes.length / 2;
        let byCount = kinds.get(name);
        if (!byCount) kinds.set(name, (byCount = []));
        if (byCount[count] === undefined && listed.length / 2 < KINDS) {
          byCount[count] = kindCode(listed.length / 2);
          listed.push(name, count);
        }
        if (byCount[count] === undefined) {
          event(UNLISTED);
          tokens.push(name, count);
        } else {
          event(byCount[count]);
        }
        for (const value of attributes) tokens.push(value);
      };
      if (declaration) {
        event(DOCTYPE);
        tokens.push(declaration);
        text('\n');
      }
      // Depth first, by first child and next sibling (a childNodes list, or
      // an attributes map, is an object the page's DOM keeps for good once
      // asked for): the open elements are the walk's own, as a template's
      // children live in its content, not under it.
      const root = document.documentElement;
      const open = [];
      let node = root;
      while (node) {
        const type = node.nodeType;
        if (type === ELEMENT_NODE) {
          const name = node.localName.toLowerCase();
          start(name, node.hasAttributes() ? attributesOf(node) : NO_ATTRIBUTES);
          let child = null;
          if (name === 'noscript' && node.childElementCount === 0) {
            if (node.textContent) {
              event(MARKUP);
              tokens.push(node.textContent);
            }
          } else if (!VOID.has(name)) {
            child = name === 'template' && node.content ? node.content.firstChild : node.firstChild;
          }
          if (child) {
            open.push(node);
            node = child;
            continue;
          }
          event(END);
        } else if (type === TEXT_NODE || type === CDATA_SECTION_NODE) {
          if (node.data) text(node.data);
        } else if (type === COMMENT_NODE) {
          event(COMMENT);
          tokens.push(node.data);
        } else if (type === PROCESSING_INSTRUCTION_NODE) {
          // Serialised as <?target data?>; html.parser keeps all between <? and >.
          event(PROCESSING_INSTRUCTION);
          tokens.push(`${node.target} ${node.data}?`);
        } else {
          throw new Error(`no event for a node of type ${type}`);
        }
        // On to the next sibling, closing the elements this node ends.
        for (;;) {
          if (!open.length) {
            node = null;
            break;
          }
          if (node.nextSibling) {
            node = node.nextSibling;
            break;
          }
          node = open.pop();
          event(END);
        }
      }
      let shapeText = '';
      for (let i = 0; i < length; i += 0x2000) shapeText += String.fromCharCode.apply(null, shape.subarray(i, Math.min(length, i + 0x2000)));
      const head = [FORMAT, shapeText, listed.length / 2, ...listed].join(SEPARATOR);
      const walk = tokens.length ? head + SEPARATOR + tokens.join(SEPARATOR) : head;
      return walk.length <= budget ? walk : null;
    } catch {
      return null;
    }
  }

  // An element's attributes, names lowercased, as name, value, name, value...
  // By their names, which makes no object per attribute; by the attributes
  // themselves where names cannot tell them apart (a name set with
  // setAttributeNS that getAttribute lowercases, two alike in different
  // namespaces), which scripts alone make.
  function attributesOf(element) {
    const names = element.getAttributeNames();
    const attributes = [];
    for (let i = 0; i < names.length; i += 1) {
      const value = element.getAttribute(names[i]);
      if (value === null || names.indexOf(names[i]) !== i) return [...element.attributes].flatMap((a) => [a.name.toLowerCase(), a.value]);
      attributes.push(names[i].toLowerCase(), value);
    }
    return attributes;
  }
}
