import { modelLimits, type ModelLimits, type ModelLimitsOverrides, type ModelRole } from '../models';
import type { FallbackProvider, PriceTable } from '../settingsSchema';

export const PRIMARY_PROVIDER_ID = 'deepseek';
export const PRIMARY_PROVIDER_NAME = 'DeepSeek';

/**
 * One OpenAI-compatible provider the engine can send to: DeepSeek (primary, its models from the role
 * settings) or a fallback from `deepseek.fallbackProviders`, in the user's order.
 */
export interface ProviderSpec {
  /** `deepseek`, or `fallback:<name>`: stable while the user keeps the name. */
  readonly id: string;
  /** "DeepSeek" or the fallback's name, as the ledger, footer and status bar show it. */
  readonly name: string;
  readonly primary: boolean;
  readonly baseUrl: string;
  /** The host requests go to, as Show Last Request names it. */
  readonly endpoint: string;
  /** Fallbacks: the model per role. The primary's come from the role settings (src/engine/roleModels.ts). */
  readonly models?: Readonly<Record<ModelRole, string>>;
  /** Fallbacks: their price table (none: unpriced). The primary uses deepseek.pricing over DeepSeek's table. */
  readonly pricing?: PriceTable;
  /** Fallbacks: limits that replace what the model id says. */
  readonly limits?: Partial<ModelLimits>;
  /** Whether it serves FIM. DeepSeek does (on Flash); a fallback only when the user says so. */
  readonly fim: boolean;
  /** Fallbacks: the environment variable holding the key, when the user named one. */
  readonly apiKeyEnv?: string;
}

export function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).host;
  } catch {
    return baseUrl;
  }
}

export function primaryProvider(baseUrl: string): ProviderSpec {
  return { id: PRIMARY_PROVIDER_ID, name: PRIMARY_PROVIDER_NAME, primary: true, baseUrl, endpoint: hostOf(baseUrl), fim: true };
}

export function fallbackProvider(f: FallbackProvider): ProviderSpec {
  return {
    id: `fallback:${f.name}`,
    name: f.name,
    primary: false,
    baseUrl: f.baseUrl.replace(/\/+$/, ''),
    endpoint: hostOf(f.baseUrl),
    models: { chat: f.models.chat, reasoner: f.models.reasoner },
    ...(f.pricing ? { pricing: f.pricing } : {}),
    ...(f.limits ? { limits: f.limits } : {}),
    fim: f.fim === true,
    ...(f.apiKeyEnv ? { apiKeyEnv: f.apiKeyEnv } : {}),
  };
}

/** DeepSeek first, then the fallbacks in the user's order. */
export function providerChain(baseUrl: string, fallbacks: readonly FallbackProvider[]): ProviderSpec[] {
  return [primaryProvider(baseUrl), ...fallbacks.map(fallbackProvider)];
}

/** A fallback's limits for one of its models: its own `limits` over what the id says (and the user's overrides). */
export function fallbackLimits(spec: ProviderSpec, model: string, overrides: ModelLimitsOverrides = {}): ModelLimits {
  const known = modelLimits(model, overrides);
  return {
    contextTokens: spec.limits?.contextTokens ?? known.contextTokens,
    maxOutputTokens: Math.min(spec.limits?.maxOutputTokens ?? known.maxOutputTokens, spec.limits?.contextTokens ?? Number.POSITIVE_INFINITY),
  };
}

/**
 * Where a fallback's key is kept in SecretStorage. The origin is part of the name: a key entered for one host is
 * never sent to another, even if the entry's baseUrl is later changed.
 */
export function fallbackKeySecretName(spec: Pick<ProviderSpec, 'name' | 'baseUrl'>): string {
  let origin: string;
  try {
    origin = new URL(spec.baseUrl).origin;
  } catch {
    origin = spec.baseUrl;
  }
  return `deepseek.fallbackKey:${spec.name}@${origin}`;
}
