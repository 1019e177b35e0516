/**
 * The typed message protocol between the extension host and the chat webview. Shared by both bundles; pure
 * (no DOM, no `vscode`). The host validates every message that comes from the webview with `parseFromWebview`.
 */

export interface ViewState {
  readonly keySource: 'secretStorage' | 'environment' | 'none';
  readonly endpointLabel: string;
  readonly simulated: boolean;
}

/** Host → webview. */
export type HostMessage =
  | { readonly type: 'state'; readonly state: ViewState };

/** Webview → host. */
export type WebviewMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'action'; readonly action: WebviewAction };

export const WEBVIEW_ACTIONS = ['setApiKey', 'openSettings'] as const;
export type WebviewAction = (typeof WEBVIEW_ACTIONS)[number];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Returns the message if it is well-formed, otherwise undefined (the host ignores and logs it). */
export function parseFromWebview(raw: unknown): WebviewMessage | undefined {
  if (!isRecord(raw)) {
    return undefined;
  }
  switch (raw.type) {
    case 'ready':
      return { type: 'ready' };
    case 'action':
      return typeof raw.action === 'string' && (WEBVIEW_ACTIONS as readonly string[]).includes(raw.action)
        ? { type: 'action', action: raw.action as WebviewAction }
        : undefined;
    default:
      return undefined;
  }
}

export function parseFromHost(raw: unknown): HostMessage | undefined {
  if (!isRecord(raw) || raw.type !== 'state' || !isRecord(raw.state)) {
    return undefined;
  }
  const s = raw.state;
  if (
    (s.keySource === 'secretStorage' || s.keySource === 'environment' || s.keySource === 'none') &&
    typeof s.endpointLabel === 'string' &&
    typeof s.simulated === 'boolean'
  ) {
    return { type: 'state', state: { keySource: s.keySource, endpointLabel: s.endpointLabel, simulated: s.simulated } };
  }
  return undefined;
}
