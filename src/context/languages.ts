import type { LanguageId } from './types';

/** Language by file extension (lower-cased). `.h` is C unless the text looks like C++ (see `languageForPath`). */
const BY_EXTENSION: Readonly<Record<string, LanguageId>> = {
  ts: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  tsx: 'tsx',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'javascript',
  py: 'python',
  pyi: 'python',
  go: 'go',
  rs: 'rust',
  java: 'java',
  c: 'c',
  h: 'c',
  cc: 'cpp',
  cpp: 'cpp',
  cxx: 'cpp',
  'c++': 'cpp',
  hh: 'cpp',
  hpp: 'cpp',
  hxx: 'cpp',
  'h++': 'cpp',
  ipp: 'cpp',
  inl: 'cpp',
  tpp: 'cpp',
  cs: 'csharp',
};

const CPP_IN_HEADER = /^\s*(?:class\s+\w|namespace\s+\w|template\s*<|using\s+namespace\b)/m;

/**
 * The grammar for a file, from its extension; `undefined` for other files. A `.h` header is parsed as C++
 * when `text` is given and declares a class, a namespace or a template.
 */
export function languageForPath(path: string, text?: string): LanguageId | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  if (dot <= 0) {
    return undefined;
  }
  const language = BY_EXTENSION[name.slice(dot + 1).toLowerCase()];
  if (language === 'c' && text !== undefined && name.toLowerCase().endsWith('.h') && CPP_IN_HEADER.test(text)) {
    return 'cpp';
  }
  return language;
}

/** Identifier node types whose names a selection "uses". */
export const IDENTIFIER_TYPES: Readonly<Record<LanguageId, readonly string[]>> = {
  typescript: ['identifier', 'type_identifier', 'property_identifier'],
  tsx: ['identifier', 'type_identifier', 'property_identifier'],
  javascript: ['identifier', 'property_identifier'],
  python: ['identifier'],
  go: ['identifier', 'type_identifier', 'field_identifier'],
  rust: ['identifier', 'type_identifier', 'field_identifier'],
  java: ['identifier', 'type_identifier'],
  c: ['identifier', 'type_identifier', 'field_identifier'],
  cpp: ['identifier', 'type_identifier', 'field_identifier'],
  csharp: ['identifier'],
};

/** Member-name identifier types: counted only when the member is called (`shape.area()`). */
export const MEMBER_IDENTIFIER_TYPES: ReadonlySet<string> = new Set(['property_identifier', 'field_identifier']);

export const COMMENT_TYPES: readonly string[] = ['comment', 'line_comment', 'block_comment'];

const FAMILY: Readonly<Record<LanguageId, string>> = {
  typescript: 'js',
  tsx: 'js',
  javascript: 'js',
  python: 'python',
  go: 'go',
  rust: 'rust',
  java: 'java',
  c: 'c',
  cpp: 'c',
  csharp: 'csharp',
};

/** Can code in `a` use a symbol declared in `b`? (TypeScript/TSX/JavaScript together, C and C++ together.) */
export function sameFamily(a: LanguageId, b: LanguageId): boolean {
  return FAMILY[a] === FAMILY[b];
}
