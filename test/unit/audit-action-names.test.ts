/**
 * The audit log's actions in plain words (web/src/pages/audit/action-names.ts): every call the node
 * records has words in every UI language, and nothing else is named.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isAudited } from '../../src/http/audit-hook.ts';
import {
  AUDIT_ACTION_KEYS,
  auditActionWords,
  auditOutcomeWords,
} from '../../web/src/pages/audit/action-names.ts';

const openapi = JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8')) as {
  paths: Record<string, Record<string, unknown>>;
};
const LANGUAGES = ['ar', 'zh', 'en', 'fr', 'ru', 'es'] as const;

function wordsOf(language: string): Record<string, string> {
  const file = new URL(`../../web/src/i18n/sections/auditAction/${language}.json`, import.meta.url);
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
}

/** The actions the API's audit hook records, from the routes the OpenAPI document lists. */
function auditedActions(): string[] {
  const actions: string[] = [];
  for (const [path, operations] of Object.entries(openapi.paths)) {
    if (!path.startsWith('/api/')) continue;
    const route = path.replaceAll(/\{(\w+)\}/g, ':$1');
    for (const method of Object.keys(operations).map((name) => name.toUpperCase())) {
      if (isAudited(method, route, 'signed-in')) actions.push(`api:${method} ${route}`);
    }
  }
  return actions;
}

describe("the audit log's actions in plain words", () => {
  it('names every audited route, and only routes the API has', () => {
    const audited = auditedActions();
    assert.ok(audited.length > 40, `the OpenAPI document lists the audited routes (${audited.length})`);
    const missing = audited.filter((action) => !(action in AUDIT_ACTION_KEYS));
    assert.deepEqual(missing, [], 'audited routes with no plain words');
    const apiActions = Object.keys(AUDIT_ACTION_KEYS).filter((action) => action.startsWith('api:'));
    const unknown = apiActions.filter((action) => !audited.includes(action));
    assert.deepEqual(unknown, [], 'words for a route the API does not have (or does not audit)');
  });

  it('has the words in every UI language', () => {
    const keys = new Set([...Object.values(AUDIT_ACTION_KEYS), 'operatorCommand']);
    for (const language of LANGUAGES) {
      const words = wordsOf(language);
      for (const key of keys) assert.match(words[key] ?? '', /\S/, `${language}: ${key}`);
      assert.deepEqual(Object.keys(words).sort(), [...keys].sort(), `${language}: no words for nothing`);
    }
  });

  it('names an operator command with its command, and leaves an unknown action to its record', () => {
    assert.deepEqual(auditActionWords('cli:user add'), {
      key: 'auditAction.operatorCommand',
      values: { command: 'user add' },
    });
    assert.deepEqual(auditActionWords('api:POST /api/v1/requests/:id/approve'), {
      key: 'auditAction.requestApproved',
      values: {},
    });
    assert.equal(auditActionWords('api:POST /api/v1/unknown'), undefined);
  });

  it('reads a failed sign-in as refused, and a successful one as signed in', () => {
    assert.equal(auditActionWords('auth:sign-in', 'failure')?.key, 'audit.signInRefused');
    assert.equal(auditActionWords('auth:sign-in', 'success')?.key, 'auditAction.signIn');
  });

  it('names what an entry decided: the step, the decision, the sign-in reason; nothing else', () => {
    assert.deepEqual(auditOutcomeWords({ status: 200, transition: 'refuse' }), {
      key: 'caseEvent.refuse',
      defaultValue: 'refuse',
    });
    assert.deepEqual(auditOutcomeWords({ status: 200, decision: 'return' }), {
      key: 'audit.decision.return',
      defaultValue: 'return',
    });
    assert.deepEqual(auditOutcomeWords({ reason: 'invalid-credentials', client: '127.0.0.1' }), {
      key: 'audit.signInReason.invalid-credentials',
      defaultValue: 'invalid-credentials',
    });
    assert.equal(auditOutcomeWords({ reason: 'something the log holds' }), undefined);
    assert.equal(auditOutcomeWords({ status: 200 }), undefined);
    assert.equal(auditOutcomeWords(null), undefined);
  });
});
