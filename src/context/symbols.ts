import type { Node, Point } from 'web-tree-sitter';
import { COMMENT_TYPES, IDENTIFIER_TYPES, MEMBER_IDENTIFIER_TYPES } from './languages';
import type { Declaration, EnclosingSymbol, LanguageId, Position, Range, SymbolKind } from './types';

/**
 * Declarations, enclosing symbols and identifiers from a syntax tree, per language.
 *
 * Rather than S-expression queries, each language has a small classifier of node types (below): the map
 * needs only the top level (through `export`, `template <…>`, decorators, namespaces, `extern "C"` and
 * preprocessor conditionals) and one level of class members, so a walk over those children is enough and
 * never descends into function bodies. Signatures are the declaration's text up to its body, comments
 * removed, whitespace collapsed, trimmed, at most 200 characters: the same text always gives the same
 * signature.
 */

const MAX_SIGNATURE = 200;
const MAX_NAMESPACE_DEPTH = 4;

interface Classified {
  readonly kind: SymbolKind;
  readonly name: string;
  /** The node whose start ends the signature (the body); absent → the whole declaration. */
  readonly body?: Node | null;
  /** Where the member list of a class-like declaration is. */
  readonly members?: Node | null;
  readonly container?: string;
  /** Text put before the signature (Go's `type` keyword of a grouped type declaration). */
  readonly prefix?: string;
  /** The signature ends here instead (exclusive), e.g. a C prototype without its `;`. */
  readonly end?: number;
  /** Replace the body by `{…}` and keep what follows (C `typedef struct {…} name`). */
  readonly elideBody?: boolean;
  /** The declaration starts and ends at this node instead (one spec of Go's grouped `type (…)`). */
  readonly startAt?: Node;
}

type Context = 'top' | 'member' | 'any';

function field(node: Node, name: string): Node | null {
  return node.childForFieldName(name);
}

function named(node: Node): Node[] {
  const out: Node[] = [];
  for (const child of node.namedChildren) {
    if (child) {
      out.push(child);
    }
  }
  return out;
}

function textOf(node: Node | null | undefined, text: string): string {
  return node ? text.slice(node.startIndex, node.endIndex) : '';
}

function toPosition(point: Point): Position {
  return { line: point.row, character: point.column };
}

function toPoint(position: Position): Point {
  return { row: position.line, column: position.character };
}

/** The declared name in a C/C++ declarator chain (`*f(int)`, `Matrix::at`, `operator+=`, …). */
function declaratorName(node: Node | null, text: string): { name: string; container?: string } | undefined {
  let current = node;
  for (let guard = 0; current && guard < 16; guard++) {
    switch (current.type) {
      case 'identifier':
      case 'field_identifier':
      case 'type_identifier':
      case 'operator_name':
      case 'destructor_name':
      case 'primitive_type':
        return { name: textOf(current, text) };
      case 'qualified_identifier': {
        const inner = declaratorName(field(current, 'name'), text);
        const scope = textOf(field(current, 'scope'), text);
        return inner ? { name: inner.name, container: inner.container ? `${scope}::${inner.container}` : scope || undefined } : undefined;
      }
      case 'template_function':
      case 'template_type':
        current = field(current, 'name');
        break;
      default:
        current = field(current, 'declarator') ?? named(current)[0] ?? null;
    }
  }
  return undefined;
}

/** The first function declarator in a C/C++ declarator chain, if the declaration declares a function. */
function functionDeclarator(node: Node | null): Node | undefined {
  let current = node;
  for (let guard = 0; current && guard < 16; guard++) {
    if (current.type === 'function_declarator') {
      return current;
    }
    if (!['pointer_declarator', 'reference_declarator', 'parenthesized_declarator', 'attributed_declarator'].includes(current.type)) {
      return undefined;
    }
    current = field(current, 'declarator') ?? named(current).find((c) => c.type.endsWith('declarator')) ?? null;
  }
  return undefined;
}

function goReceiverType(node: Node, text: string): string | undefined {
  const receiver = field(node, 'receiver');
  const parameter = receiver ? named(receiver)[0] : undefined;
  let type = parameter ? field(parameter, 'type') : null;
  while (type && (type.type === 'pointer_type' || type.type === 'generic_type')) {
    type = type.type === 'pointer_type' ? named(type)[0] ?? null : field(type, 'type');
  }
  return type ? textOf(type, text) : undefined;
}

