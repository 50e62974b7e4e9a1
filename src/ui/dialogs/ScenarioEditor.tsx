/**
 * The scenario editor: the user's own scenarios (kept in browser storage), a YAML editor
 * (CodeMirror 6) with the schema's errors shown inline under the line they are about, and Run.
 *
 * Every change is stored at once as the scenario's draft; only a text that validates becomes its
 * last valid version, which is what Run opens. So an invalid edit (or a reload in the middle of
 * one) never destroys the last valid version, and nothing typed is lost.
 */
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { yaml } from '@codemirror/lang-yaml';
import { defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { EditorState, StateEffect, StateField, type Text } from '@codemirror/state';
import { Decoration, EditorView, WidgetType, highlightActiveLine, keymap, lineNumbers, type DecorationSet } from '@codemirror/view';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ScenarioError } from '../../scenario/types';
import { Dialog } from './Dialog';
import { reasonText } from '../i18n/errorText';
import { t } from '../i18n';
import { applyEdit, type UserScenario } from '../io/userScenarios';
import './editor.css';

/** How long the editor waits after the last keystroke before validating (real ms). */
const VALIDATE_DELAY_MS = 250;

/** One error, placed in the document: `from`..`to` are character offsets. */
interface Placed {
  from: number;
  to: number;
  line: number;
  error: ScenarioError;
}

/** The text of an error as the editor shows it (line, column, key and what was expected). */
export function errorLine(e: ScenarioError): string {
  const reason = reasonText(e);
  return e.key ? t('editor.errorWithKey', { line: e.line, column: e.column, key: e.key, reason }) : t('editor.error', { line: e.line, column: e.column, reason });
}

/** Places 1-based line/column errors in a document; the range covers the word at the column. */
function place(doc: Text, errors: readonly ScenarioError[]): Placed[] {
  return errors.map((error) => {
    const lineNo = Math.max(1, Math.min(error.line, doc.lines));
    const line = doc.line(lineNo);
    const from = Math.min(line.to, line.from + Math.max(0, error.column - 1));
    const word = /^[^\s:,[\]{}]+/.exec(doc.sliceString(from, line.to));
    const to = Math.min(line.to, from + Math.max(1, word ? word[0].length : 1));
    return { from, to: Math.max(from, to), line: lineNo, error };
  });
}

/** A message shown as a block under the line it is about. */
class ErrorWidget extends WidgetType {
  constructor(readonly text: string) {
    super();
  }
  override eq(other: ErrorWidget): boolean {
    return other.text === this.text;
  }
  override toDOM(): HTMLElement {
    const el = document.createElement('div');
    el.className = 'cm-inline-error';
    el.setAttribute('data-testid', 'inline-error');
    el.setAttribute('role', 'note');
    el.textContent = this.text;
    return el;
  }
}

const setInlineErrors = StateEffect.define<Placed[]>();

/** The inline error messages: a block widget after each line with errors, and the line tinted. */
const inlineErrors = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(deco, tr) {
    let out = deco.map(tr.changes);
    for (const e of tr.effects) {
      if (!e.is(setInlineErrors)) continue;
      const byLine = new Map<number, Placed[]>();
      for (const p of e.value) byLine.set(p.line, [...(byLine.get(p.line) ?? []), p]);
      const ranges = [...byLine.entries()]
        .sort(([a], [b]) => a - b)
        .flatMap(([lineNo, ps]) => {
          const line = tr.state.doc.line(lineNo);
          return [
            Decoration.line({ class: 'cm-error-line' }).range(line.from),
            Decoration.widget({ widget: new ErrorWidget(ps.map((p) => errorLine(p.error)).join('\n')), block: true, side: 1 }).range(line.to),
          ];
        });
      out = Decoration.set(ranges, true);
    }
    return out;
  },
  provide: (f) => EditorView.decorations.from(f),
});

