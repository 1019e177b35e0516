/**
 * Text extraction over HTTP: DeepSeek's OCR tool (`POST /v1/tools/ocr`, multipart) or an OpenAI-compatible
 * vision endpoint (`/chat/completions` with an `image_url` part). No `vscode`: usable from plain Node tests.
 */
import type { ApiFailure } from '../core/apiErrors';
import type { DocumentFile, OcrProgress, OcrPurpose, OcrResponse } from '../core/documents/types';

export type OcrEndpointConfig =
  | {
      readonly provider: 'deepseek';
      /** deepseek.baseUrl; the route is <origin><path without /v1>/v1/tools/ocr. */
      readonly baseUrl: string;
      readonly apiKey: string;
      readonly purpose: OcrPurpose;
      readonly timeoutMs: number;
    }
  | {
      readonly provider: 'openaiCompatible';
      /** e.g. http://localhost:8000/v1 */
      readonly baseUrl: string;
      readonly apiKey: string | undefined;
      readonly model: string;
      readonly grounding: boolean;
      readonly timeoutMs: number;
    };

export type OcrOutcome = { readonly ok: true; readonly response: OcrResponse } | { readonly ok: false; readonly failure: ApiFailure };

export interface OcrClient {
  /** The URL files go to (said to the user before the first upload). */
  readonly endpoint: string;
  /** "DeepSeek OCR" | "OCR endpoint at localhost:8000" */
  readonly label: string;
  /** Stable part of the cache key: provider, endpoint, purpose or model, grounding. */
  readonly identity: string;
  extract(file: DocumentFile, options?: { readonly signal?: AbortSignal; readonly onProgress?: (p: OcrProgress) => void }): Promise<OcrOutcome>;
}

export function createOcrClient(config: OcrEndpointConfig): OcrClient {
  return {
    endpoint: config.baseUrl,
    label: config.provider === 'deepseek' ? 'DeepSeek OCR' : `OCR endpoint at ${config.baseUrl}`,
    identity: config.provider,
    extract: () => Promise.resolve({ ok: false, failure: { kind: 'unknown', retryable: false, message: 'Not implemented yet.' } }),
  };
}
