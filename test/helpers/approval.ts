/**
 * Sending under the two-person rule in API tests: the author submits a draft
 * (POST /api/v1/requests/{id}/submit) and a supervisor of the same node approves it
 * (POST /api/v1/requests/{id}/approve), which sends it. One supervisor per app, created once.
 *
 *   const sent = await submitAndApprove(sender, id, officer);   // 202 as the approval answers
 */
import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from './app.ts';
import { type ActingAs, asRole } from './auth.ts';

/** Whoever acts: request headers (a session cookie and CSRF token, or a bearer token). */
type Acting = Readonly<{ headers: Record<string, string> }>;

const supervisors = new WeakMap<TestApp['app'], Promise<ActingAs>>();

/** The supervisor who approves what leaves `subject` (created at the first call). */
export function supervisorOf(subject: TestApp): Promise<ActingAs> {
  let supervisor = supervisors.get(subject.app);
  if (!supervisor) {
    supervisor = asRole(subject, 'supervisor');
    supervisors.set(subject.app, supervisor);
  }
  return supervisor;
}

/** POST /api/v1/requests/{id}/submit as `author`. */
export function submit(subject: TestApp, id: string, author: Acting): Promise<LightMyRequestResponse> {
  return subject.app.inject({
    method: 'POST',
    url: `/api/v1/requests/${id}/submit`,
    headers: author.headers,
  });
}

/** POST /api/v1/requests/{id}/approve as `approver` (default: the app's supervisor). */
export async function approve(
  subject: TestApp,
  id: string,
  options: Readonly<{ approver?: Acting; decisionReference?: string }> = {},
): Promise<LightMyRequestResponse> {
  const approver = options.approver ?? (await supervisorOf(subject));
  return subject.app.inject({
    method: 'POST',
    url: `/api/v1/requests/${id}/approve`,
    headers: approver.headers,
    payload: options.decisionReference === undefined ? {} : { decisionReference: options.decisionReference },
  });
}

/**
 * What sending was before the two-person rule, in two steps: `author` submits, the supervisor (or
 * `approver`) approves. Answers the approval's response (202 once sent), or the submission's when
 * the node refused it.
 */
export async function submitAndApprove(
  subject: TestApp,
  id: string,
  author: Acting,
  options: Readonly<{ approver?: Acting; decisionReference?: string }> = {},
): Promise<LightMyRequestResponse> {
  const submitted = await submit(subject, id, author);
  if (submitted.statusCode !== 202) return submitted;
  return approve(subject, id, options);
}

/** POST /api/v1/requests/{id}/response-approval: approves the response that waits on a case. */
export async function approveResponse(
  subject: TestApp,
  id: string,
  options: Readonly<{ approver?: Acting; decisionReference?: string }> = {},
): Promise<LightMyRequestResponse> {
  const approver = options.approver ?? (await supervisorOf(subject));
  return subject.app.inject({
    method: 'POST',
    url: `/api/v1/requests/${id}/response-approval`,
    headers: approver.headers,
    payload: {
      decision: 'approve',
      ...(options.decisionReference === undefined ? {} : { decisionReference: options.decisionReference }),
    },
  });
}
