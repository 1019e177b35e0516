import * as assert from 'assert/strict';
import { DEFAULT_PRICING, InMemorySettingsSource, readSetting } from '../../src/core/settingsSchema';

describe('typed settings', () => {
  it('gives the defaults when nothing is set', () => {
    const source = new InMemorySettingsSource();
    assert.equal(readSetting(source, 'baseUrl').value, 'https://api.deepseek.com');
    assert.equal(readSetting(source, 'models.chat').value, 'deepseek-chat');
    assert.equal(readSetting(source, 'models.reasoner').value, 'deepseek-reasoner');
    assert.deepEqual(readSetting(source, 'pricing').value, DEFAULT_PRICING);
    assert.equal(readSetting(source, 'budget.session').value, 0);
    assert.equal(readSetting(source, 'privacy.redact').value, true);
    assert.equal(readSetting(source, 'inlineCompletions.enabled').value, true);
    assert.deepEqual(readSetting(source, 'context.exclude').value, []);
    assert.deepEqual(readSetting(source, 'fallbackProviders').value, []);
  });

  it('keeps valid values, trimming ids and trailing slashes', () => {
    const source = new InMemorySettingsSource({ baseUrl: ' http://127.0.0.1:9999/ ', 'models.chat': ' deepseek-v4-flash ' });
    assert.deepEqual(readSetting(source, 'baseUrl'), { value: 'http://127.0.0.1:9999' });
    assert.deepEqual(readSetting(source, 'models.chat'), { value: 'deepseek-v4-flash' });
  });

  it('falls back to the default with a readable problem for invalid values', () => {
    const source = new InMemorySettingsSource({
      baseUrl: 'ftp://nope',
      'models.reasoner': '  ',
      'budget.session': -3,
      'privacy.redact': 'yes',
      pricing: { 'deepseek-chat': { cacheHit: 0.1, cacheMiss: 'a lot', output: 1 } },
      'context.exclude': ['ok', 3],
    });
    const baseUrl = readSetting(source, 'baseUrl');
    assert.equal(baseUrl.value, 'https://api.deepseek.com');
    assert.match(baseUrl.problem ?? '', /deepseek\.baseUrl must be an http\(s\) URL; using the default/);
    assert.equal(readSetting(source, 'models.reasoner').value, 'deepseek-reasoner');
    assert.equal(readSetting(source, 'budget.session').value, 0);
    assert.equal(readSetting(source, 'privacy.redact').value, true, 'redaction stays on when the value is unclear');
    assert.match(readSetting(source, 'pricing').problem ?? '', /deepseek-chat/);
    assert.deepEqual(readSetting(source, 'context.exclude').value, []);
  });

  it('validates fallback providers and never accepts a key in settings', () => {
    const good = new InMemorySettingsSource({
      fallbackProviders: [{ name: 'Backup', baseUrl: 'https://api.example.com/v1', apiKeyEnv: 'BACKUP_KEY', models: { chat: 'm1', reasoner: 'm2' } }],
    });
    assert.deepEqual(readSetting(good, 'fallbackProviders').value, [
      { name: 'Backup', baseUrl: 'https://api.example.com/v1', apiKeyEnv: 'BACKUP_KEY', models: { chat: 'm1', reasoner: 'm2' } },
    ]);
    const withKey = new InMemorySettingsSource({
      fallbackProviders: [{ name: 'Backup', baseUrl: 'https://x', apiKey: 'sk-secret', models: { chat: 'm1', reasoner: 'm2' } }],
    });
    const parsed = readSetting(withKey, 'fallbackProviders');
    assert.ok(!JSON.stringify(parsed.value).includes('sk-secret'), 'an inline key is never carried through');
    const bad = new InMemorySettingsSource({ fallbackProviders: [{ name: 'NoModels', baseUrl: 'https://x' }] });
    assert.match(readSetting(bad, 'fallbackProviders').problem ?? '', /NoModels.*models\.chat/);
    const badEnv = new InMemorySettingsSource({ fallbackProviders: [{ name: 'E', baseUrl: 'https://x', apiKeyEnv: 'not valid', models: { chat: 'a', reasoner: 'b' } }] });
    assert.match(readSetting(badEnv, 'fallbackProviders').problem ?? '', /apiKeyEnv/);
  });
});
