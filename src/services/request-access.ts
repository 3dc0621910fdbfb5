/**
 * The stored request as the record-level policy (src/policies/access.ts) judges it, with the
 * channel its type goes through from the node's catalogue; and a list scope as the filter storage
 * applies. Every service asks `accessTo` and `scopeFilterOf`, so a list and a read agree.
 */
import type { AppContext } from '../app-context.ts';
import { findRequestType } from '../core/catalogue/catalogue-lookup.ts';
import { type Actor, type RequestRecord, type RequestScope, requestAccessOf } from '../policies/access.ts';
import type { RequestScopeFilter, StoredRequest } from '../storage/requests.repository.ts';

export function accessRecordOf(context: AppContext, stored: StoredRequest): RequestRecord {
  return {
    createdBy: stored.createdBy,
    direction: stored.direction,
    status: stored.status,
    channel: channelOf(context, stored.type),
  };
}

/** What the actor may do with a stored request: `change`, `read` or `none` (reported as not found). */
export function accessTo(
  context: AppContext,
  actor: Actor,
  stored: StoredRequest,
): 'change' | 'read' | 'none' {
  return requestAccessOf(actor, accessRecordOf(context, stored));
}

/** Whether requests of this type go through the 24/7 network (Art. 41): its catalogue channel. */
export function isPointOfContactType(context: AppContext, type: string): boolean {
  return channelOf(context, type) === 'point-of-contact';
}

function channelOf(context: AppContext, type: string): string | null {
  return findRequestType(context.catalogue, type)?.channel ?? null;
}

/** The request types of the catalogue that go through the 24/7 network (Art. 41). */
function pointOfContactTypes(context: AppContext): string[] {
  return context.catalogue.requestTypes
    .filter((entry) => entry.channel === 'point-of-contact')
    .map((entry) => entry.id);
}

/** The storage filter of the requests a scope (src/policies/access.ts) lets the actor list. */
export function scopeFilterOf(context: AppContext, scope: RequestScope): RequestScopeFilter {
  switch (scope.kind) {
    case 'all':
      return {};
    case 'incoming':
      return { isIncomingOnly: true };
    case 'own':
      return {
        createdBy: scope.createdBy,
        isIncludingIncoming: scope.isIncludingIncoming,
        ...(scope.isIncludingPointOfContact ? { pointOfContactTypes: pointOfContactTypes(context) } : {}),
      };
    case 'none':
      // No filter lists nothing: a caller answers an empty list before asking storage.
      throw new Error('a scope of none lists no request: answer an empty list instead');
  }
}
