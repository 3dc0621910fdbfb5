/**
 * docs/openapi.json is the contract of the HTTP API, and src/api-client/openapi-types.ts the typed
 * client's view of it: both must be exactly what the app serves now, so a route whose schema
 * changed without regenerating them fails here, naming the command that regenerates them.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { type ContractFile, contractFiles, REGENERATE_COMMAND, staleFiles } from '../../scripts/openapi.ts';

type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
};
type OpenApiDocument = {
  paths?: Record<
    string,
    Record<string, { requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>
  >;
  components?: { schemas?: Record<string, JsonSchema> };
};

/** Where in `schema` an object with named members accepts others (additionalProperties not false). */
function laxObjects(
  schema: JsonSchema,
  document: OpenApiDocument,
  at: string,
  seen = new Set<string>(),
): string[] {
  if (schema.$ref) {
    if (seen.has(schema.$ref)) return [];
    seen.add(schema.$ref);
    const name = schema.$ref.split('/').at(-1) ?? '';
    const target = document.components?.schemas?.[name];
    return target ? laxObjects(target, document, `${at} (${name})`, seen) : [];
  }
  const found: string[] = [];
  if (schema.properties && schema.additionalProperties !== false) found.push(at);
  for (const [name, member] of Object.entries(schema.properties ?? {})) {
    found.push(...laxObjects(member, document, `${at}.${name}`, seen));
  }
  if (schema.items) found.push(...laxObjects(schema.items, document, `${at}[]`, seen));
  for (const choice of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])]) {
    found.push(...laxObjects(choice, document, at, seen));
  }
  return found;
}

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

  it('refuses unknown members in every JSON request body, nested objects included', () => {
    const document = JSON.parse(files[0]?.text ?? '{}') as OpenApiDocument;
    const lax: string[] = [];
    for (const [path, operations] of Object.entries(document.paths ?? {})) {
      for (const [method, operation] of Object.entries(operations)) {
        const schema = operation.requestBody?.content?.['application/json']?.schema;
        if (schema) lax.push(...laxObjects(schema, document, `${method.toUpperCase()} ${path} body`));
      }
    }
    // A misspelt member would otherwise be dropped in silence and the call answered as a success.
    assert.deepEqual(lax, [], 'these request bodies accept members they do not know');
  });

  it('says of every operation that its errors are problems (components.schemas.Problem)', () => {
    const document = JSON.parse(files[0]?.text ?? '{}') as {
      paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
    };
    const without = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(
          ([, operation]) =>
            !JSON.stringify(operation.responses?.default ?? {}).includes('#/components/schemas/Problem'),
        )
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    assert.deepEqual(without, []);
  });

  it('is the same on every build: no time, host or port in it', async () => {
    const again = await contractFiles();
    assert.equal(again[0]?.text, files[0]?.text);
    assert.doesNotMatch(files[0]?.text ?? '', /localhost|127\.0\.0\.1|"servers"|\d{4}-\d{2}-\d{2}T\d{2}:/);
  });
});
