import * as vscode from 'vscode';
import type { ContextPieces } from '../context/contextGatherer';
import type { ContextBlock } from '../core/prompt/blocks';
import { instructionsBlock } from '../core/prompt/instructions';
import type { ContextService } from './contextService';

/** Manifests whose content describes the project (read through the context engine's exclusion rules). */
const MANIFESTS = ['package.json', 'pyproject.toml', 'go.mod', 'Cargo.toml', 'pom.xml', 'build.gradle', 'CMakeLists.txt'];
const MANIFEST_LINES = 40;

/** A deterministic summary of package.json: name, description, scripts and dependency names, sorted. */
export function summarisePackageJson(text: string): string {
  try {
    const pkg = JSON.parse(text) as Record<string, unknown>;
    const keys = (v: unknown) => (v && typeof v === 'object' ? Object.keys(v as object).sort() : []);
    const lines = [
      `name: ${String(pkg.name ?? '?')}`,
      ...(typeof pkg.description === 'string' ? [`description: ${pkg.description}`] : []),
      ...(keys(pkg.scripts).length ? [`scripts: ${keys(pkg.scripts).join(', ')}`] : []),
      ...(keys(pkg.dependencies).length ? [`dependencies: ${keys(pkg.dependencies).join(', ')}`] : []),
      ...(keys(pkg.devDependencies).length ? [`devDependencies: ${keys(pkg.devDependencies).join(', ')}`] : []),
    ];
    return lines.join('\n');
  } catch {
    return text.split('\n').slice(0, MANIFEST_LINES).join('\n');
  }
}

/** Text extracted from a document or image the user attached (OCR): a `document` block, redacted like any file. */
export interface AttachedDocument {
  /** Its label and block id, e.g. "docs/spec.pdf" or "pasted image.png". */
  readonly id: string;
  readonly markdown: string;
  readonly pages: number;
  /** core/documents/types.ts DocumentFormat, e.g. "pdf", "png". */
  readonly format: string;
}

/** An image the user attached to go to the model as an image (a vision model's `image_url` part). */
export interface AttachedImage {
  /** What the user attached, e.g. "screenshot.png". */
  readonly name: string;
  /** `image/png`, `image/jpeg`, `image/gif` or `image/webp`. */
  readonly mime: string;
  readonly data: Uint8Array;
  readonly width?: number;
  readonly height?: number;
}

export interface CollectOptions {
  readonly includeCurrentFile: boolean;
  readonly includeSelection: boolean;
  /** Pinned files, as URIs (read here through the ContextService's read policy). */
  readonly pinned: readonly vscode.Uri[];
  /** Extracted text of attached documents (already allowed by the read policy and extracted by the host). */
  readonly documents?: readonly AttachedDocument[];
  /** Images attached to go to the model as images, in the order attached. */
  readonly images?: readonly AttachedImage[];
}

export interface CollectedContext {
  readonly blocks: ContextBlock[];
  readonly labels: string[];
  readonly pieces: ContextPieces | undefined;
  /** The images of CollectOptions, passed on for the turn's user message. */
  readonly images: readonly AttachedImage[];
}

/** The document block's title: "spec.pdf (extracted text, 3 pages)". */
export function documentTitle(doc: Pick<AttachedDocument, 'id' | 'pages'>): string {
  return `${doc.id} (extracted text, ${doc.pages} page${doc.pages === 1 ? '' : 's'})`;
}

/** The chip label of an attached document: "spec.pdf (text, 3 pages)". */
export function documentLabel(doc: Pick<AttachedDocument, 'id' | 'pages'>): string {
  return `${doc.id} (text, ${doc.pages} page${doc.pages === 1 ? '' : 's'})`;
}

/** The blocks of attached documents, and their labels (pure: no workspace read). */
export function documentBlocks(documents: readonly AttachedDocument[]): { blocks: ContextBlock[]; labels: string[] } {
  const blocks: ContextBlock[] = [];
  const labels: string[] = [];
  for (const doc of documents) {
    blocks.push({ kind: 'document', id: doc.id, title: documentTitle(doc), content: doc.markdown });
    labels.push(documentLabel(doc));
  }
  return { blocks, labels };
}

/**
 * Turns the workspace into prompt blocks, most stable first: instructions, project facts, repo map, pinned
 * files, related definitions, current file, selection. Ids are workspace-relative paths, so the same state
 * gives the same blocks.
 */
export async function collectContext(service: ContextService, editor: vscode.TextEditor | undefined, options: CollectOptions): Promise<CollectedContext> {
  const blocks: ContextBlock[] = [instructionsBlock()];
  const labels: string[] = [];
  const pieces = await service.gather(editor);
  const policy = service.readPolicy();
  const root = service.root;
  if (pieces && root) {
    const facts: string[] = [];
    for (const name of MANIFESTS) {
      const read = await policy.read(vscode.Uri.joinPath(root, name));
      if (!read.ok) continue; // no such manifest, or refused
      facts.push(`${name}:\n${name === 'package.json' ? summarisePackageJson(read.text) : read.text.split('\n').slice(0, MANIFEST_LINES).join('\n')}`);
    }
    if (facts.length) blocks.push({ kind: 'projectFacts', id: 'manifests', title: 'manifests', content: facts.join('\n\n') });
    if (pieces.repoMap) blocks.push({ kind: 'repoMap', id: 'repo', title: 'files and top-level declarations', content: pieces.repoMap });
  }
  for (const uri of options.pinned) {
    const rel = service.relative(uri) ?? uri.path;
    const read = await policy.read(uri);
    if (!read.ok) {
      labels.push(`not sent: ${read.reason}`); // e.g. the pinned file became binary or too large since
      continue;
    }
    // An open document with unsaved edits is sent as the user sees it; it passed the policy on disk.
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    blocks.push({ kind: 'pinnedFile', id: rel, title: rel, content: open?.isDirty ? open.getText() : read.text });
    labels.push(rel);
  }
  const docs = documentBlocks(options.documents ?? []);
  blocks.push(...docs.blocks);
  labels.push(...docs.labels);
  if (pieces) {
    for (const def of pieces.relatedDefinitions) {
      if (def.text) {
        blocks.push({ kind: 'recentFile', id: `${def.path}#${def.name}`, title: `${def.path}: ${def.signature}`, content: def.text });
      }
    }
  }
  const current = editor ? service.relative(editor.document.uri) : undefined;
  const currentReadable = editor && current ? (await policy.check(editor.document.uri)).allowed : false;
  if (editor && current && options.includeCurrentFile && currentReadable) {
    blocks.push({ kind: 'currentFile', id: current, title: `${current} (current file)`, content: editor.document.getText() });
    labels.push(current);
  }
  if (editor && current && options.includeSelection && !editor.selection.isEmpty && currentReadable) {
    const sel = editor.selection;
    const where = `${current}:${sel.start.line + 1}-${sel.end.line + 1}`;
    const enclosing = pieces?.enclosingSymbol ? ` (in ${pieces.enclosingSymbol.kind} ${pieces.enclosingSymbol.name})` : '';
    blocks.push({ kind: 'selection', id: where, title: `Selection ${where}${enclosing}`, content: editor.document.getText(sel) });
    labels.push(`selection ${where}`);
  }
  if (pieces?.relatedDefinitions.length) labels.push(`${pieces.relatedDefinitions.length} related definition(s)`);
  const images = options.images ?? [];
  labels.push(...images.map((image) => `${image.name} (image)`));
  return { blocks, labels, pieces, images };
}
