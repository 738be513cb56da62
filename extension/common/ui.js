// What the extension's pages (popup, options) share to draw and to save files.

export function el(tag, { dataset, ...props } = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  Object.assign(node.dataset, dataset);
  node.append(...children.filter((child) => child !== null && child !== undefined && child !== false));
  return node;
}

// An export's bytes: text as UTF-8, or a binary format's base64 decoded
// (an XLSX crosses extension messages as base64 text).
function exportBlob({ text, base64 }, mediaType) {
  if (base64 === undefined) return new Blob([text], { type: `${mediaType};charset=utf-8` });
  return new Blob([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], { type: mediaType });
}

// Save an export ({ text } or { base64 }, as ExportRecords returns it) as a
// real file through chrome.downloads; resolves with true once it is written,
// false if the download was interrupted. The blob URL lives until then:
// revoking it earlier would cut the file short.
export async function saveFile(content, filename, mediaType) {
  const url = URL.createObjectURL(exportBlob(content, mediaType));
  let downloadId = null;
  const ended = new Promise((resolve) => {
    const finished = (delta) => {
      if (delta.id === downloadId && delta.state && delta.state.current !== 'in_progress') {
        chrome.downloads.onChanged.removeListener(finished);
        resolve(delta.state.current === 'complete');
      }
    };
    chrome.downloads.onChanged.addListener(finished);
  });
  try {
    downloadId = await chrome.downloads.download({ url, filename, saveAs: false, conflictAction: 'uniquify' });
    // A small file may be written before the listener could match its id.
    const [item] = await chrome.downloads.search({ id: downloadId });
    return item && item.state !== 'in_progress' ? item.state === 'complete' : await ended;
  } finally {
    URL.revokeObjectURL(url);
  }
}

// The export buttons, as labelled on the popup and the history: [label, format].
export const FILE_FORMATS = Object.freeze([['JSON', 'json'], ['CSV', 'csv'], ['XLSX', 'xlsx'], ['JSONL', 'jsonl']]);
