/**
 * The why feed words every note of issue 12 (PreVote §9.6, CheckQuorum §6.2/§4.2.3, ReadIndex §6.4,
 * lease reads §6.4.1, leader transfer §3.10) as one whole sentence with its source, in English and
 * in Chinese, from the notes the six lessons really produce.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { linearizableHook } from '../src/check/hook';
import { parseScenario } from '../src/scenario/parse';
import { ScenarioRunner } from '../src/scenario/runner';
import type { TraceEvent } from '../src/sim/types';
import { setLocale } from '../src/ui/i18n';
import { whyLine } from '../src/ui/model/why';

const root = join(__dirname, '..');
const CJK = /[\u4e00-\u9fff]/;
const LESSONS = ['disruptive-rejoin-prevote', 'check-quorum', 'read-paths', 'lease-read-clock-drift', 'leader-transfer', 'etcd-defaults'];

function trace(name: string): TraceEvent[] {
  const file = `scenarios/${name}.yaml`;
  const runner = new ScenarioRunner(parseScenario(readFileSync(join(root, file), 'utf8'), file), { keepTrace: true, linearizable: linearizableHook });
  runner.runToEnd();
  expect(runner.ok).toBe(true);
  return runner.sim.trace;
}

const NEW_KINDS = [
  'preVoteStarted', 'preVoteGranted', 'preVoteRefused', 'preVoteWon', 'voteIgnored', 'steppedDown',
  'readConfirmed', 'leaseRead', 'readLocal', 'readForwarded', 'readIndexFromLeader', 'readRefused',
  'transferStarted', 'timeoutNowSent', 'transferAbandoned', 'timeoutNowReceived',
];

afterEach(() => setLocale('en'));

describe('why lines of the issue 12 notes', () => {
  const notes = LESSONS.flatMap(trace).filter((e): e is Extract<TraceEvent, { kind: 'note' }> => e.kind === 'note' && NEW_KINDS.includes(e.note.kind));

  it('the lessons produce every kind of note worded here', () => {
    expect(new Set(notes.map((n) => n.note.kind))).toEqual(new Set(NEW_KINDS));
  });

  it('each is a whole sentence in English and Chinese, with no placeholder left, citing its source', () => {
    for (const lang of ['en', 'zh'] as const) {
      setLocale(lang);
      for (const e of notes) {
        if (e.note.kind === 'steppedDown' && e.note.cause !== 'checkQuorum') continue;
        const line = whyLine(e, 5);
        expect(line, `${e.note.kind} in ${lang}`).not.toBeNull();
        expect(line!.text).not.toMatch(/\{\w+\}/);
        if (lang === 'zh') expect(line!.text, e.note.kind).toMatch(CJK);
        if (e.note.kind !== 'readRefused' && !(e.note.kind === 'transferRefused')) expect(line!.text, e.note.kind).toMatch(/§\d/);
      }
    }
  });

  it('says what the issue asks: a refused pre-vote names the leader heard and how long ago; CheckQuorum counts servers; a lease its end', () => {
    const refused = notes.find((e) => e.note.kind === 'preVoteRefused' && e.note.reason === 'leaderActive' && e.note.leader !== e.node)!;
    const n = refused.note as Extract<typeof refused.note, { kind: 'preVoteRefused' }>;
    expect(whyLine(refused, 5)!.text).toBe(`${refused.node} refuses ${n.candidate}’s pre-vote for term ${n.term}: it heard from leader ${n.leader} ${Math.round(n.heardAgoMs! * 100) / 100} ms ago (thesis §9.6).`);
    const cq = notes.find((e) => e.note.kind === 'steppedDown' && e.note.cause === 'checkQuorum')!;
    expect(whyLine(cq, 5)!.text).toBe('S1 steps down: it heard from 2 of 5 servers in the last 150 ms, not a majority (CheckQuorum, thesis §6.2).');
    const lease = notes.find((e) => e.note.kind === 'leaseRead')!;
    expect(whyLine(lease, 3)!.text).toMatch(/from its lease, with no messages: the lease holds until [\d.]+ ms on its own clock \(thesis §6\.4\.1\)\.$/);
    setLocale('zh');
    expect(whyLine(refused, 5)!.text).toContain(`领导者 ${n.leader} 的消息`);
  });
});
