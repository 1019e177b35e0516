// Builds three bundles: the extension host (Node, CommonJS, `vscode` external), the parser worker it starts
// (Node, CommonJS: src/context/parserWorker.ts → dist/parserWorker.js) and the chat webview (browser).
// `--production` minifies without source maps; `--watch` rebuilds on change.
// Then copies the tree-sitter runtime (`tree-sitter.cjs` + `.wasm`) and the grammar `.wasm` files listed in
// src/context/treeSitterAssets.json into dist/, where src/context loads them by path (never inlined).
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  legalComments: production ? 'none' : 'inline',
  logLevel: 'info',
  metafile: true,
  define: { 'process.env.NODE_ENV': production ? '"production"' : '"development"' },
};

/** @type {import('esbuild').BuildOptions} */
const extension = {
  ...common,
  entryPoints: ['src/extension.ts'],
  outfile: 'dist/extension.js',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  mainFields: ['module', 'main'],
};

/** @type {import('esbuild').BuildOptions} */
const parserWorker = {
  ...common,
  entryPoints: ['src/context/parserWorker.ts'],
  outfile: 'dist/parserWorker.js',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  mainFields: ['module', 'main'],
};

/** @type {import('esbuild').BuildOptions} */
const webview = {
  ...common,
  entryPoints: ['src/webview/main.ts'],
  outfile: 'dist/webview.js',
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
};

/** Copies each tree-sitter asset from node_modules to dist/ (the list is shared with src/context/assets.ts). */
function copyTreeSitterAssets() {
  const manifest = JSON.parse(readFileSync('src/context/treeSitterAssets.json', 'utf8'));
  const entries = [manifest.runtimeScript, manifest.runtimeWasm, ...Object.values(manifest.grammars)];
  mkdirSync('dist', { recursive: true });
  for (const { from, to } of entries) {
    copyFileSync(`node_modules/${from}`, `dist/${to}`);
  }
  console.log(`[tree-sitter] copied ${entries.length} files to dist/`);
}

rmSync('dist', { recursive: true, force: true });
copyTreeSitterAssets();

if (watch) {
  const contexts = await Promise.all([esbuild.context(extension), esbuild.context(parserWorker), esbuild.context(webview)]);
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('[watch] watching for changes');
} else {
  await Promise.all([esbuild.build(extension), esbuild.build(parserWorker), esbuild.build(webview)]);
}
