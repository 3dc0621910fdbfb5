/**
 * The audit log's actions in plain words: each action the node records (`api:<METHOD> <route>`,
 * `auth:sign-in`, `federation:receive`, `cli:<command>`) with the key of its words in the
 * auditAction section of the UI's languages. The log keeps the action as recorded; the screen
 * shows these words beside it. test/unit/audit-action-names.test.ts checks that every audited
 * route of docs/openapi.json has words.
 */

export const AUDIT_ACTION_KEYS: Readonly<Record<string, string>> = {
  'auth:sign-in': 'signIn',
  'federation:receive': 'messageReceived',
  'api:POST /api/v1/session': 'signIn',
  'api:DELETE /api/v1/session': 'signOut',
  'api:POST /api/v1/session/extend': 'sessionExtended',
  'api:POST /api/v1/tokens': 'tokenCreated',
  'api:DELETE /api/v1/tokens/:id': 'tokenRevoked',
  'api:POST /api/v1/account/password': 'passwordChanged',
  'api:POST /api/v1/account/totp': 'totpStarted',
  'api:POST /api/v1/account/totp/confirm': 'totpConfirmed',
  'api:POST /api/v1/account/totp/disable': 'totpDisabled',
  'api:POST /api/v1/users': 'userCreated',
  'api:POST /api/v1/users/:id/password-reset': 'passwordReset',
  'api:DELETE /api/v1/api-tokens/:id': 'userTokenRevoked',
  'api:PATCH /api/v1/users/:id': 'userChanged',
  'api:POST /api/v1/role-requests/:id/approve': 'roleGrantApproved',
  'api:PUT /api/v1/states/:code/profile': 'stateProfileChanged',
  'api:POST /api/v1/treaty/records': 'treatyRecordAdded',
  'api:POST /api/v1/treaty/import': 'treatyImported',
  'api:POST /api/v1/treaty/records/:id/retraction': 'treatyRecordRetracted',
  'api:POST /api/v1/validate': 'requestValidated',
  'api:POST /api/v1/requests': 'requestCreated',
  'api:GET /api/v1/requests/:id': 'requestRead',
  'api:PUT /api/v1/requests/:id': 'requestEdited',
  'api:DELETE /api/v1/requests/:id': 'requestDeleted',
  'api:GET /api/v1/requests/:id/findings': 'findingsRead',
  'api:GET /api/v1/requests/:id/document.html': 'documentRead',
  'api:GET /api/v1/requests/:id/document.pdf': 'documentDownloaded',
  'api:POST /api/v1/requests/:id/submit': 'requestSubmitted',
  'api:POST /api/v1/requests/:id/approve': 'requestApproved',
  'api:POST /api/v1/requests/:id/return': 'requestReturned',
  'api:GET /api/v1/requests/:id/approvals': 'approvalsRead',
  'api:POST /api/v1/requests/:id/response-approval': 'responseDecided',
  'api:GET /api/v1/requests/:id/history': 'caseRead',
  'api:POST /api/v1/requests/:id/transitions': 'caseStep',
  'api:POST /api/v1/outbox/:id/retry': 'messageRetried',
  'api:POST /api/v1/outbox/:id/cancel': 'messageCancelled',
  'api:POST /api/v1/backup': 'backupTaken',
  'api:POST /api/v1/roster/shifts': 'shiftAdded',
  'api:DELETE /api/v1/roster/shifts/:id': 'shiftRemoved',
  'api:POST /api/v1/roster/handover-notes': 'handoverNote',
  'api:POST /api/v1/webhooks': 'webhookAdded',
  'api:DELETE /api/v1/webhooks/:id': 'webhookRemoved',
  'api:POST /api/v1/alert-deliveries/:id/retry': 'alertRetried',
  'api:GET /api/v1/requests/:id/evidence/consents': 'consentsRead',
  'api:POST /api/v1/requests/:id/evidence/consents': 'consentAsked',
  'api:POST /api/v1/requests/:id/evidence/consents/:consentId/answer': 'consentAnswered',
  'api:POST /api/v1/requests/:id/evidence/uses': 'evidenceUsed',
  'api:GET /api/v1/requests/:id/evidence/packages': 'packagesRead',
  'api:POST /api/v1/requests/:id/evidence/packages': 'packageMade',
  'api:POST /api/v1/requests/:id/evidence/packages/:packageId/send': 'packageSubmitted',
  'api:POST /api/v1/requests/:id/evidence/packages/:packageId/approval': 'packageDecided',
  'api:POST /api/v1/evidence/exports': 'evidenceExported',
  'api:POST /api/v1/requests/:id/evidence/uploads': 'uploadStarted',
  'api:PATCH /api/v1/requests/:id/evidence/uploads/:itemId': 'uploadContinued',
  'api:GET /api/v1/evidence': 'evidenceRegisterRead',
  'api:GET /api/v1/audit/two-person-decisions': 'decisionsRead',
  'api:GET /api/v1/requests/:id/evidence': 'evidenceListRead',
  'api:GET /api/v1/requests/:id/evidence/:itemId': 'evidenceItemRead',
  'api:DELETE /api/v1/requests/:id/evidence/:itemId': 'evidenceDeleted',
  'api:GET /api/v1/requests/:id/evidence/:itemId/content': 'evidenceDownloaded',
  'api:GET /api/v1/requests/:id/screening': 'screeningRead',
  'api:PUT /api/v1/requests/:id/screening': 'screeningAnswered',
  'api:POST /api/v1/law-map': 'provisionSaved',
  'api:DELETE /api/v1/law-map/:id': 'provisionRemoved',
};

/**
 * The i18n key and values of an action's plain words, or undefined for an action with none. A
 * sign-in that failed reads as refused, not as "Signed in".
 */
export function auditActionWords(
  action: string,
  outcome?: 'success' | 'failure',
): Readonly<{ key: string; values: Readonly<Record<string, string>> }> | undefined {
  if (action === 'auth:sign-in' && outcome === 'failure') return { key: 'audit.signInRefused', values: {} };
  if (action.startsWith('cli:')) {
    return { key: 'auditAction.operatorCommand', values: { command: action.slice('cli:'.length) } };
  }
  const key = AUDIT_ACTION_KEYS[action];
  return key === undefined ? undefined : { key: `auditAction.${key}`, values: {} };
}

/** The reasons a sign-in is refused or accepted (sessions.service.ts), which the log records. */
const SIGN_IN_REASONS: readonly string[] = [
  'throttled',
  'invalid-credentials',
  'invalid-code',
  'password',
  'password-and-code',
];

/**
 * What the entry says was decided, from its detail: the case step made (`transition`), the
 * decision (`decision`: approve, return, granted, refused; audit-hook.ts, `auditedBody`), a
 * sign-in's reason. The i18n key, with the recorded word as its default; undefined when none.
 */
export function auditOutcomeWords(
  detail: Readonly<Record<string, unknown>> | null | undefined,
): Readonly<{ key: string; defaultValue: string }> | undefined {
  const { transition, decision, reason } = detail ?? {};
  if (typeof transition === 'string') return { key: `caseEvent.${transition}`, defaultValue: transition };
  if (typeof decision === 'string') return { key: `audit.decision.${decision}`, defaultValue: decision };
  if (typeof reason === 'string' && SIGN_IN_REASONS.includes(reason))
    return { key: `audit.signInReason.${reason}`, defaultValue: reason };
  return undefined;
}
