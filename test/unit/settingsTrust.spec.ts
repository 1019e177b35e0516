import * as assert from 'assert/strict';
import { languageEnabled, readLayeredSetting, USER_ONLY_KEYS } from '../../src/core/settingsSchema';
import { ignoredSettingsNotice, setsKey, stripJsonc, userOnlyKeysIn } from '../../src/core/settingsTrust';

describe('settings trust: who may set what', () => {
  it('names the user-only settings: endpoint, providers and failover timers, models, context size, redaction, pricing, budget, OCR endpoint and limits', () => {
    assert.deepEqual([...USER_ONLY_KEYS].sort(), [
      'baseUrl',
      'budget.session',
      'context.maxTokens',
      'failover.firstTokenSeconds',
      'failover.stallSeconds',
      'fallbackProviders',
      'models.chat',
      'models.limits',
      'models.reasoner',
      'models.reasoningEffort',
      'models.thinking',
      'ocr.apiKeyEnv',
      'ocr.baseUrl',
      'ocr.grounding',
      'ocr.maxFileMB',
      'ocr.maxPages',
      'ocr.model',
      'ocr.pricePerPage',
      'ocr.provider',
      'ocr.purpose',
      'ocr.timeoutSeconds',
      'pricing',
      'privacy.redact',
    ]);
  });

  it('never lets a workspace choose where documents are uploaded, with which key, or what extraction costs', () => {
    assert.equal(readLayeredSetting('ocr.provider', { workspace: 'openaiCompatible' }).value, 'deepseek');
    assert.equal(readLayeredSetting('ocr.baseUrl', { user: 'http://localhost:8000/v1', workspace: 'http://evil.example/v1' }).value, 'http://localhost:8000/v1');
    assert.equal(readLayeredSetting('ocr.apiKeyEnv', { workspace: 'AWS_SECRET_ACCESS_KEY' }).value, '');
    assert.equal(readLayeredSetting('ocr.pricePerPage', { workspace: 0 }).value, 0.00021);
    assert.deepEqual(userOnlyKeysIn('{ "deepseek.ocr.baseUrl": "http://evil.example/v1", "deepseek": { "ocr": { "provider": "openaiCompatible" } } }'), ['ocr.provider', 'ocr.baseUrl']);
  });

  it('reads a user-only setting from the user value alone, whatever a workspace or folder says', () => {
    assert.equal(readLayeredSetting('baseUrl', { user: 'http://127.0.0.1:1', workspace: 'http://evil.example', folders: ['http://evil2.example'] }).value, 'http://127.0.0.1:1');
    assert.equal(readLayeredSetting('baseUrl', { workspace: 'http://evil.example' }).value, 'https://api.deepseek.com');
    assert.equal(readLayeredSetting('privacy.redact', { workspace: false }).value, true);
    assert.equal(readLayeredSetting('privacy.redact', { user: false, workspace: true }).value, false, "the user's own choice is theirs");
    assert.deepEqual(readLayeredSetting('fallbackProviders', { workspace: [{ name: 'x', baseUrl: 'http://x', apiKeyEnv: 'AWS_SECRET_ACCESS_KEY', models: { chat: 'a', reasoner: 'b' } }] }).value, []);
    assert.equal(readLayeredSetting('budget.session', { user: 2, workspace: 0 }).value, 2);
    assert.equal(readLayeredSetting('models.reasoner', { user: 'deepseek-flash', workspace: 'deepseek-v4-pro' }).value, 'deepseek-flash');
    assert.equal(readLayeredSetting('models.reasoningEffort', { workspace: 'max' }).value, 'high');
    assert.equal(readLayeredSetting('models.thinking', { workspace: 'never' }).value, 'auto');
    assert.deepEqual(readLayeredSetting('models.limits', { workspace: { 'deepseek-flash': { contextTokens: 2_000_000 } } }).value, {});
    assert.equal(readLayeredSetting('context.maxTokens', { workspace: 2_000_000 }).value, 128_000);
    const zero = { 'deepseek-flash': { cacheHit: 0, cacheMiss: 0, output: 0 } };
    assert.notDeepEqual(readLayeredSetting('pricing', { workspace: zero }).value, zero);
  });

  it('carries a replaced setting over from the user value alone', () => {
    const legacy = (user: unknown, workspace?: unknown) => () => ({ user, workspace });
    assert.equal(readLayeredSetting('models.thinking', {}, legacy(true)).value, 'always');
    assert.equal(readLayeredSetting('models.thinking', {}, legacy(undefined, true)).value, 'auto', 'never from a workspace');
    assert.equal(readLayeredSetting('models.thinking', { user: 'never' }, legacy(true)).value, 'never', 'the new setting wins');
    assert.equal(readLayeredSetting('models.thinking', {}, legacy(false)).value, 'auto');
  });

  it('lets a workspace add context exclusions but never remove the user\'s, even with an invalid value', () => {
    assert.deepEqual(readLayeredSetting('context.exclude', { user: ['secrets/**'], workspace: ['gen/**'], folders: [['vendor/**', 'gen/**']] }).value, [
      'secrets/**',
      'gen/**',
      'vendor/**',
    ]);
    assert.deepEqual(readLayeredSetting('context.exclude', { user: ['secrets/**'], workspace: [] }).value, ['secrets/**']);
    const broken = readLayeredSetting('context.exclude', { user: ['secrets/**'], workspace: [3] });
    assert.deepEqual(broken.value, ['secrets/**']);
    assert.equal(broken.problems.length, 1);
  });

  it('lets a workspace switch inline completions off, never on', () => {
    assert.equal(readLayeredSetting('inlineCompletions.enabled', { user: true, workspace: false }).value, false);
    assert.equal(readLayeredSetting('inlineCompletions.enabled', { user: false }).value, false);
    assert.equal(readLayeredSetting('inlineCompletions.enabled', { user: false, workspace: true }).value, false, 'a repository cannot turn on sending code as you type');
    assert.equal(readLayeredSetting('inlineCompletions.enabled', { workspace: true, folders: [false] }).value, false);
    assert.equal(readLayeredSetting('inlineCompletions.enabled', {}).value, true);
  });

  it('narrows the per-language map the same way: a language is on only if every layer leaves it on', () => {
    const on = (layers: Parameters<typeof readLayeredSetting>[1], language: string) => languageEnabled(readLayeredSetting('inlineCompletions.languages', layers).value, language);
    assert.equal(on({}, 'typescript'), true);
    assert.equal(on({}, 'markdown'), false, 'prose is off by default');
    assert.equal(on({ user: { '*': true, markdown: true } }, 'markdown'), true, "the user's own choice");
    assert.equal(on({ user: { '*': true, markdown: false }, workspace: { markdown: true } }, 'markdown'), false, 'a workspace cannot turn markdown on');
    assert.equal(on({ workspace: { markdown: true } }, 'markdown'), false, 'nor over the default');
    assert.equal(on({ user: { '*': true }, workspace: { '*': false } }, 'python'), false, 'a workspace may switch everything off');
    assert.equal(on({ user: { '*': false, python: true }, workspace: { python: true } }, 'python'), true);
    assert.equal(on({ user: { '*': false }, workspace: { '*': true, rust: true } }, 'rust'), false, 'nor turn a language on');
    assert.equal(on({ user: { '*': true }, workspace: { go: false } }, 'go'), false);
    assert.equal(on({ user: { '*': true }, workspace: { go: false } }, 'python'), true);
  });
});

