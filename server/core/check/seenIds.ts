// Whether a conversation id came before in a file, without keeping the ids: a scan gives a later
// conversation with a taken id a positional one (as the editor's index does), and a file of a
// million conversations must not hold a million strings for that. Each id is kept as a 64-bit
// hash in a typed open-addressing table: 16 bytes per id at most (outside the JS heap). Two
// different ids are taken for the same one with a chance of about n²/2⁶⁵ (1e-8 at 650,000 ids).

/** Two 32-bit lanes of the cyrb53 string hash (not cryptographic; ids are not adversarial here). */
export function hash64(s: string): [number, number] {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return [h1 >>> 0, h2 >>> 0 || 1]; // (x, 0) would read as an empty slot
}

export class SeenIds {
  /** Slot i holds a hash in [2i, 2i+1]; a zero second lane marks an empty slot. */
  private table = new Uint32Array(2 * 1024);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds `id`; true when it was there already. */
  add(id: string): boolean {
    const [a, b] = hash64(id);
    if (this.lookup(this.table, a, b)) return true;
    if ((this.count + 1) * 2 > this.table.length / 2) this.grow();
    this.insert(this.table, a, b);
    this.count++;
    return false;
  }

  private slots(table: Uint32Array): number {
    return table.length / 2;
  }

  private lookup(table: Uint32Array, a: number, b: number): boolean {
    const mask = this.slots(table) - 1;
    for (let i = a & mask; table[2 * i + 1] !== 0; i = (i + 1) & mask) if (table[2 * i] === a && table[2 * i + 1] === b) return true;
    return false;
  }

  private insert(table: Uint32Array, a: number, b: number): void {
    const mask = this.slots(table) - 1;
    let i = a & mask;
    while (table[2 * i + 1] !== 0) i = (i + 1) & mask;
    table[2 * i] = a;
    table[2 * i + 1] = b;
  }

  private grow(): void {
    const old = this.table;
    const bigger = new Uint32Array(old.length * 2);
    for (let i = 0; i < old.length; i += 2) if (old[i + 1] !== 0) this.insert(bigger, old[i]!, old[i + 1]!);
    this.table = bigger;
  }
}
