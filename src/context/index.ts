/**
 * Workspace context for requests (no `vscode` import: the glue adapts the workspace, `files.exclude`,
 * `deepseek.context.exclude` and Workspace Trust into `WorkspaceFs`, `excludeGlobs` and `trusted`).
 */
export { assetsInDirectory, assetsInNodeModules, assetFiles, type TreeSitterAssets } from './assets';
export {
  ContextGatherer,
  type ContextGathererOptions,
  type ContextPieces,
  type ContextRequest,
  type ContextSettings,
} from './contextGatherer';
export { DeclarationIndex, flattenDeclarations, type FindDefinitionsOptions } from './declarationIndex';
export {
  ALWAYS_EXCLUDED_FOLDERS,
  ALWAYS_EXCLUDED_NAMES,
  BINARY_EXTENSIONS,
  ContextReader,
  DEFAULT_MAX_FILE_BYTES,
  normalizePath,
  parseGitignore,
  type ExclusionOptions,
  type ExclusionReason,
  type ListedFile,
  type ReadResult,
  type Verdict,
} from './exclusion';
export { compileGlob } from './glob';
export { languageForPath } from './languages';
export { NodeWorkspaceFs } from './nodeFs';
export { editForChange, ParserService, type ContentChange, type ParserServiceOptions, type TreeEdit } from './parserService';
export { buildRepoMap, compareImportance, type RepoMap, type RepoMapFile, type RepoMapOptions } from './repoMap';
export * from './types';
export type { DirectoryEntry, EntryType, FileStat, WorkspaceFs } from './workspaceFs';