describe('settings trust: finding user-only settings in a workspace settings file', () => {
  it('reads settings.json with comments and trailing commas, leaving strings alone', () => {
    const text = '{\n  // the attacker\'s server\n  "deepseek.baseUrl": "http://evil.example//x", /* off */ "a": "/* not a comment */",\n  "b": [1, 2,],\n}\n';
    assert.deepEqual(JSON.parse(stripJsonc(text)), { 'deepseek.baseUrl': 'http://evil.example//x', a: '/* not a comment */', b: [1, 2] });
    assert.deepEqual(JSON.parse(stripJsonc('{"q": "say \\"hi\\", // ok",}')), { q: 'say "hi", // ok' });
  });

  it('finds keys written flat or nested in any split, as VS Code reads them', () => {
    assert.equal(setsKey({ 'deepseek.privacy.redact': false }, 'deepseek.privacy.redact'), true);
    assert.equal(setsKey({ deepseek: { privacy: { redact: false } } }, 'deepseek.privacy.redact'), true);
    assert.equal(setsKey({ 'deepseek.privacy': { redact: false } }, 'deepseek.privacy.redact'), true);
    assert.equal(setsKey({ deepseek: { 'privacy.redact': false } }, 'deepseek.privacy.redact'), true);
    assert.equal(setsKey({ deepseek: { privacy: {} } }, 'deepseek.privacy.redact'), false);
    assert.equal(setsKey({ 'deepseek.privacy.redactX': false }, 'deepseek.privacy.redact'), false);
  });

  it('lists the user-only keys a file sets, and ignores the others', () => {
    const text = `{
      "deepseek.baseUrl": "http://127.0.0.1:9",
      "deepseek": { "privacy": { "redact": false } },
      "deepseek.fallbackProviders": [{ "name": "x", "baseUrl": "http://x", "apiKeyEnv": "AWS_SECRET_ACCESS_KEY", "models": { "chat": "a", "reasoner": "b" } }],
      "deepseek.pricing": {},
      "deepseek.inlineCompletions.enabled": false,
      "deepseek.context.exclude": ["gen/**"],
      "editor.tabSize": 2,
    }`;
    assert.deepEqual(userOnlyKeysIn(text), ['baseUrl', 'pricing', 'privacy.redact', 'fallbackProviders']);
    assert.deepEqual(userOnlyKeysIn('{"settings": {"deepseek.budget.session": 0}, "folders": []}', 'settings'), ['budget.session']);
    assert.deepEqual(userOnlyKeysIn('{"deepseek.budget.session": 0}', 'settings'), [], 'only the workspace file\'s settings object counts');
    assert.deepEqual(userOnlyKeysIn('\uFEFF{"deepseek.baseUrl": "x"}'), ['baseUrl']);
    assert.deepEqual(userOnlyKeysIn('{"deepseek.models.thinkingParameter": true, "deepseek.models.thinking": "never"}'), ['models.thinking', 'models.thinkingParameter'], 'a replaced setting too');
  });

  it('still names the flat keys of a file it cannot parse', () => {
    assert.deepEqual(userOnlyKeysIn('{ "deepseek.baseUrl": "http://evil", "deepseek.privacy.redact": false, oops }'), ['baseUrl', 'privacy.redact']);
    assert.deepEqual(userOnlyKeysIn(''), []);
  });
});

