/** The "?" help: the learning aids (glossary, guided tour), then every keyboard shortcut of the page. */
import { t } from '../i18n';
import { Dialog } from './Dialog';

export const SHORTCUTS: { keys: string; what: Parameters<typeof t>[0] }[] = [
  { keys: 'key.space', what: 'help.space' },
  { keys: '←', what: 'help.left' },
  { keys: '→', what: 'help.right' },
  { keys: 'key.shift+→', what: 'help.nextElection' },
  { keys: 'key.shift+←', what: 'help.prevElection' },
  { keys: 'C', what: 'help.client' },
  { keys: 'R', what: 'help.r' },
  { keys: 'P', what: 'help.partition' },
  { keys: 'H', what: 'help.heal' },
  { keys: 'N', what: 'help.now' },
  { keys: 'F', what: 'help.fit' },
  { keys: '?', what: 'help.help' },
  { keys: 'key.esc', what: 'help.escape' },
];

/** A key or key combination as shown on the keyboard ("key.shift+→" names Shift plus an arrow). */
function keyLabel(k: string): string {
  const [name, rest] = k.split('+');
  if (!name.startsWith('key.')) return k;
  const label = name === 'key.space' ? t('key.space') : name === 'key.shift' ? t('key.shift') : t('key.esc');
  return rest ? `${label} + ${rest}` : label;
}

export function HelpOverlay({ onClose, onGlossary, onTour }: { onClose(): void; onGlossary?(): void; onTour?(): void }) {
  return (
    <Dialog title={t('help.title')} onClose={onClose} testId="help-overlay">
      {(onGlossary || onTour) && (
        <div className="help-aids" role="group" aria-label={t('help.aidsLabel')}>
          {onGlossary && (
            <button type="button" className="btn btn-small" data-testid="open-glossary" onClick={onGlossary} title={t('help.glossaryTitle')}>
              {t('help.glossary')}
            </button>
          )}
          {onTour && (
            <button type="button" className="btn btn-small" data-testid="open-tour" onClick={onTour} title={t('help.tourTitle')}>
              {t('help.tour')}
            </button>
          )}
        </div>
      )}
      <table className="shortcuts" aria-label={t('help.shortcutsLabel')}>
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.keys}>
              <th scope="row">
                <kbd>{keyLabel(s.keys)}</kbd>
              </th>
              <td>{t(s.what)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="dialog-text">{t('help.mouse')}</p>
    </Dialog>
  );
}
