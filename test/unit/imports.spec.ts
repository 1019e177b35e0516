import * as assert from 'assert/strict';
import {
  extractImports,
  isManifestPath,
  ModuleLayout,
  parseManifest,
  type ImportRef,
  type Manifest,
} from '../../src/context/imports';
import type { LanguageId } from '../../src/context/types';

/** `specifier [imported as local, name]`, plus ` (reexport)`: one line per ref, easy to read in a table. */
function show(ref: ImportRef): string {
  const names = ref.names.map((n) => (n.imported === n.local ? n.imported : `${n.imported} as ${n.local}`)).join(', ');
  return `${ref.specifier} [${names}]${ref.reexport ? ' (reexport)' : ''}`;
}

function extracted(language: LanguageId, text: string): string[] {
  return extractImports(language, text).map(show);
}

interface ExtractCase {
  readonly name: string;
  readonly language: LanguageId;
  readonly text: string;
  readonly refs: readonly string[];
}

const EXTRACT_CASES: readonly ExtractCase[] = [
  // --- TypeScript / JavaScript ---
  { name: 'default import', language: 'typescript', text: "import x from './x';", refs: ['./x [default as x]'] },
  { name: 'named imports with renames', language: 'typescript', text: 'import {a as b, c} from "./util";', refs: ['./util [a as b, c]'] },
  { name: 'namespace import of a scoped package', language: 'typescript', text: "import * as t from '@babel/types';", refs: ['@babel/types [* as t]'] },
  { name: 'default plus named, default plus namespace', language: 'javascript', text: "import React, { useState } from 'react';\nimport d, * as all from './d';", refs: ['react [default as React, useState]', './d [default as d, * as all]'] },
  { name: 'type-only imports (whole and per name)', language: 'typescript', text: "import type { A, B as C } from './types';\nimport { type D, E } from './mixed';\nimport type Def from './def';", refs: ['./types [A, B as C]', './mixed [D, E]', './def [default as Def]'] },
  { name: '`type` as a binding name', language: 'typescript', text: "import type from './t1';\nimport { type as kind } from './t2';", refs: ['./t1 [default as type]', './t2 [type as kind]'] },
  { name: 'side-effect import', language: 'typescript', text: "import './polyfill';\nimport 'reflect-metadata';", refs: ['./polyfill []', 'reflect-metadata []'] },
  {
    name: 'multi-line named import with comments and a trailing comma',
    language: 'tsx',
    text: "import {\n  one, // the first\n  /* second */ two as deux,\n  default as three,\n} from './multi';\n",
    refs: ['./multi [one, two as deux, default as three]'],
  },
  { name: 're-exports', language: 'typescript', text: "export { a, b as c } from './a';\nexport * from './star';\nexport * as ns from './ns';\nexport type { T } from './t';", refs: ['./a [a, b as c] (reexport)', './star [*] (reexport)', './ns [* as ns] (reexport)', './t [T] (reexport)'] },
  { name: 'local exports are not imports', language: 'typescript', text: 'export { a, b };\nexport const c = 1;\nexport default function f() {}\nexport * as x;', refs: [] },
  {
    name: 'require: whole module, destructured, bare',
    language: 'javascript',
    text: "const fs = require('fs');\nconst { join, resolve: res, ...rest } = require('./paths');\nrequire('./side');\nlet cfg = require(`./config`);",
    refs: ['fs [* as fs]', './paths [join, resolve as res]', './side []', './config [* as cfg]'],
  },
  { name: 'dynamic import, assigned or not', language: 'typescript', text: "const m = await import('./lazy');\nvoid import(\"./other\").then(() => 0);\ntype T = import('./types').T;", refs: ['./lazy [* as m]', './other []', './types []'] },
  { name: 'TS import-equals', language: 'typescript', text: "import cfg = require('./cfg');", refs: ['./cfg [* as cfg]'] },
  {
    name: 'imports in comments and strings are ignored',
    language: 'typescript',
    text: [
      "// import a from './line-comment';",
      "/* import b from './block-comment';",
      "   require('./in-block') */",
      "const s = \"import c from './double-quoted'\";",
      "const t = 'require(\"./single-quoted\")';",
      "const u = `import d from './template'`;",
      "import real from './real';",
    ].join('\n'),
    refs: ['./real [default as real]'],
  },
  {
    name: 'nested template literals and regular expressions do not desynchronise the scan',
    language: 'typescript',
    text: [
      'const a = `x ${cond ? `inner ${deep}` : \'\'} y`;',
      "const b = `${ { k: 1 }.k } import e from './in-template'`;",
      'const re = /[\'"`]/g; const q = x / y / z;',
      "if (ok) return /\\/*'/.test(s);",
      "import after from './after';",
    ].join('\n'),
    refs: ['./after [default as after]'],
  },
  { name: 'members and look-alikes are not keywords', language: 'javascript', text: "obj.import('./x');\nmodule.require('./y');\n$require('./z');\nconst important = 1; reimport('./w');", refs: [] },
  { name: 'import.meta is not an import', language: 'typescript', text: "const u = import.meta.url;\nimport z from './z';", refs: ['./z [default as z]'] },
  { name: 'minified spacing', language: 'javascript', text: "import{a}from'./a';import*as b from\"./b\";export*from'./c';", refs: ['./a [a]', './b [* as b]', './c [*] (reexport)'] },

  // --- Python ---
  { name: 'plain, dotted and aliased imports', language: 'python', text: 'import os, sys as system\nimport a.b.c\nimport a.b as ab\n', refs: ['os [* as os]', 'sys [* as system]', 'a.b.c [* as a]', 'a.b [* as ab]'] },
  { name: 'from-imports with aliases and a wildcard', language: 'python', text: 'from a.b import c, d as e\nfrom x import *\n', refs: ['a.b [c, d as e]', 'x [*]'] },
  { name: 'relative imports', language: 'python', text: 'from . import sibling\nfrom .mod import f\nfrom ..pkg.mod import y\nfrom .. import up\n', refs: ['. [sibling]', '.mod [f]', '..pkg.mod [y]', '.. [up]'] },
  {
    name: 'parenthesised multi-line import with comments, and a backslash continuation',
    language: 'python',
    text: 'from m import (\n    p,  # the p\n    q as r,\n)\nfrom n import s, \\\n    t\n',
    refs: ['m [p, q as r]', 'n [s, t]'],
  },
  {
    name: 'imports in docstrings, strings and comments are ignored; nested and inline ones are found',
    language: 'python',
    text: '"""\nimport fake\n"""\n# import fake2\ns = "import fake3"\nt = \'\'\'from fake4 import x\'\'\'\ndef f():\n    from lazy import z\n    import json; import csv\ntry: import optional\nexcept ImportError: pass\n',
    refs: ['lazy [z]', 'json [* as json]', 'csv [* as csv]', 'optional [* as optional]'],
  },
  { name: 'names that merely start with the keywords', language: 'python', text: 'imports = 1\nfrom_x = 2\nx = {"a": important}\n', refs: [] },

  // --- Go ---
  {
    name: 'single and grouped imports with aliases, dot and blank imports, comments',
    language: 'go',
    text: [
      'package main',
      '',
      'import "fmt"',
      'import (',
      '\t"github.com/acme/app/internal/util" // comment with "quotes"',
      '\ty "gopkg.in/yaml.v3"',
      '\t_ "github.com/lib/pq"',
      '\t. "github.com/acme/app/dsl"',
      '\t/* "github.com/fake/commented" */',
      '\t"github.com/acme/app/v2"',
      '\t"github.com/sashabaranov/go-openai"',
      ')',
      '',
      'func main() {}',
      '',
      'import "after/the/first/declaration"',
    ].join('\n'),
    refs: [
      'fmt [* as fmt]',
      'github.com/acme/app/internal/util [* as util]',
      'gopkg.in/yaml.v3 [* as y]',
      'github.com/lib/pq []',
      'github.com/acme/app/dsl [*]',
      'github.com/acme/app/v2 [* as app]',
      'github.com/sashabaranov/go-openai [* as openai]',
    ],
  },
  { name: 'imports in a comment before the package clause are ignored', language: 'go', text: '// import "fake"\n/*\nimport "fake2"\n*/\npackage x\n\nimport "real"\n', refs: ['real [* as real]'] },

  // --- Rust ---
  {
    name: 'use trees: nested groups, renames, self, globs',
    language: 'rust',
    text: 'use crate::a::b::{C, d::E};\nuse std::{collections::HashMap, io::{self, Write as W}};\nuse crate::kinds::*;\nuse other_crate::m::T as TT;\n',
    refs: ['crate::a::b::C [C]', 'crate::a::b::d::E [E]', 'std::collections::HashMap [HashMap]', 'std::io [io]', 'std::io::Write [Write as W]', 'crate::kinds [*]', 'other_crate::m::T [T as TT]'],
  },
  { name: 'super, self and pub use', language: 'rust', text: 'use super::x::Y;\npub use self::m::Z;\npub(crate) use super::super::Up;\n', refs: ['super::x::Y [Y]', 'self::m::Z [Z] (reexport)', 'super::super::Up [Up] (reexport)'] },
  { name: 'mod declarations and extern crate', language: 'rust', text: 'mod foo;\npub mod bar;\n#[cfg(test)]\nmod tests;\nextern crate serde as sd;\nextern crate log;\nmod inline { }\n', refs: ['self::foo [* as foo]', 'self::bar [* as bar]', 'self::tests [* as tests]', 'serde [* as sd]', 'log [* as log]'] },
  {
    name: 'inside an inline module, self and super are relative to the file',
    language: 'rust',
    text: 'mod tests {\n    use super::*;\n    use super::super::Up;\n    use self::helper::H;\n    mod inner;\n    fn f() { if true { } }\n}\nuse super::After;\n',
    refs: ['self [*]', 'super::Up [Up]', 'self::tests::helper::H [H]', 'self::tests::inner [* as inner]', 'super::After [After]'],
  },
  {
    name: 'comments, strings, raw strings, chars and lifetimes do not confuse the scan',
    language: 'rust',
    text: '// use fake::A;\n/* use fake::B; */\nlet s = "use fake::C; {";\nlet r = r#"use fake::D; "quoted" {"#;\nfn f<\'a>(x: &\'a str) -> char { \'{\' }\nuse real::E;\n',
    refs: ['real::E [E]'],
  },
  { name: 'macro-relative paths are skipped, $crate is crate', language: 'rust', text: 'macro_rules! m { () => { use $crate::a::B; use $x::C; } }\n', refs: ['crate::a::B [B]'] },

  // --- others ---
  { name: 'languages without import resolution have none', language: 'java', text: 'import java.util.List;\n', refs: [] },
];

