import * as assert from 'assert/strict';
import { DEFAULT_PRICING, InMemorySettingsSource, legacySettingsInUse, readSetting } from '../../src/core/settingsSchema';

describe('typed settings', () => {
  it('gives the defaults when nothing is set', () => {
    const source = new InMemorySettingsSource();
    assert.equal(readSetting(source, 'baseUrl').value, 'https://api.deepseek.com');
    assert.equal(readSetting(source, 'models.chat').value, 'deepseek-flash');
    assert.equal(readSetting(source, 'models.reasoner').value, 'deepseek-flash');
    assert.equal(readSetting(source, 'models.reasoningEffort').value, 'high');
    assert.equal(readSetting(source, 'models.thinking').value, 'auto');
    assert.deepEqual(readSetting(source, 'models.limits').value, {});
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
      pricing: { 'deepseek-flash': { cacheHit: 0.1, cacheMiss: 'a lot', output: 1 } },
      'context.exclude': ['ok', 3],
    });
    const baseUrl = readSetting(source, 'baseUrl');
    assert.equal(baseUrl.value, 'https://api.deepseek.com');
    assert.match(baseUrl.problem ?? '', /deepseek\.baseUrl must be an http\(s\) URL; using the default/);
    assert.equal(readSetting(source, 'models.reasoner').value, 'deepseek-flash');
    assert.equal(readSetting(source, 'budget.session').value, 0);
    assert.equal(readSetting(source, 'privacy.redact').value, true, 'redaction stays on when the value is unclear');
    assert.match(readSetting(source, 'pricing').problem ?? '', /deepseek-flash/);
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

  it("takes a fallback's limits and FIM flag, and refuses names that would be confused in the ledger", () => {
    const models = { chat: 'a', reasoner: 'b' };
    const good = new InMemorySettingsSource({ fallbackProviders: [{ name: 'Local', baseUrl: 'http://127.0.0.1:8000/v1', models, limits: { contextTokens: 32000, maxOutputTokens: 4000 }, fim: true }] });
    assert.deepEqual(readSetting(good, 'fallbackProviders').value[0], { name: 'Local', baseUrl: 'http://127.0.0.1:8000/v1', models, limits: { contextTokens: 32000, maxOutputTokens: 4000 }, fim: true });
    const badLimits = new InMemorySettingsSource({ fallbackProviders: [{ name: 'L', baseUrl: 'http://x', models, limits: { contextTokens: 5 } }] });
    assert.match(readSetting(badLimits, 'fallbackProviders').problem ?? '', /"L": limits .*contextTokens/);
    const badFim = new InMemorySettingsSource({ fallbackProviders: [{ name: 'L', baseUrl: 'http://x', models, fim: 'yes' }] });
    assert.match(readSetting(badFim, 'fallbackProviders').problem ?? '', /fim/);
    const twice = new InMemorySettingsSource({ fallbackProviders: [{ name: 'A', baseUrl: 'http://x', models }, { name: 'a', baseUrl: 'http://y', models }] });
    assert.match(readSetting(twice, 'fallbackProviders').problem ?? '', /name of its own/);
    const deepseek = new InMemorySettingsSource({ fallbackProviders: [{ name: 'DeepSeek', baseUrl: 'http://x', models }] });
    assert.match(readSetting(deepseek, 'fallbackProviders').problem ?? '', /name of its own/);
  });

  it('reads the failover timers as whole seconds from 1 to 600', () => {
    assert.equal(readSetting(new InMemorySettingsSource({}), 'failover.firstTokenSeconds').value, 30);
    assert.equal(readSetting(new InMemorySettingsSource({ 'failover.stallSeconds': 5 }), 'failover.stallSeconds').value, 5);
    assert.match(readSetting(new InMemorySettingsSource({ 'failover.stallSeconds': 0 }), 'failover.stallSeconds').problem ?? '', /between 1 and 600/);
  });

  it('keeps a retired model id as written (a legacy endpoint may serve it; healing is decided per endpoint)', () => {
    const source = new InMemorySettingsSource({ 'models.chat': 'deepseek-chat', 'models.reasoner': 'deepseek-v4-pro' });
    assert.deepEqual(readSetting(source, 'models.chat'), { value: 'deepseek-chat' });
    assert.deepEqual(readSetting(source, 'models.reasoner'), { value: 'deepseek-v4-pro' });
  });

  it('reads the reasoning effort as DeepSeek does: low/medium → high, xhigh → max', () => {
    const effort = (raw: unknown) => readSetting(new InMemorySettingsSource({ 'models.reasoningEffort': raw }), 'models.reasoningEffort');
    assert.deepEqual(effort('max'), { value: 'max' });
    assert.deepEqual(effort('high'), { value: 'high' });
    assert.deepEqual(effort('low'), { value: 'high' });
    assert.deepEqual(effort(' Medium '), { value: 'high' });
    assert.deepEqual(effort('xhigh'), { value: 'max' });
    assert.equal(effort('extreme').value, 'high');
    assert.match(effort('extreme').problem ?? '', /deepseek\.models\.reasoningEffort must be one of "high", "max"; using the default/);
    assert.match(effort(3).problem ?? '', /must be one of/);
  });

  it('takes the thinking override as auto, always or never', () => {
    const thinking = (raw: unknown) => readSetting(new InMemorySettingsSource({ 'models.thinking': raw }), 'models.thinking');
    for (const v of ['auto', 'always', 'never']) {
      assert.deepEqual(thinking(v), { value: v });
    }
    assert.equal(thinking(true).value, 'auto');
    assert.match(thinking('sometimes').problem ?? '', /"auto", "always", "never"/);
  });

  it('migrates the old boolean models.thinkingParameter: true → always, false → auto', () => {
    const on = new InMemorySettingsSource({ 'models.thinkingParameter': true });
    assert.deepEqual(readSetting(on, 'models.thinking'), { value: 'always', migratedFrom: 'models.thinkingParameter' });
    assert.deepEqual(legacySettingsInUse(on), [
      { key: 'models.thinkingParameter', replacedBy: 'models.thinking', raw: true, value: 'always', applied: true },
    ]);
    const off = new InMemorySettingsSource({ 'models.thinkingParameter': false });
    assert.deepEqual(readSetting(off, 'models.thinking'), { value: 'auto' });
    assert.deepEqual(legacySettingsInUse(off), [
      { key: 'models.thinkingParameter', replacedBy: 'models.thinking', raw: false, value: undefined, applied: false },
    ]);
    const both = new InMemorySettingsSource({ 'models.thinkingParameter': true, 'models.thinking': 'never' });
    assert.deepEqual(readSetting(both, 'models.thinking'), { value: 'never' }, 'the new setting wins');
    assert.equal(legacySettingsInUse(both)[0].applied, false);
    assert.deepEqual(legacySettingsInUse(new InMemorySettingsSource()), []);
  });

  it('validates per-model limit overrides', () => {
    const limits = (raw: unknown) => readSetting(new InMemorySettingsSource({ 'models.limits': raw }), 'models.limits');
    const good = { 'my-model': { contextTokens: 32_000, maxOutputTokens: 4_096 }, 'deepseek-flash': { maxOutputTokens: 64_000 } };
    assert.deepEqual(limits(good), { value: good });
    const cases: [unknown, RegExp][] = [
      [[], /must be an object/],
      [{ m: 5 }, /entry "m" must be an object/],
      [{ m: {} }, /entry "m" needs contextTokens or maxOutputTokens/],
      [{ m: { contextTokens: 500 } }, /contextTokens as a whole number/],
      [{ m: { contextTokens: 8000.5 } }, /contextTokens as a whole number/],
      [{ m: { maxOutputTokens: 0 } }, /maxOutputTokens as a whole number/],
      [{ m: { contextTokens: 8_000, maxOutputTokens: 9_000 } }, /larger than contextTokens/],
    ];
    for (const [raw, problem] of cases) {
      const parsed = limits(raw);
      assert.deepEqual(parsed.value, {}, JSON.stringify(raw));
      assert.match(parsed.problem ?? '', problem);
    }
    assert.deepEqual(limits({ m: { contextTokens: 8_000, extra: 1 } }).value, { m: { contextTokens: 8_000 } }, 'unknown fields are dropped');
  });
});
