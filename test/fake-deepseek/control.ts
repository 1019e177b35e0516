import type { Fault, FakeConfig, LoggedRequest } from './types';

/**
 * Drives a fake DeepSeek server from another process (e.g. tests inside the VS Code extension host) through
 * its `/__fake/` control API.
 */
export class FakeDeepSeekControl {
  constructor(readonly baseUrl: string) {}

  async requests(): Promise<LoggedRequest[]> {
    return (await this.call('GET', '/requests')) as LoggedRequest[];
  }

  async reset(): Promise<void> {
    await this.call('POST', '/reset');
  }

  async configure(patch: Partial<FakeConfig>): Promise<void> {
    await this.call('POST', '/config', patch);
  }

  async injectFault(...faults: Fault[]): Promise<void> {
    await this.call('POST', '/faults', faults);
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.baseUrl}/__fake${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) {
      throw new Error(`fake server control ${method} ${path} answered ${response.status}`);
    }
    return response.json();
  }
}
