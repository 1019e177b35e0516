import { createHash } from 'crypto';
import { imageTokenEstimate } from '../../src/core/documents/imageTokens';
import { blocksFromText, plainText, richText } from './documentBlocks';
import { imageSize, imageText, sniffImage, type ImageFormat } from './imageFormats';
import { NO_TEXT_IN_IMAGE } from './recognition';
import { tokenize } from './tokenizer';
import type { LoggedImage } from './types';

/**
 * Image content parts on chat (`{type: "image_url", image_url: {url: "data:image/png;base64,…"}}`): how the fake
 * validates them, counts them as prompt tokens (deterministically, so the same image in the same place hits
 * the simulated cache and a different one misses), and "sees" them (the text the image carries).
 */

export interface ChatMessageLike {
  readonly role: string;
  readonly content: unknown;
  readonly reasoning_content?: unknown;
}

export interface ImagePart extends LoggedImage {
  readonly format: ImageFormat;
}

/** An image part the API refuses, with its message (400). */
export class ImagePartError extends Error {}

/** The mime types DeepSeek's Flash takes (deepseek-api.md: JPEG/PNG/GIF/WebP). */
const ACCEPTED: Readonly<Record<string, ImageFormat>> = { 'image/jpeg': 'jpeg', 'image/png': 'png', 'image/gif': 'gif', 'image/webp': 'webp' };

const LABELS: Readonly<Record<ImageFormat, string>> = { png: 'PNG', jpeg: 'JPEG', gif: 'GIF', webp: 'WebP', bmp: 'BMP', tiff: 'TIFF' };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The `image_url` parts of a message's content, in order (an empty list for string content). */
function imageUrlParts(content: unknown): unknown[] {
  return Array.isArray(content) ? content.filter((p) => isRecord(p) && p.type === 'image_url') : [];
}

/** Whether any message carries an image part. */
export function hasImageParts(messages: readonly ChatMessageLike[]): boolean {
  return messages.some((m) => imageUrlParts(m.content).length > 0);
}

/** Every image part of the messages, in order, validated. Throws `ImagePartError`. */
export function readImageParts(messages: readonly ChatMessageLike[]): ImagePart[] {
  return messages.flatMap((m) => imageUrlParts(m.content).map((part) => readImagePart(part)));
}

export function readImagePart(part: unknown): ImagePart {
  const field = isRecord(part) ? part.image_url : undefined;
  const url = typeof field === 'string' ? field : isRecord(field) && typeof field.url === 'string' ? field.url : undefined;
  if (url === undefined) throw new ImagePartError('Invalid image_url content part: image_url.url is required');
  if (!url.startsWith('data:')) {
    throw new ImagePartError(`Invalid image_url: expected a base64 data URL (data:image/png;base64,…), got ${JSON.stringify(url.slice(0, 40))}`);
  }
  const m = /^data:([^;,]*)(;base64)?,(.*)$/s.exec(url);
  if (!m || m[2] === undefined) throw new ImagePartError('Invalid image_url: the data URL is not base64-encoded');
  const mime = m[1].toLowerCase();
  const expected = ACCEPTED[mime];
  if (!expected) throw new ImagePartError(`Unsupported image type ${mime || '(none)'}: expected image/jpeg, image/png, image/gif or image/webp`);
  const base64 = m[3];
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 === 1) throw new ImagePartError('Invalid image_url: the data URL is not valid base64');
  const bytes = Buffer.from(base64, 'base64');
  const format = sniffImage(bytes);
  if (format !== expected) {
    throw new ImagePartError(`Invalid image: the data is not a valid ${LABELS[expected]} image${format ? ` (it is ${LABELS[format]})` : ''}`);
  }
  const size = imageSize(bytes, format);
  const text = imageText(bytes, format)?.trim() || NO_TEXT_IN_IMAGE;
  return {
    format,
    mime,
    ...(size ?? {}),
    bytes: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    tokens: imageTokenEstimate(size?.width, size?.height),
    text,
  };
}

/** The tokens an image stands for in the simulated prompt: as many as it costs, all naming its hash. */
function imageTokens(image: LoggedImage): string[] {
  const id = image.sha256.slice(0, 16);
  return Array.from({ length: image.tokens }, (_, i) => `<|image:${id}:${i}|>`);
}

/**
 * The prompt's tokens when messages carry images: roles, text parts and each image's tokens in order, so the
 * prefix cache sees an image where it is. (Requests without images are counted as before, from the JSON.)
 */
export function promptTokensWithImages(messages: readonly ChatMessageLike[], images: readonly LoggedImage[]): string[] {
  const tokens: string[] = [];
  let next = 0;
  for (const m of messages) {
    const reasoning = typeof m.reasoning_content === 'string' ? `<think>${m.reasoning_content}</think>` : '';
    tokens.push(...tokenize(`<|${m.role}|>${reasoning}`));
    if (Array.isArray(m.content)) {
      for (const part of m.content) {
        if (isRecord(part) && part.type === 'image_url') {
          const image = images[next++];
          if (image) tokens.push(...imageTokens(image));
        } else if (isRecord(part) && part.type === 'text') {
          tokens.push(...tokenize(String(part.text ?? '')));
        } else {
          tokens.push(...tokenize(JSON.stringify(part)));
        }
      }
    } else {
      tokens.push(...tokenize(typeof m.content === 'string' ? m.content : JSON.stringify(m.content ?? '')));
    }
    tokens.push(...tokenize('<|end|>'));
  }
  return tokens;
}

/** "The image (PNG, 320×120) shows: <its text>", as a simulated answer mentions an image. */
export function describeImage(image: ImagePart): string {
  const size = image.width && image.height ? `, ${image.width}×${image.height}` : '';
  return `The image (${LABELS[image.format]}${size}) shows: ${image.text}`;
}

/**
 * DeepSeek-OCR-2's prompts (model card), as a self-hosted vLLM/SGLang endpoint takes them: a user message with
 * an image part and a text part starting with `<image>`: `<|grounding|>Convert the document to markdown.`
 * (grounding tokens in the answer) or `Free OCR.` (plain text). Undefined when the request is not one.
 */
export function visionOcrRequest(messages: readonly ChatMessageLike[]): { grounding: boolean; markdown: boolean; partIndex: number } | undefined {
  const last = [...messages].reverse().find((m) => m.role === 'user');
  if (!last || !Array.isArray(last.content)) return undefined;
  const text = last.content.find((p): p is { type: 'text'; text: string } => isRecord(p) && p.type === 'text' && typeof p.text === 'string' && p.text.trimStart().startsWith('<image>'));
  if (!text) return undefined;
  const markdown = /Convert the document to markdown/i.test(text.text);
  if (!markdown && !/Free OCR/i.test(text.text)) return undefined;
  // Which image (counted over all messages) the prompt is about: the last user message's first one.
  const before = messages.slice(0, messages.lastIndexOf(last)).reduce((n, m) => n + imageUrlParts(m.content).length, 0);
  if (imageUrlParts(last.content).length === 0) return undefined;
  return { grounding: text.text.includes('<|grounding|>'), markdown, partIndex: before };
}

/** What DeepSeek-OCR-2 answers for an image: its text with grounding tokens, as Markdown, or plain. */
export function visionOcrAnswer(image: ImagePart, mode: { grounding: boolean; markdown: boolean }): string {
  const blocks = image.text === NO_TEXT_IN_IMAGE ? [] : blocksFromText(image.text);
  if (blocks.length === 0) return '';
  if (mode.grounding) return richText(blocks);
  if (mode.markdown) return richText(blocks, false);
  return plainText(blocks);
}