const JS_FUNCTION_VALUES = new Set(['arrow_function', 'function_expression', 'function', 'generator_function']);

/** Declarations this node stands for in `context` (several for `const a = () => 1, b = …` or Go `type (…)`). */
function classify(language: LanguageId, node: Node, text: string, context: Context, owner?: string): Classified[] {
  const type = node.type;
  const name = (n: Node | null = field(node, 'name')): string => textOf(n, text);
  const one = (c: Classified): Classified[] => (c.name ? [c] : []);
  switch (language) {
    case 'typescript':
    case 'tsx':
    case 'javascript':
      switch (type) {
        case 'function_declaration':
        case 'generator_function_declaration':
        case 'function_signature':
          return one({ kind: 'function', name: name(), body: field(node, 'body') });
        case 'class_declaration':
        case 'abstract_class_declaration':
          return one({ kind: 'class', name: name(), body: field(node, 'body'), members: field(node, 'body') });
        case 'interface_declaration':
          return one({ kind: 'interface', name: name(), body: field(node, 'body'), members: field(node, 'body') });
        case 'type_alias_declaration':
          return one({ kind: 'type', name: name() });
        case 'enum_declaration':
          return one({ kind: 'enum', name: name(), body: field(node, 'body') });
        case 'method_definition':
        case 'method_signature':
        case 'abstract_method_signature': {
          const n = name();
          return context === 'top' ? [] : one({ kind: n === 'constructor' ? 'constructor' : 'method', name: n, body: field(node, 'body'), container: owner });
        }
        case 'public_field_definition': {
          const value = field(node, 'value');
          return context !== 'top' && value && JS_FUNCTION_VALUES.has(value.type)
            ? one({ kind: 'method', name: name(), body: field(value, 'body'), container: owner })
            : [];
        }
        case 'lexical_declaration':
        case 'variable_declaration':
          if (context === 'member') {
            return [];
          }
          return named(node)
            .filter((d) => d.type === 'variable_declarator')
            .flatMap((d) => classify(language, d, text, context, owner));
        case 'variable_declarator': {
          const value = field(node, 'value');
          if (!value) {
            return [];
          }
          if (JS_FUNCTION_VALUES.has(value.type)) {
            return one({ kind: 'function', name: name(), body: field(value, 'body') });
          }
          if (value.type === 'class') {
            return one({ kind: 'class', name: name(), body: field(value, 'body'), members: field(value, 'body') });
          }
          return [];
        }
      }
      return [];
    case 'python':
      switch (type) {
        case 'function_definition': {
          const n = name();
          const member = context === 'member' || (context === 'any' && owner !== undefined);
          return one({ kind: member ? (n === '__init__' ? 'constructor' : 'method') : 'function', name: n, body: field(node, 'body'), container: owner });
        }
        case 'class_definition':
          return one({ kind: 'class', name: name(), body: field(node, 'body'), members: field(node, 'body'), container: owner });
      }
      return [];
    case 'go':
      switch (type) {
        case 'function_declaration':
          return one({ kind: 'function', name: name(), body: field(node, 'body') });
        case 'method_declaration':
          return one({ kind: 'method', name: name(), body: field(node, 'body'), container: goReceiverType(node, text) });
        case 'method_elem':
        case 'method_spec':
          return context === 'top' ? [] : one({ kind: 'method', name: name(), container: owner });
        case 'type_declaration': {
          const specs = named(node).filter((spec) => spec.type === 'type_spec' || spec.type === 'type_alias');
          const grouped = node.children.some((c) => c?.type === '(');
          return specs.flatMap((spec): Classified[] => {
            const value = field(spec, 'type');
            const kind: SymbolKind = value?.type === 'struct_type' ? 'struct' : value?.type === 'interface_type' ? 'interface' : 'type';
            const specName = name(field(spec, 'name'));
            if (!specName) {
              return [];
            }
            const body = value && kind === 'struct' ? named(value).find((c) => c.type === 'field_declaration_list') ?? null : null;
            let end: number | undefined;
            if (kind === 'interface' && value) {
              end = value.startIndex + 'interface'.length;
            } else if (!body && grouped) {
              end = spec.endIndex;
            }
            return [{
              kind,
              name: specName,
              body,
              members: kind === 'interface' ? value : null,
              ...(grouped ? { prefix: 'type ', startAt: spec } : {}),
              ...(end !== undefined ? { end } : {}),
            }];
          });
        }
      }
      return [];
    case 'rust':
      switch (type) {
        case 'function_item':
        case 'function_signature_item': {
          const member = context === 'member' || (context === 'any' && owner !== undefined);
          return one({ kind: member ? 'method' : 'function', name: name(), body: field(node, 'body'), container: owner });
        }
        case 'struct_item':
        case 'union_item':
          return context === 'member' ? [] : one({ kind: 'struct', name: name(), body: field(node, 'body') });
        case 'enum_item':
          return context === 'member' ? [] : one({ kind: 'enum', name: name(), body: field(node, 'body') });
        case 'type_item':
          return context === 'member' ? [] : one({ kind: 'type', name: name() });
        case 'trait_item':
          return context === 'member' ? [] : one({ kind: 'trait', name: name(), body: field(node, 'body'), members: field(node, 'body') });
        case 'impl_item': {
          if (context === 'member') {
            return [];
          }
          const target = textOf(field(node, 'type'), text);
          return one({ kind: 'impl', name: target, body: field(node, 'body'), members: field(node, 'body') });
        }
      }
      return [];
    case 'java':
      switch (type) {
        case 'class_declaration':
        case 'record_declaration':
          return one({ kind: type === 'record_declaration' ? 'record' : 'class', name: name(), body: field(node, 'body'), members: context === 'member' ? null : field(node, 'body'), container: owner });
        case 'interface_declaration':
        case 'annotation_type_declaration':
          return one({ kind: 'interface', name: name(), body: field(node, 'body'), members: context === 'member' ? null : field(node, 'body'), container: owner });
        case 'enum_declaration': {
          const body = field(node, 'body');
          const declarations = body ? named(body).find((c) => c.type === 'enum_body_declarations') ?? null : null;
          return one({ kind: 'enum', name: name(), body, members: context === 'member' ? null : declarations, container: owner });
        }
        case 'method_declaration':
          return context === 'top' ? [] : one({ kind: 'method', name: name(), body: field(node, 'body'), container: owner });
        case 'constructor_declaration':
        case 'compact_constructor_declaration':
          return context === 'top' ? [] : one({ kind: 'constructor', name: name(), body: field(node, 'body'), container: owner });
      }
      return [];
    case 'csharp':
      switch (type) {
        case 'class_declaration':
        case 'struct_declaration':
        case 'record_declaration':
        case 'record_struct_declaration':
        case 'interface_declaration': {
          const kind: SymbolKind = type === 'interface_declaration' ? 'interface' : type === 'struct_declaration' ? 'struct' : type === 'class_declaration' ? 'class' : 'record';
          return one({ kind, name: name(), body: field(node, 'body'), members: context === 'member' ? null : field(node, 'body'), container: owner });
        }
        case 'enum_declaration':
          return one({ kind: 'enum', name: name(), body: field(node, 'body'), container: owner });
        case 'delegate_declaration':
          return one({ kind: 'type', name: name(), container: owner });
        case 'method_declaration':
        case 'local_function_statement':
          return context === 'top' ? [] : one({ kind: 'method', name: name(), body: field(node, 'body'), container: owner });
        case 'constructor_declaration':
          return context === 'top' ? [] : one({ kind: 'constructor', name: name(), body: field(node, 'body'), container: owner });
      }
      return [];
    case 'c':
    case 'cpp':
      switch (type) {
        case 'function_definition': {
          const declarator = field(node, 'declarator');
          const found = declaratorName(declarator, text);
          if (!found) {
            return [];
          }
          const initializers = named(node).find((c) => c.type === 'field_initializer_list');
          const container = found.container ?? owner;
          const kind: SymbolKind = container ? (found.name === container.split('::').pop() ? 'constructor' : 'method') : 'function';
          return one({ kind, name: found.name, body: initializers ?? field(node, 'body'), container });
        }
        case 'declaration':
        case 'field_declaration': {
          if (context === 'top' && type === 'field_declaration') {
            return [];
          }
          const declarator = functionDeclarator(field(node, 'declarator'));
          const found = declarator ? declaratorName(declarator, text) : undefined;
          if (!found || found.name.startsWith('~')) {
            return [];
          }
          const container = found.container ?? owner;
          const kind: SymbolKind = container ? (found.name === container.split('::').pop() ? 'constructor' : 'method') : 'function';
          return one({ kind, name: found.name, container, end: trimSemicolon(node, text) });
        }
        case 'struct_specifier':
        case 'union_specifier':
        case 'class_specifier': {
          const body = field(node, 'body');
          if (!body) {
            return [];
          }
          const kind: SymbolKind = type === 'class_specifier' ? 'class' : 'struct';
          return one({ kind, name: name(), body, members: language === 'cpp' && context !== 'member' ? body : null, container: owner });
        }
        case 'enum_specifier':
          return field(node, 'body') ? one({ kind: 'enum', name: name(), body: field(node, 'body'), container: owner }) : [];
        case 'type_definition': {
          const declarators = node.childrenForFieldName('declarator').filter((d): d is Node => d !== null);
          const typedefName = declarators.map((d) => declaratorName(d, text)?.name).filter((n) => n)[0];
          const inner = field(node, 'type');
          const body = inner ? field(inner, 'body') : null;
          return typedefName ? [{ kind: 'type', name: typedefName, body, elideBody: body !== null, end: trimSemicolon(node, text) }] : [];
        }
        case 'alias_declaration':
          return one({ kind: 'type', name: name(), end: trimSemicolon(node, text), container: owner });
      }
      return [];
  }
}

