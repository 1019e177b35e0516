/**
 * Describes where requests go, so the UI can say honestly whether it is DeepSeek, the bundled offline
 * simulator, a local endpoint or another host. A URL alone never makes an endpoint "the simulator": only a
 * response that carried SIMULATOR_HEADER does (what the responses said is kept in endpointIdentity.ts).
 */

/** What the URL says: DeepSeek's own API, a loopback address, another host, or no URL at all. */
export type EndpointKind = 'deepseek' | 'local' | 'custom' | 'invalid';

/**
 * The header every response of the bundled offline simulator (test/fake-deepseek in simulator mode, `npm run
 * demo`) carries, with the value "1".
 */
export const SIMULATOR_HEADER = 'x-deepseek-simulator';

/**
 * What the latest contact with an endpoint showed: a response that carried SIMULATOR_HEADER, a response
 * without it, or a connection that was refused (nothing listens there).
 */
export type EndpointSighting = 'simulator' | 'answered' | 'refused';

export interface EndpointDescription {
  readonly kind: EndpointKind;
  /** Short text for the status-bar tooltip and the chat: "Local endpoint at http://127.0.0.1:8130". */
  readonly label: string;
  readonly baseUrl: string;
  /** The bundled offline simulator: its latest response said so (never inferred from the URL). */
  readonly simulator: boolean;
  /** The latest attempt to connect was refused. */
  readonly unreachable: boolean;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** The origin an endpoint is known by (`http://127.0.0.1:8130` for `http://127.0.0.1:8130/v1`); undefined for no URL. */
export function endpointOrigin(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** The endpoint of `baseUrl`, as far as its URL and the latest `sighting` of it tell. */
export function describeEndpoint(baseUrl: string, sighting?: EndpointSighting): EndpointDescription {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return { kind: 'invalid', label: `Invalid base URL: ${baseUrl}`, baseUrl, simulator: false, unreachable: false };
  }
  const host = url.hostname.toLowerCase();
  const kind: EndpointKind = host === 'api.deepseek.com' ? 'deepseek' : LOOPBACK_HOSTS.has(host) || host.startsWith('127.') ? 'local' : 'custom';
  const simulator = kind !== 'deepseek' && sighting === 'simulator';
  const unreachable = sighting === 'refused';
  const name = kind === 'deepseek' ? 'DeepSeek API (api.deepseek.com)' : kind === 'local' ? `Local endpoint at ${url.origin}` : `Custom endpoint ${url.origin}`;
  const label = simulator
    ? `Offline simulator at ${url.origin} — requests do not reach DeepSeek`
    : unreachable ? `${name} — not reachable (connection refused)` : name;
  return { kind, label, baseUrl, simulator, unreachable };
}
