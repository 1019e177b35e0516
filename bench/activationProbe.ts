import * as vscode from 'vscode';
import type { DeepSeekAssistantApi } from '../src/app/publicApi';
import { EXTENSION_ID } from '../test/harness/paths';

/** Loaded in the extension host by the benchmark: activates the extension and prints its own timing. */
export async function run(): Promise<void> {
  const extension = vscode.extensions.getExtension<DeepSeekAssistantApi>(EXTENSION_ID);
  if (!extension) {
    throw new Error(`${EXTENSION_ID} is not loaded`);
  }
  const api = await extension.activate();
  console.log(`BENCH_ACTIVATION ${JSON.stringify(api.activation)}`);
}
