/**
 * `comity evidence upload|list`: attach evidence to a request received by the node, and list a
 * request's items with the state of their chain of custody, through the node's API
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
import type { Command } from 'commander';
import type { PreviousUpload, UrlStorage } from 'tus-js-client';
import type { Problem } from '../../api-client/client.ts';
import { loadClientConfig } from '../../config.ts';
import { CliError, printJson, printLine } from '../output.ts';
import { callApi, describeProblem } from './request.command.ts';

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
  if (!config.apiToken) {
    throw new CliError('no API token: set COMITY_API_TOKEN to a token of your account (comity token create)');
  }
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
      headers: { authorization: `Bearer ${config.apiToken}` },
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

/** `comity evidence upload|list`: evidence items of requests received by the node, through its API. */
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

  evidence
    .command('list')
    .description("list a request's evidence items with the state of their chain of custody")
    .requiredOption('--request <id>', 'the request id on this node')
    .option('--json', "print the node's answer as JSON")
    .action(async (options: { request: string; json?: boolean }) => {
      const { items } = await callApi(loadClientConfig(), (api) =>
        api.GET('/api/v1/requests/{id}/evidence', { params: { path: { id: options.request } } }),
      );
      if (options.json) return printJson(items);
      if (items.length === 0) return printLine('no evidence items');
      for (const item of items) {
        const chain = item.custody.chain.isIntact
          ? 'chain intact'
          : `CHAIN BROKEN at event ${item.custody.chain.firstBadEvent?.sequence}`;
        const flags = [item.isSensitive ? 'sensitive' : '', item.isDueForDeletion ? 'due for deletion' : '']
          .filter(Boolean)
          .join(', ');
        printLine(
          `${item.id}  ${item.status}  ${item.fileName}  ${item.sizeBytes} bytes  sha256 ${item.sha256 ?? '-'}  ${item.custody.eventCount} events, last ${item.custody.lastEvent ?? '-'}, ${chain}${flags ? `  (${flags})` : ''}`,
        );
      }
    });
}
