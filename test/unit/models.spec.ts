import * as assert from 'assert/strict';
import {
  canonicalModelId,
  decideThinking,
  modelInfo,
  modelLimits,
  parseModelIdError,
  pickRoleModel,
  recoverFromModelError,
  resolveRoleModel,
  retiredModel,
  roleLabel,
  sameModel,
  supportsFim,
  thinkingRequestFields,
} from '../../src/core/models';

const REFUSAL = 'The supported API model names are deepseek-v4-pro or deepseek-flash, but you passed deepseek-chat.';
const LISTED = ['deepseek-flash', 'deepseek-v4-pro'];

describe('models: families and limits', () => {
  it('knows the V4 ids, the Flash alias and the retired ids', () => {
    assert.equal(modelInfo('deepseek-flash').family, 'v4');
    assert.equal(modelInfo('deepseek-v4-pro').family, 'v4');
    assert.deepEqual(
      { family: modelInfo('deepseek-v4-flash').family, aliasOf: modelInfo('deepseek-v4-flash').aliasOf },
      { family: 'v4', aliasOf: 'deepseek-flash' },
    );
    assert.equal(canonicalModelId(' DeepSeek-V4-Flash '), 'deepseek-flash');
    assert.equal(canonicalModelId('deepseek-v4-pro'), 'deepseek-v4-pro');
    assert.ok(sameModel('deepseek-v4-flash', 'DEEPSEEK-FLASH'));
    assert.ok(!sameModel('deepseek-v4-pro', 'deepseek-flash'));
    for (const id of ['deepseek-chat', 'deepseek-reasoner']) {
      assert.equal(modelInfo(id).family, 'legacy', id);
      assert.equal(modelInfo(id).known, true, id);
    }
    assert.deepEqual(retiredModel('deepseek-chat'), { since: '2026-07-24', role: 'chat', replacement: 'deepseek-flash', thinking: 'disabled' });
    assert.deepEqual(retiredModel('Deepseek-Reasoner'), { since: '2026-07-24', role: 'reasoner', replacement: 'deepseek-flash', thinking: 'enabled' });
    assert.equal(retiredModel('deepseek-flash'), undefined);
  });

  it('infers the family of ids it does not know from their shape, and knows nothing of others', () => {
    for (const id of ['deepseek-v4.1-flash', 'deepseek-flash-2609', 'deepseek-v5-pro', 'deepseek-pro']) {
      assert.deepEqual([modelInfo(id).family, modelInfo(id).known, modelInfo(id).thinkingSwitch], ['v4', false, true], id);
    }
    for (const id of ['deepseek-v3', 'deepseek-v2.5', 'deepseek-coder-v2', 'deepseek-r1:7b', 'deepseek-r1-distill-qwen-32b']) {
      assert.equal(modelInfo(id).family, 'legacy', id);
    }
    assert.equal(modelInfo('deepseek-r1:7b').reasonsById, true);
    for (const id of ['gpt-4o-mini', 'qwen2.5-coder', 'deepseek-flashy', 'my-deepseek-v4-flash']) {
      assert.deepEqual([modelInfo(id).family, modelInfo(id).thinkingSwitch], ['unknown', false], id);
    }
  });

  it('gives V4 1M / 384K, older and unknown models 128K / 8K, and lets the user override either field', () => {
    assert.deepEqual(modelLimits('deepseek-flash'), { contextTokens: 1_000_000, maxOutputTokens: 384_000, source: 'known' });
    assert.deepEqual(modelLimits('deepseek-v4-pro'), { contextTokens: 1_000_000, maxOutputTokens: 384_000, source: 'known' });
    assert.deepEqual(modelLimits('deepseek-chat'), { contextTokens: 128_000, maxOutputTokens: 8_000, source: 'known' });
    assert.deepEqual(modelLimits('local-model'), { contextTokens: 128_000, maxOutputTokens: 8_000, source: 'default' });
    const overrides = {
      'local-model': { contextTokens: 32_000, maxOutputTokens: 4_096 },
      'DeepSeek-Flash': { maxOutputTokens: 64_000 },
    };
    assert.deepEqual(modelLimits('local-model', overrides), { contextTokens: 32_000, maxOutputTokens: 4_096, source: 'override' });
    assert.deepEqual(modelLimits('deepseek-flash', overrides), { contextTokens: 1_000_000, maxOutputTokens: 64_000, source: 'override' });
    assert.deepEqual(modelLimits('deepseek-v4-flash', overrides), { contextTokens: 1_000_000, maxOutputTokens: 64_000, source: 'override' }, 'an alias takes its model\'s override');
    assert.equal(modelLimits('deepseek-v4-pro', overrides).source, 'known');
    assert.equal(modelLimits('toString', {}).source, 'default', 'no prototype keys');
  });

  it('serves FIM on Flash and the old chat id, not on Pro or a reasoner', () => {
    assert.ok(supportsFim('deepseek-flash'));
    assert.ok(supportsFim('deepseek-v4-flash'));
    assert.ok(supportsFim('deepseek-chat'));
    assert.ok(supportsFim('some-local-coder'), 'an unknown model may try');
    assert.ok(!supportsFim('deepseek-v4-pro'));
    assert.ok(!supportsFim('deepseek-reasoner'));
  });
});

