// A scraper handed to the options page's editor as a new, unsaved file.
// "Save as scraper" (service-worker/picker-commands.js) puts the source
// here, in storage.session (gone when the browser closes, never synced),
// and opens the options page; the options page takes it, once, whether it
// was just opened or already open. It is installed only when the person
// saves it in the editor, validated as any other scraper.

const KEY = 'editorDraft';

// draft: { source, title, note }
export async function putDraft(draft) {
  await chrome.storage.session.set({ [KEY]: { ...draft, id: crypto.randomUUID() } });
}

async function takeDraft() {
  const { [KEY]: draft } = await chrome.storage.session.get(KEY);
  if (draft) await chrome.storage.session.remove(KEY);
  return draft ?? null;
}

// Calls open(draft) for the draft waiting now, and for each one put later.
export function receiveDrafts(open) {
  const deliver = () => takeDraft().then((draft) => draft && open(draft));
  chrome.storage.onChanged.addListener((changes, area) => {
    if (area === 'session' && changes[KEY]?.newValue) deliver();
  });
  return deliver();
}
