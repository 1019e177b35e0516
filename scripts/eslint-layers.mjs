// The layer rule of `npm run lint` (eslint.config.mjs holds the table). Every file under src/ belongs to the
// layer named by its first folder (`src/engine/x.ts` → engine; a file directly in src/ by its own name:
// `src/extension.ts` → extension). Each import's specifier is resolved to a path first, so `../../engine/x`
// from src/core/prompt/ is caught the same as `../engine/x` from src/core/. Type-only imports count: they are
// dependencies too. The table says, per layer, which other layers it may import, whether it may import
// `vscode` or Node's modules, and which files of it other layers may import.
import { builtinModules } from 'node:module';
import path from 'node:path';

const NODE_MODULES = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** The layer of an absolute path, or undefined when it is not under `srcRoot`. */
function layerOf(srcRoot, file) {
  const rel = path.relative(srcRoot, file);
  if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return undefined;
  const segments = rel.split(path.sep);
  return segments.length === 1 ? segments[0].replace(/\.[^.]+$/, '') : segments[0];
}

/** The path of `file` inside its layer's folder, without extension (`index` for the folder itself). */
function pathInLayer(srcRoot, layer, file) {
  const rel = path.relative(path.join(srcRoot, layer), file).split(path.sep).join('/');
  return rel === '' ? 'index' : rel.replace(/\.(ts|tsx|js|mjs|cjs|json)$/, '');
}

const list = (names) => (names.length ? names.join(', ') : 'nothing outside itself');

export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports in src/ flow down the layer table, judged by the resolved path of each import.' },
    schema: [
      {
        type: 'object',
        properties: {
          root: { type: 'string' },
          layers: {
            type: 'object',
            additionalProperties: {
              type: 'object',
              properties: {
                may: { type: 'array', items: { type: 'string' } },
                vscode: { type: 'boolean' },
                node: { type: 'boolean' },
                entry: { type: 'array', items: { type: 'string' } },
                why: { type: 'string' },
              },
              required: ['may'],
              additionalProperties: false,
            },
          },
        },
        required: ['layers'],
        additionalProperties: false,
      },
    ],
    messages: {
      layer: 'src/{{from}} must not import src/{{to}} ("{{spec}}"): {{from}} may import {{allowed}}.',
      vscode: 'src/{{from}} must not import vscode: {{why}}.',
      node: 'src/{{from}} must not import the Node module "{{spec}}": {{why}}.',
      entry: 'Outside src/{{to}}, import only {{entry}} from it ("{{spec}}").',
      outside: 'src/{{from}} must not import from outside src/ ("{{spec}}").',
      unknown: 'src/{{layer}} is not in the layer table (eslint.config.mjs): give it a place in the layers first.',
    },
  },
  create(context) {
    const { root = 'src', layers } = context.options[0] ?? {};
    const srcRoot = path.resolve(context.cwd, root);
    const file = context.filename;
    const own = layerOf(srcRoot, file);
    if (own === undefined) return {};
    const rules = layers[own];
    if (!rules) {
      return { Program: (node) => context.report({ node, messageId: 'unknown', data: { layer: own } }) };
    }
    const why = rules.why ?? `see the layer table`;

    function check(node, spec) {
      if (typeof spec !== 'string') return;
      if (spec === 'vscode' || spec.startsWith('vscode/')) {
        if (rules.vscode === false) context.report({ node, messageId: 'vscode', data: { from: own, why } });
        return;
      }
      if (!spec.startsWith('.') && !path.isAbsolute(spec)) {
        if (rules.node === false && (NODE_MODULES.has(spec) || spec.startsWith('node:'))) {
          context.report({ node, messageId: 'node', data: { from: own, spec, why } });
        }
        return; // a package from node_modules
      }
      const target = path.resolve(path.dirname(file), spec);
      const to = layerOf(srcRoot, target);
      if (to === undefined) {
        context.report({ node, messageId: 'outside', data: { from: own, spec } });
        return;
      }
      if (to === own) return;
      const toRules = layers[to];
      if (!toRules) {
        context.report({ node, messageId: 'unknown', data: { layer: to } });
        return;
      }
      if (!rules.may.includes(to)) {
        context.report({ node, messageId: 'layer', data: { from: own, to, spec, allowed: list(rules.may) } });
        return;
      }
      if (toRules.entry && !toRules.entry.includes(pathInLayer(srcRoot, to, target))) {
        context.report({ node, messageId: 'entry', data: { to, spec, entry: toRules.entry.map((e) => `src/${to}/${e}`).join(', ') } });
      }
    }

    const literal = (node) => (node && node.type === 'Literal' ? node.value : undefined);
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => check(node.source, literal(node.source)),
      TSImportEqualsDeclaration: (node) => {
        if (node.moduleReference.type === 'TSExternalModuleReference') check(node.moduleReference, literal(node.moduleReference.expression));
      },
      TSImportType: (node) => check(node, literal(node.argument?.literal) ?? literal(node.argument)),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments.length === 1) {
          check(node.arguments[0], literal(node.arguments[0]));
        }
      },
    };
  },
};

export default { rules: { layers: layersRule } };
