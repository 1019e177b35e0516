import { createHash } from 'crypto';
import { promises as fsp } from 'fs';
import * as path from 'path';

/** One cached extraction: the text and what produced it. */
export interface CachedExtraction {
  /** SHA-256 of the file's bytes (hex). */
  readonly hash: string;
  /** The OCR client's identity (provider, endpoint, model, purpose): another one reads the file anew. */
  readonly identity: string;
  readonly markdown: string;
  readonly pages: number;
  /** "DeepSeek OCR", "OCR endpoint at http://…". */
  readonly provider: string;
  /** When it was extracted, ms since the epoch. */
  readonly at: number;
}

/** SHA-256 of bytes, hex: the cache key of a file's content. */
export function contentHash(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Extracted text by content hash and OCR identity, as JSON files in the extension's global storage
 * (`ocr-cache/`), so the same file is never uploaded twice — across windows and sessions. Without a storage
 * folder (a non-file global storage) it keeps entries in memory for the window. A damaged entry is a miss.
 */
export class OcrCache {
  private readonly memory = new Map<string, CachedExtraction>();

  constructor(private readonly dir: string | undefined) {}

  private keyOf(hash: string, identity: string): string {
    return createHash('sha256').update(`${hash}\n${identity}`).digest('hex');
  }

  async get(hash: string, identity: string): Promise<CachedExtraction | undefined> {
    const key = this.keyOf(hash, identity);
    const held = this.memory.get(key);
    if (held || !this.dir) return held;
    try {
      const parsed = JSON.parse(await fsp.readFile(path.join(this.dir, `${key}.json`), 'utf8')) as Partial<CachedExtraction>;
      if (parsed.hash !== hash || parsed.identity !== identity || typeof parsed.markdown !== 'string' || typeof parsed.pages !== 'number') return undefined;
      const entry: CachedExtraction = {
        hash, identity, markdown: parsed.markdown, pages: parsed.pages,
        provider: typeof parsed.provider === 'string' ? parsed.provider : 'OCR', at: typeof parsed.at === 'number' ? parsed.at : 0,
      };
      this.memory.set(key, entry);
      return entry;
    } catch {
      return undefined;
    }
  }

  /** Writes an entry (atomically: a temporary file renamed into place). A failed write is only a later miss. */
  async put(entry: CachedExtraction): Promise<void> {
    const key = this.keyOf(entry.hash, entry.identity);
    this.memory.set(key, entry);
    if (!this.dir) return;
    await fsp.mkdir(this.dir, { recursive: true });
    const file = path.join(this.dir, `${key}.json`);
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await fsp.writeFile(temp, JSON.stringify(entry), 'utf8');
    await fsp.rename(temp, file);
  }

  /** Forgets every entry (memory and disk). */
  async clear(): Promise<void> {
    this.memory.clear();
    if (this.dir) await fsp.rm(this.dir, { recursive: true, force: true });
  }
}
