import * as assert from 'assert/strict';
import {
  exposeApi,
  READ_ONLY_API_MEMBERS,
  type DeepSeekAssistantApi,
  type TestOnlyMembers,
} from '../../src/app/publicApi';

// Every member of the read-only interface, checked by the compiler: a new member fails here until it is listed.
const EVERY_READ_ONLY_MEMBER: Record<keyof DeepSeekAssistantApi, true> = {
  version: true,
  activation: true,
  apiKeySource: true,
  spend: true,
  statusBar: true,
  chatViewVisible: true,
};

const api = {
  version: '1.2.3',
  activation: { bundleEvaluatedMs: 1, activateMs: 2, totalMs: 3 },
  apiKeySource: () => Promise.resolve('secretStorage' as const),
  spend: () => ({}) as ReturnType<DeepSeekAssistantApi['spend']>,
  statusBar: () => ({}) as ReturnType<DeepSeekAssistantApi['statusBar']>,
  chatViewVisible: () => false,
  // What a careless edit might leave on the object: it must not reach other extensions.
  ask: () => Promise.resolve(undefined),
} as DeepSeekAssistantApi;

function testOnly(): TestOnlyMembers {
  const unused = () => Promise.reject(new Error('not called'));
  return {
    checkConnection: unused,
    ask: unused,
    askInChat: unused,
    newChat: unused,
    sendFromChatView: unused,
    chatSessionCount: () => 0,
    stopChat: unused,
    chatState: unused,
    recentNotices: () => [],
    clickNotice: () => false,
    workspaceSettingsChecked: unused,
    lastRequest: () => undefined,
    providerStatus: () => [],
    resetProviderHealth: () => undefined,
    complete: unused,
    completionStatus: () => ({ state: 'on', text: '', tooltip: '', accessibilityLabel: '' }),
    completionRequests: () => 0,
    contextStatus: () => ({ parsing: 'idle', folders: [] }),
    documents: {} as TestOnlyMembers['documents'],
    participant: { run: unused },
  };
}

describe('the API activate() returns', () => {
  it('outside test mode has only read-only members, frozen, and never builds the test-only ones', () => {
    let built = false;
    const shipped = exposeApi(false, api, () => {
      built = true;
      return testOnly();
    });
    assert.deepEqual(Object.keys(shipped).sort(), Object.keys(EVERY_READ_ONLY_MEMBER).sort());
    assert.deepEqual([...READ_ONLY_API_MEMBERS].sort(), Object.keys(EVERY_READ_ONLY_MEMBER).sort());
    assert.equal(built, false);
    assert.ok(Object.isFrozen(shipped));
    for (const name of ['ask', 'askInChat', 'checkConnection', 'newChat', 'stopChat', 'chatState', 'sendFromChatView', 'recentNotices']) {
      assert.equal(name in shipped, false, name);
    }
    assert.equal(shipped.version, '1.2.3');
  });

  it('in test mode adds what sends requests and drives the chat', () => {
    const forTests = exposeApi(true, api, testOnly);
    for (const name of ['ask', 'askInChat', 'checkConnection', 'newChat', 'stopChat', 'chatState', 'recentNotices', 'workspaceSettingsChecked', ...READ_ONLY_API_MEMBERS]) {
      assert.ok(name in forTests, name);
    }
  });
});
