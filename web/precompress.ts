/**
 * A vite plugin that writes a Brotli (.br) and a gzip (.gz) copy next to every text file of the
 * build, once, at build time: the node serves them to browsers that ask (Accept-Encoding) without
 * compressing on every request (@fastify/static `preCompressed`, src/http/app.ts).
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

const COMPRESSIBLE = /\.(js|css|html|svg|json|txt|map)$/;
/** Smaller files gain nothing from compression once headers are counted. */
const MINIMUM_BYTES = 1024;

function filesUnder(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

/** Writes file.br and file.gz beside every compressible file of `directory` (recursively). */
export function precompressDirectory(directory: string): void {
  for (const file of filesUnder(directory)) {
    if (!COMPRESSIBLE.test(file) || statSync(file).size < MINIMUM_BYTES) continue;
    const content = readFileSync(file);
    writeFileSync(
      `${file}.br`,
      brotliCompressSync(content, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
          [constants.BROTLI_PARAM_SIZE_HINT]: content.length,
        },
      }),
    );
    writeFileSync(`${file}.gz`, gzipSync(content, { level: 9 }));
  }
}

export function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'comity-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      precompressDirectory(outDir);
    },
  };
}
