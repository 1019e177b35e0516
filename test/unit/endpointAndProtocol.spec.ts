import * as assert from 'assert/strict';
import { describeHttpFailure } from '../../src/core/apiErrors';
import { describeEndpoint } from '../../src/core/endpoint';
import { parseFromHost, parseFromWebview } from '../../src/webview/protocol';

describe('endpoint description', () => {
  it('tells DeepSeek, a local simulator and other hosts apart', () => {
    assert.equal(describeEndpoint('https://api.deepseek.com').kind, 'deepseek');
    assert.equal(describeEndpoint('https://api.deepseek.com/v1').kind, 'deepseek');
    const local = describeEndpoint('http://127.0.0.1:4321');
    assert.equal(local.kind, 'local');
    assert.match(local.label, /Offline simulator.*do not reach DeepSeek/);
    assert.equal(describeEndpoint('http://localhost:8080').kind, 'local');
    assert.equal(describeEndpoint('https://openrouter.example/api').kind, 'custom');
    assert.equal(describeEndpoint('not a url').kind, 'invalid');
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
