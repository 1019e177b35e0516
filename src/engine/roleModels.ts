import * as vscode from 'vscode';
import type { DeepSeekClient } from '../api/deepseekClient';
import type { ConfigurationService } from '../config/settings';
import { keyFingerprint } from '../core/apiKey';
import { describeEndpoint } from '../core/endpoint';
import type { Logger } from '../core/logger';
import {
  decideThinking,
  modelLimits,
  modelTakesImages,
  resolveRoleModel,
  roleLabel,
  type ModelRole,
  type ModelSwitch,
  type ResolvedLimits,
  type ThinkingDecision,
} from '../core/models';
import type { Notifier } from '../platform/notifier';

/** The button on a model-switch notice that writes the current equivalent to the role's setting. */
export const UPDATE_SETTINGS_ACTION = 'Update Settings';

/** globalState: the switches the user was already told about (`role|from|to`), so each is said once. */
export const NOTICED_SWITCHES_KEY = 'deepseek.models.switchesNoticed';

/** A `GET /models` that failed is tried again after this long (not with every request). */
const FAILED_LIST_RETRY_MS = 10 * 60_000;
const LIST_TIMEOUT_MS = 10_000;

const ROLE_SETTING = { chat: 'models.chat', reasoner: 'models.reasoner' } as const satisfies Record<ModelRole, string>;

/** What a role sends: the id, the thinking fields, the limits and the label the picker shows. */
export interface RoleModel {
  readonly role: ModelRole;
  /** The id in the role's setting. */
  readonly configured: string;
  /** The id requests go out with (the configured one, or its current equivalent). */
  readonly model: string;
  /** Why `model` is not `configured`, when it is not. */
  readonly switched?: ModelSwitch;
  readonly decision: ThinkingDecision;
  readonly limits: ResolvedLimits;
  /** Whether `model` takes images (`image_url` parts): core/models.ts `modelTakesImages`. */
  readonly vision: boolean;
  /** "Chat · deepseek-flash", "Reasoner · deepseek-flash, thinking high". */
  readonly label: string;
}

interface Listed {
  /** Hash of the key the list was read with (the key itself is not kept). */
  readonly keyHash: string;
  /** Undefined: reading it failed at `at`. */
  readonly models: readonly string[] | undefined;
  readonly at: number;
}

export interface RoleModelsDeps {
  readonly settings: ConfigurationService;
  readonly notifier: Notifier;
  readonly logger: Logger;
  readonly globalState: vscode.Memento;
}

/**
 * Which model each role uses, and ids that heal (core/models.ts decides; this keeps the facts). It keeps what
 * `GET /models` listed per endpoint and key — read when a key is set (Set API Key) and lazily after a request,
 * never at activation — and tells the user once per switch, with a button that updates their settings.
 */
export class RoleModels implements vscode.Disposable {
  private readonly lists = new Map<string, Listed>();
  private readonly reading = new Map<string, Promise<readonly string[] | undefined>>();
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when what a role resolves to may have changed (a list was read or forgotten). */
  readonly onDidChange = this.emitter.event;

  private readonly subscription: vscode.Disposable;

  constructor(private readonly deps: RoleModelsDeps) {
    // A newly chosen id may be newer than the list read earlier: read the list again rather than overrule the
    // user with a stale one (until it is read, the configured id goes out as it is).
    this.subscription = deps.settings.onDidChange((keys) => {
      if (keys.includes('models.chat') || keys.includes('models.reasoner')) this.lists.clear();
    });
  }

  /** What `role` uses now, from its setting and what the endpoint is known to list (with `apiKey`: for that key only). */
  forRole(role: ModelRole, apiKey?: string): RoleModel {
    const baseUrl = this.deps.settings.get('baseUrl');
    const configured = this.deps.settings.get(ROLE_SETTING[role]);
    const available = this.listed(baseUrl, apiKey);
    const { model, switched } = resolveRoleModel({
      role,
      configured,
      endpoint: describeEndpoint(baseUrl).kind,
      ...(available ? { available } : {}),
    });
    return this.describe(role, configured, model, switched);
  }

  /** The same for a given id (the one a retry picked). */
  describe(role: ModelRole, configured: string, model: string, switched?: ModelSwitch): RoleModel {
    const decision = decideThinking({
      role,
      model,
      override: this.deps.settings.get('models.thinking'),
      effort: this.deps.settings.get('models.reasoningEffort'),
    });
    return {
      role,
      configured,
      model,
      ...(switched ? { switched } : {}),
      decision,
      limits: modelLimits(model, this.deps.settings.get('models.limits')),
      vision: modelTakesImages(model, this.deps.settings.get('models.limits')),
      label: roleLabel(role, model, decision),
    };
  }

