/**
 * Incremental 64-bit FNV-1a over the run's event sequence, kept as two 32-bit lanes so it runs on
 * plain numbers. The hex digest is the run's `traceHash`: equal runs give equal hashes.
 */
export class TraceHasher {
  private h1 = 0x811c9dc5;
  private h2 = 0xcbf29ce4;

  /** Mixes in a number (its shortest round-trip decimal form, so floats hash the same everywhere). */
  num(n: number): this {
    return this.str(String(n));
  }

  /** Mixes in a string, followed by a separator. */
  str(s: string): this {
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x0100019d);
    }
    h1 = Math.imul(h1 ^ 0x1f, 0x01000193);
    h2 = Math.imul(h2 ^ 0x1f, 0x0100019d);
    this.h1 = h1;
    this.h2 = h2;
    return this;
  }

  /** The digest as 16 hex digits. */
  hex(): string {
    return (this.h1 >>> 0).toString(16).padStart(8, '0') + (this.h2 >>> 0).toString(16).padStart(8, '0');
  }

  clone(): TraceHasher {
    const t = new TraceHasher();
    t.h1 = this.h1;
    t.h2 = this.h2;
    return t;
  }
}
