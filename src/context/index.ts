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
export { DeclarationIndex, flattenDeclarations, type LookupRequest } from './declarationIndex';
export {
  ALWAYS_EXCLUDED_FOLDERS,
  ALWAYS_EXCLUDED_NAMES,
  BUILD_OUTPUT_FOLDERS,
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
export { createSyntaxService, InProcessSyntax, WorkerSyntax, workerScriptIn, type SyntaxAnalysis, type SyntaxService } from './syntaxService';
export { WorkspaceListing, type ListingChange, type ListingOptions } from './workspaceListing';
export { rankFiles, rankFilesAsync, type RankOptions } from './repoRank';
export { extractImports, isManifestPath, ModuleLayout, parseManifest, type ImportBinding, type ImportRef, type Manifest } from './imports';