  /** What the endpoint listed (for `apiKey`, when given; otherwise for whichever key read it last). */
  listed(baseUrl: string, apiKey?: string): readonly string[] | undefined {
    const entry = this.lists.get(baseUrl);
    if (!entry || (apiKey !== undefined && entry.keyHash !== keyFingerprint(apiKey))) return undefined;
    return entry.models;
  }

  /** Keeps what `GET /models` listed (Set API Key, a model error); fires onDidChange when it differs. */
  remember(baseUrl: string, apiKey: string, models: readonly string[]): void {
    const list = [...new Set(models.map((m) => m.trim()).filter((m) => m !== ''))].sort();
    const before = this.lists.get(baseUrl);
    this.lists.set(baseUrl, { keyHash: keyFingerprint(apiKey), models: list, at: Date.now() });
    if (!before?.models || before.keyHash !== keyFingerprint(apiKey) || before.models.join('\n') !== list.join('\n')) {
      this.deps.logger.info(`models listed by ${hostOf(baseUrl)}: ${list.join(', ') || '(none)'}`);
      this.emitter.fire();
    }
  }

  /** The key in effect changed: forgets the lists read with any other key (another account may list other models). */
  keepOnly(apiKey: string | undefined): void {
    const hash = apiKey === undefined ? undefined : keyFingerprint(apiKey);
    const stale = [...this.lists].filter(([, entry]) => entry.keyHash !== hash).map(([baseUrl]) => baseUrl);
    for (const baseUrl of stale) this.lists.delete(baseUrl);
    if (stale.some((baseUrl) => baseUrl === this.deps.settings.get('baseUrl'))) this.emitter.fire();
  }

  /**
   * Reads `GET /models` in the background when this endpoint and key have no list yet (a failed read is tried
   * again after a while, not with every request). A request never waits for it.
   */
  ensureListed(client: DeepSeekClient, baseUrl: string, apiKey: string): Promise<readonly string[] | undefined> {
    const entry = this.lists.get(baseUrl);
    if (entry && entry.keyHash === keyFingerprint(apiKey) && (entry.models !== undefined || Date.now() - entry.at < FAILED_LIST_RETRY_MS)) {
      return Promise.resolve(entry.models);
    }
    const id = `${baseUrl}\n${keyFingerprint(apiKey)}`;
    let pending = this.reading.get(id);
    if (!pending) {
      pending = client
        .listModels(AbortSignal.timeout(LIST_TIMEOUT_MS))
        .then((models) => {
          this.remember(baseUrl, apiKey, models);
          return models as readonly string[];
        })
        .catch((err: unknown) => {
          this.deps.logger.debug(`GET /models on ${hostOf(baseUrl)} failed; tried again later`, err instanceof Error ? err.message : err);
          if (!this.lists.get(baseUrl)?.models) this.lists.set(baseUrl, { keyHash: keyFingerprint(apiKey), models: undefined, at: Date.now() });
          return undefined;
        })
        .finally(() => this.reading.delete(id));
      this.reading.set(id, pending);
    }
    return pending;
  }

  /**
   * Tells the user, once per role and switch (kept across windows and restarts), what changed and why, with a
   * button that writes the current equivalent to the role's user setting. `retried`: the request was refused
   * and sent again with it.
   */
  announce(role: ModelRole, change: ModelSwitch, retried = false): void {
    const id = `${role}|${change.from}|${change.model}`.toLowerCase();
    const noticed = this.deps.globalState.get<unknown>(NOTICED_SWITCHES_KEY);
    const seen = Array.isArray(noticed) ? noticed.filter((n): n is string => typeof n === 'string') : [];
    const setting = `deepseek.${ROLE_SETTING[role]}`;
    this.deps.logger.info(`model switch (${role}): ${change.reason}${retried ? ' (request retried)' : ''}`);
    if (seen.includes(id)) return;
    void this.deps.globalState.update(NOTICED_SWITCHES_KEY, [...seen, id].slice(-50));
    const again = retried ? ` The request was sent again with ${change.model}.` : '';
    const message = `DeepSeek: ${change.reason}${again} Update ${setting} to ${change.model}?`;
    void this.deps.notifier.info(message, UPDATE_SETTINGS_ACTION).then(async (choice) => {
      if (choice !== UPDATE_SETTINGS_ACTION) return;
      await this.deps.settings.update(ROLE_SETTING[role], change.model);
      this.deps.logger.info(`${setting} set to ${change.model} in the user settings`);
    });
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}

function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).host;
  } catch {
    return baseUrl;
  }
}