function trimSemicolon(node: Node, text: string): number {
  let end = node.endIndex;
  while (end > node.startIndex && (text[end - 1] === ';' || /\s/.test(text[end - 1]))) {
    end--;
  }
  return end;
}

/** Wrappers whose own text starts the signature (`export`, `declare`, `template <…>`). */
const PREFIX_WRAPPERS = new Set(['export_statement', 'ambient_declaration', 'template_declaration']);
/** Wrappers left out of the signature but inside the declaration's range (Python decorators). */
const DECORATOR_WRAPPERS = new Set(['decorated_definition']);
/** Containers whose children are visited as if at the top level, without an entry of their own. */
const TRANSPARENT = new Set([
  'preproc_if',
  'preproc_ifdef',
  'preproc_else',
  'preproc_elif',
  'preproc_elifdef',
  'linkage_specification',
  'declaration_list',
  'expression_statement',
]);

/** Namespace-like containers: an entry of their own, then their children as top-level declarations. */
function namespaceBody(language: LanguageId, node: Node): Node | null | undefined {
  switch (node.type) {
    case 'internal_module':
    case 'module':
      return language === 'typescript' || language === 'tsx' ? field(node, 'body') : undefined;
    case 'namespace_definition':
    case 'namespace_declaration':
      return field(node, 'body');
    case 'file_scoped_namespace_declaration':
      return null;
    case 'mod_item':
      return language === 'rust' ? field(node, 'body') : undefined;
  }
  return undefined;
}

