import { parseFromHost, type ViewState, type WebviewMessage } from './protocol';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const vscodeApi = acquireVsCodeApi();

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    node.setAttribute(name, value);
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

function button(label: string, message: WebviewMessage): HTMLButtonElement {
  const b = el('button', { type: 'button' }, label);
  b.addEventListener('click', () => vscodeApi.postMessage(message));
  return b;
}

function render(state: ViewState): void {
  const root = document.getElementById('root');
  if (!root) {
    return;
  }
  const children: HTMLElement[] = [];
  children.push(el('h2', {}, 'DeepSeek Chat'));
  children.push(
    el('p', { class: 'notice', role: 'status' },
      'The chat conversation arrives in the next version of DeepSeek Assistant. Everything below is live.'),
  );
  const endpoint = el('p', { class: state.simulated ? 'endpoint simulated' : 'endpoint' }, state.endpointLabel);
  children.push(endpoint);
  if (state.keySource === 'none') {
    children.push(el('p', { class: 'warning' }, 'No API key is set.'));
    children.push(button('Set API Key', { type: 'action', action: 'setApiKey' }));
  } else {
    children.push(el('p', {}, state.keySource === 'environment'
      ? 'Using the API key from the DEEPSEEK_API_KEY environment variable.'
      : 'API key stored in VS Code SecretStorage.'));
  }
  children.push(button('Open Settings', { type: 'action', action: 'openSettings' }));
  root.replaceChildren(...children);
  vscodeApi.setState(state);
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = parseFromHost(event.data);
  if (message?.type === 'state') {
    render(message.state);
  }
});

const saved = vscodeApi.getState();
const restored = parseFromHost({ type: 'state', state: saved });
if (restored) {
  render(restored.state);
}
vscodeApi.postMessage({ type: 'ready' });
