import { createHash } from 'crypto';

/**
 * Simulates DeepSeek's context cache: a prompt hits for the longest prefix, in whole storage units, that an
 * earlier prompt shared from the first token. Units are chained hashes, so a lookup is linear in the prompt.
 */
export class PrefixCacheSimulator {
  private readonly units = new Map<string, number>();
  private clock = 0;

  constructor(
    readonly unitTokens = 64,
    private readonly maxUnits = 500_000,
  ) {}

  /** Returns how many leading tokens were already cached, then caches this prompt's units. */
  lookupAndStore(tokens: readonly string[]): { hit: number; miss: number } {
    let chain = '';
    let hitUnits = 0;
    let stillHitting = true;
    const fullUnits = Math.floor(tokens.length / this.unitTokens);
    for (let u = 0; u < fullUnits; u++) {
      const unit = tokens.slice(u * this.unitTokens, (u + 1) * this.unitTokens).join('\u0000');
      chain = createHash('sha256').update(chain).update('\u0001').update(unit).digest('hex');
      if (stillHitting && this.units.has(chain)) {
        hitUnits++;
      } else {
        stillHitting = false;
      }
      this.units.set(chain, ++this.clock);
    }
    this.evict();
    const hit = hitUnits * this.unitTokens;
    return { hit, miss: tokens.length - hit };
  }

  clear(): void {
    this.units.clear();
  }

  get size(): number {
    return this.units.size;
  }

  private evict(): void {
    if (this.units.size <= this.maxUnits) {
      return;
    }
    const oldestFirst = [...this.units.entries()].sort((a, b) => a[1] - b[1]);
    for (const [key] of oldestFirst.slice(0, this.units.size - this.maxUnits)) {
      this.units.delete(key);
    }
  }
}