describe('models: the thinking switch per role', () => {
  it('always sends it to a V4-family id: disabled for chat, enabled with the effort for the reasoner', () => {
    assert.deepEqual(decideThinking({ role: 'chat', model: 'deepseek-flash' }), { thinking: 'disabled', reasons: false });
    assert.deepEqual(decideThinking({ role: 'reasoner', model: 'deepseek-flash' }), { thinking: 'enabled', reasoningEffort: 'high', reasons: true });
    assert.deepEqual(decideThinking({ role: 'reasoner', model: 'deepseek-v4-pro', effort: 'max' }), { thinking: 'enabled', reasoningEffort: 'max', reasons: true });
    assert.deepEqual(decideThinking({ role: 'chat', model: 'deepseek-v4-flash', effort: 'max' }), { thinking: 'disabled', reasons: false });
    assert.equal(decideThinking({ role: 'chat', model: 'deepseek-v5-flash' }).thinking, 'disabled', 'a newer id of the family too');
  });

  it('never sends it to legacy or unknown ids unless the override says always', () => {
    assert.deepEqual(decideThinking({ role: 'chat', model: 'deepseek-chat' }), { reasons: false });
    assert.deepEqual(decideThinking({ role: 'reasoner', model: 'deepseek-reasoner' }), { reasons: true });
    assert.deepEqual(decideThinking({ role: 'reasoner', model: 'llama-3-70b' }), { reasons: undefined });
    assert.deepEqual(decideThinking({ role: 'reasoner', model: 'llama-3-70b', override: 'always' }), { thinking: 'enabled', reasoningEffort: 'high', reasons: true });
    assert.deepEqual(decideThinking({ role: 'chat', model: 'deepseek-chat', override: 'always' }), { thinking: 'disabled', reasons: false });
  });

  it('omits it everywhere with never (a V4 id then thinks by default)', () => {
    assert.deepEqual(decideThinking({ role: 'chat', model: 'deepseek-flash', override: 'never' }), { reasons: true });
    assert.deepEqual(decideThinking({ role: 'reasoner', model: 'deepseek-chat', override: 'never' }), { reasons: false });
  });

  it('writes the decision as request-body fields', () => {
    assert.deepEqual(thinkingRequestFields(decideThinking({ role: 'reasoner', model: 'deepseek-flash', effort: 'max' })), { thinking: { type: 'enabled' }, reasoning_effort: 'max' });
    assert.deepEqual(thinkingRequestFields(decideThinking({ role: 'chat', model: 'deepseek-flash' })), { thinking: { type: 'disabled' } });
    assert.deepEqual(thinkingRequestFields(decideThinking({ role: 'reasoner', model: 'deepseek-reasoner' })), {});
  });

  it('labels what a role resolves to', () => {
    assert.equal(roleLabel('chat', 'deepseek-flash'), 'Chat · deepseek-flash');
    assert.equal(roleLabel('reasoner', 'deepseek-flash'), 'Reasoner · deepseek-flash, thinking high');
    assert.equal(roleLabel('reasoner', 'deepseek-v4-pro', decideThinking({ role: 'reasoner', model: 'deepseek-v4-pro', effort: 'max' })), 'Reasoner · deepseek-v4-pro, thinking max');
    assert.equal(roleLabel('reasoner', 'deepseek-reasoner'), 'Reasoner · deepseek-reasoner');
    assert.equal(roleLabel('chat', 'deepseek-flash', decideThinking({ role: 'chat', model: 'deepseek-flash', override: 'never' })), 'Chat · deepseek-flash, thinking on by default');
  });
});

