/**
 * `comity demo`: a federation on this machine in one command, to see Comity nodes exchange
 * requests without setting anything up. It starts a secretariat and three State nodes (France,
 * Germany and Brazil as 24/7 points of contact; `--also` adds each State's central authority, its
 * extradition authority or both), each its own process, embedded database and port, creates the
 * demo's people on each, prints where to sign in, and runs until Ctrl-C. With `--scenario preservation` it runs the scripted exchange France →
 * Germany instead, prints each step with its time, stops everything and exits 0, or 1 naming the
 * step that failed; `--scenario emergency` runs the 24/7 path (an emergency request acknowledged
 * and answered by live updates) and prints the acknowledgement latency; `--scenario evidence`
 * ships `--size` bytes of evidence (default 1 GiB) from Germany (executing) to France (requesting):
 * upload, package, send, verification, download and SHA-256 check, each step timed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { loadCacheDirectory } from '../../config.ts';
import type { EvidenceScenarioOptions } from '../../demo/evidence-scenario.ts';
import { DEFAULT_EVIDENCE_SIZE_BYTES, parseSize } from '../../demo/evidence-size.ts';
import type { Federation } from '../../demo/federation-setup.ts';
import { PROJECT_ROOT } from '../../demo/project-root.ts';
import type { StepsOutcome } from '../../demo/step-runner.ts';
import { startTemplateMaker } from '../../demo/template-maker.ts';
import { hashPassword } from '../../services/password-hashing.ts';
import { CliError, printLine } from '../output.ts';

const DEMO_STATES = ['FR', 'DE', 'BR'] as const;

/**
 * The demo's processes are light nodes (docs/operations.md, "Small nodes", item 4): V8 runs PGlite's
 * WebAssembly as its baseline compiler makes it and spends no CPU optimising it. Four processes
 * start at once on a laptop's cores: each takes about a quarter less CPU to start (2.0 against
 * 2.6 s from the template) and holds some 50 MiB less, for a few per cent of PGlite's speed
 * (docs/benchmarks.md, "A quicker demo: light nodes").
 */
const DEMO_NODE_ARGUMENTS = ['--liftoff-only'] as const;
const SCENARIOS = ['preservation', 'emergency', 'evidence'] as const;

/** A scenario: the evidence one takes a size, the others ignore it. */
type ScenarioRunner = (federation: Federation, options: EvidenceScenarioOptions) => Promise<StepsOutcome>;

/** Each scenario's module, loaded when it runs. */
const LOAD_SCENARIO: Readonly<Record<(typeof SCENARIOS)[number], () => Promise<ScenarioRunner>>> = {
  preservation: async () => (await import('../../demo/preservation-scenario.ts')).runPreservationScenario,
  emergency: async () => (await import('../../demo/emergency-scenario.ts')).runEmergencyScenario,
  evidence: async () => (await import('../../demo/evidence-scenario.ts')).runEvidenceScenario,
};

/**
 * The authorities a State of the demo may run a node for besides its 24/7 point of contact
 * (`--also`): mutual legal assistance, stored data, joint investigations, confiscation and
 * spontaneous information go to a central authority, extradition to an extradition authority.
 */
const OTHER_AUTHORITIES = ['central-authority', 'extradition-authority'] as const;
type OtherAuthority = (typeof OTHER_AUTHORITIES)[number];

type DemoOptions = {
  scenario?: (typeof SCENARIOS)[number];
  also?: readonly OtherAuthority[];
  dir?: string;
  portBase?: number;
  size?: number;
};

/** `--size <size>`: bytes, or with a unit (8MiB, 1GiB). */
function parseSizeOption(value: string): number {
  const bytes = parseSize(value);
  if (bytes === undefined) throw new InvalidArgumentError('give a size such as 8MiB, 1GiB or 1048576');
  return bytes;
}

