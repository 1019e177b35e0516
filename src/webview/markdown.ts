/**
 * Markdown for model output, which is untrusted: markdown-it with raw HTML off (so `<script>`, `<iframe>`,
 * `onerror=` arrive as text), links restricted to http(s) and `#`, images rendered as their alt text (no remote
 * fetches), code highlighted by highlight.js with classes coloured from the editor's theme. The rendered HTML
 * then passes an allow-list sanitiser as a second line of defence.
 */
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import csharp from 'highlight.js/lib/languages/csharp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import MarkdownIt from 'markdown-it';
import { icon } from './icons';
import type { CodeAction } from './protocol';

const LANGUAGES = { bash, c, cpp, csharp, css, diff, go, java, javascript, json, python, rust, sql, typescript, xml, yaml };
for (const [name, language] of Object.entries(LANGUAGES)) {
  hljs.registerLanguage(name, language);
}
const ALIASES: Record<string, string> = {
  ts: 'typescript', tsx: 'typescript', js: 'javascript', jsx: 'javascript', py: 'python', rs: 'rust', sh: 'bash',
  shell: 'bash', zsh: 'bash', 'c++': 'cpp', cs: 'csharp', html: 'xml', yml: 'yaml', jsonc: 'json',
};

/** Code blocks found while rendering, in order: the buttons refer to them by index. */
export interface CodeBlock {
  readonly code: string;
  readonly language: string;
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Highlighted HTML of `code` (escaped text when the language is unknown); every character of it is escaped. */
export function highlight(code: string, language: string): string {
  const lang = ALIASES[language] ?? language;
  if (lang && hljs.getLanguage(lang)) {
    try {
      return hljs.highlight(code, { language: lang, ignoreIllegals: true }).value;
    } catch {
      return escapeHtml(code);
    }
  }
  return escapeHtml(code);
}

/** The language a fence's info string names ("ts" for "```ts title=x"), as code blocks record it. */
export function fenceLanguage(info: string): string {
  return (info.trim().split(/\s+/)[0] ?? '').toLowerCase().replace(/[^a-z0-9+#-]/g, '');
}

function createRenderer(): MarkdownIt {
  const md = new MarkdownIt({ html: false, linkify: true, breaks: false, typographer: false });
  md.validateLink = (url: string) => /^(https?:\/\/|#)/i.test(url.trim());
  md.renderer.rules.image = (tokens, idx) => {
    const alt = tokens[idx].content;
    return `<span class="image-placeholder" title="Images from answers are not loaded">[image${alt ? `: ${escapeHtml(alt)}` : ''}]</span>`;
  };
  md.renderer.rules.fence = (tokens, idx, _options, env: { blocks: CodeBlock[] }) => {
    const token = tokens[idx];
    const language = fenceLanguage(token.info);
    const index = env.blocks.length;
    env.blocks.push({ code: token.content, language });
    const label = language || 'text';
    // One header line: the language, then icon buttons (shown on hover and on focus; the icons are added after
    // sanitising, see withIcons). Each button names its block by index.
    const button = (action: CodeAction, name: string) =>
      `<button type="button" class="icon-button" data-code-action="${action}" data-block="${index}" aria-label="${name}" title="${name}"></button>`;
    return (
      `<div class="code-block" data-block="${index}">` +
      `<div class="code-header"><span class="code-lang">${escapeHtml(label)}</span><span class="code-actions">` +
      button('copy', 'Copy code') + button('insert', 'Insert code at cursor') + button('apply', 'Apply code to file') +
      `</span></div><pre><code class="hljs">${highlight(token.content, language)}</code></pre></div>`
    );
  };
  const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
  md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
    tokens[idx].attrSet('rel', 'noopener noreferrer');
    return defaultLinkOpen(tokens, idx, options, env, self);
  };
  return md;
}

const md = createRenderer();

/** Markdown → safe HTML; `blocks` collects the code blocks for the toolbar buttons. */
export function renderMarkdown(text: string, blocks: CodeBlock[]): string {
  return md.render(text, { blocks });
}

const ALLOWED_TAGS = new Set([
  'A', 'P', 'BR', 'HR', 'EM', 'STRONG', 'DEL', 'S', 'CODE', 'PRE', 'BLOCKQUOTE', 'UL', 'OL', 'LI', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6',
  'TABLE', 'THEAD', 'TBODY', 'TR', 'TH', 'TD', 'SPAN', 'DIV', 'BUTTON',
]);
const ALLOWED_ATTRS = new Set(['href', 'title', 'class', 'rel', 'style', 'type', 'aria-label', 'data-block', 'data-code-action', 'start', 'align']);

/** Removes anything not on the allow-list: elements, event handlers, non-http(s) links, styles other than text-align. */
export function sanitizeFragment(root: DocumentFragment | HTMLElement): void {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT);
  const remove: Element[] = [];
  for (let node = walker.nextNode() as Element | null; node; node = walker.nextNode() as Element | null) {
    if (!ALLOWED_TAGS.has(node.tagName)) {
      remove.push(node);
      continue;
    }
    for (const attr of Array.from(node.attributes)) {
      const name = attr.name.toLowerCase();
      if (!ALLOWED_ATTRS.has(name)) {
        node.removeAttribute(attr.name);
      } else if (name === 'href' && !/^(https?:\/\/|#)/i.test(attr.value.trim())) {
        node.removeAttribute(attr.name);
      } else if (name === 'style' && !/^text-align:\s*(left|right|center);?$/.test(attr.value.trim())) {
        node.removeAttribute(attr.name);
      }
    }
  }
  for (const node of remove) {
    node.replaceWith(document.createTextNode(node.textContent ?? ''));
  }
}

/** The icon each code-block button shows. */
export const CODE_ACTION_ICONS = { copy: 'copy', insert: 'insert', apply: 'apply' } as const satisfies Record<CodeAction, string>;

/** Puts the icons into the code-block buttons of a sanitised fragment (SVG never passes the sanitiser). */
function withIcons(root: DocumentFragment): void {
  for (const button of Array.from(root.querySelectorAll<HTMLElement>('button[data-code-action]'))) {
    const action = button.dataset.codeAction as CodeAction;
    if (action in CODE_ACTION_ICONS) button.append(icon(CODE_ACTION_ICONS[action]));
  }
}

/** Renders into a sanitised fragment. */
export function markdownFragment(text: string, blocks: CodeBlock[]): DocumentFragment {
  const template = document.createElement('template');
  template.innerHTML = renderMarkdown(text, blocks);
  sanitizeFragment(template.content);
  withIcons(template.content);
  return template.content;
}

/**
 * Compiles the Markdown renderer and the common grammars ahead of the first answer (highlight.js compiles a
 * language's regexes on first use, which would otherwise land in the first streamed frame), and loads the
 * number format the footer uses.
 */
export function warmUp(): void {
  const blocks: CodeBlock[] = [];
  renderMarkdown('# w\n\n*a* `b` [c](https://x.y)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n', blocks);
  for (const language of ['typescript', 'javascript', 'python', 'json', 'bash']) {
    hljs.highlight('const x = 1; // y\nfunction f(a) { return "s" + a; }', { language, ignoreIllegals: true });
  }
  // The first number formatted loads the locale's data (over 10 ms): the first answer's footer would pay it.
  (1234).toLocaleString('en-US');
}
