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
    assert.deepEqual(parseFromWebview({ type: 'action', action: 'setApiKey' }), { type: 'action', action: 'setApiKey' });
  });

  it('rejects anything else', () => {
    for (const bad of [null, 'ready', [], { type: 'action', action: 'rm -rf' }, { type: 'eval', code: '1' }, { type: 'action' }]) {
      assert.equal(parseFromWebview(bad), undefined, JSON.stringify(bad));
    }
  });

  it('validates host state before the webview renders it', () => {
    const state = { keySource: 'none', endpointLabel: 'DeepSeek API', simulated: false };
    assert.deepEqual(parseFromHost({ type: 'state', state }), { type: 'state', state });
    assert.equal(parseFromHost({ type: 'state', state: { ...state, keySource: 'other' } }), undefined);
  });
});
