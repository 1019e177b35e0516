import OpenAI from 'openai';
import { DeepSeekClient } from '../src/api/deepseekClient';
import { FakeDeepSeekServer } from '../test/fake-deepseek/server';

const CHUNKS = 10_000;
const ROUNDS = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * The client's own cost per streamed chunk: our streamChat (watchdog, activity tracking, delta parsing,
 * events) against a bare `openai` SDK loop over the same 10,000-chunk stream from the local fake server.
 */
export async function benchClientStreaming(): Promise<string[]> {
  const server = new FakeDeepSeekServer({ chunkChars: 1 });
  const baseUrl = await server.start();
  const reply = { content: 'x'.repeat(CHUNKS) };
  const messages = [{ role: 'user' as const, content: 'stream please' }];
  const bare: number[] = [];
  const ours: number[] = [];
  try {
    const sdk = new OpenAI({ baseURL: baseUrl, apiKey: 'sk-bench', maxRetries: 0 });
    const client = new DeepSeekClient({ baseUrl, apiKey: 'sk-bench', maxRetries: 0 });
    for (let round = 0; round < ROUNDS + 1; round++) {
      server.configure({ replies: [reply] });
      let t0 = performance.now();
      let n = 0;
      // What the chat role sends to today's API: Flash with thinking disabled (an extra body field for the SDK).
      const body = { model: 'deepseek-flash', messages, stream: true, thinking: { type: 'disabled' } };
      const stream = await sdk.chat.completions.create(body as OpenAI.ChatCompletionCreateParamsStreaming);
      for await (const chunk of stream) {
        n += chunk.choices.length;
      }
      const bareMs = performance.now() - t0;

      server.configure({ replies: [reply] });
      let events = 0;
      t0 = performance.now();
      const result = await client.streamChat({ model: 'deepseek-flash', thinking: 'disabled', messages }, { onEvent: () => events++ });
      const oursMs = performance.now() - t0;
      if (result.content.length !== CHUNKS || events !== CHUNKS || n < CHUNKS) {
        throw new Error(`stream mismatch: ${result.content.length} chars, ${events} events, ${n} bare chunks${result.failure ? ` (${result.failure.message})` : ''}`);
      }
      if (round > 0) {
        // round 0 warms up both paths
        bare.push(bareMs);
        ours.push(oursMs);
      }
    }
  } finally {
    await server.stop();
  }
  const perChunkBare = median(bare) / CHUNKS;
  const perChunkOurs = median(ours) / CHUNKS;
  const overhead = (median(ours) - median(bare)) / CHUNKS;
  return [
    `client streaming, ${CHUNKS.toLocaleString('en-US')} chunks from the local fake server (median of ${ROUNDS}):`,
    `  bare openai SDK loop: ${median(bare).toFixed(0)} ms (${perChunkBare.toFixed(4)} ms/chunk)`,
    `  DeepSeekClient.streamChat: ${median(ours).toFixed(0)} ms (${perChunkOurs.toFixed(4)} ms/chunk)`,
    `  client overhead: ${overhead.toFixed(4)} ms/chunk  [target < 0.05 ms/chunk: ${overhead < 0.05 ? 'met' : 'MISSED'}]`,
  ];
}
