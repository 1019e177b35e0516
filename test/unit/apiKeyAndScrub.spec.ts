import * as assert from 'assert/strict';
import { describeKeySource, resolveApiKey, validateApiKeyInput } from '../../src/core/apiKey';
import { scrubSecrets } from '../../src/core/scrub';

describe('API key rules', () => {
  it('prefers the stored key, then DEEPSEEK_API_KEY, ignoring blanks', () => {
    assert.deepEqual(resolveApiKey('sk-stored', { DEEPSEEK_API_KEY: 'sk-env' }), { key: 'sk-stored', source: 'secretStorage' });
    assert.deepEqual(resolveApiKey(undefined, { DEEPSEEK_API_KEY: ' sk-env ' }), { key: 'sk-env', source: 'environment' });
    assert.deepEqual(resolveApiKey('  ', { DEEPSEEK_API_KEY: '' }), { key: undefined, source: 'none' });
  });

  it('explains what is wrong with a typed key', () => {
    assert.match(validateApiKeyInput('') ?? '', /Enter your DeepSeek API key/);
    assert.match(validateApiKeyInput('sk-abc def123') ?? '', /no spaces/);
    assert.match(validateApiKeyInput('sk-1') ?? '', /too short/);
    assert.equal(validateApiKeyInput('  sk-0123456789abcdef  '), undefined);
  });

  it('describes where the key comes from without showing it', () => {
    assert.equal(describeKeySource('environment'), 'API key from the DEEPSEEK_API_KEY environment variable');
    assert.equal(describeKeySource('none'), 'No API key set');
  });
});

describe('scrubbing credentials from logs and errors', () => {
  it('removes the known key wherever it appears', () => {
    const out = scrubSecrets('request failed for key my-custom-key-value in header', ['my-custom-key-value']);
    assert.equal(out, 'request failed for key [redacted] in header');
  });

  it('removes sk- keys, bearer tokens and key assignments even when not known', () => {
    const text = 'Authorization: Bearer abcdefghijklmnop; {"api_key": "zzzzzzzzzzzz"} sk-0123456789abcdef0123';
    const out = scrubSecrets(text);
    assert.doesNotMatch(out, /abcdefghijklmnop|zzzzzzzzzzzz|0123456789abcdef0123/);
  });

  it('leaves ordinary text alone', () => {
    const text = 'DeepSeek Assistant 0.1.0 activated in 3.2 ms; task-runner finished';
    assert.equal(scrubSecrets(text), text);
  });
});
