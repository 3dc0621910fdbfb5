/**
 * `comity request ...`: check a draft offline against the Convention catalogue, and draft, show,
 * list and delete requests on a running node through its API (docs/api.md).
 *
 * `validate` needs no node: it reads the catalogue and the directory's reference data from the
 * checkout, so a prosecutor can check a draft exported by a case system before anything is sent.
 * The other subcommands use COMITY_API_URL and COMITY_API_TOKEN (see loadClientConfig).
 */
import { readFile } from 'node:fs/promises';
import { type Command, InvalidArgumentError, Option } from 'commander';
import {
  type ApiClient,
  answer,
  createApiClient,
  isApiError,
  type Problem,
} from '../../api-client/client.ts';
import { type ClientConfig, loadClientConfig } from '../../config.ts';
import { DEFAULT_LOCALE, LOCALES, type Locale } from '../../core/i18n.ts';
import { REQUEST_TYPE_IDS, type RequestContent, RequestContentSchema } from '../../core/request/draft.ts';
import type { Finding } from '../../core/validation/finding.ts';
import { isReady, validateDraft } from '../../core/validation/validate-draft.ts';
import { loadCatalogue } from '../../data/catalogue/index.ts';
import { seedDirectoryView } from '../../data/states/index.ts';
import { CliError, printJson, printLine } from '../output.ts';

const REQUEST_TIMEOUT_MS = 30_000;

export function registerRequestCommands(program: Command): void {
  const request = program.command('request').description('draft, validate and show requests');

  request
    .command('validate')
    .description(
      'check a draft (a JSON file) against the Convention catalogue, offline; exit code 1 while anything blocks',
    )
    .argument('<draft>', 'JSON file holding the request content, e.g. docs/examples/preservation-draft.json')
    .addOption(languageOption())
    .option('--json', 'print {findings, isReady} as JSON')
    .action(async (file: string, options: { lang: Locale; json?: boolean }) => {
      const draft = await readDraftFile(file);
      // The directory's reference data stands in for the node's directory: same States, and the
      // accepted languages known from published sources.
      const now = new Date().toISOString();
      const findings = validateDraft(draft, loadCatalogue(), seedDirectoryView(), options.lang, {
        today: now.slice(0, 10),
        now,
      });
      printFindingsResult(findings, options.json === true, options.lang);
      if (!isReady(findings)) process.exitCode = 1;
    });

  request
    .command('new')
    .description('create a draft request on the node, from a file or empty')
    .addOption(new Option('--type <type>', 'the request type').choices(REQUEST_TYPE_IDS))
    .option('--file <draft>', 'JSON file holding the request content')
    .addOption(languageOption())
    .option('--json', "print the node's answer as JSON")
    .action(
      async (options: { type?: RequestContent['type']; file?: string; lang: Locale; json?: boolean }) => {
        const content = await composeNewDraft(options.type, options.file);
        const created = await callApi(loadClientConfig(), (api) =>
          api.POST('/api/v1/requests', { params: { query: { lang: options.lang } }, body: content }),
        );
        if (options.json) return printJson(created);
        printLine(
          `created request ${created.request.id} (${created.request.type}, revision ${created.request.revision})`,
        );
        printFindings(created.findings, options.lang);
      },
    );

  request
    .command('show')
    .description('show a request with its findings')
    .argument('<id>', 'the request id')
    .addOption(languageOption())
    .option('--json', "print the node's answer as JSON")
    .action(async (id: string, options: { lang: Locale; json?: boolean }) => {
      const found = await callApi(loadClientConfig(), (api) =>
        api.GET('/api/v1/requests/{id}', { params: { path: { id }, query: { lang: options.lang } } }),
      );
      if (options.json) {
        printJson(found);
        return;
      }
      const { request: shown } = found;
      printLine(`request     ${shown.id}`);
      printLine(`type        ${shown.type}`);
      printLine(`status      ${shown.status} (revision ${shown.revision})`);
      printLine(`case        ${shown.caseReference ?? '-'}`);
      printLine(`requested   ${shown.requestedState ?? '-'}`);
      if (shown.peerNodeId) {
        const side = shown.direction === 'incoming' ? 'from' : 'to';
        printLine(`${side.padEnd(12)}${shown.peerNodeId}${shown.peerState ? ` (${shown.peerState})` : ''}`);
      }
      printLine(`created     ${shown.createdAt}${shown.createdBy ? ` by ${shown.createdBy.username}` : ''}`);
      printLine(`updated     ${shown.updatedAt}`);
      printLine();
      printFindings(found.findings, options.lang);
    });

  request
    .command('list')
    .description('list the requests you may read')
    .addOption(
      new Option(
        '--direction <direction>',
        'only those sent from here, or received from other States',
      ).choices(['outgoing', 'incoming']),
    )
    .option(
      '--search <text>',
      'those whose case reference contains the text (any case), or whose id starts with it',
    )
    .addOption(
      new Option('--cases <which>', 'only the cases that have not ended, or only those that have').choices([
        'open',
        'ended',
      ]),
    )
    .addOption(
      new Option(
        '--limit <count>',
        'requests a page holds (1 to 500; the node gives 100 by default)',
      ).argParser(pageSize),
    )
    .option('--cursor <cursor>', 'the next page: the cursor the page before printed')
    .option('--json', "print the node's answer as JSON")
    .action(
      async (options: {
        direction?: 'outgoing' | 'incoming';
        search?: string;
        cases?: 'open' | 'ended';
        limit?: number;
        cursor?: string;
        json?: boolean;
      }) => {
        const listed = await callApi(loadClientConfig(), (api) =>
          api.GET('/api/v1/requests', {
            params: {
              query: {
                ...(options.direction ? { direction: options.direction } : {}),
                ...(options.search ? { q: options.search } : {}),
                ...(options.cases ? { open: options.cases === 'open' ? 'true' : 'false' } : {}),
                ...(options.limit ? { limit: options.limit } : {}),
                ...(options.cursor ? { cursor: options.cursor } : {}),
              },
            },
          }),
        );
        if (options.json) {
          printJson(listed);
          return;
        }
        const { items } = listed;
        if (items.length === 0) {
          printLine('no requests');
          return;
        }
        // PEER: the node it went to or came from, PEER-STATE that node's State (the directory's).
        printTable(
          ['ID', 'TYPE', 'DIRECTION', 'STATUS', 'CASE', 'REQUESTED', 'PEER', 'PEER-STATE', 'UPDATED'],
          items.map((item) => [
            item.id,
            item.type,
            item.direction,
            item.status,
            item.caseReference ?? '-',
            item.requestedState ?? '-',
            item.peerNodeId ?? '-',
            item.peerState ?? '-',
            item.updatedAt ?? '-',
          ]),
        );
        if (listed.nextCursor) printLine(`more requests: run it again with --cursor ${listed.nextCursor}`);
      },
    );

  request
    .command('delete')
    .description('delete a draft request')
    .argument('<id>', 'the request id')
    .action(async (id: string) => {
      await callApi(loadClientConfig(), (api) =>
        api.DELETE('/api/v1/requests/{id}', { params: { path: { id } } }),
      );
      printLine(`deleted request ${id}`);
    });
}

