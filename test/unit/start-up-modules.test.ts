/**
 * What a node loads when it starts: every module it loads costs start-up CPU and stays in its heap,
 * where each full garbage collection marks it again (docs/benchmarks.md). Two packages are loaded
 * only when used: pino-pretty (a log line for a terminal) and i18n-iso-countries' other languages
 * (its main entry registers about 80; Comity uses the English names and the code conversions).
 * The command line loads only the module of the command it runs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { prettyPrinter, READABLE_LOG_OPTIONS } from '../../src/federation/federation-log.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** The module files a `comity <args>` process loads. */
function modulesLoadedBy(args: readonly string[]): string[] {
  const recorder = [
    "import { registerHooks } from 'node:module';",
    'const urls = [];',
    'registerHooks({ load(url, context, next) { urls.push(url); return next(url, context); } });',
    "process.on('exit', () => process.stderr.write(JSON.stringify(urls)));",
  ].join('\n');
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      `data:text/javascript,${encodeURIComponent(recorder)}`,
      path.join(ROOT, 'src', 'cli', 'main.ts'),
      ...args,
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stderr) as string[];
}

/** What `comity serve` loads before it starts (its help: the whole node, without starting it). */
const modulesLoadedByTheCommandLine = () => modulesLoadedBy(['serve', '--help']);

describe('modules a node loads at start-up', () => {
  it('does not load pino-pretty nor the languages of i18n-iso-countries it does not use', () => {
    const loaded = modulesLoadedByTheCommandLine();
    assert.ok(
      loaded.some((url) => url.endsWith('/src/main.ts')),
      'the node itself is among the modules',
    );
    assert.deepEqual(
      loaded.filter((url) => url.includes('/node_modules/pino-pretty/')),
      [],
    );
    const languages = loaded
      .filter((url) => url.includes('/node_modules/i18n-iso-countries/langs/'))
      .map((url) => path.basename(url, '.json'))
      .sort();
    // English for the names Comity prints; the six UN languages for the States' directory entries.
    assert.deepEqual(languages, ['ar', 'en', 'es', 'fr', 'ru', 'zh']);
  });

  it('loads, for a command, its own module only: `comity demo` loads neither the server nor a database', () => {
    const loaded = modulesLoadedBy(['demo', '--help']);
    assert.ok(loaded.some((url) => url.endsWith('/src/cli/commands/demo.command.ts')));
    for (const part of [
      '/src/main.ts',
      '/node_modules/fastify/',
      '/node_modules/@electric-sql/pglite/',

      '/src/cli/commands/serve.command.ts',
    ]) {
      assert.deepEqual(
        loaded.filter((url) => url.includes(part)),
        [],
        part,
      );
    }
  });

  it('writes readable log lines on a terminal with pino-pretty, loaded when first needed', () => {
    const readable = prettyPrinter().prettyFactory({ ...READABLE_LOG_OPTIONS, colorize: false });
    const line = readable(
      `${JSON.stringify({ level: 30, time: 0, pid: 1, hostname: 'h', msg: 'request completed', res: { statusCode: 200 } })}\n`,
    );
    assert.match(line, /INFO.*request completed 200/);
    assert.doesNotMatch(line, /hostname|pid/);
  });
});
