import * as nodePath from 'path';
import manifest from './treeSitterAssets.json';
import type { LanguageId } from './types';

/**
 * Where the tree-sitter runtime and grammars are on disk. Everything is loaded by path: nothing is fetched
 * and nothing is inlined into the extension bundle.
 *
 * The list of files lives in `treeSitterAssets.json`, read both by `esbuild.mjs` (which copies each `from`
 * in node_modules to `dist/<to>`) and by the functions below, so the build and the code cannot disagree.
 *
 * Versions (pinned exactly in package.json): web-tree-sitter 0.25.10 (runtime, tree-sitter ABI 13–15);
 * @vscode/tree-sitter-wasm 0.3.1 (VS Code's grammars, built with tree-sitter CLI 0.25.x; no C grammar) and
 * tree-sitter-c 0.24.1 (its own `.wasm`, CLI 0.25.x). The unit tests load and parse every grammar.
 */
export interface TreeSitterAssets {
  /** web-tree-sitter's CommonJS build (`tree-sitter.cjs`), required by path on first use. */
  readonly runtimeScript: string;
  /** The runtime's `.wasm` (`tree-sitter.wasm`). */
  readonly runtimeWasm: string;
  readonly grammars: Readonly<Record<LanguageId, string>>;
}

interface AssetEntry {
  readonly from: string;
  readonly to: string;
}

const ENTRIES = manifest as {
  readonly runtimeScript: AssetEntry;
  readonly runtimeWasm: AssetEntry;
  readonly grammars: Readonly<Record<LanguageId, AssetEntry>>;
};

function mapAssets(place: (entry: AssetEntry) => string): TreeSitterAssets {
  const grammars = {} as Record<LanguageId, string>;
  for (const id of Object.keys(ENTRIES.grammars) as LanguageId[]) {
    grammars[id] = place(ENTRIES.grammars[id]);
  }
  return { runtimeScript: place(ENTRIES.runtimeScript), runtimeWasm: place(ENTRIES.runtimeWasm), grammars };
}

/** The assets as the build lays them out: all in one folder (the extension passes `dist/`, its own folder). */
export function assetsInDirectory(directory: string): TreeSitterAssets {
  return mapAssets((entry) => nodePath.join(directory, entry.to));
}

/** The assets where npm installed them (tests and benchmarks, without a build): `<root>/node_modules/…`. */
export function assetsInNodeModules(root: string): TreeSitterAssets {
  return mapAssets((entry) => nodePath.join(root, 'node_modules', ...entry.from.split('/')));
}

/** Every file the build copies, as `{from, to}` (`from` relative to node_modules). */
export function assetFiles(): readonly AssetEntry[] {
  return [ENTRIES.runtimeScript, ENTRIES.runtimeWasm, ...Object.values(ENTRIES.grammars)];
}
