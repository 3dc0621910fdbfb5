/**
 * The message modules and their registry: what each type does at the receiver and how the
 * sender's records follow each outcome, the registry's refusals, and the forward-compatible
 * reading of request content.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { caseCatalogueFrom } from '../../../src/core/case/case-model.ts';
import { loadCatalogue } from '../../../src/data/catalogue/index.ts';
import { preservationDraft } from '../../../src/demo/demo-drafts.ts';
import { caseAcknowledgedMessage } from '../../../src/federation/messages/case-acknowledged.message.ts';
import { keepKnownMembers } from '../../../src/federation/messages/known-members.ts';
import { dutyStatusMessage } from '../../../src/federation/messages/duty-status.message.ts';
import { syncRedeliverRequestMessage } from '../../../src/federation/messages/sync-redeliver-request.message.ts';
import { defineMessage } from '../../../src/federation/messages/message-definition.ts';
import { pingMessage } from '../../../src/federation/messages/ping.message.ts';
import { evidencePackageOfferedMessage } from '../../../src/federation/messages/evidence-package-offered.message.ts';
import { evidencePackageReceivedMessage } from '../../../src/federation/messages/evidence-package-received.message.ts';
import {
  announcedAccepts,
  BUILT_IN_MESSAGES,
  createMessageRegistry,
  DEFAULT_MESSAGE_REGISTRY,
  messageRegistryOf,
} from '../../../src/federation/messages/registry.ts';
import { requestSubmittedMessage } from '../../../src/federation/messages/request-submitted.message.ts';
import { V1_BASELINE_ACCEPTS } from '../../../src/federation/protocol/capabilities.ts';
import type { Envelope } from '../../../src/federation/protocol/types.ts';
import type { CaseRecord } from '../../../src/storage/case-events.repository.ts';
import type { DeliveryOutcome } from '../../../src/storage/message-effects.ts';

const SHIPPED_TYPES = (): string[] => [
  'request.submitted',
  'ping',
  ...CASE_MESSAGE_TYPES,
  'duty.status',
  'sync.redeliver-request',
  'evidence.package-offered',
  'evidence.package-received',
  'audit.tree-head',
  'evidence.consent-requested',
  'evidence.consent-answered',
  'case.exculpatory-disclosure-notified',
  'case.consultation-requested',
  'case.consultation-recorded',
];
const CASE_MESSAGE_TYPES = [
  'case.acknowledged',
  'case.assessment-begun',
  'case.clarification-requested',
  'case.clarification-answered',
  'case.conditions-proposed',
  'case.conditions-accepted',
  'case.conditions-declined',
  'case.accepted',
  'case.postponed',
  'case.resumed',
  'case.execution-begun',
  'case.executed-partly',
  'case.executed-fully',
  'case.preservation-recorded',
  'case.extension-requested',
  'case.extended',
  'case.converted',
  'case.lapsed',
  'case.refused',
  'case.closed',
  'case.withdrawn',
];
const RECEIVED_AT = new Date('2026-12-02T10:00:00.000Z');
const OUTCOMES: readonly DeliveryOutcome[] = ['pending', 'delivered', 'failed', 'cancelled'];
const sent = { id: '0193a0b0-0000-7000-8000-000000000001', caseId: 'case-1', peerNodeId: 'de-247' };

function envelopeOf(type: string): Envelope {
  return {
    v: 1,
    id: '0193a0b0-0000-7000-8000-000000000002',
    from: 'fr-ca',
    to: 'de-247',
    type,
    case: 'sender-case-7',
    createdAt: RECEIVED_AT.toISOString(),
    body: 'a.b.c.d.e',
  };
}

const tools = {
  federationUserId: async () => 'federation-user',
  findCase: async () => undefined,
  caseCatalogue: () => caseCatalogueFrom(loadCatalogue()),
};

describe('message modules', () => {
  it('request.submitted stores an incoming request authored by the federation account, with the sender and its case', async () => {
    const content = { ...preservationDraft('FR', 'de'), caseReference: '  FR-2026-7  ' };
    const effect = await requestSubmittedMessage.receive(
      {
        envelope: envelopeOf('request.submitted'),
        body: {
          request: content,
          requestId: 'sender-case-7',
          submittedAt: RECEIVED_AT.toISOString(),
          submittedBy: { displayName: 'A prosecutor' },
          approvedBy: { displayName: 'A supervisor' },
        },
        receivedAt: RECEIVED_AT,
      },
      tools,
    );
    assert.equal(effect?.kind, 'incoming-request');
    assert.deepEqual(
      {
        type: effect?.request.type,
        caseReference: effect?.request.caseReference,
        requestedState: effect?.request.requestedState,
        createdBy: effect?.request.createdBy,
        peerNodeId: effect?.request.peerNodeId,
        remoteRequestId: effect?.request.remoteRequestId,
        receivedAt: effect?.request.receivedAt,
        submittedBy: effect?.request.submittedBy,
        approvedBy: effect?.request.approvedBy,
      },
      {
        type: 'preservation',
        caseReference: 'FR-2026-7',
        requestedState: 'DE',
        createdBy: 'federation-user',
        peerNodeId: 'fr-ca',
        remoteRequestId: 'sender-case-7',
        receivedAt: RECEIVED_AT,
        submittedBy: 'A prosecutor',
        approvedBy: 'A supervisor',
      },
    );
  });

  it('request.submitted: the sent request shows every outcome of its message', () => {
    for (const outcome of OUTCOMES) {
      assert.deepEqual(requestSubmittedMessage.onOutcome(outcome, sent), {
        kind: 'request-delivery-state',
        requestId: 'case-1',
        state: outcome,
      });
    }
  });

  it('ping changes nothing on either side', async () => {
    assert.equal(
      await pingMessage.receive({ envelope: envelopeOf('ping'), body: {}, receivedAt: RECEIVED_AT }, tools),
      undefined,
    );
    for (const outcome of OUTCOMES) assert.equal(pingMessage.onOutcome(outcome, sent), undefined);
  });

  it("duty.status keeps the sender's status with its time; the sender's records do not follow it", async () => {
    const body = { onDuty: true, at: '2026-12-02T08:00:00Z' };
    assert.deepEqual(
      await dutyStatusMessage.receive(
        { envelope: envelopeOf('duty.status'), body, receivedAt: RECEIVED_AT },
        tools,
      ),
      {
        kind: 'peer-duty-status',
        status: {
          nodeId: 'fr-ca',
          isOnDuty: true,
          asOf: new Date('2026-12-02T08:00:00Z'),
          receivedAt: RECEIVED_AT,
        },
      },
    );
    assert.equal(dutyStatusMessage.bodySchema.safeParse({ ...body, who: 'greta' }).success, false);
    assert.equal(dutyStatusMessage.bodySchema.safeParse({ onDuty: 'yes', at: body.at }).success, false);
    for (const outcome of OUTCOMES) assert.equal(dutyStatusMessage.onOutcome(outcome, sent), undefined);
  });

  it('sync.redeliver-request asks for what was delivered to the sender since 10 minutes before its last reception, or everything', async () => {
    const receive = (receivedAfter: string | null) =>
      syncRedeliverRequestMessage.receive(
        {
          envelope: envelopeOf('sync.redeliver-request'),
          body: { receivedAfter, restoredFrom: '2026-12-02T07:00:00Z' },
          receivedAt: RECEIVED_AT,
        },
        tools,
      );
    assert.deepEqual(await receive('2026-12-02T06:30:00Z'), {
      kind: 'redelivery-requested',
      redelivery: {
        peerNodeId: 'fr-ca',
        deliveredSince: new Date('2026-12-02T06:20:00Z'),
        requestedAt: RECEIVED_AT,
      },
    });
    assert.deepEqual(await receive(null), {
      kind: 'redelivery-requested',
      redelivery: { peerNodeId: 'fr-ca', deliveredSince: null, requestedAt: RECEIVED_AT },
    });
    assert.equal(syncRedeliverRequestMessage.bodySchema.safeParse({ receivedAfter: null }).success, false);
    for (const outcome of OUTCOMES)
      assert.equal(syncRedeliverRequestMessage.onOutcome(outcome, sent), undefined);
  });

  it('evidence.package-offered stores the package for a request this node sent to the sender, and refuses any other or a preservation', async () => {
    const offer = {
      packageId: '0193a0b0-0000-7000-8000-0000000000e1',
      requestId: 'requesting-id-1',
      manifest: 'h.p.s',
      chunks: [{ item: '0193a0b0-0000-7000-8000-0000000000e2', index: 0, hash: 'a'.repeat(64), size: 44 }],
      packageKey: 'A'.repeat(43),
    };
    const message = {
      envelope: envelopeOf('evidence.package-offered'),
      body: offer,
      receivedAt: RECEIVED_AT,
    };
    const withRequest = (direction: string, peerNodeId: string, type = 'traffic-disclosure') => ({
      ...tools,
      findCase: async () =>
        ({ request: { id: 'local-1', direction, peerNodeId, type }, events: [] }) as unknown as CaseRecord,
    });
    assert.deepEqual(await evidencePackageOfferedMessage.receive(message, withRequest('outgoing', 'fr-ca')), {
      kind: 'evidence-package-offered',
      offer: {
        packageId: offer.packageId,
        requestId: 'local-1',
        peerNodeId: 'fr-ca',
        manifest: 'h.p.s',
        chunks: offer.chunks,
        packageKey: offer.packageKey,
        receivedAt: RECEIVED_AT,
      },
    });
    for (const refusing of [tools, withRequest('incoming', 'fr-ca'), withRequest('outgoing', 'it-247')]) {
      const effect = await evidencePackageOfferedMessage.receive(message, refusing);
      assert.equal(effect?.kind, 'refused');
    }
    const onPreservation = await evidencePackageOfferedMessage.receive(
      message,
      withRequest('outgoing', 'fr-ca', 'preservation'),
    );
    assert.equal(onPreservation?.kind, 'refused');
    assert.match(
      onPreservation?.kind === 'refused' ? onPreservation.detail : '',
      /takes no evidence.*Art\. 42/,
    );
    assert.equal(
      evidencePackageOfferedMessage.bodySchema.safeParse({
        ...offer,
        chunks: [{ ...offer.chunks[0], hash: 'x' }],
      }).success,
      false,
    );
    assert.equal(
      evidencePackageOfferedMessage.bodySchema.safeParse({ ...offer, packageKey: 'short' }).success,
      false,
    );
    for (const outcome of OUTCOMES)
      assert.equal(evidencePackageOfferedMessage.onOutcome(outcome, sent), undefined);
  });

  it("evidence.package-received settles the sender's package as verified or failed, from its addressee", async () => {
    const receive = (outcome: 'verified' | 'failed', reason: string | null) =>
      evidencePackageReceivedMessage.receive(
        {
          envelope: envelopeOf('evidence.package-received'),
          body: {
            packageId: '0193a0b0-0000-7000-8000-0000000000e1',
            outcome,
            reason,
            at: RECEIVED_AT.toISOString(),
          },
          receivedAt: RECEIVED_AT,
        },
        tools,
      );
    assert.deepEqual(await receive('verified', null), {
      kind: 'evidence-package-received',
      verdict: {
        packageId: '0193a0b0-0000-7000-8000-0000000000e1',
        peerNodeId: 'fr-ca',
        isVerified: true,
        failureReason: null,
        receivedAt: RECEIVED_AT,
      },
    });
    const failed = await receive('failed', 'chunk 1 does not open');
    assert.equal(
      failed?.kind === 'evidence-package-received' && failed.verdict.failureReason,
      'chunk 1 does not open',
    );
    for (const outcome of OUTCOMES)
      assert.equal(evidencePackageReceivedMessage.onOutcome(outcome, sent), undefined);
  });

  it('every built-in type has a label in the six UI languages', () => {
    for (const definition of BUILT_IN_MESSAGES) {
      assert.deepEqual(Object.keys(definition.label).sort(), ['ar', 'en', 'es', 'fr', 'ru', 'zh']);
      assert.ok(
        Object.values(definition.label).every((text) => text.trim() !== ''),
        definition.type,
      );
    }
  });
});

describe('message registry', () => {
  it('finds the built-in types and nothing else', () => {
    assert.deepEqual(DEFAULT_MESSAGE_REGISTRY.types, SHIPPED_TYPES());
    assert.equal(DEFAULT_MESSAGE_REGISTRY.find('ping'), pingMessage);
    assert.equal(DEFAULT_MESSAGE_REGISTRY.find('case.opened'), undefined);
    assert.equal(DEFAULT_MESSAGE_REGISTRY.find('toString'), undefined);
  });

  it('refuses a type registered twice and a malformed type name', () => {
    assert.throws(() => createMessageRegistry([pingMessage, pingMessage]), /registered twice/);
    for (const type of ['Ping', 'case..closed', '.case', 'case closed', 'x'.repeat(65)]) {
      assert.throws(() => defineMessage({ ...pingMessage, type }), /invalid message type name/, type);
    }
  });

  it('falls back to the shipped registry where federation is not running', () => {
    const custom = createMessageRegistry([pingMessage]);
    assert.equal(messageRegistryOf({ messages: custom }), custom);
    assert.equal(messageRegistryOf(undefined), DEFAULT_MESSAGE_REGISTRY);
  });

  it('announces what a node reads: its registry and every request type, a superset of the v1 baseline', () => {
    const accepts = announcedAccepts();
    assert.deepEqual(accepts.messageTypes, SHIPPED_TYPES());
    for (const type of V1_BASELINE_ACCEPTS.requestTypes) assert.ok(accepts.requestTypes.includes(type), type);
    assert.deepEqual(announcedAccepts(createMessageRegistry([pingMessage])).messageTypes, ['ping']);
  });
});

describe('case messages', () => {
  const catalogue = caseCatalogueFrom(loadCatalogue());
  /** fr-ca's copy of a preservation request it sent to de-247, delivered, with `events` stored. */
  function sentRequest(events: CaseRecord['events'] = []): CaseRecord {
    return {
      request: {
        id: 'fr-request-1',
        type: 'preservation',
        status: 'sent',
        revision: 2,
        caseReference: null,
        requestedState: 'DE',
        content: preservationDraft('FR', 'DE'),
        createdBy: { id: 'officer', username: 'officer' },
        authorDisplayName: 'Officer',
        createdAt: RECEIVED_AT,
        updatedAt: RECEIVED_AT,
        direction: 'outgoing',
        peerNodeId: 'de-247',
        remoteRequestId: null,
        deliveryState: 'delivered',
        receivedAt: null,
        caseStatus: events.length > 0 ? 'acknowledged' : null,
        remoteSubmittedBy: null,
        remoteApprovedBy: null,
      },
      events,
    };
  }
  const acknowledgement = {
    requestId: 'de-request-9',
    remoteRequestId: 'fr-request-1',
    event: {
      transition: 'acknowledge' as const,
      payload: { note: 'Received' },
      occurredAt: RECEIVED_AT.toISOString(),
      actor: { id: 'duty', displayName: 'Duty Officer', roles: ['duty-officer' as const] },
    },
  };
  const envelope = { ...envelopeOf('case.acknowledged'), from: 'de-247', to: 'fr-ca', case: 'de-request-9' };

  it('case.acknowledged appends the event with the sender side and the status the lifecycle reaches', async () => {
    const lookups: unknown[] = [];
    const effect = await caseAcknowledgedMessage.receive(
      { envelope, body: acknowledgement, receivedAt: RECEIVED_AT },
      {
        ...tools,
        findCase: async (lookup) => {
          lookups.push(lookup);
          return sentRequest();
        },
        caseCatalogue: () => catalogue,
      },
    );
    assert.deepEqual(lookups, [{ requestId: 'fr-request-1' }]);
    assert.equal(effect?.kind, 'case-event');
    if (effect?.kind !== 'case-event') return;
    assert.equal(effect.event.requestId, 'fr-request-1');
    assert.equal(effect.event.sequence, 1);
    assert.equal(effect.event.approvedBy, null, 'an acknowledgement carries no approver');
    assert.equal(effect.event.side, 'requested');
    assert.equal(effect.event.status, 'acknowledged');
    assert.deepEqual(effect.event.payload, { note: 'Received' });
  });

  it('refuses a transition the lifecycle does not allow there, a case it does not hold, or one held with another node', async () => {
    const acknowledged = sentRequest([
      {
        sequence: 1,
        transition: 'acknowledge',
        side: 'requested',
        actor: { id: 'duty', displayName: 'Duty Officer', roles: ['duty-officer'] },
        approvedBy: null,
        payload: {},
        occurredAt: RECEIVED_AT,
        seenOther: 0,
        receivedMessageId: 'm1',
        sentMessageId: null,
      },
    ]);
    const message = { envelope, body: acknowledgement, receivedAt: RECEIVED_AT };
    const withCase = (record: CaseRecord | undefined) => ({
      ...tools,
      findCase: async () => record,
      caseCatalogue: () => catalogue,
    });
    const twice = await caseAcknowledgedMessage.receive(message, withCase(acknowledged));
    assert.equal(twice?.kind, 'refused');
    assert.match(twice?.kind === 'refused' ? twice.detail : '', /acknowledged/);
    assert.equal((await caseAcknowledgedMessage.receive(message, withCase(undefined)))?.kind, 'refused');
    const other = { ...message, envelope: { ...envelope, from: 'it-247' } };
    assert.equal((await caseAcknowledgedMessage.receive(other, withCase(sentRequest())))?.kind, 'refused');
  });

  it('leaves the sender case as it is, whatever the outcome', () => {
    for (const outcome of OUTCOMES) assert.equal(caseAcknowledgedMessage.onOutcome(outcome, sent), undefined);
  });
});