/** `--also <authorities>`: a comma-separated list of OTHER_AUTHORITIES, or `all`. */
export function parseOtherAuthorities(value: string): OtherAuthority[] {
  const names = value.split(',').map((name) => name.trim());
  if (names.length === 1 && names[0] === 'all') return [...OTHER_AUTHORITIES];
  const unknown = names.filter((name) => !(OTHER_AUTHORITIES as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new InvalidArgumentError(
      `give ${OTHER_AUTHORITIES.join(', ')} (comma-separated) or all, not ${unknown.map((name) => `"${name}"`).join(', ')}`,
    );
  }
  return OTHER_AUTHORITIES.filter((authority) => names.includes(authority));
}

/** `--port-base <n>`: a number; whether every node has a port from it is checked with `--also` known. */
function parsePortBase(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(portBaseAdvice(DEMO_STATES.length));
  return Number(value);
}

/** What a valid `--port-base` is when `nodeCount` State nodes follow the secretariat's port. */
function portBaseAdvice(nodeCount: number): string {
  return `give a port from 1 to ${65_535 - nodeCount}`;
}

/** The demo's nodes: each State's 24/7 point of contact, then the other authorities asked for. */
function demoAuthorities(options: DemoOptions) {
  return ['point-of-contact' as const, ...(options.also ?? [])];
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'start a secretariat and three State nodes (FR, DE, BR) on this machine, with users; Ctrl-C stops them;\n' +
        '--also central-authority,extradition-authority (or all) starts those authorities of each State too.\n' +
        '--scenario preservation runs a scripted FR → DE exchange end to end and exits (0 when every step passed);\n' +
        '--scenario emergency runs the 24/7 path FR → DE (send, live arrival on the duty desk, acknowledge, preserve) and prints the acknowledgement latency;\n' +
        '--scenario evidence ships --size bytes of evidence DE → FR (upload, package, send, verify, download, SHA-256 check)',
    )
    .addOption(
      new Option('--scenario <name>', 'run a scripted exchange, print its steps and exit').choices(SCENARIOS),
    )
    .option(
      '--size <size>',
      `the evidence scenario's item size (default ${DEFAULT_EVIDENCE_SIZE_BYTES} bytes, 1GiB)`,
      parseSizeOption,
    )
    .option(
      '--also <authorities>',
      'each State also runs a node for these authorities besides its 24/7 point of contact: central-authority (mutual legal assistance, stored data, joint investigations, confiscation, spontaneous information), extradition-authority, or all',
      parseOtherAuthorities,
    )
    .option(
      '--port-base <n>',
      'listen on ports n (secretariat), n+1, n+2, n+3 (FR, DE, BR; then the nodes of any other authority, FR, DE, BR) instead of any free ports, to run beside other services',
      parsePortBase,
    )
    .option(
      '--dir <directory>',
      "keep the nodes' data and logs in this (new or empty) directory instead of a temporary one",
    )
    .action(async (options: DemoOptions, command: Command) => {
      const authorities = demoAuthorities(options);
      const nodeCount = DEMO_STATES.length * authorities.length;
      if (options.portBase !== undefined && (options.portBase < 1 || options.portBase + nodeCount > 65_535)) {
        // Worded and ended as commander ends a usage mistake, before anything is made.
        command.error(
          `error: option '--port-base <n>' argument '${options.portBase}' is invalid. ${portBaseAdvice(nodeCount)}`,
          { exitCode: 2, code: 'commander.invalidArgument' },
        );
      }
      const directory = prepareDirectory(options.dir);
      const isTemporary = options.dir === undefined;
      const cleanUp = () => {
        if (isTemporary) rmSync(directory, { recursive: true, force: true });
      };
      // Every node creates its database from one template, cached for the next demo too. On a
      // first run, making it is the step every node waits for: it starts before anything else,
      // and this command loads the rest of itself (federation-setup.ts, some 440 modules) meanwhile.
      const cacheDirectory = loadCacheDirectory();
      const templateMaker = cacheDirectory ? startTemplateMaker(cacheDirectory) : undefined;
      const loaded = Promise.all([
        import('../../demo/federation-setup.ts'),
        options.scenario ? LOAD_SCENARIO[options.scenario]() : undefined,
      ]);
      // People sign in to the web UI of the interactive demo: build it if a source changed (as npm start does).
      if (options.scenario === undefined) buildWebInterfaceIfStale();
      printLine(`Starting a secretariat and ${nodeCount} State nodes (data and logs in ${directory})...`);
      const [{ startFederation }, runScenario] = await loaded;
      // Listening from the start: a Ctrl-C or SIGTERM that comes while the nodes start (or just as
      // the demo says they run) stops them once started, instead of ending this process and
      // leaving them running without it. A second one ends the process at once.
      let interruption: NodeJS.Signals | undefined;
      const interrupted = waitForInterrupt().then((signal) => {
        interruption = signal;
      });
      let federation: Federation;
      try {
        federation = await startFederation({
          directory,
          states: DEMO_STATES,
          authorities,
          ...(options.portBase !== undefined ? { portBase: options.portBase } : {}),
          env: { COMITY_DIRECTORY_REFRESH_SECONDS: '5', COMITY_DELIVERY_POLL_MS: '500' },
          nodeArguments: DEMO_NODE_ARGUMENTS,
          // The demo's 24/7 points of contact declare that they acknowledge urgent requests within an hour.
          acknowledgeWithinHours: 1,
          onProgress: (line) => printLine(`  ${line}`),
          ...(cacheDirectory ? { templateDirectory: cacheDirectory } : {}),
          ...(templateMaker ? { templateMaker } : {}),
          // The accounts' hashes, made here while the template is made, rather than by each node.
          hashPassword,
        });
      } catch (error) {
        // The directory stays: its logs say why.
        const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
        throw new CliError(`the demo federation did not start: ${reason} (logs kept in ${directory})`);
      }

      if (options.scenario !== undefined && runScenario !== undefined) {
        // Interrupted (before or during the scenario): the nodes stop, and the command ends as a
        // signal would have ended it (exit code 128 + the signal's number).
        const stopInterrupted = async () => {
          printLine('\nStopping the nodes...');
          await federation.stop();
          process.exit(128 + (interruption === 'SIGINT' ? 2 : 15));
        };
        if (interruption !== undefined) return stopInterrupted();
        void interrupted.then(stopInterrupted);
        printLine('');
        const outcome = await runScenario(federation, {
          from: 'FR',
          to: 'DE',
          print: printLine,
          ...(options.size !== undefined ? { sizeBytes: options.size } : {}),
        }).finally(() => federation.stop());
        if (!outcome.isSuccess) {
          // The directory stays: the nodes' logs say what happened.
          throw new CliError(
            `demo scenario failed at "${outcome.failedStep}": ${outcome.reason} (logs kept in ${directory})`,
          );
        }
        cleanUp();
        return;
      }

      if (interruption === undefined) {
        printWhereToSignIn(federation);
        // Each desk has its duty officer on the roster, so the desk and the alerts have someone to tell.
        const { staffTheDesks } = await import('../../demo/demo-roster.ts');
        const staffed = await staffTheDesks(federation).catch((error: unknown) => {
          printLine(
            `(the duty officers were not put on the rosters: ${error instanceof Error ? error.message : String(error)})`,
          );
          return [];
        });
        if (staffed.length > 0)
          printLine(`On duty for the next 24 hours: ${staffed.join(', ')} (Duty roster screen).`);
        printLine('Press Ctrl-C to stop.');
      }
      await interrupted;
      printLine('\nStopping the nodes...');
      await federation.stop();
      cleanUp();
      printLine('Stopped.');
    });
}

