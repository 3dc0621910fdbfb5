/**
 * `comity request ...`: check a draft offline against the Convention catalogue, and draft, show,
 * list and delete requests on a running node through its API (docs/api.md).
 *
 * `validate` needs no node: it reads the catalogue and the directory's reference data from the
 * checkout, so a prosecutor can check a draft exported by a case system before anything is sent.
 * The other subcommands use COMITY_API_URL and COMITY_API_TOKEN (see loadClientConfig).
 */
import { readFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { z } from 'zod';
import { type ClientConfig, loadClientConfig } from '../../config.ts';
import { DEFAULT_LOCALE, LOCALES, type Locale } from '../../core/i18n.ts';
import { REQUEST_TYPE_IDS, type RequestContent, RequestContentSchema } from '../../core/request/draft.ts';
import { type Finding, FindingSchema } from '../../core/validation/finding.ts';
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
      const findings = validateDraft(draft, loadCatalogue(), seedDirectoryView(), options.lang);
      printFindingsResult(findings, options.json === true);
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
        const answer = RequestWithFindingsSchema.parse(
          await callApi(loadClientConfig(), 'POST', `/api/v1/requests?lang=${options.lang}`, content),
        );
        if (options.json) return printJson(answer);
        printLine(
          `created request ${answer.request.id} (${answer.request.type}, revision ${answer.request.revision})`,
        );
        printFindings(answer.findings);
      },
    );

  request
    .command('show')
    .description('show a request with its findings')
    .argument('<id>', 'the request id')
    .addOption(languageOption())
    .option('--json', "print the node's answer as JSON")
    .action(async (id: string, options: { lang: Locale; json?: boolean }) => {
      const body = await callApi(
        loadClientConfig(),
        'GET',
        `/api/v1/requests/${encodeURIComponent(id)}?lang=${options.lang}`,
      );
      const answer = RequestWithFindingsSchema.parse(body);
      if (options.json) {
        printJson(body);
        return;
      }
      const { request: shown } = answer;
      printLine(`request     ${shown.id}`);
      printLine(`type        ${shown.type}`);
      printLine(`status      ${shown.status} (revision ${shown.revision})`);
      printLine(`case        ${shown.caseReference ?? '-'}`);
      printLine(`requested   ${shown.requestedState ?? '-'}`);
      printLine(`created     ${shown.createdAt}${shown.createdBy ? ` by ${shown.createdBy.username}` : ''}`);
      printLine(`updated     ${shown.updatedAt}`);
      printLine();
      printFindings(answer.findings);
    });

  request
    .command('list')
    .description('list the requests you may read')
    .option('--json', "print the node's answer as JSON")
    .action(async (options: { json?: boolean }) => {
      const body = await callApi(loadClientConfig(), 'GET', '/api/v1/requests');
      const { items } = RequestListSchema.parse(body);
      if (options.json) {
        printJson(body);
        return;
      }
      if (items.length === 0) {
        printLine('no requests');
        return;
      }
      printTable(
        ['ID', 'TYPE', 'STATUS', 'CASE', 'REQUESTED', 'UPDATED'],
        items.map((item) => [
          item.id,
          item.type,
          item.status,
          item.caseReference ?? '-',
          item.requestedState ?? '-',
          item.updatedAt ?? '-',
        ]),
      );
    });

  request
    .command('delete')
    .description('delete a draft request')
    .argument('<id>', 'the request id')
    .action(async (id: string) => {
      await callApi(loadClientConfig(), 'DELETE', `/api/v1/requests/${encodeURIComponent(id)}`);
      printLine(`deleted request ${id}`);
    });
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

function printFindingsResult(findings: readonly Finding[], isJson: boolean): void {
  if (isJson) printJson({ findings, isReady: isReady(findings) });
  else printFindings(findings);
}

/**
 * One finding per line (`BLOCKING  Art. 42(3)(d)  custodian  <message>`) and a summary line.
 * Blocking findings are in capitals so they stand out in a terminal without colour.
 */
function printFindings(findings: readonly Finding[]): void {
  printTable(
    undefined,
    findings.map((finding) => [
      finding.severity === 'blocking' ? 'BLOCKING' : 'warning',
      finding.article,
      finding.element,
      finding.message,
    ]),
  );
  printLine(summarizeFindings(findings));
}

export function summarizeFindings(findings: readonly Finding[]): string {
  const blocking = findings.filter((finding) => finding.severity === 'blocking').length;
  const warnings = findings.length - blocking;
  const counts = `${blocking} blocking, ${warnings} warning${warnings === 1 ? '' : 's'}`;
  return blocking > 0 ? `${counts}: not ready to send` : `${counts}: ready to send`;
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

const RequestWithFindingsSchema = z.object({
  request: z.object({
    id: z.string(),
    type: z.string(),
    status: z.string(),
    revision: z.number(),
    caseReference: z.string().nullish(),
    requestedState: z.string().nullish(),
    createdBy: z.object({ id: z.string(), username: z.string() }).nullish(),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
  findings: z.array(FindingSchema),
  isReady: z.boolean(),
});

const RequestListSchema = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      type: z.string(),
      status: z.string(),
      caseReference: z.string().nullish(),
      requestedState: z.string().nullish(),
      updatedAt: z.string().nullish(),
    }),
  ),
});

const ProblemSchema = z.object({
  title: z.string().optional(),
  detail: z.string().optional(),
  errors: z.array(z.object({ path: z.string().optional(), message: z.string().optional() })).optional(),
});

/**
 * One API call with the configured token. Returns the JSON body (undefined for 204). A problem
 * answer becomes `title: detail`, an unreachable node says where it was looked for.
 */
async function callApi(
  config: ClientConfig,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<unknown> {
  if (!config.apiToken) {
    throw new CliError('no API token: set COMITY_API_TOKEN to a token of your account (comity token create)');
  }
  let response: Response;
  try {
    response = await fetch(`${config.apiUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${config.apiToken}`,
        accept: 'application/json, application/problem+json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    throw new CliError(describeFetchError(error, config.apiUrl));
  }
  const text = await response.text();
  if (!response.ok) throw new CliError(describeProblem(response, text));
  if (response.status === 204 || text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new CliError(`the node at ${config.apiUrl} answered with something other than JSON`);
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

function describeProblem(response: Response, text: string): string {
  let problem: z.infer<typeof ProblemSchema> | undefined;
  try {
    const parsed = ProblemSchema.safeParse(JSON.parse(text));
    problem = parsed.success ? parsed.data : undefined;
  } catch {
    problem = undefined;
  }
  const title = problem?.title ?? `HTTP ${response.status} ${response.statusText}`.trim();
  const firstError = problem?.errors?.[0];
  const detail =
    problem?.detail ??
    (firstError?.message
      ? `${firstError.path ? `${firstError.path}: ` : ''}${firstError.message}`
      : undefined);
  return oneLine(detail ? `${title}: ${detail}` : title);
}
