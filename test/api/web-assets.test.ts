/**
 * The web UI's files are served as a browser expects: Brotli or gzip when the browser accepts it
 * (copies written once at build time, web/precompress.ts), files under assets/ (named by their
 * content's hash) cached as immutable, index.html revalidated on every visit.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { precompressDirectory } from '../../web/precompress.ts';
import { type TestApp, startTestApp } from '../helpers/app.ts';
import { PGLITE_TARGET } from '../helpers/database.ts';
import { temporaryDirectory } from '../helpers/node-process.ts';

const SCRIPT = `export const screens = ${JSON.stringify(Array.from({ length: 400 }, (_, index) => `screen ${index}`))};\n`;

describe('web UI files', () => {
  let subject: TestApp;

  before(async () => {
    const webDirectory = temporaryDirectory('comity-web-');
    mkdirSync(path.join(webDirectory, 'assets'));
    writeFileSync(
      path.join(webDirectory, 'index.html'),
      '<!doctype html><title>Comity</title><script src="/assets/index-Ab12.js"></script>',
    );
    writeFileSync(path.join(webDirectory, 'assets', 'index-Ab12.js'), SCRIPT);
    precompressDirectory(webDirectory);
    subject = await startTestApp(PGLITE_TARGET, { environment: { COMITY_WEB_DIR: webDirectory } });
  });
  after(() => subject?.close());

  const get = (url: string, acceptEncoding?: string) =>
    subject.app.inject({
      method: 'GET',
      url,
      headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {},
    });

  it('a hashed asset comes as Brotli when accepted, cached as immutable', async () => {
    const response = await get('/assets/index-Ab12.js', 'gzip, deflate, br');
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-encoding'], 'br');
    assert.equal(response.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.match(String(response.headers.vary), /accept-encoding/i);
    assert.ok(response.rawPayload.length < SCRIPT.length / 2);
    assert.equal(brotliDecompressSync(response.rawPayload).toString(), SCRIPT);
  });

  it('as gzip to a browser that accepts only gzip, as is to one that accepts nothing', async () => {
    const gzipped = await get('/assets/index-Ab12.js', 'gzip');
    assert.equal(gzipped.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(gzipped.rawPayload).toString(), SCRIPT);
    const plain = await get('/assets/index-Ab12.js');
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.body, SCRIPT);
    assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable');
  });

  it('index.html and the screens it serves are revalidated on every visit', async () => {
    for (const url of ['/', '/index.html', '/requests/new']) {
      const response = await get(url, 'br');
      assert.equal(response.statusCode, 200, url);
      assert.match(String(response.headers['content-type']), /text\/html/, url);
      assert.equal(response.headers['cache-control'], 'no-cache', url);
    }
  });
});

describe('the web build', () => {
  it('has a Brotli and a gzip copy of every script and style sheet', () => {
    const assets = path.resolve(import.meta.dirname, '../../web/dist/assets');
    const files = readdirSync(assets);
    const sources = files.filter((file) => /\.(js|css)$/.test(file));
    assert.ok(sources.length >= 2, 'npm test builds the UI first');
    for (const source of sources) {
      assert.ok(files.includes(`${source}.br`), `${source}.br`);
      assert.ok(files.includes(`${source}.gz`), `${source}.gz`);
    }
  });
});
