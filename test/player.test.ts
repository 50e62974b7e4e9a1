/**
 * The player statechart (src/ui/model/playerMachine.ts), driven through xstate's actor without a
 * page: opening playing or paused at the first caption (RESTARTED), "Start" until the first Play,
 * a stopped player following the run at the cursor (SYNC), and the reading hold while playing.
 */
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { playerMachine, playerState } from '../src/ui/model/playerMachine';

function player(autoplay: boolean, stopAtEnd = false) {
  const calls: string[] = [];
  const machine = playerMachine.provide({
    actions: {
      stepOne: () => calls.push('stepOne'),
      stepBack: () => calls.push('stepBack'),
      resume: () => calls.push('resume'),
    },
  });
  const actor = createActor(machine, { input: { speed: 0.1, autoplay, stopAtEnd } });
  actor.start();
  return { actor, calls, state: () => playerState(actor.getSnapshot().value), ctx: () => actor.getSnapshot().context };
}

describe('player statechart', () => {
  it('opens paused and not started when autoplay is off; the first Play starts it and resumes', () => {
    const p = player(false);
    expect(p.state()).toBe('paused');
    expect(p.ctx().started).toBe(false);
    p.actor.send({ type: 'PLAY' });
    expect(p.state()).toBe('playing');
    expect(p.ctx().started).toBe(true);
    expect(p.calls).toEqual(['resume']);
  });

  it('opens playing (and started) when autoplay is on', () => {
    const p = player(true);
    expect(p.state()).toBe('playing');
    expect(p.ctx().started).toBe(true);
  });

  it('RESTARTED opens the new run as it says, from every state: playing, or paused at its first caption and not started', () => {
    const p = player(true);
    p.actor.send({ type: 'RESTARTED', autoplay: false });
    expect(p.state()).toBe('paused');
    expect(p.ctx().started).toBe(false);
    p.actor.send({ type: 'RESTARTED', autoplay: true });
    expect(p.state()).toBe('playing');
    expect(p.ctx().started).toBe(true);
    p.actor.send({ type: 'HOLD' });
    expect(p.state()).toBe('held');
    p.actor.send({ type: 'RESTARTED', autoplay: false });
    expect(p.state()).toBe('paused');
    p.actor.send({ type: 'SCRUB_START' });
    expect(p.state()).toBe('scrubbing');
    p.actor.send({ type: 'RESTARTED', autoplay: true });
    expect(p.state()).toBe('playing');
  });

  it('a stopped player follows the run at the cursor: held at a pause there, paused where it is not (SYNC)', () => {
    const p = player(false);
    p.actor.send({ type: 'SYNC', held: true, finished: false });
    expect(p.state()).toBe('held');
    // Not started yet: the button still reads Start; Continue from here resumes and starts.
    expect(p.ctx().started).toBe(false);
    p.actor.send({ type: 'SYNC', held: false, finished: true });
    expect(p.state()).toBe('paused');
    p.actor.send({ type: 'SYNC', held: false, finished: true });
    expect(p.state()).toBe('paused');
  });

  it('held moves to ended on SYNC when the steps are over and "stop at the end" is on; ended leaves when they are not', () => {
    const p = player(false, true);
    p.actor.send({ type: 'SYNC', held: true, finished: false });
    expect(p.state()).toBe('held');
    p.actor.send({ type: 'SYNC', held: false, finished: true });
    expect(p.state()).toBe('ended');
    p.actor.send({ type: 'SYNC', held: false, finished: true });
    expect(p.state()).toBe('ended');
    p.actor.send({ type: 'SYNC', held: false, finished: false });
    expect(p.state()).toBe('paused');
  });

  it('SYNC does not stop a playing player (the loop watches the run itself)', () => {
    const p = player(true);
    p.actor.send({ type: 'SYNC', held: true, finished: true });
    expect(p.state()).toBe('playing');
  });

  it('reading is a substate of playing: READ holds, READ_DONE lets time flow, Pause and Step leave it', () => {
    const p = player(true);
    expect(p.actor.getSnapshot().matches({ playing: 'running' })).toBe(true);
    p.actor.send({ type: 'READ' });
    expect(p.actor.getSnapshot().matches({ playing: 'reading' })).toBe(true);
    expect(p.state()).toBe('playing');
    p.actor.send({ type: 'READ_DONE' });
    expect(p.actor.getSnapshot().matches({ playing: 'running' })).toBe(true);
    p.actor.send({ type: 'READ' });
    p.actor.send({ type: 'PAUSE' });
    expect(p.state()).toBe('paused');
    p.actor.send({ type: 'PLAY' });
    expect(p.actor.getSnapshot().matches({ playing: 'running' })).toBe(true);
    p.actor.send({ type: 'READ' });
    p.actor.send({ type: 'STEP' });
    expect(p.state()).toBe('paused');
    expect(p.calls).toEqual(['resume', 'stepOne']);
  });

  it('READ and READ_DONE mean nothing when not playing', () => {
    const p = player(false);
    p.actor.send({ type: 'READ' });
    expect(p.state()).toBe('paused');
    p.actor.send({ type: 'READ_DONE' });
    expect(p.state()).toBe('paused');
  });

  it('accepts "as fast as possible" as a speed and ignores speeds that are not positive', () => {
    const p = player(false);
    p.actor.send({ type: 'SET_SPEED', speed: Infinity });
    expect(p.ctx().speed).toBe(Infinity);
    p.actor.send({ type: 'SET_SPEED', speed: 0 });
    expect(p.ctx().speed).toBe(Infinity);
    p.actor.send({ type: 'SET_SPEED', speed: 100 });
    expect(p.ctx().speed).toBe(100);
  });
});
