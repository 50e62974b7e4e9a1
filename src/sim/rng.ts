/**
 * Seeded randomness for the simulation. Everything random in a run comes from `seedrandom`
 * generators derived from the one scenario seed, one sub-stream per purpose, so that (for example)
 * changing the network's drop rate does not change the servers' election timeouts.
 */
import seedrandom from 'seedrandom';

/** A seeded stream of floats in [0, 1) whose state can be saved and restored (for checkpoints). */
export class RandomStream {
  private prng: seedrandom.StatefulPRNG<seedrandom.State.Arc4>;

  /** @param seed  the scenario seed; @param purpose  names the sub-stream, e.g. "election:S1". */
  constructor(seed: number, purpose: string, state?: seedrandom.State.Arc4) {
    this.prng = state
      ? seedrandom('', { state }) as seedrandom.StatefulPRNG<seedrandom.State.Arc4>
      : seedrandom(`${seed}/${purpose}`, { state: true }) as seedrandom.StatefulPRNG<seedrandom.State.Arc4>;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.prng();
  }

  /** Uniform float in [min, max) — for latencies and timeouts in ms; `min` when min === max. */
  between(min: number, max: number): number {
    return min + this.prng() * (max - min);
  }

  /** True with probability `p` (p in [0, 1]); draws nothing when p is 0, so a zero rate costs no randomness. */
  chance(p: number): boolean {
    if (p <= 0) return false;
    return this.prng() < p;
  }

  /** An independent copy with the same future. */
  clone(): RandomStream {
    const r = Object.create(RandomStream.prototype) as RandomStream;
    r.prng = seedrandom('', { state: this.prng.state() }) as seedrandom.StatefulPRNG<seedrandom.State.Arc4>;
    return r;
  }
}

/** Random draws of time are kept to 0.01 ms (10 µs) so times read well; still far finer than any latency. */
export function quantizeMs(ms: number): number {
  return Math.round(ms * 100) / 100;
}
