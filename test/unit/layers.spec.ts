import * as assert from 'assert/strict';
import { ESLint } from 'eslint';
import * as path from 'path';

/** The repository root (this file is compiled to out/test/unit/). */
const REPO_ROOT = path.resolve(__dirname, '../../..');

/**
 * Lints `code` as if it were the file `file` (relative to the repository) with the repository's own
 * eslint.config.mjs, and returns what the layer rule says, as "line: message".
 */
async function layerProblems(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: REPO_ROOT });
  const [result] = await eslint.lintText(code, { filePath: path.join(REPO_ROOT, file) });
  const fatal = result.messages.filter((m) => m.fatal);
  assert.deepEqual(fatal.map((m) => m.message), [], 'the fixture parses');
  return result.messages.filter((m) => m.ruleId === 'local/layers').map((m) => `${m.line}: ${m.message}`);
}

describe('layers are enforced by lint (eslint.config.mjs, by resolved path)', function () {
  this.timeout(30_000);

  it('reports a core file importing the engine two folders up, and vscode', async () => {
    const problems = await layerProblems(
      'src/core/prompt/fixture.ts',
      ["import { x } from '../../engine/x';", "import type * as vscode from 'vscode';", 'export type Y = [typeof x, typeof vscode];', ''].join('\n'),
    );
    assert.deepEqual(problems, [
      '1: src/core must not import src/engine ("../../engine/x"): core may import nothing outside itself.',
      '2: src/core must not import vscode: src/core is pure TypeScript, importable from plain Node tests.',
    ]);
  });

  it('reports a surface importing another surface, type-only imports included', async () => {
    assert.deepEqual(await layerProblems('src/status/fixture.ts', "import type { ChatController } from '../chat/chatController';\nexport type Y = ChatController;\n"), [
      '1: src/status must not import src/chat ("../chat/chatController"): status may import core, api, config, platform, spend, review, workspace, engine.',
    ]);
    const commands = await layerProblems('src/commands/fixture.ts', "import { ChatContext } from '../chat/chatContext';\nexport const y = ChatContext;\n");
    assert.equal(commands.length, 1);
    assert.match(commands[0], /^1: src\/commands must not import src\/chat /);
    const auth = await layerProblems('src/auth/fixture.ts', "export { StatusBarController } from '../status/statusBar';\n");
    assert.match(auth[0] ?? '', /^1: src\/auth must not import src\/status /);
  });

  it('reports the engine reaching a surface by dynamic import, require or re-export', async () => {
    const problems = await layerProblems(
      'src/engine/fixture.ts',
      [
        "export const load = () => import('../commands/codeActions');",
        "export const status: unknown = require('../status/statusBar');",
        "export * from '../chat/chatController';",
        '',
      ].join('\n'),
    );
    assert.deepEqual(problems.map((p) => p.split(' must not import ')[0]), ['1: src/engine', '2: src/engine', '3: src/engine']);
  });

  it('keeps vscode out of src/context and src/api, and the host out of the webview', async () => {
    assert.match((await layerProblems('src/context/fixture.ts', "import * as vscode from 'vscode';\nexport const v = vscode;\n"))[0] ?? '', /^1: src\/context must not import vscode/);
    assert.match((await layerProblems('src/api/fixture.ts', "import * as vscode from 'vscode';\nexport const v = vscode;\n"))[0] ?? '', /^1: src\/api must not import vscode/);
    const webview = await layerProblems(
      'src/webview/fixture.ts',
      ["import * as vscode from 'vscode';", "import { readFileSync } from 'fs';", "import { fuzzyScore } from '../chat/chatContext';", 'export const y = [vscode, readFileSync, fuzzyScore];', ''].join('\n'),
    );
    assert.deepEqual(webview.map((p) => p.split(':')[0]), ['1', '2', '3']);
    assert.match(webview[1], /must not import the Node module "fs"/);
  });

  it('lets the host import only the shared protocol of the webview', async () => {
    assert.deepEqual(await layerProblems('src/chat/fixture.ts', "import { warmUp } from '../webview/markdown';\nexport const y = warmUp;\n"), [
      '1: Outside src/webview, import only src/webview/protocol from it ("../webview/markdown").',
    ]);
    assert.deepEqual(await layerProblems('src/chat/fixture.ts', "import { parseFromWebview } from '../webview/protocol';\nexport const y = parseFromWebview;\n"), []);
  });

  it('allows imports that flow down, so the rule is not simply against everything', async () => {
    const code = [
      "import { RequestEngine } from '../engine/requestEngine';",
      "import type { ReadPolicy } from '../workspace/readPolicy';",
      "import { CommandIds } from '../core/commandIds';",
      "import * as vscode from 'vscode';",
      'export type Y = [RequestEngine, ReadPolicy, typeof CommandIds, typeof vscode];',
      '',
    ].join('\n');
    assert.deepEqual(await layerProblems('src/commands/fixture.ts', code), []);
    assert.deepEqual(await layerProblems('src/core/prompt/fixture.ts', "import { formatUsd } from '../money';\nexport const y = formatUsd;\n"), []);
  });

  it('asks for a place in the table for a new folder, and refuses imports from outside src/', async () => {
    assert.deepEqual(await layerProblems('src/notebooks/fixture.ts', 'export const y = 1;\n'), [
      '1: src/notebooks is not in the layer table (eslint.config.mjs): give it a place in the layers first.',
    ]);
    assert.deepEqual(await layerProblems('src/core/fixture.ts', "import { x } from '../../test/unit/sse';\nexport const y = x;\n"), [
      '1: src/core must not import from outside src/ ("../../test/unit/sse").',
    ]);
  });
});