function collapse(raw: string): string {
  return raw
    .replace(/\s+/g, ' ')
    .replace(/([([<]) /g, '$1')
    .replace(/ ([)\]>,])/g, '$1')
    .replace(/,([)\]>])/g, '$1')
    .trim();
}

function withoutComments(node: Node, text: string, start: number, end: number): string {
  const slice = text.slice(start, end);
  if (!/\/\/|\/\*|#/.test(slice)) {
    return slice;
  }
  let out = '';
  let at = start;
  const startPoint = node.startPosition;
  for (const comment of node.descendantsOfType([...COMMENT_TYPES], startPoint, node.endPosition)) {
    if (!comment || comment.startIndex < at || comment.startIndex >= end) {
      continue;
    }
    out += text.slice(at, comment.startIndex) + ' ';
    at = Math.min(comment.endIndex, end);
  }
  return out + text.slice(at, end);
}

function signatureOf(outer: Node, node: Node, c: Classified, text: string, startAt?: Node): string {
  const start = (startAt ?? outer).startIndex;
  let end = c.end ?? (c.body ? c.body.startIndex : node.endIndex);
  let tail = '';
  if (c.elideBody && c.body) {
    end = c.body.startIndex;
    tail = ` {…} ${withoutComments(outer, text, c.body.endIndex, c.end ?? node.endIndex)}`;
  }
  let signature = collapse(`${c.prefix ?? ''}${withoutComments(outer, text, start, end)}${tail}`);
  signature = signature.replace(/\s*(?:\{|:|;|=)$/, '').trimEnd();
  if (signature.length > MAX_SIGNATURE) {
    signature = `${signature.slice(0, MAX_SIGNATURE - 1).trimEnd()}…`;
  }
  return signature;
}

function rangeOf(start: Node, end: Node): Range {
  return { start: toPosition(start.startPosition), end: toPosition(end.endPosition) };
}

function build(outer: Node, node: Node, c: Classified, text: string): Declaration {
  const declarationStart = c.startAt ?? outer;
  const endNode = c.startAt ?? node;
  return {
    name: c.name,
    kind: c.kind,
    signature: signatureOf(outer, node, c, text, c.startAt),
    range: rangeOf(declarationStart, endNode),
    startIndex: declarationStart.startIndex,
    endIndex: endNode.endIndex,
    ...(c.container ? { container: c.container } : {}),
  };
}

/** Unwraps `export`, `template`, decorators: the declaration node inside and the node its text starts at. */
function unwrap(node: Node): { outer: Node; inner: Node[] } {
  let inner = node;
  for (let guard = 0; guard < 4; guard++) {
    if (PREFIX_WRAPPERS.has(inner.type)) {
      const declaration = field(inner, 'declaration') ?? field(inner, 'value');
      const candidates = declaration ? [declaration] : named(inner).filter((c) => !['template_parameter_list', 'decorator', 'comment', 'string'].includes(c.type));
      if (candidates.length !== 1) {
        return { outer: node, inner: candidates };
      }
      inner = candidates[0];
    } else if (DECORATOR_WRAPPERS.has(inner.type)) {
      inner = field(inner, 'definition') ?? inner;
      break;
    } else {
      break;
    }
  }
  return { outer: node, inner: [inner] };
}

function membersOf(language: LanguageId, body: Node, owner: string, text: string): Declaration[] {
  const out: Declaration[] = [];
  const visit = (parent: Node): void => {
    for (const child of named(parent)) {
      if (child.type === 'field_declaration_list' || child.type === 'enum_body_declarations') {
        visit(child);
        continue;
      }
      const { outer, inner } = unwrap(child);
      for (const node of inner) {
        const signatureStart = DECORATOR_WRAPPERS.has(outer.type) ? node : outer;
        for (const c of classify(language, node, text, 'member', owner)) {
          out.push({ ...build(signatureStart, node, c, text), ...(signatureStart !== outer ? { range: rangeOf(outer, node), startIndex: outer.startIndex } : {}) });
        }
      }
    }
  };
  visit(body);
  return out;
}

/** Top-level declarations of a file (through wrappers and namespaces), with one level of class members. */
export function extractDeclarations(language: LanguageId, root: Node, text: string): Declaration[] {
  const out: Declaration[] = [];
  const visit = (parent: Node, depth: number): void => {
    for (const child of named(parent)) {
      if (TRANSPARENT.has(child.type)) {
        if (child.type !== 'expression_statement' || named(child).some((c) => c.type === 'internal_module')) {
          visit(child, depth);
        }
        continue;
      }
      const namespace = namespaceBody(language, child);
      if (namespace !== undefined) {
        const nameNode = field(child, 'name');
        out.push({
          name: nameNode ? textOf(nameNode, text) : '(anonymous)',
          kind: 'namespace',
          signature: signatureOf(child, child, { kind: 'namespace', name: '', body: namespace, end: namespace ? undefined : trimSemicolon(child, text) }, text),
          range: rangeOf(child, child),
          startIndex: child.startIndex,
          endIndex: child.endIndex,
        });
        if (namespace && depth < MAX_NAMESPACE_DEPTH) {
          visit(namespace, depth + 1);
        }
        continue;
      }
      const { outer, inner } = unwrap(child);
      for (const node of inner) {
        const decorated = DECORATOR_WRAPPERS.has(outer.type);
        for (const c of classify(language, node, text, 'top')) {
          const declaration = build(decorated ? node : outer, node, c, text);
          const members = c.members ? membersOf(language, c.members, c.name, text) : [];
          out.push({
            ...declaration,
            ...(decorated ? { range: rangeOf(outer, node), startIndex: outer.startIndex } : {}),
            ...(members.length > 0 ? { members } : {}),
          });
        }
      }
    }
  };
  visit(root, 0);
  return out;
}

function smallestNodeFor(root: Node, range: Range): Node {
  const node = root.descendantForPosition(toPoint(range.start), toPoint(range.end));
  return node ?? root;
}

const OWNER_TYPES = new Set([
  'class_definition',
  'class_declaration',
  'abstract_class_declaration',
  'class',
  'class_specifier',
  'struct_specifier',
  'interface_declaration',
  'enum_declaration',
  'record_declaration',
  'struct_declaration',
  'impl_item',
  'trait_item',
]);
const FUNCTION_TYPES = new Set(['function_definition', 'function_declaration', 'function_item', 'method_declaration', 'method_definition', 'arrow_function', 'function_expression']);

/** The class (impl, trait, …) a node is a direct member of, if any (methods learn their container this way). */
function enclosingOwner(node: Node, text: string): string | undefined {
  for (let p = node.parent; p; p = p.parent) {
    if (OWNER_TYPES.has(p.type)) {
      return textOf(p.type === 'impl_item' ? field(p, 'type') : field(p, 'name'), text) || undefined;
    }
    if (FUNCTION_TYPES.has(p.type)) {
      return undefined;
    }
  }
  return undefined;
}

/** The innermost named function, method or class containing `range` (anonymous lambdas are skipped). */
export function findEnclosingSymbol(language: LanguageId, root: Node, text: string, range: Range): EnclosingSymbol | undefined {
  for (let node: Node | null = smallestNodeFor(root, range); node; node = node.parent) {
    if (node.type === 'lexical_declaration' || node.type === 'variable_declaration' || node.type === 'type_declaration') {
      continue;
    }
    const classified = classify(language, node, text, 'any', enclosingOwner(node, text));
    const c = classified[0];
    if (!c || (c.kind !== 'function' && c.kind !== 'method' && c.kind !== 'constructor' && c.kind !== 'class' && c.kind !== 'struct'
      && c.kind !== 'interface' && c.kind !== 'enum' && c.kind !== 'trait' && c.kind !== 'impl' && c.kind !== 'record')) {
      continue;
    }
    // A declaration's text starts at its wrapper (`export const f = …`, `template <…>`, decorators).
    let outer: Node = node;
    if (node.type === 'variable_declarator' && node.parent && (node.parent.type === 'lexical_declaration' || node.parent.type === 'variable_declaration')
      && named(node.parent).filter((d) => d.type === 'variable_declarator').length === 1) {
      outer = node.parent;
    }
    let signatureStart = outer;
    for (let p = outer.parent; p && (PREFIX_WRAPPERS.has(p.type) || DECORATOR_WRAPPERS.has(p.type)); p = p.parent) {
      outer = p;
      if (PREFIX_WRAPPERS.has(p.type)) {
        signatureStart = p;
      }
    }
    const declaration = build(signatureStart, node, c, text);
    return {
      name: c.name,
      kind: c.kind,
      signature: declaration.signature,
      range: rangeOf(outer, node),
      text: text.slice(outer.startIndex, node.endIndex),
      ...(c.container ? { container: c.container } : {}),
    };
  }
  return undefined;
}

function isCalledMember(node: Node): boolean {
  const member = node.parent;
  const call = member?.parent;
  if (!member || !call || call.type !== 'call_expression') {
    return false;
  }
  const fn = field(call, 'function');
  return fn !== null && fn.startIndex === member.startIndex && fn.endIndex === member.endIndex;
}

/**
 * The distinct names a range uses, in order of first appearance: identifiers and type names, and member
 * names only where they are called (`shape.area()` → `area`).
 */
export function collectIdentifiers(language: LanguageId, root: Node, text: string, range: Range): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const nodes = root.descendantsOfType([...IDENTIFIER_TYPES[language]], toPoint(range.start), toPoint(range.end));
  const startPoint = range.start;
  const endPoint = range.end;
  for (const node of nodes) {
    if (!node) {
      continue;
    }
    const s = toPosition(node.startPosition);
    const e = toPosition(node.endPosition);
    const inside = (s.line > startPoint.line || (s.line === startPoint.line && s.character >= startPoint.character))
      && (e.line < endPoint.line || (e.line === endPoint.line && e.character <= endPoint.character));
    if (!inside) {
      continue;
    }
    if (MEMBER_IDENTIFIER_TYPES.has(node.type) && !isCalledMember(node)) {
      continue;
    }
    const name = text.slice(node.startIndex, node.endIndex);
    if (!seen.has(name)) {
      seen.add(name);
      out.push(name);
    }
  }
  return out;
}
