import { createHash } from 'crypto';
import { promises as fs } from 'fs';
import * as path from 'path';
import type { Logger } from '../core/logger';
import { imageSize, type ImageRef } from '../core/prompt/contentParts';

/** What a chat session needs of the store: keep an image's bytes, and read them back by their hash. */
export interface AttachmentBytes {
  /** Keeps the bytes (once: the same bytes are one file) and returns their SHA-256 (lowercase hex). */
  put(bytes: Uint8Array): Promise<string>;
  /** The bytes stored under `sha256`, or undefined when they are gone (deleted, never stored, or unreadable). */
  get(sha256: string): Promise<Uint8Array | undefined>;
}

const SHA256 = /^[0-9a-f]{64}$/;

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The reference a conversation keeps for an attached image whose bytes were stored under `sha256`. */
export function imageRefFor(image: { readonly name: string; readonly mime: string; readonly data: Uint8Array; readonly width?: number; readonly height?: number }, sha256: string): ImageRef {
  const size = image.width && image.height ? { width: image.width, height: image.height } : imageSize(image.data);
  return { sha256, mime: image.mime, name: image.name, bytes: image.data.byteLength, ...(size ? { width: size.width, height: size.height } : {}) };
}

/**
 * Content-addressed image bytes under the extension's global storage (`<dir>/<sha256>`, the caller passes
 * `globalStorageUri/attachments`), so a saved chat re-sends the same images after a reload and its history
 * stays byte-identical. Bytes read back are checked against their hash: a changed file counts as gone. Without a
 * directory (no file-backed storage) the bytes are kept in memory for the window's lifetime.
 */
export class AttachmentStore implements AttachmentBytes {
  private readonly memory = new Map<string, Uint8Array>();

  constructor(private readonly dir: string | undefined, private readonly logger?: Logger) {}

  async put(bytes: Uint8Array): Promise<string> {
    const sha = sha256Hex(bytes);
    if (this.dir === undefined) {
      this.memory.set(sha, bytes);
      return sha;
    }
    const file = path.join(this.dir, sha);
    try {
      const existing = await fs.stat(file).catch(() => undefined);
      if (existing?.size === bytes.byteLength) return sha;
      await fs.mkdir(this.dir, { recursive: true });
      // Written beside and renamed: a reader never sees half a file.
      const temp = `${file}.${process.pid}.${Date.now().toString(36)}.tmp`;
      await fs.writeFile(temp, bytes);
      await fs.rename(temp, file);
    } catch (err) {
      // Still sendable in this window; a later reload will find it gone and say so.
      this.logger?.warn(`attachments: could not store image ${sha.slice(0, 12)}… (${err instanceof Error ? err.message : String(err)}); kept in memory`);
      this.memory.set(sha, bytes);
    }
    return sha;
  }

  async get(sha256: string): Promise<Uint8Array | undefined> {
    if (!SHA256.test(sha256)) return undefined;
    const kept = this.memory.get(sha256);
    if (kept) return kept;
    if (this.dir === undefined) return undefined;
    try {
      const data = new Uint8Array(await fs.readFile(path.join(this.dir, sha256)));
      if (sha256Hex(data) !== sha256) {
        this.logger?.warn(`attachments: image ${sha256.slice(0, 12)}… changed on disk; treated as gone`);
        return undefined;
      }
      return data;
    } catch {
      return undefined;
    }
  }
}