describe('keepKnownMembers', () => {
  const schema = z
    .object({
      name: z.string(),
      tags: z.array(z.object({ label: z.string() }).strict()).optional(),
      nested: z.object({ level: z.number() }).strict().optional(),
    })
    .strict();

  it('drops unknown members at every depth and keeps the known ones as they are', () => {
    assert.deepEqual(
      keepKnownMembers(schema, {
        name: 'n',
        later: true,
        tags: [{ label: 'a', colour: 'red' }, { label: 'b' }],
        nested: { level: 2, since: 'v2' },
      }),
      { name: 'n', tags: [{ label: 'a' }, { label: 'b' }], nested: { level: 2 } },
    );
  });

  it('leaves values of the wrong shape for the schema to refuse', () => {
    assert.equal(keepKnownMembers(schema, 'text'), 'text');
    assert.deepEqual(keepKnownMembers(schema, { name: 'n', tags: 'not a list' }), {
      name: 'n',
      tags: 'not a list',
    });
    assert.equal(
      schema.safeParse(keepKnownMembers(schema, { name: 'n', tags: 'not a list' })).success,
      false,
    );
  });

  it('does not take inherited names for members', () => {
    assert.deepEqual(
      keepKnownMembers(schema, JSON.parse('{"name":"n","constructor":1,"__proto__":{"x":1}}')),
      {
        name: 'n',
      },
    );
  });
});