/** Shows `errors` in the editor: inline messages, gutter markers, underlines and hover tooltips. */
function showErrors(view: EditorView, errors: readonly ScenarioError[]): void {
  const placed = place(view.state.doc, errors);
  const diagnostics: Diagnostic[] = placed.map((p) => ({ from: p.from, to: p.to, severity: 'error', message: errorLine(p.error), source: p.error.key || undefined }));
  view.dispatch(setDiagnostics(view.state, diagnostics));
  view.dispatch({ effects: setInlineErrors.of(placed) });
}

function editorState(text: string, onText: (text: string) => void): EditorState {
  return EditorState.create({
    doc: text,
    extensions: [
      lineNumbers(),
      highlightActiveLine(),
      history(),
      keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
      yaml(),
      syntaxHighlighting(defaultHighlightStyle),
      lintGutter(),
      inlineErrors,
      EditorState.tabSize.of(2),
      // Long captions wrap, and so do the inline error messages under them.
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({ 'aria-label': t('editor.textLabel'), 'data-testid': 'editor-text', tabindex: '0' }),
      EditorView.updateListener.of((u) => {
        if (u.docChanged) onText(u.state.doc.toString());
      }),
    ],
  });
}

export interface ScenarioEditorProps {
  scenarios: UserScenario[];
  /** The scenario open in the editor (null: none yet). */
  selectedId: string | null;
  onSelect(id: string): void;
  /** Stores a changed scenario (its draft, and its valid text when the draft validated). */
  onStore(s: UserScenario): void;
  /** Creates a scenario from the open run's text, or from the blank template. */
  onNew(from: 'run' | 'blank'): void;
  onDelete(id: string): void;
  /** Opens the scenario's last valid version as the run. */
  onRun(s: UserScenario): void;
  /** Why the last save to browser storage failed, or null. */
  storageProblem: string | null;
  onClose(): void;
}

