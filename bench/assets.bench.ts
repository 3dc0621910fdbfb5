/**
 * `npm run bench -- assets`: the bytes a browser downloads on a first visit to a node's web UI
 * (index.html and every script and style sheet it names), as a browser that accepts Brotli, one
 * that accepts only gzip, and, as the baseline, one that accepts no compression, from a real node
 * process over HTTP (raw bytes on the wire, not decompressed).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createNodeProcess } from '../src/demo/node-process.ts';
import type { Figure } from './foundation.bench.ts';

/** The raw size of the body at `url` (as sent, compressed or not) and the body decoded as text if not compressed. */
function download(url: string, acceptEncoding: string | undefined): Promise<{ bytes: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      url,
      { headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ bytes: body.length, text: response.headers['content-encoding'] ? '' : body.toString() });
        });
      },
    );
    request.once('error', reject);
  });
}

async function firstVisitBytes(base: string, acceptEncoding: string | undefined): Promise<number> {
  const page = await download(`${base}/`, acceptEncoding);
  const plainPage = page.text || (await download(`${base}/`, undefined)).text;
  const assets = [...plainPage.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1]!);
  if (assets.length === 0)
    throw new Error('index.html names no asset: build the web UI first (npm run build:web)');
  let total = page.bytes;
  for (const asset of assets) total += (await download(`${base}${asset}`, acceptEncoding)).bytes;
  return total;
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

export async function runAssetBenchmarks(): Promise<Figure[]> {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'comity-bench-assets-'));
  const node = createNodeProcess({ name: 'assets', dataDirectory: directory });
  try {
    await node.start();
    const plain = await firstVisitBytes(node.url, undefined);
    const figures: Figure[] = [];
    for (const [label, encoding] of [
      ['Brotli (Accept-Encoding: gzip, deflate, br)', 'gzip, deflate, br'],
      ['gzip only', 'gzip'],
    ] as const) {
      const compressed = await firstVisitBytes(node.url, encoding);
      figures.push({
        name: `first visit, bytes on the wire: ${label}, against no compression`,
        value: kib(compressed),
        baseline: kib(plain),
        ratio: (compressed / plain).toFixed(2),
      });
    }
    return figures;
  } finally {
    await node.stop();
    rmSync(directory, { recursive: true, force: true });
  }
}
