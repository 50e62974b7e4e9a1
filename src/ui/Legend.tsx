/** The colour key: roles, message kinds, cut links and log entries. */
import * as d3 from 'd3';
import { DRAWN_ROLES, messageColor, roleColor, termColor } from './colors';
import { MESSAGE_KINDS } from './frame';
import { t, type StringId } from './strings';

const timerIcon = d3.arc<unknown>().innerRadius(4.5).outerRadius(8).startAngle(0);

export function Legend() {
  return (
    <section className="panel legend" aria-label={t('legend.title')} data-testid="legend">
      <div className="legend-group">
        <h3>{t('legend.roles')}</h3>
        <div className="legend-items">
          {DRAWN_ROLES.map((r) => (
            <span key={r} className="legend-item">
              <svg width="18" height="18" aria-hidden="true">
                <circle cx="9" cy="9" r="8" fill={roleColor(r)} />
                {r === 'crashed' && <path d="M5,5L13,13M5,13L13,5" stroke="#e03131" strokeWidth="2" />}
              </svg>
              {t(`legend.${r}` as StringId)}
            </span>
          ))}
          <span className="legend-item">
            <svg width="18" height="18" aria-hidden="true">
              <g transform="translate(9,9)">
                <path d={timerIcon.endAngle(2 * Math.PI)(null) ?? undefined} fill="#e3e8ef" />
                <path d={timerIcon.endAngle(Math.PI * 1.3)(null) ?? undefined} fill="#e8a33d" />
              </g>
            </svg>
            {t('legend.timer')}
          </span>
        </div>
      </div>
      <div className="legend-group">
        <h3>{t('legend.messages')}</h3>
        <div className="legend-items">
          {MESSAGE_KINDS.map((k) => (
            <span key={k} className="legend-item">
              <svg width="16" height="16" aria-hidden="true">
                <circle cx="8" cy="8" r={k === 'Heartbeat' ? 4.5 : 6} fill={messageColor(k)} />
              </svg>
              {t(`legend.${k}` as StringId)}
            </span>
          ))}
          <span className="legend-item">
            <svg width="16" height="16" aria-hidden="true">
              <circle cx="8" cy="8" r="5.5" fill="#fff" stroke="#1c6dd0" strokeWidth="2" strokeDasharray="3 2" />
            </svg>
            {t('legend.lost')}
          </span>
          <span className="legend-item">
            <svg width="26" height="16" aria-hidden="true">
              <line x1="1" y1="8" x2="25" y2="8" stroke="#e03131" strokeWidth="2.5" strokeDasharray="5 3" />
            </svg>
            {t('legend.cut')}
          </span>
        </div>
      </div>
      <div className="legend-group">
        <h3>{t('legend.log')}</h3>
        <div className="legend-items">
          <span className="legend-item">
            <span className="entry entry-committed" style={{ background: termColor(2), borderColor: termColor(2), color: '#fff' }}>
              2
            </span>
            {t('legend.committed')}
          </span>
          <span className="legend-item">
            <span className="entry entry-uncommitted" style={{ background: '#fff', borderColor: termColor(2), color: termColor(2) }}>
              2
            </span>
            {t('legend.uncommitted')}
          </span>
          <span className="legend-note">{t('legend.termColour')}</span>
        </div>
      </div>
    </section>
  );
}
