// Lint with zero warnings (`npm run lint`). `local/layers` (scripts/eslint-layers.mjs) enforces the layers below
// by the resolved path of every import; test/unit/layers.spec.ts proves it reports wrong-way imports.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import layers from './scripts/eslint-layers.mjs';

/** Services below the surfaces: vscode glue with no UI of its own, and the layers under it. */
const SERVICES = ['core', 'api', 'config', 'platform', 'spend', 'review', 'workspace'];

/**
 * The layers of src/, lowest first (README, "Layout"). A layer imports its own folder and the layers in `may`,
 * nothing else; `vscode: false` forbids the `vscode` module, `node: false` Node's modules, and `entry` lists the
 * only files of a layer that other layers may import.
 */
const LAYERS = {
  core: { may: [], vscode: false, why: 'src/core is pure TypeScript, importable from plain Node tests' },
  api: { may: ['core'], vscode: false, why: 'src/api is the HTTP client, usable outside VS Code' },
  context: { may: ['core'], vscode: false, why: 'src/context works on plain files in plain Node; src/workspace is its VS Code glue' },
  webview: {
    may: [],
    vscode: false,
    node: false,
    entry: ['protocol'],
    why: 'the webview runs in a browser and shares only src/webview/protocol.ts with the host',
  },
  platform: { may: ['core'] },
  config: { may: ['core', 'platform'] },
  spend: { may: ['core', 'api', 'config', 'platform'] },
  review: { may: ['core', 'platform'] },
  workspace: { may: ['core', 'context', 'config', 'platform'] },
  engine: { may: ['core', 'api', 'config', 'platform', 'spend'] },
  // Images and documents (OCR, the chat's attachments): glue under the surfaces; the chat's chips are protocol types.
  documents: { may: ['core', 'api', 'config', 'platform', 'spend', 'workspace', 'context', 'webview'] },
  // Surfaces: the engine and the services, never another surface (what they share lives below them).
  chat: { may: [...SERVICES, 'documents', 'engine', 'webview'] },
  commands: { may: [...SERVICES, 'engine'] },
  completions: { may: [...SERVICES, 'engine'] },
  status: { may: [...SERVICES, 'engine'] },
  auth: { may: [...SERVICES, 'engine'] },
  // VS Code's own chat: the language-model provider, the Source Control view's commit message, and @deepseek
  // (which writes commit messages the way the Source Control view does).
  lm: { may: [...SERVICES, 'engine'] },
  scm: { may: [...SERVICES, 'engine'] },
  participant: { may: [...SERVICES, 'engine', 'scm'] },
  // The composition root wires everything; the entry file only starts it.
  app: { may: [...SERVICES, 'documents', 'context', 'engine', 'chat', 'commands', 'completions', 'status', 'auth', 'webview', 'lm', 'scm', 'participant'] },
  extension: { may: ['app', 'platform'] },
};

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', '.test-artifacts/**', 'test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { local: layers },
    rules: { 'local/layers': ['error', { root: 'src', layers: LAYERS }] },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
