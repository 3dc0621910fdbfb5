/**
 * `comity evidence upload|list`: attach evidence to a request received by the node, and list the
 * evidence the node holds (or a request's items) with the state of their chain of custody, through
 * the node's API
 * (COMITY_API_URL, COMITY_API_TOKEN; docs/evidence.md).
 *
 * Uploads use the tus protocol (tus-js-client): the file is streamed from disk, and the upload's
 * URL is remembered (--resume-file) until it completes, so running the same command again after an
 * interruption resumes where the node stopped receiving.
 */
import { createReadStream } from 'node:fs';
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { PreviousUpload, UrlStorage } from 'tus-js-client';
import type { Problem } from '../../api-client/client.ts';
import { loadClientConfig } from '../../config.ts';
import { CliError, printJson, printLine } from '../output.ts';
import { callApi, describeProblem, requireApiToken } from './request.command.ts';

const DEFAULT_RESUME_FILE = path.join(homedir(), '.comity-evidence-uploads.json');

type UploadOptions = {
  request: string;
  description?: string;
  sensitive?: boolean;
  mediaType?: string;
  retentionUntil?: string;
  resumeFile: string;
};

/**
 * Unfinished uploads, remembered in a JSON file (0600: the URLs name requests) by the file's
 * fingerprint (its path, size, modification time and the upload endpoint, as tus-js-client makes it).
 */
function fileUrlStorage(file: string): UrlStorage {
  type Entry = PreviousUpload & { fingerprint: string };
  const read = async (): Promise<Entry[]> => {
    try {
      return JSON.parse(await readFile(file, 'utf8')) as Entry[];
    } catch {
      return [];
    }
  };
  const write = async (entries: Entry[]): Promise<void> => {
    await writeFile(`${file}.tmp`, JSON.stringify(entries, null, 2), { mode: 0o600 });
    await rename(`${file}.tmp`, file);
  };
  return {
    findAllUploads: async () => read(),
    findUploadsByFingerprint: async (fingerprint) =>
      (await read()).filter((entry) => entry.fingerprint === fingerprint),
    removeUpload: async (key) => write((await read()).filter((entry) => entry.urlStorageKey !== key)),
    addUpload: async (fingerprint, upload) => {
      const key = `${fingerprint}#${Date.now()}`;
      await write([...(await read()), { ...upload, fingerprint, urlStorageKey: key }]);
      return key;
    },
  };
}

/** The one line a failed upload prints: the node's problem when it sent one. */
function describeUploadError(error: unknown, apiUrl: string): string {
  const response = (error as { originalResponse?: { getStatus(): number; getBody(): string } | null })
    .originalResponse;
  if (response) {
    try {
      return describeProblem(JSON.parse(response.getBody()) as Problem);
    } catch {
      return `the node refused the upload (HTTP ${response.getStatus()}: ${response.getBody().trim().slice(0, 200)})`;
    }
  }
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return `the upload to ${apiUrl} stopped: ${message}; run the same command again to resume`;
}

async function uploadEvidence(file: string, options: UploadOptions): Promise<void> {
  const config = loadClientConfig();
  const apiToken = requireApiToken(config);
  const size = (await stat(file).catch(() => undefined))?.size;
  if (size === undefined) throw new CliError(`cannot read ${file}`);
  const metadata: Record<string, string> = { filename: path.basename(file) };
  if (options.mediaType) metadata.filetype = options.mediaType;
  if (options.description) metadata.description = options.description;
  if (options.sensitive) metadata.sensitive = 'true';
  if (options.retentionUntil) metadata.retentionUntil = options.retentionUntil;
  const endpoint = `${config.apiUrl}/api/v1/requests/${encodeURIComponent(options.request)}/evidence/uploads`;
  const isTerminal = process.stderr.isTTY === true;
  // The tus client loads with the first upload: every other command (and `comity serve`) goes without it.
  const { Upload } = await import('tus-js-client');
  const itemUrl = await new Promise<string>((resolve, reject) => {
    const upload = new Upload(createReadStream(file), {
      endpoint,
      uploadSize: size,
      metadata,
      headers: { authorization: `Bearer ${apiToken}` },
      urlStorage: fileUrlStorage(options.resumeFile),
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      retryDelays: [0, 1000, 3000],
      onProgress: (sent, total) => {
        if (isTerminal) process.stderr.write(`\r${Math.floor((sent / total) * 100)}% of ${total} bytes`);
      },
      onSuccess: () => {
        if (isTerminal) process.stderr.write('\n');
        resolve(upload.url ?? '');
      },
      onError: (error) => reject(new CliError(describeUploadError(error, config.apiUrl))),
    });
    upload
      .findPreviousUploads()
      .then((previous) => {
        const [latest] = previous;
        if (latest) {
          process.stderr.write(`resuming the upload of ${file} begun at ${latest.creationTime}\n`);
          upload.resumeFromPreviousUpload(latest);
        }
        upload.start();
      })
      .catch(reject);
  });
  const itemId = itemUrl.split('/').at(-1) ?? '';
  const { item } = await callApi(config, (api) =>
    api.GET('/api/v1/requests/{id}/evidence/{itemId}', {
      params: { path: { id: options.request, itemId } },
    }),
  );
  printLine(`uploaded ${file} as evidence item ${item.id}: ${item.sizeBytes} bytes, sha256 ${item.sha256}`);
}

