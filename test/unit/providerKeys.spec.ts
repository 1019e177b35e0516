import * as assert from 'assert/strict';
import { describeProviderKeyOrigin, resolveProviderKey, validateProviderKeyInput } from '../../src/core/providers/providerKeys';
import { fallbackKeySecretName, fallbackProvider } from '../../src/core/providers/providerSpec';

describe('fallback provider keys', () => {
  it('prefers the stored key, then the named environment variable, blank values counting as absent', () => {
    const env = { BACKUP_KEY: ' env-key-1234 ', BLANK: '  ' };
    assert.deepEqual(resolveProviderKey(' stored-key-1 ', env, 'BACKUP_KEY'), { key: 'stored-key-1', source: 'secretStorage' });
    assert.deepEqual(resolveProviderKey(undefined, env, 'BACKUP_KEY'), { key: 'env-key-1234', source: 'environment' });
    assert.deepEqual(resolveProviderKey('   ', env, 'BACKUP_KEY'), { key: 'env-key-1234', source: 'environment' });
    assert.deepEqual(resolveProviderKey(undefined, env, 'BLANK'), { key: undefined, source: 'none' });
    assert.deepEqual(resolveProviderKey(undefined, env, undefined), { key: undefined, source: 'none' });
    assert.deepEqual(resolveProviderKey(undefined, { DEEPSEEK_API_KEY: 'sk-deepseek' }, undefined), { key: undefined, source: 'none' }, 'never DeepSeek\'s variable unless named');
  });

  it('says where a key comes from as the picker shows it', () => {
    assert.equal(describeProviderKeyOrigin({ source: 'secretStorage', apiKeyEnv: 'X' }), 'key in SecretStorage');
    assert.equal(describeProviderKeyOrigin({ source: 'environment', apiKeyEnv: 'OPENROUTER_API_KEY' }), 'from $OPENROUTER_API_KEY');
    assert.equal(describeProviderKeyOrigin({ source: 'none', apiKeyEnv: 'X' }), 'no key');
  });

  it('refuses blank, spaced, too short and too long keys, naming the provider', () => {
    assert.match(validateProviderKeyInput('  ', 'Backup') ?? '', /Backup/);
    assert.match(validateProviderKeyInput('abc def ghi', 'Backup') ?? '', /no spaces/);
    assert.match(validateProviderKeyInput('short', 'Backup') ?? '', /too short/);
    assert.match(validateProviderKeyInput('k'.repeat(513), 'Backup') ?? '', /too long/);
    assert.equal(validateProviderKeyInput(' or-v1-0123456789 ', 'Backup'), undefined);
  });

  it('binds a stored key to the provider\'s name and origin', () => {
    const spec = (baseUrl: string, name = 'Backup') => fallbackProvider({ name, baseUrl, models: { chat: 'c', reasoner: 'r' } });
    assert.equal(fallbackKeySecretName(spec('https://llm.example.com/v1')), 'deepseek.fallbackKey:Backup@https://llm.example.com');
    assert.equal(fallbackKeySecretName(spec('https://llm.example.com/v2/')), fallbackKeySecretName(spec('https://llm.example.com/v1')), 'same origin, same key');
    assert.notEqual(fallbackKeySecretName(spec('https://other.example.com/v1')), fallbackKeySecretName(spec('https://llm.example.com/v1')));
    assert.notEqual(fallbackKeySecretName(spec('http://llm.example.com/v1')), fallbackKeySecretName(spec('https://llm.example.com/v1')));
    assert.notEqual(fallbackKeySecretName(spec('https://llm.example.com/v1', 'Spare')), fallbackKeySecretName(spec('https://llm.example.com/v1')));
  });
});
