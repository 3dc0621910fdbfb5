/**
 * docs/openapi.json is the contract of the HTTP API, and src/api-client/openapi-types.ts the typed
 * client's view of it: both must be exactly what the app serves now, so a route whose schema
 * changed without regenerating them fails here, naming the command that regenerates them.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { type ContractFile, contractFiles, REGENERATE_COMMAND, staleFiles } from '../../scripts/openapi.ts';

describe('the committed OpenAPI contract', () => {
  let files: ContractFile[];
  before(async () => {
    files = await contractFiles();
  });

  it('is the document the app serves, with the client types generated from it', () => {
    const stale = staleFiles(files);
    assert.deepEqual(
      stale,
      [],
      `${stale.join(', ')}: out of date, run ${REGENERATE_COMMAND} and commit the result`,
    );
  });

  it('is the same on every build: no time, host or port in it', async () => {
    const again = await contractFiles();
    assert.equal(again[0]?.text, files[0]?.text);
    assert.doesNotMatch(files[0]?.text ?? '', /localhost|127\.0\.0\.1|"servers"|\d{4}-\d{2}-\d{2}T\d{2}:/);
  });
});
