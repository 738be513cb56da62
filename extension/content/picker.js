// Picking data in the page: injected by the service worker
// (service-worker/picker-commands.js) with chrome.scripting, only when the
// person clicks "Pick data" or opens the popup's Lists view; never declared
// as a content script. A classic script, not a module (executeScript's
// `files` runs classic scripts), so message names come from the service
// worker at start (see start(names)) rather than from an import.
//
// Everything it draws lives in one element, <gleaner-picker>, whose closed
// shadow root holds the outlines and the panel: the page's styles cannot
// reach in, its scripts cannot read the preview, and leaving (Esc, Close)
// removes that element and every listener, so no trace stays on the page.
// Page elements themselves are never changed: outlines are boxes drawn over
// them.
//
// What it works out (selectors and the records they give) is a preview; the
// scraper itself is written by Python from the same spec
// (gleaner.scraper_writer.write_scraper), on the page as captured then.

(() => {
  if (globalThis.gleanerPicker) return; // injected again: the one already here stays

  const HOST_TAG = 'gleaner-picker';
  const MAX_BOXES = 400;
  const PREVIEW_ROWS = 5;
  const RECOUNT_DELAY_MS = 150;
  // How many text-bearing parts of an item count towards its score (see itemLevels).
  const PARTS_CAP = 8;
  // Items of one list have nearly the same inner structure; an ad or promo
  // sharing their class has another one (see similarity).
  const SAME_SHAPE = 0.5;
  // Past this many matches a selector is too broad to be a list worth
  // comparing item by item (and comparing would make a click slow).
  const MAX_COMPARED = 1000;

  // --- selectors --------------------------------------------------------------

  // Classes a build tool generated (CSS-in-JS, CSS modules, hashed utility
  // names) change with each deploy of the site: a selector built on them
  // would stop matching next week. So would state classes that differ from
  // item to item.
  const CSS_IN_JS = /^(css|sc|jsx|emotion|svelte|styled|makeStyles)-?[A-Za-z0-9_-]*\d/; // css-1x7k2q, jsx-123456
  const CSS_MODULE_SUFFIX = /__[A-Za-z0-9_-]{4,}$/; // Card_title__3xYz1
  const BARE_HASH = /^_?(?=[A-Za-z0-9]*\d)(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{5,}$/; // a1B2c3, _3xk2L
  const PREFIXED_HASH = /^[a-z]{1,3}-(?=[A-Za-z0-9]*[\dA-Z])[A-Za-z0-9]{5,}$/; // sc-bdVaJa, e-1x2y3z
  const WORD_AND_NUMBER = /^[a-z]+\d{1,2}$/; // col12, h2: a word, kept
  const STATE_CLASS = /^(active|selected|current|hover|focus|focused|open|opened|closed|visible|hidden|show|shown|first|last|odd|even|clearfix|(is|has|js)-.+)$/i;

  function isGenerated(name) {
    if (!/^-?[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) return true; // needs escaping: utility values such as w-[20px]
    if (WORD_AND_NUMBER.test(name)) return false;
    return [CSS_IN_JS, CSS_MODULE_SUFFIX, BARE_HASH, PREFIXED_HASH].some((pattern) => pattern.test(name));
  }

  const stableClasses = (element) => [...element.classList].filter((name) => !isGenerated(name) && !STATE_CLASS.test(name));
  const stableId = (element) => (element.id && !isGenerated(element.id) && !/\d{3,}/.test(element.id) ? element.id : null);
  const tagOf = (element) => element.localName.toLowerCase();

  // tag.class.class: what the element is, in the page's own words.
  function ownSelector(element, classes = stableClasses(element)) {
    return tagOf(element) + classes.map((name) => `.${CSS.escape(name)}`).join('');
  }

  // The nearest ancestor worth naming (an id, or stable classes, or a
  // landmark), written as a selector, with the plain steps below it: "main#content
  // > section.listing" rather than a chain of positions.
  function anchorPath(element, most = 4) {
    const steps = [];
    for (let node = element; node && steps.length < most; node = node.parentElement) {
      const id = stableId(node);
      if (id) {
        steps.unshift(`${tagOf(node)}#${CSS.escape(id)}`);
        return steps;
      }
      steps.unshift(ownSelector(node));
      if (stableClasses(node).length || ['main', 'body', 'article', 'nav', 'header', 'footer', 'aside', 'table', 'form'].includes(tagOf(node))) return steps;
    }
    return steps;
  }

  const matches = (selector, root = document) => {
    try {
      return [...root.querySelectorAll(selector)];
    } catch {
      return [];
    }
  };

  // The inner structure of an element, as a set of "depth:tag.classes"
  // entries (three levels down), to tell items of a list from an ad that
  // wears their class.
  function shape(element) {
    const entries = new Set();
    const walk = (node, depth) => {
      for (const child of node.children) {
        entries.add(`${depth}:${ownSelector(child)}`);
        if (depth < 3) walk(child, depth + 1);
      }
    };
    walk(element, 1);
    return entries;
  }

  function similarity(a, b) {
    if (!a.size && !b.size) return 1;
    let shared = 0;
    for (const entry of a) if (b.has(entry)) shared += 1;
    return shared / (a.size + b.size - shared);
  }

  // How much an item holds: its parts that show text, an image or a link.
  function partsOf(element) {
    let parts = 0;
    for (const node of element.querySelectorAll('*')) {
      const ownText = [...node.childNodes].some((child) => child.nodeType === Node.TEXT_NODE && child.data.trim());
      if (ownText || node.localName === 'img' || (node.localName === 'a' && node.hasAttribute('href'))) parts += 1;
      if (parts >= PARTS_CAP) break;
    }
    return Math.max(parts, 1);
  }

  // The selector for the items like `element`: its own tag and classes
  // under an anchor, then narrowed, if elements of another structure match
  // too (an ad between the items), by a class only they have (:not) or a
  // part only the items have (:has). Returns { selector, items } or null.
  function itemSelector(element) {
    const parent = element.parentElement;
    if (!parent || element === document.body || element === document.documentElement) return null;
    const base = `${anchorPath(parent).join(' > ')} > ${ownSelector(element)}`;
    const found = matches(base);
    if (found.length < 2 || !found.includes(element)) return null;
    if (found.length > MAX_COMPARED) return { selector: base, items: found };
    const model = shape(element);
    const alike = found.filter((other) => other === element || similarity(shape(other), model) >= SAME_SHAPE);
    const unlike = found.filter((other) => !alike.includes(other));
    if (!unlike.length) return { selector: base, items: found };
    return narrow(base, alike, unlike);
  }

  function narrow(base, alike, unlike) {
    const common = (elements) => elements.map((e) => new Set(stableClasses(e))).reduce((a, b) => new Set([...a].filter((x) => b.has(x))));
    const theirs = [...common(unlike)].filter((name) => !alike.some((e) => e.classList.contains(name)));
    if (theirs.length) {
      const selector = `${base}:not(.${CSS.escape(theirs[0])})`;
      return { selector, items: matches(selector) };
    }
    // A part every item has and none of the others: its own tag and classes.
    const parts = alike.map((e) => new Set([...e.children].map((child) => ownSelector(child))));
    const shared = [...parts[0]].filter((part) => parts.every((set) => set.has(part)) && part.includes('.'));
    const only = shared.find((part) => !unlike.some((e) => e.querySelector(`:scope > ${part}`)));
    if (only) {
      const selector = `${base}:has(> ${only})`;
      return { selector, items: matches(selector) };
    }
    return { selector: base, items: [...alike, ...unlike] };
  }

  // The candidate lists the clicked element belongs to, from itself up: each
  // level whose selector finds two or more alike. The default is the level
  // whose items hold the most (count times parts): a click on a title picks
  // the product cards, not the titles alone or the cells of one row.
  function itemLevels(element) {
    const levels = [];
    for (let node = element; node && node !== document.body; node = node.parentElement) {
      const found = itemSelector(node);
      if (found && found.items.length >= 2) levels.push({ element: node, ...found, score: found.items.length * partsOf(node) });
    }
    return levels;
  }

  // A field's selector inside its item: the element's own tag and classes,
  // with its parents' added until the element is the first match in the
  // item (what select_one finds); a position (nth-of-type) only when nothing
  // else tells it apart. "" is the item itself.
  function fieldSelector(item, element) {
    if (element === item) return '';
    const steps = [];
    for (let node = element; node !== item; node = node.parentElement) {
      steps.unshift(ownSelector(node));
      if (item.querySelector(steps.join(' > ')) === element) return steps.join(' > ');
    }
    const positioned = [];
    for (let node = element; node !== item; node = node.parentElement) {
      const same = [...node.parentElement.children].filter((child) => child.localName === node.localName);
      positioned.unshift(same.length > 1 ? `${ownSelector(node)}:nth-of-type(${same.indexOf(node) + 1})` : ownSelector(node));
    }
    return positioned.join(' > ');
  }

  // The next-page link: rel=next, then its own classes or label, anchored
  // when those are not unique on the page.
  function nextSelector(link) {
    const rel = (link.getAttribute('rel') || '').split(/\s+/);
    if (rel.includes('next')) return `${tagOf(link)}[rel~="next"]`;
    const own = ownSelector(link);
    if (stableClasses(link).length && matches(own).length === 1) return own;
    const label = link.getAttribute('aria-label');
    if (label && matches(`${tagOf(link)}[aria-label="${CSS.escape(label)}"]`).length === 1) return `${tagOf(link)}[aria-label="${CSS.escape(label)}"]`;
    const anchored = [...anchorPath(link.parentElement), own].join(' ');
    if (matches(anchored)[0] === link) return anchored;
    const same = [...link.parentElement.children].filter((child) => child.localName === link.localName);
    return `${anchorPath(link.parentElement).join(' > ')} > ${own}:nth-of-type(${same.indexOf(link) + 1})`;
  }

  // --- values -----------------------------------------------------------------

  // Text as the scraper takes it: the text nodes joined by a space, spaces
  // collapsed (BeautifulSoup's get_text(" ") then split and joined).
  function textOf(element) {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT, {
      acceptNode: (node) => (node.parentElement.closest('script, style, template') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
    });
    const parts = [];
    while (walker.nextNode()) parts.push(walker.currentNode.data);
    return parts.join(' ').split(/\s+/).filter(Boolean).join(' ');
  }

  const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'poster', 'data-src']);

  function valueOf(element, attr) {
    if (!element) return null;
    // Empty is missing, as in the scraper Python writes.
    if (attr === 'text') return textOf(element) || null;
    const raw = element.getAttribute(attr);
    if (raw === null || (URL_ATTRIBUTES.has(attr) && !raw.trim())) return null;
    if (!URL_ATTRIBUTES.has(attr)) return raw.trim();
    try {
      return new URL(raw.trim(), document.baseURI).href;
    } catch {
      return raw.trim();
    }
  }

  function fieldElement(item, selector) {
    if (!selector) return item;
    try {
      return item.querySelector(selector);
    } catch {
      return null;
    }
  }

  // A name from the element's class words (without the item's own, so
  // "book-title" in a "book" is "title"), else from what it is.
  function suggestName(element, item, attr) {
    const itemWords = new Set(stableClasses(item).flatMap((name) => name.toLowerCase().split(/[-_]+/)));
    let base = null;
    for (let node = element; node && node !== item && !base; node = node.parentElement) {
      for (const name of stableClasses(node)) {
        const words = name.toLowerCase().split(/[-_]+/).filter((word) => /^[a-z]{2,}$/.test(word) && !itemWords.has(word));
        if (words.length) {
          base = words.join('_');
          break;
        }
      }
    }
    const tag = tagOf(element);
    base ??= { img: 'image', a: 'link', time: 'date', h1: 'heading', h2: 'heading', h3: 'heading', h4: 'heading', p: 'text', li: 'item', td: 'cell' }[tag] ?? (element === item ? 'item' : tag);
    if (attr === 'href' || (attr !== 'text' && URL_ATTRIBUTES.has(attr) && base !== 'image')) base = `${base}_url`;
    return base;
  }

  // What a click on this element adds first, and on a second click: a
  // link's text then its address, an image's address then its text.
  function attributeChoices(element) {
    const choices = [];
    if (element.localName === 'img') choices.push('src', 'alt');
    if (textOf(element)) choices.push('text');
    if (element.hasAttribute('href')) choices.push('href');
    if (element.hasAttribute('src') && !choices.includes('src')) choices.push('src');
    for (const attribute of element.attributes) {
      if (!['class', 'style', 'id'].includes(attribute.name) && !choices.includes(attribute.name) && !attribute.name.startsWith('on')) choices.push(attribute.name);
    }
    if (!choices.includes('text')) choices.push('text');
    return choices;
  }

  // --- state --------------------------------------------------------------------

  let names = null; // message names, from the service worker
  let state = null; // picking: { levels, level, items, fields, next, mode, hovered }
  let outline = null; // the Lists view's outline: { selector, label }
  let host = null;
  let root = null;
  let layer = null;
  let panel = null;
  let observer = null;
  let recountTimer = null;
  let drawQueued = false;

  const h = (tag, { dataset, ...props } = {}, ...children) => {
    const node = Object.assign(document.createElement(tag), props);
    Object.assign(node.dataset, dataset);
    node.append(...children.filter((child) => child !== null && child !== undefined && child !== false));
    return node;
  };

  const currentLevel = () => state?.levels[state.level] ?? null;

  function records(limit = Infinity) {
    const level = currentLevel();
    if (!level) return [];
    return state.items.slice(0, limit).map((item) => Object.fromEntries(state.fields.map((field) => [field.name, valueOf(fieldElement(item, field.selector), field.attr)])));
  }

  // --- drawing --------------------------------------------------------------------

  const STYLE = `
    :host { all: initial !important; }
    .layer { position: fixed; inset: 0; pointer-events: none; z-index: 2147483646; }
    .box { position: fixed; box-sizing: border-box; pointer-events: none; border-radius: 2px; }
    .box.hover { outline: 2px dashed #2563eb; background: rgba(37, 99, 235, 0.08); }
    .box.item { outline: 2px solid #16a34a; background: rgba(22, 163, 74, 0.06); }
    .box.field { outline: 2px solid #d97706; background: rgba(217, 119, 6, 0.12); }
    .box.next { outline: 2px solid #9333ea; background: rgba(147, 51, 234, 0.12); }
    .box.outline { outline: 2px solid #16a34a; background: rgba(22, 163, 74, 0.08); }
    .tip { position: fixed; font: 11px/1.3 system-ui, sans-serif; background: #1f2328; color: #fff; padding: 1px 5px; border-radius: 3px; white-space: nowrap; pointer-events: none; }
    .panel { position: fixed; bottom: 12px; right: 12px; width: 380px; max-height: 70vh; overflow: auto; pointer-events: auto;
      font: 13px/1.4 system-ui, sans-serif; color: #1f2328; background: #fff; border: 1px solid #9ca3af; border-radius: 8px;
      box-shadow: 0 4px 18px rgba(0, 0, 0, 0.25); padding: 10px 12px; z-index: 2147483647; text-align: left; }
    .panel.left { right: auto; left: 12px; }
    .banner { position: fixed; top: 8px; left: 50%; transform: translateX(-50%); pointer-events: none; font: 13px/1.4 system-ui, sans-serif;
      background: #1f2328; color: #fff; padding: 4px 10px; border-radius: 6px; z-index: 2147483647; }
    .head { display: flex; gap: 6px; align-items: center; margin-bottom: 6px; }
    .head strong { flex: 1; }
    .step { margin: 0 0 8px; }
    .count { font-weight: 600; }
    .row { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; margin: 4px 0; }
    button, select, input { font: inherit; font-size: 12px; color: #1f2328; background: #fff; border: 1px solid #9ca3af; border-radius: 4px; padding: 2px 6px; }
    button { cursor: pointer; }
    button:disabled { opacity: 0.5; cursor: default; }
    button.primary { background: #2563eb; border-color: #2563eb; color: #fff; }
    button[aria-pressed="true"] { background: #ede9fe; border-color: #9333ea; }
    :focus-visible { outline: 2px solid #2563eb; outline-offset: 1px; }
    .fields { margin: 6px 0; }
    .row.field { flex-wrap: nowrap; }
    .field input { width: 110px; flex: none; }
    .field code { flex: 1; min-width: 0; }
    .field code, .next code { font-size: 11px; color: #4b5563; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; max-width: 160px; }
    .muted { color: #6b7280; font-size: 12px; }
    .status { min-height: 1.4em; font-size: 12px; color: #374151; margin-top: 6px; }
    .status.error { color: #b91c1c; }
    table { border-collapse: collapse; font-size: 11px; width: 100%; table-layout: fixed; margin-top: 4px; }
    th, td { border-bottom: 1px solid #e5e7eb; padding: 2px 4px; text-align: left; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    th { background: #f3f4f6; }
    @media (prefers-color-scheme: dark) {
      .panel { background: #1c1d21; color: #e6e7ea; border-color: #3f434a; }
      button, select, input { background: #1c1d21; color: #e6e7ea; border-color: #3f434a; }
      button[aria-pressed="true"] { background: #3b2a5a; }
      th { background: #2a2c31; }
      th, td { border-color: #3f434a; }
      .muted, .field code, .next code { color: #9ca3af; }
      .status { color: #d1d5db; }
      .status.error { color: #f87171; }
    }
  `;

  function ensureHost() {
    if (host) return;
    host = document.createElement(HOST_TAG);
    host.setAttribute('style', 'all: initial !important; position: fixed !important; inset: 0 !important; pointer-events: none !important; z-index: 2147483647 !important;');
    root = host.attachShadow({ mode: 'closed' });
    // A constructed sheet is not an inline style: a page whose CSP forbids
    // inline styles still lets it apply. Firefox's content scripts cannot
    // adopt one made in their own compartment: a <style> there.
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(STYLE);
      root.adoptedStyleSheets = [sheet];
    } catch {
      root.append(h('style', { textContent: STYLE }));
    }
    layer = h('div', { className: 'layer' });
    root.append(layer);
    // Keys typed in the panel stay in the panel: the page's own shortcuts
    // must not fire while the person names a field.
    for (const type of ['keydown', 'keyup', 'keypress']) {
      root.addEventListener(type, (event) => {
        if (event.key === 'Escape' && type === 'keydown') return;
        event.stopPropagation();
      });
    }
    document.documentElement.append(host);
    addEventListener('scroll', queueDraw, { capture: true, passive: true });
    addEventListener('resize', queueDraw, { passive: true });
    addEventListener('keydown', onKey, true);
    observer = new MutationObserver((mutations) => {
      if (mutations.every((m) => m.target === host || [...m.addedNodes, ...m.removedNodes].every((n) => n === host))) return;
      clearTimeout(recountTimer);
      recountTimer = setTimeout(recount, RECOUNT_DELAY_MS);
    });
    observer.observe(document.documentElement, { childList: true, subtree: true, characterData: true });
  }

  function removeHost() {
    observer?.disconnect();
    clearTimeout(recountTimer);
    removeEventListener('scroll', queueDraw, { capture: true });
    removeEventListener('resize', queueDraw);
    removeEventListener('keydown', onKey, true);
    host?.remove();
    host = root = layer = panel = observer = null;
  }

  function queueDraw() {
    if (drawQueued) return;
    drawQueued = true;
    requestAnimationFrame(() => {
      drawQueued = false;
      drawBoxes();
    });
  }

  function box(element, kind, tip = null) {
    const rect = element.getBoundingClientRect();
    if (!rect.width && !rect.height) return [];
    if (rect.bottom < 0 || rect.top > innerHeight || rect.right < 0 || rect.left > innerWidth) return [];
    const drawn = [h('div', { className: `box ${kind}`, style: `left:${rect.left}px;top:${rect.top}px;width:${rect.width}px;height:${rect.height}px` })];
    if (tip) drawn.push(h('div', { className: 'tip', textContent: tip, style: `left:${Math.max(0, rect.left)}px;top:${Math.max(0, rect.top - 18)}px` }));
    return drawn;
  }

  function drawBoxes() {
    if (!layer) return;
    const drawn = [];
    if (outline) {
      for (const element of outline.items.slice(0, MAX_BOXES)) drawn.push(...box(element, 'outline'));
      drawn.push(h('div', { className: 'banner', textContent: outline.label }));
    }
    if (state) {
      for (const item of state.items.slice(0, MAX_BOXES)) {
        drawn.push(...box(item, 'item'));
        for (const field of state.fields) {
          const element = fieldElement(item, field.selector);
          if (element && element !== item) drawn.push(...box(element, 'field'));
        }
      }
      if (state.next) for (const link of matches(state.next).slice(0, 3)) drawn.push(...box(link, 'next', 'next page'));
      if (state.hovered && state.hovered.isConnected) drawn.push(...box(state.hovered, 'hover', ownSelector(state.hovered)));
    }
    layer.replaceChildren(...drawn);
  }

  function say(text, { error = false } = {}) {
    const status = panel?.querySelector('.status');
    if (!status) return;
    status.textContent = text;
    status.classList.toggle('error', error);
  }

  function stepText() {
    if (state.mode === 'next') return 'Click the link to the next page of this list.';
    const level = currentLevel();
    if (!level) return 'Point at an item of the list you want (a product, a result, a row) and click it.';
    if (!state.fields.length) return 'Now click the parts of an item you want as columns: a title, a price, a link, an image.';
    return 'Click more parts to add columns, click the link to the next page if the list has one, then save it as a scraper.';
  }

  function fieldRow(field, index) {
    const name = h('input', { type: 'text', value: field.name, spellcheck: false, title: 'Column name' });
    name.setAttribute('aria-label', `Name of column ${index + 1}`);
    name.dataset.field = String(index);
    name.addEventListener('input', () => {
      field.name = name.value.trim();
      renderPreview();
    });
    name.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') name.blur();
    });
    const attr = h('select', { title: 'What to take from it' },
      ...field.choices.map((choice) => h('option', { value: choice, textContent: choice === 'text' ? 'text' : choice === 'href' ? 'link address' : choice === 'src' ? 'image address' : choice, selected: choice === field.attr })));
    attr.setAttribute('aria-label', `What column ${index + 1} takes`);
    attr.addEventListener('change', () => {
      field.attr = attr.value;
      renderPreview();
    });
    const drop = h('button', { type: 'button', textContent: '×', title: 'Remove this column', onclick: () => {
      state.fields.splice(index, 1);
      render();
    } });
    drop.setAttribute('aria-label', `Remove column ${field.name}`);
    return h('div', { className: 'row field' }, name, attr, h('code', { textContent: field.selector || '(the item)', title: field.selector || 'the item itself' }), drop);
  }

  function renderPreview() {
    const wrap = panel?.querySelector('.preview');
    if (!wrap) return;
    const level = currentLevel();
    if (!level || !state.fields.length) {
      wrap.replaceChildren();
      return;
    }
    const rows = records(PREVIEW_ROWS);
    const columns = state.fields.map((field) => field.name || '?');
    const cell = (value) => (value === null ? '' : String(value));
    wrap.replaceChildren(
      h('div', { className: 'muted', textContent: `Preview: the first ${Math.min(PREVIEW_ROWS, state.items.length)} of ${state.items.length} records` }),
      h('table', {},
        h('thead', {}, h('tr', {}, ...columns.map((column) => h('th', { textContent: column, title: column })))),
        h('tbody', {}, ...rows.map((record) => h('tr', {}, ...state.fields.map((field) => h('td', { textContent: cell(record[field.name]), title: cell(record[field.name]) })))))),
    );
  }

  function render() {
    if (!panel) return;
    const level = currentLevel();
    const button = (label, action, props = {}) => h('button', { type: 'button', textContent: label, onclick: action, ...props });
    const nextButton = button(state.next ? 'Mark another next link' : 'Mark next link', () => {
      state.mode = state.mode === 'next' ? 'items' : 'next';
      render();
    });
    nextButton.setAttribute('aria-pressed', String(state.mode === 'next'));
    nextButton.dataset.action = 'next';
    panel.replaceChildren(
      h('div', { className: 'head' },
        h('strong', { textContent: 'Gleaner: pick data' }),
        button('⇆', () => panel.classList.toggle('left'), { title: 'Move this panel to the other side' }),
        button('Close', stop, { title: 'Leave picking (Esc)', className: 'close' })),
      h('p', { className: 'step', textContent: stepText() }),
      level && h('div', { className: 'row' },
        h('span', { className: 'count' }),
        h('code', { className: 'muted', textContent: level.selector, title: level.selector }),
      ),
      level && h('div', { className: 'row' },
        button('Smaller items', () => changeLevel(-1), { disabled: state.level === 0, title: 'Choose a smaller part as the item', dataset: { action: 'smaller' } }),
        button('Larger items', () => changeLevel(1), { disabled: state.level === state.levels.length - 1, title: 'Choose a larger part as the item', dataset: { action: 'larger' } }),
        button('Choose again', restart, { dataset: { action: 'restart' } })),
      level && h('div', { className: 'fields' }, ...state.fields.map(fieldRow)),
      level && h('div', { className: 'row next' }, h('span', { textContent: 'Next page:' }),
        h('code', { textContent: state.next ?? 'none marked', title: state.next ?? '' }),
        nextButton,
        state.next && button('Clear', () => {
          state.next = null;
          render();
        }, { dataset: { action: 'clear-next' } })),
      h('div', { className: 'preview' }),
      level && h('div', { className: 'row' }, button('Save as scraper', save, { className: 'primary', disabled: !state.fields.length, dataset: { action: 'save' } })),
      h('div', { className: 'status', role: 'status' }),
    );
    panel.dataset.mode = state.mode;
    panel.dataset.fields = String(state.fields.length);
    showCount();
  }

  // The parts that follow the page (the count, the preview, the boxes),
  // redrawn without touching the field inputs, which may have the focus.
  function showCount() {
    const count = panel.querySelector('.count');
    if (count) count.textContent = `${state.items.length} ${state.items.length === 1 ? 'item' : 'items'}`;
    panel.dataset.items = String(state.items.length);
    renderPreview();
    drawBoxes();
  }

  // --- picking --------------------------------------------------------------------

  const inHost = (event) => host && event.composedPath().includes(host);

  function onMove(event) {
    if (!state) return;
    const target = inHost(event) ? null : event.target;
    if (target === state.hovered) return;
    state.hovered = target instanceof Element ? target : null;
    queueDraw();
  }

  // Clicks on the page pick; they never reach the page (no link is
  // followed, no button pressed) while picking.
  function onPress(event) {
    if (!state || inHost(event)) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    if (event.type === 'click' && event.button === 0 && event.target instanceof Element) pick(event.target);
  }

  function onKey(event) {
    if (event.key !== 'Escape') return;
    if (state) {
      event.preventDefault();
      event.stopImmediatePropagation();
      stop();
    } else if (outline) {
      clearOutline();
    }
  }

  function pick(target) {
    if (state.mode === 'next') {
      const link = target.closest('a[href]');
      if (!link) {
        say('That is not a link. Click the link that goes to the next page.', { error: true });
        return;
      }
      markNext(link);
      return;
    }
    const item = state.items.find((candidate) => candidate.contains(target));
    if (currentLevel() && item) {
      addField(item, target);
      return;
    }
    if (currentLevel()) {
      const link = target.closest('a[href]');
      if (link && looksLikeNext(link)) {
        markNext(link);
        return;
      }
      say('That is outside the chosen items. Click inside one to add a column, a next-page link to follow it, or Choose again for another list.', { error: true });
      return;
    }
    const levels = itemLevels(target);
    if (!levels.length) {
      say('Nothing else on the page looks like that. Click one item of a list (a product, a result, a row).', { error: true });
      return;
    }
    let best = 0;
    levels.forEach((level, index) => {
      if (level.score > levels[best].score) best = index;
    });
    state.levels = levels;
    state.level = best;
    state.items = levels[best].items;
    render();
  }

  function markNext(link) {
    state.next = nextSelector(link);
    state.mode = 'items';
    render();
    say(`Next page: ${link.href}`);
  }

  // A link outside the items that says it goes to the next page (rel=next,
  // its words, its label or its class) is marked as such by a click; any
  // other link needs "Mark next link" first.
  const NEXT_WORDS = /^(next|next page|older|older posts|weiter|suivant|siguiente|successivo|volgende|›|»|→|>|>>)$/i;
  function looksLikeNext(link) {
    if ((link.getAttribute('rel') || '').split(/\s+/).includes('next')) return true;
    const words = [textOf(link), link.getAttribute('aria-label') || '', link.getAttribute('title') || ''].map((text) => text.replace(/[\s›»→]+$/u, '').trim() || text.trim());
    return words.some((text) => NEXT_WORDS.test(text)) || [...link.classList].some((name) => /(^|[-_])next($|[-_])/i.test(name));
  }

  function addField(item, element) {
    const selector = fieldSelector(item, element);
    const choices = attributeChoices(element);
    const taken = state.fields.filter((field) => field.selector === selector).map((field) => field.attr);
    const attr = choices.find((choice) => !taken.includes(choice)) ?? choices[0];
    let name = suggestName(element, item, attr);
    const used = new Set(state.fields.map((field) => field.name));
    for (let n = 2; used.has(name); n += 1) name = `${suggestName(element, item, attr)}_${n}`;
    state.fields.push({ name, selector, attr, choices, element });
    render();
    // The suggestion is selected: typing replaces it, Enter keeps it.
    const input = panel.querySelector(`input[data-field="${state.fields.length - 1}"]`);
    input?.focus();
    input?.select();
  }

  // Another level of the same click: fields keep their element when it is
  // inside the new item, and are dropped when it is not.
  function changeLevel(step) {
    const level = state.levels[state.level + step];
    if (!level) return;
    state.level += step;
    state.items = level.items;
    state.fields = state.fields.flatMap((field) => {
      const item = field.element && state.items.find((candidate) => candidate.contains(field.element));
      return item ? [{ ...field, selector: fieldSelector(item, field.element) }] : [];
    });
    render();
  }

  function restart() {
    Object.assign(state, { levels: [], level: 0, items: [], fields: [], next: null, mode: 'items' });
    render();
  }

  // The page changed (more items loaded, a list re-rendered): count again
  // with the same selectors.
  function recount() {
    if (state && currentLevel()) {
      const level = currentLevel();
      level.items = matches(level.selector);
      state.items = level.items;
      showCount();
    }
    if (outline) outline.items = matches(outline.selector);
    drawBoxes();
  }

  async function save() {
    const fields = state.fields.map(({ name, selector, attr }) => ({ name: name.trim(), selector, attr }));
    if (fields.some((field) => !field.name)) {
      say('Every column needs a name.', { error: true });
      return;
    }
    if (new Set(fields.map((field) => field.name)).size !== fields.length) {
      say('Two columns have the same name; rename one.', { error: true });
      return;
    }
    const spec = { item_selector: currentLevel().selector, fields, next_selector: state.next };
    say('Writing the scraper…');
    try {
      const reply = await chrome.runtime.sendMessage({ target: names.target, name: names.save, payload: { spec } });
      if (!reply?.ok) throw new Error(reply?.error?.message || 'Gleaner did not answer');
      say('The scraper is open in Gleaner\'s editor: check it there and save it to install it.');
    } catch (error) {
      say(error.message, { error: true });
    }
  }

  const PRESS_EVENTS = ['click', 'mousedown', 'mouseup', 'pointerdown', 'pointerup', 'dblclick', 'auxclick', 'submit'];

  function start(messageNames) {
    names = messageNames;
    clearOutline();
    if (state) return; // already picking
    ensureHost();
    state = { levels: [], level: 0, items: [], fields: [], next: null, mode: 'items', hovered: null };
    panel = h('div', { className: 'panel', role: 'dialog' });
    panel.setAttribute('aria-label', 'Gleaner: pick data');
    root.append(panel);
    addEventListener('mousemove', onMove, true);
    for (const type of PRESS_EVENTS) addEventListener(type, onPress, true);
    render();
  }

  function stop() {
    removeEventListener('mousemove', onMove, true);
    for (const type of PRESS_EVENTS) removeEventListener(type, onPress, true);
    state = null;
    outline = null;
    removeHost();
  }

  // --- the Lists view's outlines --------------------------------------------------

  function showOutline(selector, label) {
    if (state) return; // picking: its own boxes show
    ensureHost();
    outline = { selector, label, items: matches(selector) };
    outline.items[0]?.scrollIntoView({ block: 'center', behavior: 'instant' });
    drawBoxes();
  }

  function clearOutline() {
    if (!outline) return;
    outline = null;
    if (!state) removeHost();
  }

  // The popup's Lists view holds a port open while it shows; each message
  // outlines a list, and the port closing (the popup closed) takes the
  // outline away.
  function listen(portName) {
    if (listening) return;
    listening = true;
    chrome.runtime.onConnect.addListener((port) => {
      if (port.name !== portName || port.sender?.id !== chrome.runtime.id) return;
      port.onMessage.addListener((message) => {
        if (message?.selector) showOutline(message.selector, message.label || '');
        else clearOutline();
      });
      port.onDisconnect.addListener(clearOutline);
    });
  }
  let listening = false;

  globalThis.gleanerPicker = {
    // names: { target, save, outlinePort } from common/messages.js
    start(messageNames) {
      start(messageNames);
    },
    listen(messageNames) {
      names = messageNames;
      listen(messageNames.outlinePort);
    },
  };
})();
