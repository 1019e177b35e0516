import type { ProviderSpec } from './providerSpec';

/** A provider as the FIM route sees it: whether its breaker lets a request through now. */
export interface FimCandidate {
  readonly spec: ProviderSpec;
  readonly available: boolean;
}

export type FimRoute =
  | { readonly targets: readonly ProviderSpec[] }
  /** Nothing is sent: DeepSeek is failing and no fallback serves FIM. Completions wait quietly for it. */
  | { readonly paused: string };

/**
 * Where an inline completion may go: DeepSeek while its breaker lets requests through, then only the fallbacks
 * the user marked as serving FIM (`fim: true`). A chat fallback is never asked for FIM. When DeepSeek is
 * skipped and no FIM fallback can answer, completions pause (no request, no notification) until DeepSeek's
 * breaker lets a probe through again.
 */
export function fimRoute(chain: readonly FimCandidate[]): FimRoute {
  const [primary, ...fallbacks] = chain;
  if (!primary) return { paused: 'no provider is configured' };
  const fim = fallbacks.filter((c) => c.spec.fim && c.available).map((c) => c.spec);
  if (primary.available) return { targets: [primary.spec, ...fim] };
  if (fim.length > 0) return { targets: fim };
  return { paused: `${primary.spec.name} is failing and no fallback provider serves completions (set "fim": true on one that does)` };
}
