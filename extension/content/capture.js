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
  const tooLarge = (chars) => ({ tooLarge: { chars, limitChars } });
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
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return { ...page, url: response.url || url, kind: 'feed', bytesBase64: btoa(binary), contentType: response.headers.get('content-type') || '' };
  }

  if (feedUrl) return fetchFeed(feedUrl);
  const isXmlDocument = !(document.documentElement instanceof HTMLElement);
  if (FEED_TYPES.test(document.contentType) || isXmlDocument) {
    const feed = await fetchFeed(location.href);
    // Fall back to the document the browser parsed; the feed scraper copes with text.
    return feed.error ? { ...page, kind: 'feed', xml: new XMLSerializer().serializeToString(document) } : feed;
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
  const doctype = document.doctype
    ? `<!DOCTYPE ${document.doctype.name}${document.doctype.publicId ? ` PUBLIC "${document.doctype.publicId}"` : ''}${document.doctype.systemId ? ` "${document.doctype.systemId}"` : ''}>\n`
    : '';
  const html = doctype + document.documentElement.outerHTML;
  if (html.length > limitChars) return tooLarge(html.length);
  return { ...page, html };
}
