/**
 * The layers point one way (docs/architecture.md, "Dependency rules"): this test reads every
 * import of src/ and web/src/ and fails, naming the file and the import, when one crosses a line
 * the architecture forbids. Type-only imports are erased at run time, but they still couple the
 * code, so they follow the same rules except where a rule says otherwise.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

const root = path.resolve(import.meta.dirname, '..', '..');

/** A module's area: its first folder under src/ (or the file at the top of src/), or `web`. */
function areaOf(file: string): string {
  const relative = path.relative(root, file).split(path.sep);
  if (relative[0] === 'web') return 'web';
  if (relative[0] !== 'src') return relative[0] ?? '';
  return relative.length > 2 ? (relative[1] ?? '') : (relative[1] ?? '').replace(/\.ts$/, '');
}

/** What each area of src/ may import of ours (its own area is always allowed). */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  core: [],
  data: ['core'],
  policies: ['core'],
  storage: ['core', 'config'],
  document: ['core', 'data'],
  evidence: ['core', 'config', 'document'],
  federation: ['core', 'data', 'storage', 'config', 'app-context'],
  services: [
    'core',
    'data',
    'storage',
    'policies',
    'federation',
    'document',
    'evidence',
    'config',
    'app-context',
    'ready-file',
  ],
  http: ['core', 'services', 'policies', 'federation', 'document', 'config', 'app-context', 'api-client'],
  cli: [
    'core',
    'data',
    'services',
    'policies',
    'federation',
    'evidence',
    'config',
    'app-context',
    'node-context',
    'main',
    'demo',
    'api-client',
    'ready-file',
  ],
  demo: ['core', 'api-client', 'ready-file', 'federation', 'evidence'],
  'ready-file': [],
  'api-client': ['core'],
  config: [],
  'app-context': ['core', 'config', 'federation', 'storage'],
  'node-context': ['core', 'data', 'config', 'app-context', 'storage', 'federation'],
  main: [
    'core',
    'data',
    'config',
    'app-context',
    'node-context',
    'storage',
    'services',
    'federation',
    'http',
  ],
};

/** npm packages that belong to one layer: only these areas import them (type-only imports aside). */
const PACKAGE_OWNERS: Readonly<Record<string, readonly string[]>> = {
  kysely: ['storage'],
  pg: ['storage'],
  '@electric-sql/pglite': ['storage'],
  fastify: ['http'],
  'fastify-type-provider-zod': ['http'],
  '@fastify/cookie': ['http'],
  '@fastify/static': ['http'],
  '@fastify/swagger': ['http'],
  '@fastify/swagger-ui': ['http'],
  commander: ['cli'],
  react: ['web'],
  '@mantine/core': ['web'],
};

/** Areas of src/ whose code the web UI may run in the browser; anything else only as `import type`. */
const WEB_RUNTIME_AREAS: readonly string[] = ['core', 'api-client'];

function listSources(directory: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) files.push(...listSources(full));
    else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) files.push(full);
  }
  return files;
}

type ImportStatement = Readonly<{ specifier: string; isTypeOnly: boolean; line: number }>;

/** Static imports and re-exports (`import ... from`, `export ... from`, `import '...'`, `import(...)`). */
function importsOf(text: string): ImportStatement[] {
  const found: ImportStatement[] = [];
  const pattern =
    /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?'([^']+)'|import\(\s*'([^']+)'\s*\)/g;
  for (const match of text.matchAll(pattern)) {
    const specifier = match[3] ?? match[4];
    if (!specifier) continue;
    const statement = match[0];
    found.push({
      specifier,
      isTypeOnly: match[2] !== undefined || isOnlyTypes(statement),
      line: text.slice(0, match.index).split('\n').length + (statement.startsWith('\n') ? 1 : 0),
    });
  }
  return found;
}

/** `import { type A, type B } from '...'`: every named import is a type. */
function isOnlyTypes(statement: string): boolean {
  const names = /\{([^}]*)\}/.exec(statement)?.[1];
  // A default import beside the braces (`import X, { type A }`) is a value.
  if (names === undefined || /^(import|export)\s+\w/.test(statement.trim())) return false;
  const parts = names
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  return parts.length > 0 && parts.every((part) => part.startsWith('type '));
}

function packageOf(specifier: string): string {
  const parts = specifier.replace(/^node:.*/, 'node:').split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? specifier);
}

function violations(): string[] {
  const found: string[] = [];
  const files = [...listSources(path.join(root, 'src')), ...listSources(path.join(root, 'web', 'src'))];
  for (const file of files) {
    if (/\.test\.ts$/.test(file)) continue;
    const from = areaOf(file);
    const where = (line: number) => `${path.relative(root, file)}:${line}`;
    for (const statement of importsOf(readFileSync(file, 'utf8'))) {
      const { specifier, isTypeOnly, line } = statement;
      if (specifier.startsWith('.')) {
        const target = path.resolve(path.dirname(file), specifier);
        const to = areaOf(target);
        if (to === from) continue;
        if (from === 'web') {
          if (!isTypeOnly && !WEB_RUNTIME_AREAS.includes(to)) {
            found.push(
              `${where(line)}: the web UI runs only src/core and src/api-client in the browser; import ${specifier} as a type`,
            );
          }
          continue;
        }
        const allowed = ALLOWED[from];
        if (allowed === undefined) {
          found.push(
            `${where(line)}: area ${from} has no dependency rule (add it to docs/architecture.md and this test)`,
          );
        } else if (!allowed.includes(to)) {
          found.push(`${where(line)}: ${from} must not import ${to} (${specifier})`);
        }
        continue;
      }
      const owners = PACKAGE_OWNERS[packageOf(specifier)];
      if (owners && !owners.includes(from) && !isTypeOnly) {
        found.push(`${where(line)}: ${specifier} belongs to ${owners.join(', ')}, not to ${from}`);
      }
    }
  }
  return found;
}

describe('dependency rules', () => {
  it('every import of src/ and web/src/ points the way docs/architecture.md says', () => {
    assert.deepEqual(violations(), []);
  });

  it('reads type-only imports as such', () => {
    assert.deepEqual(
      importsOf(
        "import type { A } from './a.ts';\nimport { type B, type C } from './b.ts';\nimport { d, type E } from './d.ts';",
      ).map((statement) => statement.isTypeOnly),
      [true, true, false],
    );
  });
});
