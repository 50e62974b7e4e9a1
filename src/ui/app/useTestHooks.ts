import { useEffect, type MutableRefObject } from 'react';
import type { TimelineApi } from '../draw/Timeline';
import { getLocale } from '../i18n';
import { savedTrace, savedYaml } from '../io/share';
import { playerState } from '../model/playerMachine';
import type { Workbench } from '../model/workbench';
import { branchLabel } from '../panels/Inspector';
import type { PlayerState } from './usePlayer';

/** Hooks for the browser tests (and curious users): read-only views of the open run. */
export interface RaftsimHooks {
  traceHash(): string;
  nowMs(): number;
  events(): number;
  player(): string;
  /** Playing, but holding simulated time while the caption on screen is read. */
  reading(): boolean;
  /** The cursor position, the branch, and whether the cursor is in the past. */
  position(): { events: number; timeMs: number };
  branchId(): number;
  branches(): { id: number; parent: number | null; label: string }[];
  inPast(): boolean;
  leader(): string | null;
  /** The texts "Save as scenario" and "Export trace" would download now. */
  savedYaml(): string;
  savedTrace(): string;
  /** The current language. */
  lang(): string;
  /** Screen coordinates of timeline marks. */
  timeline: TimelineApi;
}

declare global {
  interface Window {
    __raftsim?: RaftsimHooks;
  }
}

/** Publishes `window.__raftsim` (read-only views of the open run) while the page is mounted. */
export function useTestHooks(wbRef: MutableRefObject<Workbench | null>, actorRef: PlayerState['actorRef'], timelineApi: MutableRefObject<TimelineApi | null>): void {
  useEffect(() => {
    const w = () => wbRef.current;
    const timeline: TimelineApi = {
      arrowPoint: (id) => timelineApi.current?.arrowPoint(id) ?? null,
      drawnMarkers: () => timelineApi.current?.drawnMarkers() ?? [],
      visibleMessages: () => timelineApi.current?.visibleMessages() ?? [],
      timeToX: (ms) => timelineApi.current?.timeToX(ms) ?? NaN,
      laneY: (id) => timelineApi.current?.laneY(id) ?? null,
      fitAll: () => timelineApi.current?.fitAll(),
      setFollow: (on) => timelineApi.current?.setFollow(on),
      axis: () => timelineApi.current?.axis() ?? { ticks: [], now: null, domain: [NaN, NaN] },
    };
    window.__raftsim = {
      traceHash: () => w()?.runner.sim.traceHash ?? '',
      nowMs: () => w()?.runner.sim.nowMs ?? 0,
      events: () => w()?.runner.sim.stats.events ?? 0,
      player: () => playerState(actorRef.getSnapshot().value),
      reading: () => actorRef.getSnapshot().matches({ playing: 'reading' }),
      position: () => w()?.position ?? { events: 0, timeMs: 0 },
      branchId: () => w()?.tm.branchId ?? 0,
      branches: () => (w()?.tm.branches ?? []).map((b) => ({ id: b.id, parent: b.parent, label: branchLabel(b) })),
      inPast: () => w()?.tm.inPast ?? false,
      leader: () => w()?.runner.sim.leader()?.id ?? null,
      savedYaml: () => {
        const x = w();
        return x ? savedYaml(x) : '';
      },
      savedTrace: () => {
        const x = w();
        return x ? savedTrace(x) : '';
      },
      lang: () => getLocale(),
      timeline,
    };
    return () => {
      delete window.__raftsim;
    };
  }, [wbRef, actorRef, timelineApi]);
}