export function ScenarioEditor(p: ScenarioEditorProps) {
  const host = useRef<HTMLDivElement | null>(null);
  const view = useRef<EditorView | null>(null);
  const selected = p.scenarios.find((s) => s.id === p.selectedId) ?? null;
  const [errors, setErrors] = useState<ScenarioError[]>(() => (selected ? applyEdit(selected, selected.draft).errors : []));
  const [confirmDelete, setConfirmDelete] = useState(false);
  /** The latest props, for the editor's change listener (created once per opened scenario). */
  const latest = useRef({ selected, onStore: p.onStore });
  latest.current = { selected, onStore: p.onStore };
  const timer = useRef<number | null>(null);

  const validate = useCallback((text: string) => {
    const cur = latest.current.selected;
    if (!cur) return;
    const r = applyEdit(cur, text);
    latest.current.onStore(r.scenario);
    setErrors(r.errors);
    if (view.current) showErrors(view.current, r.errors);
  }, []);

  // One CodeMirror view per opened scenario; switching scenarios replaces its state.
  const selectedId = selected?.id ?? null;
  useEffect(() => {
    if (!host.current || selectedId === null) return;
    const cur = latest.current.selected;
    if (!cur) return;
    const onText = (text: string) => {
      const s = latest.current.selected;
      // Store the draft at once (nothing typed is lost); validate once typing pauses.
      if (s) latest.current.onStore({ ...s, draft: text });
      if (timer.current !== null) window.clearTimeout(timer.current);
      timer.current = window.setTimeout(() => {
        timer.current = null;
        validate(text);
      }, VALIDATE_DELAY_MS);
    };
    const v = new EditorView({ state: editorState(cur.draft, onText), parent: host.current });
    view.current = v;
    const first = applyEdit(cur, cur.draft).errors;
    setErrors(first);
    showErrors(v, first);
    setConfirmDelete(false);
    return () => {
      if (timer.current !== null) {
        // Validate what was typed before closing, so the last valid version is up to date.
        window.clearTimeout(timer.current);
        timer.current = null;
        validate(v.state.doc.toString());
      }
      v.destroy();
      view.current = null;
    };
  }, [selectedId, validate]);

  const goTo = (e: ScenarioError) => {
    const v = view.current;
    if (!v) return;
    const [pl] = place(v.state.doc, [e]);
    v.dispatch({ selection: { anchor: pl.from }, scrollIntoView: true });
    v.focus();
  };

  const draftIsValid = selected !== null && errors.length === 0 && selected.draft === selected.valid;
  const status = !selected
    ? t('editor.noneSelected')
    : errors.length === 0
      ? t('editor.valid')
      : selected.valid
        ? t(errors.length === 1 ? 'editor.invalidKeptOne' : 'editor.invalidKept', { n: errors.length })
        : t(errors.length === 1 ? 'editor.invalidNeverOne' : 'editor.invalidNever', { n: errors.length });

  return (
    <Dialog title={t('editor.title')} onClose={p.onClose} testId="editor" size="full">
      <div className="editor-layout">
        <nav className="editor-list" aria-label={t('editor.listLabel')}>
          <div className="editor-new">
            <button type="button" className="btn btn-small" data-testid="editor-new-run" onClick={() => p.onNew('run')} title={t('editor.newFromRunTitle')}>
              {t('editor.newFromRun')}
            </button>
            <button type="button" className="btn btn-small" data-testid="editor-new-blank" onClick={() => p.onNew('blank')} title={t('editor.newBlankTitle')}>
              {t('editor.newBlank')}
            </button>
          </div>
          {p.scenarios.length === 0 ? (
            <p className="dialog-text">{t('editor.empty')}</p>
          ) : (
            <ul>
              {p.scenarios.map((s) => (
                <li key={s.id}>
                  <button
                    type="button"
                    className={s.id === p.selectedId ? 'editor-item selected' : 'editor-item'}
                    data-testid={`editor-item-${s.id}`}
                    aria-current={s.id === p.selectedId ? 'true' : undefined}
                    onClick={() => p.onSelect(s.id)}
                  >
                    <span className="editor-file">{s.file}</span>
                    {s.draft !== s.valid && <span className="editor-badge">{s.valid ? t('editor.badgeEdited') : t('editor.badgeNeverValid')}</span>}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </nav>
        <div className="editor-main">
          {selected && (
            <div className="editor-toolbar">
              <span className="editor-file-title">{selected.file}</span>
              <span className="toolbar-spacer" />
              <button type="button" className="btn btn-primary" data-testid="editor-run" disabled={!selected.valid} onClick={() => p.onRun(selected)} title={draftIsValid ? t('editor.runTitle') : t('editor.runValidTitle')}>
                {draftIsValid ? t('editor.run') : t('editor.runValid')}
              </button>
              <button
                type="button"
                className="btn"
                data-testid="editor-revert"
                disabled={!selected.valid || selected.draft === selected.valid}
                onClick={() => {
                  const v = view.current;
                  if (v) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: selected.valid } });
                }}
                title={t('editor.revertTitle')}
              >
                {t('editor.revert')}
              </button>
              {confirmDelete ? (
                <>
                  <button type="button" className="btn danger" data-testid="editor-delete-confirm" onClick={() => p.onDelete(selected.id)}>
                    {t('editor.deleteConfirm', { file: selected.file })}
                  </button>
                  <button type="button" className="btn" onClick={() => setConfirmDelete(false)}>
                    {t('editor.deleteCancel')}
                  </button>
                </>
              ) : (
                <button type="button" className="btn" data-testid="editor-delete" onClick={() => setConfirmDelete(true)} title={t('editor.deleteTitle')}>
                  {t('editor.delete')}
                </button>
              )}
            </div>
          )}
          <div className="editor-host" ref={host} data-testid="editor-host" hidden={!selected} />
          <p className={errors.length ? 'editor-status bad' : 'editor-status'} data-testid="editor-status" data-errors={errors.length} role="status">
            {status}
          </p>
          {p.storageProblem && (
            <p className="editor-status bad" role="alert" data-testid="editor-storage-problem">
              {t('editor.storageProblem', { reason: p.storageProblem })}
            </p>
          )}
          {errors.length > 0 && (
            <ul className="editor-errors" data-testid="editor-errors" aria-label={t('editor.errorsLabel')}>
              {errors.map((e, i) => (
                <li key={i}>
                  <button type="button" className="link-button" onClick={() => goTo(e)}>
                    {errorLine(e)}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </Dialog>
  );
}
