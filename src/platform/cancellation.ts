import type * as vscode from 'vscode';

/** An AbortSignal that aborts when the VS Code CancellationToken is cancelled. Dispose to detach. */
export function toAbortSignal(token: vscode.CancellationToken | undefined): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  if (!token) {
    return { signal: controller.signal, dispose: () => undefined };
  }
  if (token.isCancellationRequested) {
    controller.abort();
    return { signal: controller.signal, dispose: () => undefined };
  }
  const listener = token.onCancellationRequested(() => controller.abort());
  return { signal: controller.signal, dispose: () => listener.dispose() };
}
