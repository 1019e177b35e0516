/** Describes where requests go, so the UI can say honestly whether it is DeepSeek, a local simulator or another host. */

export type EndpointKind = 'deepseek' | 'local' | 'custom' | 'invalid';

export interface EndpointDescription {
  readonly kind: EndpointKind;
  /** Short text for a status-bar tooltip. */
  readonly label: string;
  readonly baseUrl: string;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function describeEndpoint(baseUrl: string): EndpointDescription {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return { kind: 'invalid', label: `Invalid base URL: ${baseUrl}`, baseUrl };
  }
  const host = url.hostname.toLowerCase();
  if (host === 'api.deepseek.com') {
    return { kind: 'deepseek', label: 'DeepSeek API (api.deepseek.com)', baseUrl };
  }
  if (LOOPBACK_HOSTS.has(host) || host.startsWith('127.')) {
    return {
      kind: 'local',
      label: `Offline simulator / local endpoint at ${url.origin} — requests do not reach DeepSeek`,
      baseUrl,
    };
  }
  return { kind: 'custom', label: `Custom endpoint ${url.origin}`, baseUrl };
}