describe('models: ids that heal', () => {
  it('reads DeepSeek\'s refusal of a retired id: the supported ids and the one passed', () => {
    assert.deepEqual(parseModelIdError(REFUSAL), { supported: ['deepseek-v4-pro', 'deepseek-flash'], passed: 'deepseek-chat' });
    assert.deepEqual(parseModelIdError(`400 ${REFUSAL}`), { supported: ['deepseek-v4-pro', 'deepseek-flash'], passed: 'deepseek-chat' }, 'as the SDK prefixes it');
    assert.deepEqual(
      parseModelIdError('The supported API model names are "deepseek-a", `deepseek-b`, or deepseek-v4.1-flash, but you passed "my-model".'),
      { supported: ['deepseek-a', 'deepseek-b', 'deepseek-v4.1-flash'], passed: 'my-model' },
    );
    assert.deepEqual(parseModelIdError('The supported model names are deepseek-flash and deepseek-v4-pro.'), { supported: ['deepseek-flash', 'deepseek-v4-pro'] });
    assert.deepEqual(parseModelIdError('Model Not Exist'), { supported: [] });
    assert.deepEqual(parseModelIdError('The model `gpt-9` does not exist or you do not have access to it.'), { supported: [] });
  });

  it('does not read a 400 about something else as a model error', () => {
    for (const message of [
      'The `reasoning_content` in the thinking mode must be passed back to the API.',
      'Thinking mode does not support this tool_choice',
      'messages[0].role is invalid',
      'Invalid max_tokens value, the valid range of max_tokens is [1, 384000]',
      '',
      undefined,
    ]) {
      assert.equal(parseModelIdError(message), undefined, String(message));
    }
  });

  it('picks the equivalent for the role from a list, never the id that failed, never a guess', () => {
    assert.equal(pickRoleModel('chat', 'deepseek-chat', LISTED), 'deepseek-flash');
    assert.equal(pickRoleModel('reasoner', 'deepseek-reasoner', LISTED), 'deepseek-flash');
    assert.equal(pickRoleModel('reasoner', 'deepseek-v4-pro-old', [...LISTED, 'deepseek-v4-pro-2609']), 'deepseek-v4-pro', 'a reasoner on Pro stays on Pro');
    assert.equal(pickRoleModel('chat', 'deepseek-flash', ['deepseek-v4-flash', 'deepseek-v4-pro']), 'deepseek-v4-flash', 'the API of April–September 2026');
    assert.equal(pickRoleModel('chat', 'deepseek-flash', ['deepseek-v4-pro']), 'deepseek-v4-pro', 'Pro when it is the only V4 model');
    assert.equal(pickRoleModel('chat', 'deepseek-v4-flash', ['deepseek-chat', 'deepseek-reasoner']), 'deepseek-chat', 'a legacy endpoint');
    assert.equal(pickRoleModel('reasoner', 'deepseek-flash', ['deepseek-chat', 'deepseek-reasoner']), 'deepseek-reasoner');
    assert.equal(pickRoleModel('chat', 'deepseek-flash', ['deepseek-flash']), undefined, 'never the id that failed');
    assert.equal(pickRoleModel('chat', 'deepseek-chat', ['llama-3-70b', 'qwen2.5']), undefined, 'no guess among unknown ids');
    assert.equal(pickRoleModel('chat', 'deepseek-chat', []), undefined);
    assert.equal(pickRoleModel('chat', 'x', ['deepseek-v4-pro', 'deepseek-flash']), pickRoleModel('chat', 'x', ['deepseek-flash', 'deepseek-v4-pro']), 'order of the list does not matter');
  });

  it('recovers from the refusal once: the role\'s equivalent from /models, else from the message', () => {
    const fromList = recoverFromModelError({ role: 'chat', model: 'deepseek-chat', status: 400, message: REFUSAL, available: LISTED });
    assert.deepEqual(fromList, {
      model: 'deepseek-flash',
      from: 'deepseek-chat',
      retired: { since: '2026-07-24', role: 'chat', replacement: 'deepseek-flash', thinking: 'disabled' },
      reason: 'deepseek-chat was retired by DeepSeek on 2026-07-24; Chat uses deepseek-flash instead.',
    });
    assert.equal(recoverFromModelError({ role: 'reasoner', model: 'deepseek-reasoner', status: 400, message: REFUSAL })?.model, 'deepseek-flash');
    const unknown = recoverFromModelError({ role: 'reasoner', model: 'deepseek-v4-pro-preview', status: 404, message: 'Model Not Exist', available: LISTED });
    assert.equal(unknown?.model, 'deepseek-v4-pro');
    assert.equal(unknown?.reason, '404 from the API: deepseek-v4-pro-preview is not a model it serves; Reasoner uses deepseek-v4-pro instead.');
  });

  it('never retries another 400, another status, or into the id that just failed', () => {
    const base = { role: 'chat' as const, model: 'deepseek-chat', available: LISTED };
    assert.equal(recoverFromModelError({ ...base, status: 400, message: 'messages[0].role is invalid' }), undefined);
    assert.equal(recoverFromModelError({ ...base, status: 422, message: REFUSAL }), undefined);
    assert.equal(recoverFromModelError({ ...base, status: 500, message: REFUSAL }), undefined);
    assert.equal(recoverFromModelError({ ...base, status: undefined, message: REFUSAL }), undefined);
    assert.equal(recoverFromModelError({ ...base, status: 400, message: 'Model Not Exist', available: [] }), undefined, 'no list, no ids in the message');
    const listed = recoverFromModelError({ role: 'chat', model: 'deepseek-flash', status: 400, message: REFUSAL.replace('deepseek-chat.', 'deepseek-flash.'), available: LISTED });
    assert.equal(listed, undefined, 'a refused id that the API lists as supported: the id is not the problem');
    const retried = recoverFromModelError({ role: 'chat', model: 'deepseek-v4-flash', status: 400, message: 'Model Not Exist', available: ['deepseek-chat', 'deepseek-flash'], tried: ['deepseek-chat'] });
    assert.equal(retried?.model, 'deepseek-flash');
    const exhausted = recoverFromModelError({ role: 'chat', model: 'deepseek-flash', status: 400, message: 'Model Not Exist', available: ['deepseek-chat'], tried: ['deepseek-chat'] });
    assert.equal(exhausted, undefined, 'never back to an id already tried');
  });

  it('resolves a role\'s configured id against the endpoint and /models', () => {
    assert.deepEqual(resolveRoleModel({ role: 'chat', configured: 'deepseek-flash', endpoint: 'deepseek' }), { model: 'deepseek-flash' });
    const healed = resolveRoleModel({ role: 'chat', configured: 'deepseek-chat', endpoint: 'deepseek' });
    assert.equal(healed.model, 'deepseek-flash');
    assert.equal(healed.switched?.reason, 'deepseek-chat was retired by DeepSeek on 2026-07-24; Chat uses deepseek-flash instead.');
    assert.equal(resolveRoleModel({ role: 'reasoner', configured: 'deepseek-reasoner', endpoint: 'deepseek', available: LISTED }).model, 'deepseek-flash');
    assert.deepEqual(resolveRoleModel({ role: 'chat', configured: 'deepseek-chat', endpoint: 'custom' }), { model: 'deepseek-chat' }, 'another endpoint may still serve it');
    assert.deepEqual(resolveRoleModel({ role: 'chat', configured: 'deepseek-chat', endpoint: 'local', available: ['deepseek-chat', 'deepseek-reasoner'] }), { model: 'deepseek-chat' }, 'a legacy endpoint lists it');
    assert.deepEqual(resolveRoleModel({ role: 'chat', configured: 'deepseek-v4-flash', endpoint: 'deepseek', available: LISTED }), { model: 'deepseek-v4-flash' }, 'an alias of a listed model is accepted');
    const unlisted = resolveRoleModel({ role: 'reasoner', configured: 'deepseek-v4-pro', endpoint: 'custom', available: ['deepseek-flash'] });
    assert.equal(unlisted.model, 'deepseek-flash');
    assert.equal(unlisted.switched?.reason, 'deepseek-v4-pro is not in the models this endpoint lists (deepseek-flash); Reasoner uses deepseek-flash instead.');
    assert.deepEqual(resolveRoleModel({ role: 'chat', configured: 'my-model', endpoint: 'custom', available: ['other-model'] }), { model: 'my-model' }, 'no guess: the request will name the list');
  });
});
