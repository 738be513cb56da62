// The code editor of the options page: CodeMirror 6 with Python. build.py
// bundles this file with the pinned esbuild into editor.bundle.js (nothing is
// loaded from a CDN); the file itself does not ship.

import { basicSetup, EditorView } from 'codemirror';
import { python } from '@codemirror/lang-python';
import { Compartment, EditorState } from '@codemirror/state';
import { keymap } from '@codemirror/view';
import { indentWithTab } from '@codemirror/commands';
import { lintGutter, setDiagnostics } from '@codemirror/lint';

// { getText, setText, markError, clearErrors, setReadOnly, focus, view }
export function createEditor(parent, { onSave = () => {}, onChange = () => {} } = {}) {
  const readOnly = new Compartment();
  // Inside a shadow root CodeMirror styles itself with a constructed
  // stylesheet; in the document it would add <style> elements, which the
  // extension's CSP (style-src 'self') refuses.
  const root = parent.shadowRoot ?? parent.attachShadow({ mode: 'open' });
  const view = new EditorView({
    parent: root,
    root,
    state: EditorState.create({
      doc: '',
      extensions: [
        basicSetup,
        python(),
        lintGutter(),
        readOnly.of(EditorState.readOnly.of(false)),
        keymap.of([
          { key: 'Mod-s', preventDefault: true, run: () => { onSave(); return true; } },
          indentWithTab,
        ]),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) onChange();
        }),
        EditorView.theme({
          '&': { height: '100%' },
          '.cm-scroller': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', fontSize: '13px' },
          // The page's colours (options.css, light or dark) reach into the
          // shadow root as inherited custom properties.
          '&, .cm-content': { color: 'var(--fg)', backgroundColor: 'var(--bg)', caretColor: 'var(--fg)' },
          '.cm-cursor': { borderLeftColor: 'var(--fg)' },
          '.cm-gutters': { backgroundColor: 'var(--soft)', color: 'var(--muted)', borderRight: '1px solid var(--line)' },
          '.cm-activeLine, .cm-activeLineGutter': { backgroundColor: 'var(--soft)' },
          '&.cm-focused .cm-selectionBackground, .cm-selectionBackground': { backgroundColor: 'rgba(96, 165, 250, 0.35)' },
        }),
      ],
    }),
  });

  return {
    view,
    getText: () => view.state.doc.toString(),
    setText(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, selection: { anchor: 0 } });
      view.dispatch(setDiagnostics(view.state, []));
    },
    // Python's line and column are 1-based; the column may point past the line's end.
    markError(line, column, message) {
      const doc = view.state.doc;
      const target = doc.line(Math.min(Math.max(line || 1, 1), doc.lines));
      let from = Math.min(target.from + Math.max((column || 1) - 1, 0), target.to);
      // A column at or past the line's end (a missing ':') marks the whole line.
      if (from >= target.to) from = target.from;
      const to = target.to;
      view.dispatch(setDiagnostics(view.state, [{ from, to, severity: 'error', message }]));
      view.dispatch({ selection: { anchor: from }, scrollIntoView: true });
    },
    clearErrors() {
      view.dispatch(setDiagnostics(view.state, []));
    },
    setReadOnly(value) {
      view.dispatch({ effects: readOnly.reconfigure(EditorState.readOnly.of(value)) });
    },
    focus: () => view.focus(),
  };
}