describe('settings trust: the notice', () => {
  it('says which setting, that it was ignored, and where to set it instead', () => {
    assert.equal(
      ignoredSettingsNotice([{ key: 'baseUrl', source: "This workspace's .vscode/settings.json" }]),
      "This workspace's .vscode/settings.json sets deepseek.baseUrl; DeepSeek Assistant ignored it. Endpoint, " +
        'provider, key, model, context size, redaction, pricing and budget settings are read from your user settings ' +
        'only (Preferences: Open User Settings).',
    );
  });

  it('names several settings in one sentence, and several sources together', () => {
    const one = ignoredSettingsNotice([
      { key: 'baseUrl', source: "This workspace's .vscode/settings.json" },
      { key: 'privacy.redact', source: "This workspace's .vscode/settings.json" },
      { key: 'pricing', source: "This workspace's .vscode/settings.json" },
    ]);
    assert.match(one, /^This workspace's \.vscode\/settings\.json sets deepseek\.baseUrl, deepseek\.privacy\.redact and deepseek\.pricing; DeepSeek Assistant ignored them\./);
    const two = ignoredSettingsNotice([
      { key: 'baseUrl', source: 'The .vscode/settings.json of folder "api"' },
      { key: 'budget.session', source: 'The workspace file team.code-workspace' },
    ]);
    assert.match(two, /^This workspace's settings set deepseek\.baseUrl and deepseek\.budget\.session; DeepSeek Assistant ignored them\./);
    assert.match(ignoredSettingsNotice([{ key: 'pricing', source: "This workspace's settings" }]), /^This workspace's settings set deepseek\.pricing;/);
  });
});
