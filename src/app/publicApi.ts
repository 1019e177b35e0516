import type { ApiKeySource } from '../core/apiKey';
import type { Notice } from '../platform/notifier';
import type { StatusSnapshot } from '../status/statusBar';
import type { ConnectionResult } from '../api/connectionCheck';

/** What `activate()` returns: for other extensions, diagnostics and the extension-host tests. Never exposes the key. */
export interface DeepSeekAssistantApi {
  readonly version: string;
  /** Activation cost in milliseconds: evaluating the bundle's modules, running activate(), and their sum. */
  readonly activation: { readonly bundleEvaluatedMs: number; readonly activateMs: number; readonly totalMs: number };
  apiKeySource(): Promise<ApiKeySource>;
  /** Calls `GET /models` with the current key and endpoint. */
  checkConnection(): Promise<ConnectionResult>;
  statusBar(): StatusSnapshot;
  recentNotices(): readonly Notice[];
}