describe('context: imports', () => {
  describe('extractImports', () => {
    for (const c of EXTRACT_CASES) {
      it(`${c.language}: ${c.name}`, () => {
        assert.deepEqual(extracted(c.language, c.text), c.refs);
      });
    }

    it('extracts from a 1 MB file (imports at the top, decoys in comments and strings throughout)', () => {
      const header: string[] = [];
      for (let i = 0; i < 200; i++) {
        header.push(i % 2 === 0 ? `import { a${i}, b${i} as c${i} } from './mod${i}';` : `import * as ns${i} from '@scope/pkg${i}/sub';`);
      }
      const chunk = (i: number): string => [
        `// import fake${i} from './comment';`,
        `/** Returns the value; \`import x from './doc'\` is not an import. */`,
        `export function f${i}(x: number): string {`,
        `  const s = "import nope from './string'" + 'require("./single")' + \`\${x} import t from './tmpl'\`;`,
        `  const y = x * 2 / 3; // division, not a regular expression`,
        `  if (/^\\d+$/.test(s)) { return s.replace(/['"]/g, ''); }`,
        `  const lazy = require('./lazy${i}');`,
        `  return String(y) + lazy;`,
        `}`,
        ``,
      ].join('\n');
      let text = `${header.join('\n')}\n`;
      let chunks = 0;
      while (text.length < 1024 * 1024) {
        text += chunk(chunks++);
      }
      const refs = extractImports('typescript', text);
      assert.equal(refs.length, 200 + chunks);
      assert.equal(refs.filter((r) => r.specifier.startsWith('./lazy')).length, chunks);
      assert.equal(show(refs[199]), '@scope/pkg199/sub [* as ns199]');
    });

    it('extracts from a 1 MB Python file with imports in functions and decoys in docstrings', () => {
      const chunk = (i: number): string => `def f${i}(x):\n    """Doc: import fake${i}"""\n    from pkg.sub${i} import (a, b as c)  # import no\n    s = "import no" + 'from no import x'\n    return x * 2\n\n`;
      let text = 'import os\n';
      let chunks = 0;
      while (text.length < 1024 * 1024) {
        text += chunk(chunks++);
      }
      assert.equal(extractImports('python', text).length, 1 + chunks);
    });
  });

  describe('manifests', () => {
    it('knows manifest file names', () => {
      for (const p of ['package.json', 'packages/a/package.json', 'Cargo.toml', 'x/go.mod', 'pyproject.toml', 'setup.py', 'lib/setup.cfg']) {
        assert.equal(isManifestPath(p), true, p);
      }
      for (const p of ['package.jsonc', 'src/mod.go', 'cargo.toml', 'setup.py.bak', 'tsconfig.json']) {
        assert.equal(isManifestPath(p), false, p);
      }
    });

    const CASES: readonly { readonly path: string; readonly text: string; readonly manifest: Manifest | undefined }[] = [
      {
        path: 'packages/babel-types/package.json',
        text: JSON.stringify({ name: '@babel/types', main: './lib/index.js', types: 'lib/index-legacy.d.ts', exports: { '.': { types: './lib/index.d.ts', default: './lib/index.js' }, './package.json': './package.json' } }),
        manifest: { kind: 'npm', dir: 'packages/babel-types', name: '@babel/types', entries: ['lib/index-legacy.d.ts', 'lib/index.js', 'lib/index.d.ts'] },
      },
      {
        path: 'package.json',
        text: JSON.stringify({ name: 'app', source: 'src/main.ts', module: 'dist/app.mjs', exports: { import: './dist/app.mjs', require: ['./dist/app.cjs'] } }),
        manifest: { kind: 'npm', dir: '', name: 'app', entries: ['src/main.ts', 'dist/app.mjs', 'dist/app.cjs'] },
      },
      { path: 'a/package.json', text: JSON.stringify({ exports: './index.js' }), manifest: { kind: 'npm', dir: 'a', entries: ['index.js'] } },
      { path: 'bad/package.json', text: '{ "name": "broken", ', manifest: { kind: 'npm', dir: 'bad' } },
      { path: 'arr/package.json', text: '[1, 2]', manifest: { kind: 'npm', dir: 'arr' } },
      {
        path: 'crates/core-lib/Cargo.toml',
        text: '[package]\nname = "core-lib" # the core\nversion = "0.1.0"\n\n[dependencies]\nname = "not-this"\n\n[lib]\npath = "src/core.rs"\n',
        manifest: { kind: 'cargo', dir: 'crates/core-lib', name: 'core-lib', entries: ['src/core.rs'] },
      },
      { path: 'Cargo.toml', text: '[workspace]\nmembers = ["crates/*"]\n', manifest: { kind: 'cargo', dir: '' } },
      { path: 'go.mod', text: '// the app\nmodule github.com/acme/app\n\ngo 1.22\n\nrequire golang.org/x/text v0.3.0\n', manifest: { kind: 'go', dir: '', module: 'github.com/acme/app' } },
      { path: 'svc/go.mod', text: 'module "example.com/svc"\n', manifest: { kind: 'go', dir: 'svc', module: 'example.com/svc' } },
      { path: 'py/pyproject.toml', text: "[build-system]\nrequires = ['hatchling']\n\n[project]\nname = 'my-pkg'\n", manifest: { kind: 'python', dir: 'py', name: 'my-pkg' } },
      { path: 'pyproject.toml', text: '[tool.poetry]\nname = "poetic"\n', manifest: { kind: 'python', dir: '', name: 'poetic' } },
      { path: 'old/setup.py', text: "from setuptools import setup\nsetup(\n    name='legacy',\n    version='1.0',\n)\n", manifest: { kind: 'python', dir: 'old', name: 'legacy' } },
      { path: 'cfg/setup.cfg', text: '[metadata]\nname = configured\nversion = 2\n', manifest: { kind: 'python', dir: 'cfg', name: 'configured' } },
      { path: 'README.md', text: '# hi', manifest: undefined },
    ];
    for (const c of CASES) {
      it(`parses ${c.path}`, () => {
        assert.deepEqual(parseManifest(c.path, c.text), c.manifest);
      });
    }
  });

  describe('ModuleLayout.resolve', () => {
    /** A small monorepo: npm packages (babel-like), a Python src-layout project, a Go module, a Cargo workspace. */
    const FILES: Record<string, string> = {
      // npm
      'package.json': JSON.stringify({ name: 'monorepo', private: true }),
      'packages/babel-types/package.json': JSON.stringify({ name: '@babel/types', main: 'lib/index.js', types: 'lib/index-legacy.d.ts' }),
      'packages/babel-types/src/index.ts': '',
      'packages/babel-types/src/validators/isNode.ts': '',
      'packages/babel-types/src/builders/index.ts': '',
      'packages/babel-types/src/definitions/core.js': '',
      'packages/babel-core/package.json': JSON.stringify({ name: '@babel/core', exports: { '.': { types: './lib/index.d.ts', default: './lib/index.js' } } }),
      'packages/babel-core/src/index.ts': '',
      'packages/babel-core/src/config/index.ts': '',
      'packages/babel-core/src/config/util.ts': '',
      'packages/babel-core/src/config/files/index.ts': '',
      'packages/babel-core/src/esm.js': '',
      'packages/babel-core/src/esm.ts': '',
      'packages/babel-core/src/legacy.cjs': '',
      'packages/babel-core/src/styles.css': '',
      'packages/babel-core/src/Button.tsx': '',
      'packages/babel-core/src/api.d.ts': '',
      'packages/helper/package.json': JSON.stringify({ name: 'helper', main: 'index.js' }),
      'packages/helper/index.js': '',
      'packages/helper/lib/extra.js': '',
      'packages/wrong/src/types.ts': '',
      // Python, src layout
      'python/pyproject.toml': '[project]\nname = "mypkg"\n',
      'python/src/mypkg/__init__.py': '',
      'python/src/mypkg/core.py': '',
      'python/src/mypkg/sub/__init__.py': '',
      'python/src/mypkg/sub/helpers.py': '',
      'python/src/mypkg/typed.pyi': '',
      'python/tests/test_core.py': '',
      'python/tests/conftest_helpers.py': '',
      'tools/gen.py': '',
      'tools/shared.py': '',
      // Go
      'go/go.mod': 'module github.com/acme/app\n\ngo 1.22\n',
      'go/internal/util/util.go': '',
      'go/internal/util/strings.go': '',
      'go/internal/util/util_test.go': '',
      'go/internal/util/README.md': '',
      'go/cmd/app/main.go': '',
      'go/cmd/app/flags.go': '',
      'go/cmd/app/main_test.go': '',
      'go/vendor/github.com/pkg/errors/errors.go': '',
      // Rust workspace
      'rust/Cargo.toml': '[workspace]\nmembers = ["crates/*"]\n',
      'rust/crates/core-lib/Cargo.toml': '[package]\nname = "core-lib"\n',
      'rust/crates/core-lib/src/lib.rs': '',
      'rust/crates/core-lib/src/a.rs': '',
      'rust/crates/core-lib/src/a/b.rs': '',
      'rust/crates/core-lib/src/m/mod.rs': '',
      'rust/crates/core-lib/src/m/deep.rs': '',
      'rust/crates/core-lib/tests/it.rs': '',
      'rust/crates/cli/Cargo.toml': '[package]\nname = "cli"\n',
      'rust/crates/cli/src/main.rs': '',
      'rust/crates/cli/src/cmd.rs': '',
      'rust/crates/cli/src/bin/tool.rs': '',
      'rust/crates/cli/src/bin/tool_args.rs': '',
    };

    function layoutOf(files: Record<string, string>, order: readonly string[] = Object.keys(files)): ModuleLayout {
      const manifests = order.map((p) => parseManifest(p, files[p])).filter((m): m is Manifest => m !== undefined);
      return new ModuleLayout(order, manifests);
    }

    /** Resolution of every import in `code` (written in `from`), as `specifier → files`. */
    function resolved(layout: ModuleLayout, from: string, language: LanguageId, code: string): string[] {
      return extractImports(language, code).map((ref) => `${ref.specifier} → ${layout.resolve(from, ref, language).join(', ')}`);
    }

    interface ResolveCase {
      readonly from: string;
      readonly language: LanguageId;
      readonly code: string;
      readonly expected: string;
    }

    const CORE = 'packages/babel-core/src';
    const TYPES = 'packages/babel-types/src';
    const PY = 'python/src/mypkg';
    const CL = 'rust/crates/core-lib/src';
    const CLI = 'rust/crates/cli/src';
    const RESOLVE_CASES: readonly ResolveCase[] = [
      // TS/JS relative
      { from: `${CORE}/config/index.ts`, language: 'typescript', code: "import u from './util';", expected: `./util → ${CORE}/config/util.ts` },
      { from: `${CORE}/config/index.ts`, language: 'typescript', code: "import u from './util.js';", expected: `./util.js → ${CORE}/config/util.ts` },
      { from: `${CORE}/config/index.ts`, language: 'typescript', code: "import f from './files';", expected: `./files → ${CORE}/config/files/index.ts` },
      { from: `${CORE}/config/index.ts`, language: 'typescript', code: "import r from '..';", expected: `.. → ${CORE}/index.ts` },
      { from: `${CORE}/config/index.ts`, language: 'typescript', code: "import r from '../';", expected: `../ → ${CORE}/index.ts` },
      { from: `${CORE}/index.ts`, language: 'typescript', code: "import e from './esm.js';", expected: `./esm.js → ${CORE}/esm.ts, ${CORE}/esm.js` },
      { from: `${CORE}/index.js`, language: 'javascript', code: "import e from './esm.js';", expected: `./esm.js → ${CORE}/esm.js, ${CORE}/esm.ts` },
      { from: `${CORE}/index.ts`, language: 'typescript', code: "import e from './esm';", expected: `./esm → ${CORE}/esm.ts, ${CORE}/esm.js` },
      { from: `${CORE}/index.ts`, language: 'typescript', code: "const l = require('./legacy.cjs');", expected: `./legacy.cjs → ${CORE}/legacy.cjs` },
      { from: `${CORE}/index.ts`, language: 'typescript', code: "import './styles.css';", expected: `./styles.css → ${CORE}/styles.css` },
      { from: `${CORE}/index.ts`, language: 'tsx', code: "import { Button } from './Button';", expected: `./Button → ${CORE}/Button.tsx` },
      { from: `${CORE}/index.ts`, language: 'typescript', code: "import type { Api } from './api';", expected: `./api → ${CORE}/api.d.ts` },
      { from: `${CORE}/index.ts`, language: 'typescript', code: "import m from './missing';", expected: './missing → ' },
      { from: 'package.json', language: 'typescript', code: "import m from '../outside';", expected: '../outside → ' },
      // TS/JS packages
      { from: `${CORE}/config/index.ts`, language: 'typescript', code: "import * as t from '@babel/types';", expected: `@babel/types → ${TYPES}/index.ts` },
      { from: `${CORE}/config/index.ts`, language: 'typescript', code: "import { isNode } from '@babel/types/lib/validators/isNode';", expected: `@babel/types/lib/validators/isNode → ${TYPES}/validators/isNode.ts` },
      { from: `${CORE}/config/index.ts`, language: 'typescript', code: "import b from '@babel/types/src/builders';", expected: `@babel/types/src/builders → ${TYPES}/builders/index.ts` },
      { from: `${CORE}/config/index.ts`, language: 'typescript', code: "import b from '@babel/types/builders';", expected: `@babel/types/builders → ${TYPES}/builders/index.ts` },
      { from: `${CORE}/config/index.ts`, language: 'typescript', code: "import c from '@babel/types/lib/definitions/core.js';", expected: `@babel/types/lib/definitions/core.js → ${TYPES}/definitions/core.js` },
      { from: `${TYPES}/index.ts`, language: 'typescript', code: "import core from '@babel/core';", expected: `@babel/core → ${CORE}/index.ts` },
      { from: `${TYPES}/index.ts`, language: 'javascript', code: "const h = require('helper');", expected: 'helper → packages/helper/index.js' },
      { from: `${TYPES}/index.ts`, language: 'javascript', code: "const x = require('helper/extra');", expected: 'helper/extra → packages/helper/lib/extra.js' },
      { from: `${TYPES}/index.ts`, language: 'typescript', code: "import _ from 'lodash';\nimport fs from 'node:fs';\nimport t from '@babel/traverse';", expected: 'lodash → \nnode:fs → \n@babel/traverse → ' },
      // Python
      { from: `${PY}/sub/helpers.py`, language: 'python', code: 'import mypkg.core', expected: `mypkg.core → ${PY}/core.py` },
      { from: `${PY}/sub/helpers.py`, language: 'python', code: 'import mypkg.sub as s', expected: `mypkg.sub → ${PY}/sub/__init__.py` },
      { from: `${PY}/sub/helpers.py`, language: 'python', code: 'from mypkg import core, sub, thing', expected: `mypkg → ${PY}/core.py, ${PY}/sub/__init__.py, ${PY}/__init__.py` },
      { from: `${PY}/sub/helpers.py`, language: 'python', code: 'from mypkg.typed import T', expected: `mypkg.typed → ${PY}/typed.pyi` },
      { from: `${PY}/sub/helpers.py`, language: 'python', code: 'from . import x', expected: `. → ${PY}/sub/__init__.py` },
      { from: `${PY}/sub/helpers.py`, language: 'python', code: 'from .. import core', expected: `.. → ${PY}/core.py, ${PY}/__init__.py` },
      { from: `${PY}/sub/helpers.py`, language: 'python', code: 'from ..core import thing', expected: `..core → ${PY}/core.py` },
      { from: `${PY}/core.py`, language: 'python', code: 'from .sub.helpers import h', expected: `.sub.helpers → ${PY}/sub/helpers.py` },
      { from: `${PY}/core.py`, language: 'python', code: 'from .......x import y', expected: '.......x → ' },
      { from: 'python/tests/test_core.py', language: 'python', code: 'from mypkg.core import run\nimport conftest_helpers', expected: `mypkg.core → ${PY}/core.py\nconftest_helpers → python/tests/conftest_helpers.py` },
      { from: 'tools/gen.py', language: 'python', code: 'import shared\nimport mypkg\nimport os', expected: `shared → tools/shared.py\nmypkg → ${PY}/__init__.py\nos → ` },
      // Go
      { from: 'go/cmd/app/main.go', language: 'go', code: 'package main\n\nimport (\n\t"fmt"\n\t"github.com/acme/app/internal/util"\n)\n', expected: 'fmt → \ngithub.com/acme/app/internal/util → go/internal/util/strings.go, go/internal/util/util.go' },
      { from: 'go/cmd/app/main.go', language: 'go', code: 'package main\n\nimport "github.com/acme/app/internal/missing"\n', expected: 'github.com/acme/app/internal/missing → ' },
      { from: 'go/cmd/app/main.go', language: 'go', code: 'package main\n\nimport "github.com/pkg/errors"\n', expected: 'github.com/pkg/errors → go/vendor/github.com/pkg/errors/errors.go' },
      { from: 'go/cmd/app/main.go', language: 'go', code: 'package main\n\nimport "github.com/other/lib"\n', expected: 'github.com/other/lib → ' },
      // Rust
      { from: `${CL}/a.rs`, language: 'rust', code: 'use crate::a::b::{C, d::E};', expected: `crate::a::b::C → ${CL}/a/b.rs, ${CL}/a.rs\ncrate::a::b::d::E → ${CL}/a/b.rs, ${CL}/a.rs` },
      { from: `${CL}/a.rs`, language: 'rust', code: 'use crate::Top;\nuse crate::m::*;', expected: `crate::Top → ${CL}/lib.rs\ncrate::m → ${CL}/m/mod.rs` },
      { from: `${CL}/a/b.rs`, language: 'rust', code: 'use super::super::m::deep::D;\nuse super::X;', expected: `super::super::m::deep::D → ${CL}/m/deep.rs, ${CL}/m/mod.rs\nsuper::X → ${CL}/a.rs` },
      { from: `${CL}/m/mod.rs`, language: 'rust', code: 'mod deep;\nuse self::deep::D;\nuse deep::D2;\nuse super::a::b;', expected: `self::deep → ${CL}/m/deep.rs\nself::deep::D → ${CL}/m/deep.rs\ndeep::D2 → ${CL}/m/deep.rs\nsuper::a::b → ${CL}/a/b.rs, ${CL}/a.rs` },
      { from: `${CL}/a.rs`, language: 'rust', code: 'mod b;\nmod gone;', expected: `self::b → ${CL}/a/b.rs\nself::gone → ` },
      { from: `${CL}/lib.rs`, language: 'rust', code: 'pub mod a;\nmod m;\nuse a::b::C;\nuse std::fmt;', expected: `self::a → ${CL}/a.rs\nself::m → ${CL}/m/mod.rs\na::b::C → ${CL}/a/b.rs, ${CL}/a.rs\nstd::fmt → ` },
      { from: `${CL}/a.rs`, language: 'rust', code: 'fn f() {}\n#[cfg(test)]\nmod tests {\n    use super::*;\n}\n', expected: `self → ${CL}/a.rs` },
      { from: `${CLI}/main.rs`, language: 'rust', code: 'use core_lib::a::b::C;\nuse core_lib::Thing;\nmod cmd;\nuse crate::cmd::Run;\nuse crate::X;', expected: `core_lib::a::b::C → ${CL}/a/b.rs, ${CL}/a.rs\ncore_lib::Thing → ${CL}/lib.rs\nself::cmd → ${CLI}/cmd.rs\ncrate::cmd::Run → ${CLI}/cmd.rs\ncrate::X → ${CLI}/main.rs` },
      { from: `${CLI}/bin/tool.rs`, language: 'rust', code: 'mod tool_args;\nuse crate::Y;\nuse cli::cmd::Run;', expected: `self::tool_args → ${CLI}/bin/tool_args.rs\ncrate::Y → ${CLI}/bin/tool.rs\ncli::cmd::Run → ${CLI}/cmd.rs` },
      { from: 'rust/crates/core-lib/tests/it.rs', language: 'rust', code: 'use core_lib::m::deep::D;\nextern crate core_lib as cl;', expected: `core_lib::m::deep::D → ${CL}/m/deep.rs, ${CL}/m/mod.rs\ncore_lib → ${CL}/lib.rs` },
      { from: `${CL}/a.rs`, language: 'rust', code: 'use serde::Serialize;\nuse ::core_lib::m;', expected: `serde::Serialize → \n::core_lib::m → ${CL}/m/mod.rs` },
      // others
      { from: 'src/Main.java', language: 'java', code: 'import a.B;', expected: '' },
    ];

    const layout = layoutOf(FILES);
    for (const c of RESOLVE_CASES) {
      it(`${c.language} in ${c.from}: ${c.code.split('\n').find((l) => /import|use |mod |require|extern/.test(l))?.trim()}`, () => {
        assert.equal(resolved(layout, c.from, c.language, c.code).join('\n'), c.expected);
      });
    }

    it('is deterministic: the same result whatever order files and manifests come in', () => {
      const keys = Object.keys(FILES);
      const reversed = layoutOf(FILES, [...keys].reverse());
      const interleaved = layoutOf(FILES, [...keys.filter((_, i) => i % 2 === 1), ...keys.filter((_, i) => i % 2 === 0)]);
      for (const c of RESOLVE_CASES) {
        const expected = resolved(layout, c.from, c.language, c.code);
        assert.deepEqual(resolved(reversed, c.from, c.language, c.code), expected, c.code);
        assert.deepEqual(resolved(interleaved, c.from, c.language, c.code), expected, c.code);
      }
    });

    it('picks the package by manifest name, not by folder name (the wrong package is never a candidate)', () => {
      const refs = extractImports('typescript', "import { t } from '@babel/types';");
      const files = layout.resolve(`${CORE}/index.ts`, refs[0], 'typescript');
      assert.ok(files.every((f) => f.startsWith('packages/babel-types/')), files.join());
    });

    it('python: a module of the importing project wins over a same-named one in another project', () => {
      const files: Record<string, string> = {
        'services/api/pyproject.toml': '[project]\nname = "api"\n',
        'services/api/utils.py': '',
        'services/api/app/main.py': '',
        'services/worker/setup.py': "setup(name='worker')",
        'services/worker/utils.py': '',
        'services/worker/src/jobs/__init__.py': '',
        'web/package.json': '{"name": "web"}',
        'web/jobs/__init__.py': '',
      };
      const l = layoutOf(files);
      assert.deepEqual(resolved(l, 'services/api/app/main.py', 'python', 'import utils\nimport jobs'), ['utils → services/api/utils.py', 'jobs → services/worker/src/jobs/__init__.py']);
      assert.deepEqual(resolved(l, 'services/worker/utils.py', 'python', 'import utils'), ['utils → services/worker/utils.py']);
    });

    it('packageRootOf finds the nearest manifest folder, or the root', () => {
      assert.equal(layout.packageRootOf(`${CORE}/config/index.ts`), 'packages/babel-core');
      assert.equal(layout.packageRootOf('packages/babel-core'), 'packages/babel-core');
      assert.equal(layout.packageRootOf(`${PY}/core.py`), 'python');
      assert.equal(layout.packageRootOf('rust/crates/cli/src/main.rs'), 'rust/crates/cli');
      assert.equal(layout.packageRootOf('packages/wrong/src/types.ts'), '');
      assert.equal(new ModuleLayout(['a/b.ts'], []).packageRootOf('a/b.ts'), '');
    });

    it('samePackageFiles lists a Go package folder (tests only for a test), and nothing for other languages', () => {
      assert.deepEqual(layout.samePackageFiles('go/cmd/app/main.go', 'go'), ['go/cmd/app/flags.go']);
      assert.deepEqual(layout.samePackageFiles('go/cmd/app/main_test.go', 'go'), ['go/cmd/app/flags.go', 'go/cmd/app/main.go']);
      assert.deepEqual(layout.samePackageFiles('go/internal/util/util.go', 'go'), ['go/internal/util/strings.go']);
      assert.deepEqual(layout.samePackageFiles(`${CORE}/index.ts`, 'typescript'), []);
    });

    it('updates incrementally: files and manifests added, replaced and removed', () => {
      const l = layoutOf(FILES);
      const ref = extractImports('typescript', "import x from '@acme/new';")[0];
      const from = `${CORE}/index.ts`;
      assert.deepEqual(l.resolve(from, ref, 'typescript'), []);
      l.addFile('packages/new/src/index.ts');
      assert.deepEqual(l.resolve(from, ref, 'typescript'), [], 'no manifest names it yet');
      l.setManifest({ kind: 'npm', dir: 'packages/new', name: '@acme/new' });
      assert.deepEqual(l.resolve(from, ref, 'typescript'), ['packages/new/src/index.ts']);
      assert.equal(l.packageRootOf('packages/new/src/index.ts'), 'packages/new');
      l.addFile('packages/new/src/main.ts');
      l.setManifest({ kind: 'npm', dir: 'packages/new', name: '@acme/new', entries: ['src/main.ts'] });
      assert.deepEqual(l.resolve(from, ref, 'typescript'), ['packages/new/src/main.ts', 'packages/new/src/index.ts'], 'replaced, not added twice');
      l.removeFile('packages/new/src/main.ts');
      assert.deepEqual(l.resolve(from, ref, 'typescript'), ['packages/new/src/index.ts']);
      l.setManifest({ kind: 'npm', dir: 'packages/new', name: '@acme/renamed' });
      assert.deepEqual(l.resolve(from, ref, 'typescript'), [], 'renamed');
      l.setManifest({ kind: 'cargo', dir: 'packages/new', name: 'also-a-crate' });
      l.removeManifest('packages/new', 'npm');
      assert.equal(l.packageRootOf('packages/new/src/index.ts'), 'packages/new', 'the cargo manifest is still there');
      l.removeManifest('packages/new');
      assert.equal(l.packageRootOf('packages/new/src/index.ts'), '');

      const go = extractImports('go', 'package x\nimport "github.com/acme/app/internal/util"\n')[0];
      l.removeFile('go/internal/util/strings.go');
      l.addFile('go/internal/util/util.go');
      assert.deepEqual(l.resolve('go/cmd/app/main.go', go, 'go'), ['go/internal/util/util.go']);
      l.removeManifest('go');
      assert.deepEqual(l.resolve('go/cmd/app/main.go', go, 'go'), []);
    });
  });
});
