/**
 * Incremental 64-bit FNV-1a over the run's event sequence, kept as two 32-bit lanes so it runs on
 * plain numbers. The hex digest is the run's `traceHash`: equal runs give equal hashes.
 */
const VIEW = new DataView(new ArrayBuffer(8));

export class TraceHasher {
  private h1 = 0x811c9dc5;
  private h2 = 0xcbf29ce4;

  /** Mixes in a number: its IEEE-754 bits, little-endian, so it hashes the same on every platform. */
  num(n: number): this {
    VIEW.setFloat64(0, n, true);
    this.word(VIEW.getUint32(0, true));
    this.word(VIEW.getUint32(4, true));
    return this;
  }

  private word(w: number): void {
    this.h1 = Math.imul(this.h1 ^ w, 0x01000193);
    this.h2 = Math.imul(this.h2 ^ (w >>> 7 | w << 25), 0x0100019d);
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
