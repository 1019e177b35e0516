import * as assert from 'assert/strict';
import { existsSync, readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { DeepSeekAssistantTestApi } from '../../src/app/publicApi';
import type { ConsentQuestion } from '../../src/documents/uploadConsent';
import type { Notice } from '../../src/platform/notifier';
import { FakeDeepSeekControl } from '../fake-deepseek/control';
import { EXTENSION_ID } from '../harness/paths';

export async function activateExtension(): Promise<DeepSeekAssistantTestApi> {
  const extension = vscode.extensions.getExtension<DeepSeekAssistantTestApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed`);
  const api = await extension.activate();
  assert.equal(typeof api.askInChat, 'function', 'in test mode activate() returns the test API');
  return api;
}

export function fakeServer(): FakeDeepSeekControl {
  const url = process.env.FAKE_DEEPSEEK_URL;
  assert.ok(url, 'FAKE_DEEPSEEK_URL is set by the test harness');
  return new FakeDeepSeekControl(url);
}

/** The second fake, playing the server an attacker's workspace settings point at (ATTACKER_DEEPSEEK_URL). */
export function attackerServer(): FakeDeepSeekControl {
  const url = process.env.ATTACKER_DEEPSEEK_URL;
  assert.ok(url, 'ATTACKER_DEEPSEEK_URL is set by the test harness');
  return new FakeDeepSeekControl(url);
}

/** Polls until `probe` returns a value (not undefined), or fails with `what` after the timeout (a ceiling for a wedged test, not a budget). */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits for a notice shown after `since` whose message matches. */
export async function waitForNotice(api: DeepSeekAssistantTestApi, pattern: RegExp, since = 0): Promise<Notice> {
  try {
    return await waitFor(`a notice matching ${pattern}`, () => api.recentNotices().find((n) => n.at >= since && pattern.test(n.message)));
  } catch (err) {
    const seen = api.recentNotices().filter((n) => n.at >= since).map((n) => n.message);
    throw new Error(`${(err as Error).message}; notices since then: ${JSON.stringify(seen)}`);
  }
}

/**
 * Closes every editor without a save dialog: dirty documents (an edited fixture, an untitled buffer) are
 * reverted and closed first. `workbench.action.closeAllEditors` alone asks about a dirty editor, the smoke
 * test cancels that dialog, and the editors stay open for the next suite.
 */
export async function discardAndCloseAllEditors(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments.filter((d) => d.isDirty)) {
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/**
 * Waits for the first-upload question (an extraction asks it before its first upload to an endpoint in this
 * window) and answers it as the user would; resolves with the question as it was put.
 */
export async function answerUploadConsent(api: DeepSeekAssistantTestApi, choice: 'Upload' | 'Cancel'): Promise<ConsentQuestion> {
  const question = await waitFor('the upload consent question', () => api.documents.consentQuestions().find((q) => q.open));
  assert.ok(api.documents.answerConsent(choice), 'the question was still open');
  return question;
}

/** The shared ledger's folder: `<server data>/…/globalStorage/<extension id>/spend`, next to this test's workspace. */
export function ledgerDir(): string | undefined {
  const workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!workspace) return undefined;
  const search = (dir: string, depth: number): string | undefined => {
    const candidate = path.join(dir, 'globalStorage', EXTENSION_ID, 'spend');
    if (existsSync(candidate)) return candidate;
    if (depth === 0) return undefined;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && entry.name !== 'extensions' && entry.name !== 'logs') {
        const found = search(path.join(dir, entry.name), depth - 1);
        if (found) return found;
      }
    }
    return undefined;
  };
  return search(path.join(workspace, '..', 'vscode'), 4);
}

export const segmentsText = (dir: string) =>
  readdirSync(dir).filter((f) => f.startsWith('seg-') && f.endsWith('.jsonl')).map((f) => readFileSync(path.join(dir, f), 'utf8')).join('');

