import * as vscode from 'vscode';
import { resolveApiKey, type ResolvedApiKey } from '../core/apiKey';

const SECRET_NAME = 'deepseek.apiKey';

/**
 * The API key lives in SecretStorage only. When none is stored, `DEEPSEEK_API_KEY` from the environment is
 * used. The resolved key is cached so the logger can scrub it synchronously.
 */
export class ApiKeyStore implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<ResolvedApiKey>();
  private readonly subscription: vscode.Disposable;
  private current: ResolvedApiKey = { key: undefined, source: 'none' };

  readonly onDidChange = this.emitter.event;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.subscription = secrets.onDidChange(async (e) => {
      if (e.key === SECRET_NAME) {
        this.emitter.fire(await this.resolve());
      }
    });
  }

  /** Reads the stored key, falling back to the environment (read afresh each time). */
  async resolve(): Promise<ResolvedApiKey> {
    const stored = await this.secrets.get(SECRET_NAME);
    this.current = resolveApiKey(stored, this.env);
    return this.current;
  }

  async store(key: string): Promise<void> {
    await this.secrets.store(SECRET_NAME, key.trim());
    this.current = resolveApiKey(key, this.env);
  }

  async clear(): Promise<ResolvedApiKey> {
    await this.secrets.delete(SECRET_NAME);
    return this.resolve();
  }

  /** Secrets the logger must never print: the key in use, and the environment's key. */
  *knownSecrets(): Iterable<string> {
    if (this.current.key) {
      yield this.current.key;
    }
    const envKey = this.env.DEEPSEEK_API_KEY?.trim();
    if (envKey) {
      yield envKey;
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}
