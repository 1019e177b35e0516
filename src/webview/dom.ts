import type { WebviewMessage } from './protocol';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The page's handle on VS Code (acquirable once per page). */
const vscode = acquireVsCodeApi();

export const post = (message: WebviewMessage): void => vscode.postMessage(message);

/** What the page keeps across being hidden and reloaded: the draft and the questions asked (Up/Down recall). */
export interface LocalState {
  draft: string;
  history: string[];
}

const saved = vscode.getState() as Partial<LocalState> | undefined;
export const local: LocalState = {
  draft: typeof saved?.draft === 'string' ? saved.draft : '',
  history: Array.isArray(saved?.history) ? saved.history.filter((h): h is string => typeof h === 'string').slice(-100) : [],
};
export const persistLocal = (): void => vscode.setState(local);

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}
