/**
 * A compact timeline strip for presenter mode: one thin lane per server with its role over time
 * (fills and outlines from roles.ts, so it reads in greyscale too), elections won as crowns, and a
 * line at the cursor; always fitted from 0 to the branch's frontier. A click moves the cursor there.
 * It reads the timeline model (`wb.timeline`) the full timeline draws from, never changing it.
 */
import * as d3 from 'd3';
import { useEffect, useRef, useState } from 'react';
import type { Frame } from '../model/frame';
import type { Workbench } from '../model/workbench';
import type { LaneRole } from '../model/timelineModel';
import { t } from '../i18n';
import { timeText } from '../model/why';
import { roleStyle, type StyledRole } from './roles';
import './strip.css';

const LABEL_W = 46;
const LANE_H = 16;
const BAND_H = 10;
const AXIS_H = 18;

function styled(role: Exclude<LaneRole, 'spare'>): StyledRole {
  return role === 'down' ? 'crashed' : role;
}

export function TimelineStrip({ wb, frame, onSeek }: { wb: Workbench; frame: Frame; onSeek(ms: number): void }) {
  const model = wb.timeline;
  model.sync(wb.head);
  const ref = useRef<HTMLDivElement | null>(null);
  const [width, setWidth] = useState(600);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const measure = () => setWidth(Math.max(200, Math.floor(el.clientWidth)));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const endMs = Math.max(100, frame.frontier.timeMs, model.endMs);
  const x = d3.scaleLinear().domain([0, endMs]).range([LABEL_W, width - 8]);
  const height = AXIS_H + model.servers.length * LANE_H + 2;
  const nowMs = frame.position.timeMs;
  const laneTop = (i: number) => AXIS_H + i * LANE_H;

  return (
    <section className="panel strip-panel" data-testid="timeline-strip" aria-label={t('timeline.title')}>
      <div className="strip-wrap" ref={ref}>
        <svg
          className="strip"
          width={width}
          height={height}
          viewBox={`0 0 ${width} ${height}`}
          role="img"
          aria-label={t('strip.label', { end: timeText(endMs), now: timeText(nowMs) })}
          onClick={(e) => {
            const r = e.currentTarget.getBoundingClientRect();
            const px = e.clientX - r.left;
            if (px >= LABEL_W) onSeek(Math.max(0, Math.min(endMs, x.invert(px))));
          }}
        >
          <title>{t('strip.seekTitle')}</title>
          <text className="strip-tick" x={LABEL_W} y={13} textAnchor="start">
            {timeText(0)}
          </text>
          <text className="strip-tick" x={width - 8} y={13} textAnchor="end">
            {timeText(endMs)}
          </text>
          {model.servers.map((id, i) => {
            const segs = model.segments.get(id) ?? [];
            const y = laneTop(i) + (LANE_H - BAND_H) / 2;
            return (
              <g key={id} className="strip-lane" data-lane={id}>
                <text className="strip-id" x={LABEL_W - 8} y={laneTop(i) + LANE_H / 2 + 5} textAnchor="end">
                  {id}
                </text>
                {segs.map((s, k) => {
                  const end = k + 1 < segs.length ? segs[k + 1].startMs : model.endMs;
                  const xa = x(s.startMs);
                  const xb = x(Math.max(s.startMs, end));
                  if (xb - xa < 0.5 || s.role === 'spare') return null;
                  const st = roleStyle(styled(s.role));
                  return (
                    <rect
                      key={k}
                      x={xa}
                      y={y}
                      width={xb - xa}
                      height={BAND_H}
                      fill={st.fill}
                      stroke={st.stroke}
                      strokeWidth={1}
                      strokeDasharray={st.dash ? '3 2' : undefined}
                      data-role={styled(s.role)}
                    />
                  );
                })}
              </g>
            );
          })}
          {model.markers
            .filter((m) => m.kind === 'elected' && m.lane !== null)
            .map((m, k) => {
              const i = model.servers.indexOf(m.lane!);
              if (i < 0) return null;
              const cy = laneTop(i) + LANE_H / 2;
              return <path key={k} className="strip-crown" transform={`translate(${x(m.atMs)},${cy})`} d="M-6,4L-7,-4L-3,-1L0,-6L3,-1L7,-4L6,4Z" />;
            })}
          <line className="strip-now" x1={x(nowMs)} x2={x(nowMs)} y1={AXIS_H - 4} y2={height} />
          <text className="strip-tick strip-now-label" x={x(nowMs)} y={13} textAnchor={x(nowMs) > width - 120 ? 'end' : x(nowMs) < LABEL_W + 80 ? 'start' : 'middle'}>
            {x(nowMs) > LABEL_W + 70 && x(nowMs) < width - 70 ? timeText(nowMs) : ''}
          </text>
        </svg>
      </div>
    </section>
  );
}