function buildWebInterfaceIfStale(): void {
  const result = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'scripts', 'build-web-if-stale.ts')], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) {
    printLine(
      '(the web UI could not be built: the nodes start anyway, with their API; run npm run build:web)',
    );
  }
}

function prepareDirectory(requested: string | undefined): string {
  if (requested === undefined) return mkdtempSync(path.join(os.tmpdir(), 'comity-demo-'));
  const directory = path.resolve(requested);
  if (existsSync(directory) && readdirSync(directory).length > 0) {
    throw new CliError(`--dir ${directory} is not empty: give a new or empty directory`);
  }
  return directory;
}

/** The width of the printed roles, the longest ("supervisor,legal-reviewer", the magistrate's) and a space. */
const ROLE_COLUMN = 26;

function printWhereToSignIn(federation: Federation): void {
  printLine('');
  printLine('The demo federation is running. Sign in with a browser:');
  for (const node of federation.nodes) {
    printLine('');
    printLine(`  ${node.spec.state} — ${node.spec.nodeId} (${node.spec.authority}): ${node.url}/`);
    printLine(`    ${'administrator'.padEnd(ROLE_COLUMN)} admin / ${node.adminPassword}`);
    printLine(
      `    ${'administrator'.padEnd(ROLE_COLUMN)} approver / ${node.approverPassword} (the second one)`,
    );
    for (const account of Object.values(node.accounts ?? {})) {
      printLine(
        `    ${account.roles.join(',').padEnd(ROLE_COLUMN)} ${account.username} / ${account.password}`,
      );
    }
  }
  printLine('');
  printLine(`  Secretariat (publishes the signed directory): ${federation.secretariat.url}/`);
  printLine(`    ${'directory'.padEnd(ROLE_COLUMN)} ${federation.secretariat.url}/federation/v1/directory`);
  printLine(
    `    ${'administrator'.padEnd(ROLE_COLUMN)} admin / ${federation.secretariat.adminPassword ?? '(not printed)'}`,
  );
  const auditor = federation.secretariatAuditor;
  if (auditor) {
    printLine(
      `    ${'auditor'.padEnd(ROLE_COLUMN)} ${auditor.username} / ${auditor.password} (the tree heads it witnesses for every node)`,
    );
  }
  printLine('');
  printLine('Try it: sign in on fr-poc as fr.officer, draft a preservation request to Germany, submit');
  printLine('it; sign in as fr.supervisor to approve it (a second person sends it), then as de.duty on');
  printLine('de-poc to see it arrive and acknowledge it; de.custodian then records the preservation.');
  printLine('As an oversight body, sign in as de.auditor and open the audit log. An intrusive measure');
  printLine('(extradition, interception, real-time collection) is approved by fr.magistrate, de.magistrate');
  printLine('or br.magistrate, a supervisor who is also a legal reviewer, with the reference of the');
  printLine('authorising decision.');
  const authorities = new Set(federation.nodes.map((node) => node.spec.authority));
  if (authorities.has('central-authority')) {
    printLine('Mutual legal assistance: sign in on fr-ca as fr.officer and draft a request for stored data');
    printLine("or a joint investigation to Germany; fr.supervisor on fr-ca sends it to de-ca, Germany's");
    printLine('central authority, where de.legal screens it.');
  }
  if (authorities.has('extradition-authority')) {
    printLine('Extradition: sign in on br-poc as br.officer and draft an extradition request to France;');
    printLine("br.magistrate approves it, and it reaches fr-extradition, France's extradition authority.");
  }
  if (authorities.size === 1) {
    printLine('Each State runs its 24/7 point of contact alone: to send mutual legal assistance or');
    printLine('extradition requests too, start the demo with --also all.');
  }
}

/** Resolves with the first SIGINT or SIGTERM; a second one then ends the process as usual. */
function waitForInterrupt(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
