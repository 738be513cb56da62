// Injected on demand with chrome.scripting.executeScript (never declared as a
// content script, so it runs only when the user asks). Its value, the last
// expression below, is what the service worker receives.
//
// The live DOM is serialised as HTML, so scrapers see what the user sees
// (including what the page's scripts built). A page that *is* a feed (the
// browser shows XML) is re-read from its URL as bytes: the rendered XML viewer
// is not the feed, and only the bytes carry the declared encoding. That fetch
// runs here, in the page's own origin, so it sends what the page itself would.
(async () => {
  const FEED_TYPES = /^(application\/(rss|atom|rdf|feed)\+xml|application\/xml|text\/xml)$/i;
  const doctype = document.doctype
    ? `<!DOCTYPE ${document.doctype.name}${document.doctype.publicId ? ` PUBLIC "${document.doctype.publicId}"` : ''}${document.doctype.systemId ? ` "${document.doctype.systemId}"` : ''}>\n`
    : '';
  const feeds = [...document.querySelectorAll('link[rel~="alternate" i][href]')]
    .filter((link) => /(rss|atom|rdf|feed)\+xml|^application\/xml$|^text\/xml$/i.test(link.type || ''))
    .map((link) => ({ url: link.href, title: link.title || '', type: link.type }));
  const page = {
    url: location.href,
    title: document.title,
    contentType: document.contentType,
    characterSet: document.characterSet,
    kind: 'html',
    feeds,
  };
  if (FEED_TYPES.test(document.contentType) || !document.documentElement || document.documentElement.namespaceURI !== 'http://www.w3.org/1999/xhtml') {
    try {
      const response = await fetch(location.href, { credentials: 'include', cache: 'force-cache' });
      const bytes = new Uint8Array(await response.arrayBuffer());
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return { ...page, kind: 'feed', bytesBase64: btoa(binary), contentType: response.headers.get('content-type') || document.contentType };
    } catch (error) {
      // Fall back to the DOM the browser parsed; the feed scraper copes with text.
      return { ...page, kind: 'feed', xml: new XMLSerializer().serializeToString(document), fetchError: String(error) };
    }
  }
  return { ...page, html: doctype + document.documentElement.outerHTML };
})();
