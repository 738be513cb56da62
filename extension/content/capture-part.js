// What the service worker injects for the right-click items that scrape part
// of a page: the table right-clicked, or the selection. Like capture.js it
// runs only when the person asks, and it is serialised on its own, so it may
// use nothing from outside its body.
//
// The part comes back as a small page of its own: the page's URL (links
// resolve as on the page) and title, and a body holding only the part, inside
// copies of the elements around it, so three selected rows are still rows of
// their table, under its caption and header.
export function capturePart(part, targetElementId = null, limitChars = Infinity) {
  const page = { url: location.href, title: document.title, contentType: 'text/html', characterSet: 'UTF-8', kind: 'html', feeds: [] };

  // node's ancestors up to <body>, copied without their other children,
  // around content; a table keeps its caption and header rows.
  function enclosed(node, content) {
    let inner = content;
    for (let element = node; element && element !== document.body && element !== document.documentElement; element = element.parentElement) {
      const copy = element.cloneNode(false);
      if (element.localName === 'table') {
        for (const keep of element.querySelectorAll(':scope > caption, :scope > thead')) {
          if (!inner.querySelector?.(keep.localName)) copy.append(keep.cloneNode(true));
        }
      }
      copy.append(inner);
      inner = copy;
    }
    return inner;
  }

  // The table that was right-clicked. Firefox names the element; Chrome does
  // not, so the table that holds the selection, else the one under the
  // pointer (the menu was opened there), else the page's only table.
  function clickedTable() {
    const menus = globalThis.browser?.menus;
    if (targetElementId !== null && menus?.getTargetElement) {
      const target = menus.getTargetElement(targetElementId);
      if (target) return target.closest('table');
    }
    const selected = getSelection();
    const anchor = selected && !selected.isCollapsed ? selected.anchorNode : null;
    const inSelection = (anchor?.nodeType === Node.ELEMENT_NODE ? anchor : anchor?.parentElement)?.closest('table');
    if (inSelection) return inSelection;
    const hovered = [...document.querySelectorAll(':hover')].at(-1)?.closest('table');
    if (hovered) return hovered;
    const tables = document.querySelectorAll('table');
    return tables.length === 1 ? tables[0] : null;
  }

  const body = document.createElement('body');
  if (part === 'table') {
    const table = clickedTable();
    if (!table) return { error: 'Gleaner could not tell which table you right-clicked. Select a word in the table, then choose Scrape this table again.' };
    body.append(enclosed(table.parentElement, table.cloneNode(true)));
  } else {
    const selection = getSelection();
    if (!selection || selection.isCollapsed) return { error: 'Nothing is selected: select part of the page, then choose Scrape selection.' };
    for (let i = 0; i < selection.rangeCount; i += 1) {
      const range = selection.getRangeAt(i);
      const around = range.commonAncestorContainer;
      body.append(enclosed(around.nodeType === Node.ELEMENT_NODE ? around : around.parentElement, range.cloneContents()));
    }
  }
  const root = document.documentElement.cloneNode(false);
  const head = document.createElement('head');
  head.append(Object.assign(document.createElement('title'), { textContent: document.title }));
  root.append(head, body);
  const html = `<!DOCTYPE html>\n${root.outerHTML}`;
  if (html.length > limitChars) return { tooLarge: { chars: html.length, limitChars } };
  return { ...page, html };
}