/** `comity evidence upload|list`: the evidence the node holds, and a request's, through its API. */
export function registerEvidenceItemCommands(evidence: Command): void {
  evidence
    .command('upload')
    .description(
      'upload a file as an evidence item of a request received here (resumable: run again to resume)',
    )
    .requiredOption('--request <id>', 'the request id on this node')
    .option('--description <text>', 'what the file is')
    .option('--sensitive', 'child sexual abuse material: never previewed, downloaded only with a reason')
    .option('--media-type <type>', 'the media type, e.g. application/mbox')
    .option('--retention-until <date>', 'YYYY-MM-DD: kept until then, then due for deletion')
    .option('--resume-file <path>', 'where unfinished uploads are remembered', DEFAULT_RESUME_FILE)
    .argument('<file>', 'the file to upload')
    .action(async (file: string, options: UploadOptions) => uploadEvidence(file, options));

  // The register's filters (GET /api/v1/evidence) do not apply to one request's list.
  const registerFilter = (flags: string, description: string) =>
    new Option(flags, description).conflicts('request');
  evidence
    .command('list')
    .description(
      "list the evidence this node holds, newest first (with --request, one request's items), each with the state of its chain of custody",
    )
    .option('--request <id>', "only this request's items (a request on this node)")
    .addOption(registerFilter('--status <status>', 'only items in this status').choices(ITEM_STATUSES))
    .addOption(registerFilter('--due', 'only stored items past their retention date, due for deletion'))
    .addOption(
      registerFilter(
        '--direction <direction>',
        'incoming: attached here to requests received; outgoing: received with requests sent from here',
      ).choices(DIRECTIONS),
    )
    .addOption(
      registerFilter(
        '--search <text>',
        "only items whose request's case reference or file name contains the text (any case), or whose id or SHA-256 starts with it",
      ),
    )
    .addOption(registerFilter('--limit <n>', 'at most this many items (default 100)').argParser(parseLimit))
    .addOption(registerFilter('--cursor <cursor>', 'the next page: the cursor the page before printed'))
    .addOption(
      registerFilter('--before <item>', 'the older name of --cursor, still understood')
        .conflicts('cursor')
        .hideHelp(),
    )
    .option('--json', "print the node's answer as JSON")
    .action(async (options: ListOptions) => listItems(options));
}

const ITEM_STATUSES = ['uploading', 'stored', 'deleted'] as const;
const DIRECTIONS = ['incoming', 'outgoing'] as const;

/** `--limit <n>`: 1 to 500 items, as the register answers a page. */
function parseLimit(value: string): number {
  const limit = Number(value);
  if (!/^\d+$/.test(value) || limit < 1 || limit > 500)
    throw new InvalidArgumentError('give a number from 1 to 500');
  return limit;
}

type ListOptions = {
  request?: string;
  status?: (typeof ITEM_STATUSES)[number];
  due?: boolean;
  direction?: (typeof DIRECTIONS)[number];
  search?: string;
  limit?: number;
  cursor?: string;
  before?: string;
  json?: boolean;
};

type ListedItem = Readonly<{
  id: string;
  status: string;
  fileName: string;
  sizeBytes: number;
  sha256: string | null;
  isSensitive: boolean;
  isDueForDeletion: boolean;
  custody: Readonly<{
    eventCount: number;
    lastEvent: string | null;
    chain: Readonly<{ isIntact: boolean; firstBadEvent?: Readonly<{ sequence: number }> }>;
  }>;
  request?: Readonly<{ id: string; direction: string; caseReference: string | null }>;
}>;

async function listItems(options: ListOptions): Promise<void> {
  const config = loadClientConfig();
  if (options.request !== undefined) {
    const { items } = await callApi(config, (api) =>
      api.GET('/api/v1/requests/{id}/evidence', { params: { path: { id: options.request ?? '' } } }),
    );
    if (options.json) return printJson(items);
    if (items.length === 0) return printLine('no evidence items');
    for (const item of items) printLine(itemLine(item));
    return;
  }
  const cursor = options.cursor ?? options.before;
  const answer = await callApi(config, (api) =>
    api.GET('/api/v1/evidence', {
      params: {
        query: {
          ...(options.status ? { status: options.status } : {}),
          ...(options.due ? { due: 'true' as const } : {}),
          ...(options.direction ? { direction: options.direction } : {}),
          ...(options.search ? { q: options.search } : {}),
          ...(options.limit ? { limit: options.limit } : {}),
          ...(cursor ? { cursor } : {}),
        },
      },
    }),
  );
  if (options.json) return printJson(answer);
  if (answer.items.length === 0) return printLine('no evidence items');
  for (const item of answer.items) printLine(itemLine(item));
  if (answer.nextCursor) printLine(`more items: run it again with --cursor ${answer.nextCursor}`);
}

/** One item on one line: its id, status, name, size, hash, custody, and its request in the register. */
function itemLine(item: ListedItem): string {
  const chain = item.custody.chain.isIntact
    ? 'chain intact'
    : `CHAIN BROKEN at event ${item.custody.chain.firstBadEvent?.sequence}`;
  const flags = [item.isSensitive ? 'sensitive' : '', item.isDueForDeletion ? 'due for deletion' : '']
    .filter(Boolean)
    .join(', ');
  const request = item.request
    ? `  request ${item.request.id} (${item.request.direction}${item.request.caseReference ? `, ${item.request.caseReference}` : ''})`
    : '';
  return `${item.id}  ${item.status}  ${item.fileName}  ${item.sizeBytes} bytes  sha256 ${item.sha256 ?? '-'}  ${item.custody.eventCount} events, last ${item.custody.lastEvent ?? '-'}, ${chain}${flags ? `  (${flags})` : ''}${request}`;
}
