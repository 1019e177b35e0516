import type OpenAI from 'openai';

export interface ClientOptions {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly timeoutMs?: number;
  readonly maxRetries?: number;
}

/**
 * Creates an `openai` SDK client for DeepSeek. The SDK is loaded on first use so that activation stays fast.
 * `baseURL` and `apiKey` are always passed: otherwise the SDK would read OPENAI_* environment variables.
 */
export async function createClient(options: ClientOptions): Promise<OpenAI> {
  const { default: OpenAIClient } = await import('openai');
  return new OpenAIClient({
    baseURL: options.baseUrl,
    apiKey: options.apiKey,
    timeout: options.timeoutMs ?? 30_000,
    maxRetries: options.maxRetries ?? 2,
  });
}