/** A page size the node accepts (1 to 500), or one readable line. */
function pageSize(text: string): number {
  const count = Number(text);
  if (!/^\d+$/.test(text) || count < 1 || count > 500) {
    throw new InvalidArgumentError('a whole number from 1 to 500');
  }
  return count;
}

function languageOption(): Option {
  return new Option('--lang <language>', 'language of the findings').choices(LOCALES).default(DEFAULT_LOCALE);
}

// --- Reading a draft file -----------------------------------------------------------------------

/**
 * The draft in a JSON file, checked against RequestContentSchema. Every failure is one line
 * naming the file (and the field), since a case system's export is often what is wrong.
 */
async function readDraftFile(file: string): Promise<RequestContent> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`${file}: ${describeFileError(error)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(
      `${file}: not valid JSON (${oneLine(error instanceof Error ? error.message : String(error))})`,
    );
  }
  const parsed = RequestContentSchema.safeParse(value);
  if (!parsed.success) {
    const [first, ...others] = parsed.error.issues;
    const where = first && first.path.length > 0 ? `${formatPath(first.path)}: ` : '';
    const more =
      others.length > 0 ? ` (and ${others.length} more problem${others.length > 1 ? 's' : ''})` : '';
    throw new CliError(`${file}: ${where}${simplifyIssueMessage(first?.message ?? 'invalid draft')}${more}`);
  }
  return parsed.data;
}

function describeFileError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory, not a file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return oneLine(error instanceof Error ? error.message : String(error));
}

/** `offences[0].maximumPenaltyYears`, as a reader of the JSON file would write it. */
function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

/** zod says "Invalid input: expected number, received string"; the path already says where. */
function simplifyIssueMessage(message: string): string {
  return oneLine(message.replace(/^Invalid (input|option): /, ''));
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

async function composeNewDraft(
  type: RequestContent['type'] | undefined,
  file: string | undefined,
): Promise<RequestContent> {
  if (file === undefined) {
    if (type === undefined) throw new CliError('give the request type with --type, or a draft with --file');
    return { type };
  }
  const draft = await readDraftFile(file);
  if (type !== undefined && type !== draft.type) {
    throw new CliError(`${file}: the draft is of type ${draft.type}, not ${type}`);
  }
  return draft;
}

// --- Printing findings ----------------------------------------------------------------------------

function printFindingsResult(findings: readonly Finding[], isJson: boolean, locale: Locale): void {
  if (isJson) printJson({ findings, isReady: isReady(findings) });
  else printFindings(findings, locale);
}

/**
 * One finding per line (`BLOCKING  Art. 42(3)(d)  custodian  <message>`) and a summary line.
 * Blocking findings are in capitals so they stand out in a terminal without colour.
 */
function printFindings(findings: readonly Finding[], locale: Locale): void {
  printTable(
    undefined,
    findings.map((finding) => [
      finding.severity === 'blocking' ? 'BLOCKING' : 'warning',
      finding.article,
      finding.element,
      finding.message,
    ]),
  );
  printLine(summarizeFindings(findings, locale));
}

/** The counts as "label: n", which needs no plural forms in any of the six languages. */
const FINDINGS_SUMMARY: Readonly<
  Record<Exclude<Locale, 'en'>, Readonly<{ counts: string; ready: string; notReady: string }>>
> = {
  fr: {
    counts: 'bloquants : {b}, avertissements : {w}',
    ready: 'prête à l’envoi',
    notReady: 'pas prête à l’envoi',
  },
  es: {
    counts: 'bloqueantes: {b}, advertencias: {w}',
    ready: 'lista para enviar',
    notReady: 'no está lista para enviar',
  },
  ru: {
    counts: 'блокирующих: {b}, предупреждений: {w}',
    ready: 'готов к отправке',
    notReady: 'не готов к отправке',
  },
  zh: { counts: '阻断项：{b}，警告：{w}', ready: '可以发送', notReady: '尚不能发送' },
  ar: { counts: 'العوائق: {b}، التحذيرات: {w}', ready: 'جاهز للإرسال', notReady: 'غير جاهز للإرسال' },
};

/** The line under the findings: how many of each, and whether the request may be sent. */
export function summarizeFindings(findings: readonly Finding[], locale: Locale = DEFAULT_LOCALE): string {
  const blocking = findings.filter((finding) => finding.severity === 'blocking').length;
  const warnings = findings.length - blocking;
  if (locale === 'en') {
    const counts = `${blocking} blocking, ${warnings} warning${warnings === 1 ? '' : 's'}`;
    return blocking > 0 ? `${counts}: not ready to send` : `${counts}: ready to send`;
  }
  const words = FINDINGS_SUMMARY[locale];
  const counts = words.counts.replace('{b}', String(blocking)).replace('{w}', String(warnings));
  return `${counts} — ${blocking > 0 ? words.notReady : words.ready}`;
}

/** Columns padded to their widest cell; the last column is never padded. */
function printTable(header: readonly string[] | undefined, rows: ReadonlyArray<readonly string[]>): void {
  const all = header ? [header, ...rows] : rows;
  const widths = all.reduce<number[]>(
    (max, row) => row.map((cell, index) => Math.max(max[index] ?? 0, cell.length)),
    [],
  );
  for (const row of all) {
    printLine(
      row
        .map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index] ?? 0)))
        .join('  ')
        .trimEnd(),
    );
  }
}

// --- Talking to a node ------------------------------------------------------------------------------

/** The configured API token; without one, what to set and where a token is made. */
export function requireApiToken(config: ClientConfig): string {
  if (config.apiToken) return config.apiToken;
  throw new CliError(
    `no API token: set COMITY_API_TOKEN to an API token of your account (made on the My account screen, or with comity token create on the server), and COMITY_API_URL if the node is not at ${config.apiUrl}`,
  );
}

/**
 * One call to the node with the configured token, through the typed API client. A problem answer
 * becomes `title: detail`, an unreachable node says where it was looked for.
 */
export async function callApi<Data>(
  config: ClientConfig,
  call: (api: ApiClient) => Promise<{ data?: Data; response: Response }>,
): Promise<Data> {
  const api = createApiClient({
    baseUrl: config.apiUrl,
    token: requireApiToken(config),
    fetch: (request) => fetch(request, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }),
  });
  try {
    return await answer(call(api));
  } catch (error) {
    if (!isApiError(error)) throw error;
    throw new CliError(
      error.code === 'network'
        ? describeFetchError(error.cause, config.apiUrl)
        : describeProblem(error.problem),
    );
  }
}

function describeFetchError(error: unknown, apiUrl: string): string {
  if (error instanceof Error && error.name === 'TimeoutError') {
    return `the node at ${apiUrl} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  }
  const cause = error instanceof Error ? (error.cause as NodeJS.ErrnoException | undefined) : undefined;
  const reason = cause?.code ?? (error instanceof Error ? error.message : String(error));
  return `the node is not reachable at ${apiUrl} (${reason}); is it running, and is COMITY_API_URL right?`;
}

export function describeProblem(problem: Problem): string {
  const title = problem.title || `HTTP ${problem.status}`;
  const firstError = problem.errors?.[0];
  const detail =
    problem.detail ||
    (firstError?.message
      ? `${firstError.path ? `${firstError.path}: ` : ''}${firstError.message}`
      : undefined);
  return oneLine(detail ? `${title}: ${detail}` : title);
}
