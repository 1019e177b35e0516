/**
 * What the endpoints' responses said about them: the one place that knows whether an endpoint is the bundled
 * offline simulator (its latest response carried SIMULATOR_HEADER), an endpoint that answers without it, or one
 * that refused the connection. The API client reports every response and refused connection here
 * (DeepSeekClientOptions.observer); the status bar, Show Spend, the chat and the spend ledgers read it.
 * Pure: no `vscode`; listeners are plain callbacks.
 */
import { describeEndpoint, endpointOrigin, type EndpointDescription, type EndpointSighting } from './endpoint';

/** Where the API client reports what it saw (a request's URL: any path on the endpoint). */
export interface EndpointObserver {
  observe(url: string, sighting: EndpointSighting): void;
}

export interface Unsubscribe {
  dispose(): void;
}

export class EndpointIdentity implements EndpointObserver {
  /** The latest sighting per origin. */
  private readonly sightings = new Map<string, EndpointSighting>();
  private readonly listeners = new Set<(origin: string) => void>();

  observe(url: string, sighting: EndpointSighting): void {
    const origin = endpointOrigin(url);
    if (origin === undefined || this.sightings.get(origin) === sighting) return;
    this.sightings.set(origin, sighting);
    for (const listener of [...this.listeners]) listener(origin);
  }

  /** The latest sighting of the endpoint `url` belongs to; undefined before any contact. */
  sighting(url: string): EndpointSighting | undefined {
    const origin = endpointOrigin(url);
    return origin === undefined ? undefined : this.sightings.get(origin);
  }

  /** Whether the endpoint's latest response came from the bundled offline simulator. */
  isSimulator(url: string): boolean {
    return this.describe(url).simulator;
  }

  describe(baseUrl: string): EndpointDescription {
    return describeEndpoint(baseUrl, this.sighting(baseUrl));
  }

  /** Called with the origin whenever what is known about an endpoint changes. */
  onDidChange(listener: (origin: string) => void): Unsubscribe {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
}
