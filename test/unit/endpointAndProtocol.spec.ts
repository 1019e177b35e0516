import * as assert from 'assert/strict';
import { describeHttpFailure } from '../../src/core/apiErrors';
import { describeEndpoint } from '../../src/core/endpoint';
import { EndpointIdentity } from '../../src/core/endpointIdentity';
import { parseFromHost, parseFromWebview } from '../../src/webview/protocol';

describe('endpoint description', () => {
  it('tells DeepSeek, local endpoints and other hosts apart by URL, and never calls a URL the simulator', () => {
    assert.equal(describeEndpoint('https://api.deepseek.com').kind, 'deepseek');
    assert.equal(describeEndpoint('https://api.deepseek.com/v1').kind, 'deepseek');
    const local = describeEndpoint('http://127.0.0.1:4321/v1');
    assert.equal(local.kind, 'local');
    assert.equal(local.label, 'Local endpoint at http://127.0.0.1:4321');
    assert.equal(local.simulator, false);
    assert.equal(describeEndpoint('http://localhost:8080').kind, 'local');
    assert.equal(describeEndpoint('https://openrouter.example/api').kind, 'custom');
    assert.equal(describeEndpoint('https://openrouter.example/api').label, 'Custom endpoint https://openrouter.example');
    assert.equal(describeEndpoint('not a url').kind, 'invalid');
  });

  it('says "Offline simulator" only after a response carried the header, and "not reachable" after a refused connection', () => {
    const sim = describeEndpoint('http://127.0.0.1:4321', 'simulator');
    assert.equal(sim.label, 'Offline simulator at http://127.0.0.1:4321 — requests do not reach DeepSeek');
    assert.equal(sim.simulator, true);
    assert.equal(describeEndpoint('http://127.0.0.1:4321', 'answered').label, 'Local endpoint at http://127.0.0.1:4321');
    const refused = describeEndpoint('http://127.0.0.1:4321', 'refused');
    assert.equal(refused.label, 'Local endpoint at http://127.0.0.1:4321 — not reachable (connection refused)');
    assert.equal(refused.unreachable, true);
    assert.equal(describeEndpoint('https://api.deepseek.com', 'simulator').simulator, false, "DeepSeek's own host is never the simulator");
  });
});

describe('endpoint identity (what the responses said)', () => {
  it('keeps the latest sighting per origin, tells listeners of changes only, and forgets nothing else', () => {
    const identity = new EndpointIdentity();
    const changes: string[] = [];
    const subscription = identity.onDidChange((origin) => changes.push(origin));
    assert.equal(identity.describe('http://127.0.0.1:4321').label, 'Local endpoint at http://127.0.0.1:4321', 'before any contact');
    identity.observe('http://127.0.0.1:4321/models', 'simulator');
    identity.observe('http://127.0.0.1:4321/beta/completions', 'simulator');
    assert.equal(identity.isSimulator('http://127.0.0.1:4321/v1'), true, 'any path on the endpoint');
    assert.equal(identity.isSimulator('http://127.0.0.1:9999'), false, 'another port is another endpoint');
    assert.deepEqual(changes, ['http://127.0.0.1:4321'], 'told once');
    identity.observe('http://127.0.0.1:4321/chat/completions', 'answered');
    assert.equal(identity.isSimulator('http://127.0.0.1:4321'), false, 'a response without the header: no longer the simulator');
    identity.observe('http://127.0.0.1:4321/models', 'refused');
    assert.match(identity.describe('http://127.0.0.1:4321').label, /not reachable/);
    subscription.dispose();
    identity.observe('http://127.0.0.1:4321/models', 'simulator');
    assert.equal(changes.length, 3, 'no calls after dispose');
    identity.observe('not a url', 'simulator');
  });
});

describe('API failure wording', () => {
  it('maps statuses to what the user should do', () => {
    assert.match(describeHttpFailure(401, 'Authentication Fails', 'api.deepseek.com').message, /Set API Key/);
    assert.equal(describeHttpFailure(402, undefined, 'api.deepseek.com').kind, 'balance');
    assert.match(describeHttpFailure(422, 'max_tokens too big', 'h').message, /max_tokens too big/);
    assert.equal(describeHttpFailure(429, undefined, 'h').retryable, true);
    assert.equal(describeHttpFailure(503, undefined, 'h').retryable, true);
    assert.equal(describeHttpFailure(400, undefined, 'h').retryable, false);
  });
});

describe('webview protocol validation', () => {
  it('accepts well-formed messages from the webview', () => {
    assert.deepEqual(parseFromWebview({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseFromWebview({ type: 'ask', text: 'why?', model: 'reasoner' }), { type: 'ask', text: 'why?', model: 'reasoner' });
    assert.deepEqual(parseFromWebview({ type: 'codeAction', action: 'apply', code: 'x', language: 'ts' }), { type: 'codeAction', action: 'apply', code: 'x', language: 'ts' });
    assert.deepEqual(parseFromWebview({ type: 'openLink', href: 'https://example.com' }), { type: 'openLink', href: 'https://example.com' });
  });

  it('rejects anything else: unknown types, bad fields, dangerous links, oversized text', () => {
    const bad = [
      null, 'ready', [], { type: 'eval', code: '1' },
      { type: 'ask', text: '   ', model: 'chat' },
      { type: 'ask', text: 'x', model: 'gpt-4' },
      { type: 'ask', text: 'x'.repeat(200_001), model: 'chat' },
      { type: 'codeAction', action: 'rm', code: 'x', language: 'ts' },
      { type: 'openLink', href: 'javascript:alert(1)' },
      { type: 'openLink', href: 'file:///etc/passwd' },
      { type: 'openConversation', id: '../../etc' },
      { type: 'errorAction', action: 'format', turnId: 't1' },
      { type: 'searchFiles', requestId: 1.5, query: 'x' },
    ];
    for (const message of bad) {
      assert.equal(parseFromWebview(message), undefined, JSON.stringify(message).slice(0, 80));
    }
  });

  it('checks host messages before the webview renders them', () => {
    const delta = { type: 'delta', conversationId: 'c1', turnId: 't', reasoning: 'a', answer: 'b', reasoningAt: 0, answerAt: 3 };
    assert.equal(parseFromHost(delta)?.type, 'delta');
    assert.equal(parseFromHost({ ...delta, reasoning: 1 }), undefined);
    assert.equal(parseFromHost({ ...delta, answerAt: undefined }), undefined, 'a delta without its offset cannot be placed');
    assert.equal(parseFromHost({ ...delta, conversationId: undefined }), undefined, 'a delta names its conversation');
    assert.equal(parseFromHost({ type: 'turn', turn: { id: 't' } }), undefined, 'a turn names its conversation');
    assert.equal(parseFromHost({ type: 'askRefused', reason: 'busy', text: 'q' })?.type, 'askRefused');
    assert.equal(parseFromHost({ type: 'askRefused', reason: 3 }), undefined);
    assert.equal(parseFromHost({ type: 'state', state: { turns: 'no' } }), undefined);
    assert.equal(parseFromHost({ type: 'unknown' }), undefined);
  });
});
