/**
 * The requests the demo and the federation tests send: a complete preservation request (Art. 42)
 * from one State's node to another's, with every element the Convention requires, so validation
 * finds nothing blocking and the request can be sent as soon as it is drafted.
 */
import type { RequestContent } from '../core/request/draft.ts';

/** A complete preservation request from `from` to `to` (ISO codes); `sequence` makes each one distinct. */
export function preservationDraft(from: string, to: string, sequence = 1): RequestContent {
  return {
    type: 'preservation',
    requestingAuthority: {
      state: from,
      name: `${from} 24/7 point of contact for cybercrime`,
      contact: '24/7 desk, +00 0 00 00 00 00',
    },
    requestedAuthority: { state: to, name: `${to} 24/7 point of contact` },
    caseReference: `${from}-DEMO-${String(sequence).padStart(5, '0')}`,
    offences: [
      {
        conventionArticle: 10,
        domesticProvision: 'Criminal code, interference with computer systems',
        maximumPenaltyYears: 7,
        description: "Serious hindering of the hospital's information systems",
      },
    ],
    summaryOfFacts:
      "On 3 November 2026 the hospital's systems were encrypted and a ransom demanded. Logs show connections " +
      'from an address hosted by a provider in the requested State in the hours before the attack.',
    identifiers: [
      { kind: 'ip-address', value: '203.0.113.54', port: 44321, observedAt: '2026-11-03T02:14:09+01:00' },
      { kind: 'domain', value: 'c2.example.net' },
    ],
    dataSought: {
      categories: ['subscriber', 'traffic'],
      description: 'Subscriber data and connection logs of the server at 203.0.113.54',
      relationToOffence: 'The server was used to control the ransomware',
    },
    custodian: { name: 'Example Hosting', kind: 'service-provider', state: to },
    necessity:
      'Hosting logs are kept for 14 days only; the data will be lost before a request for assistance can be executed.',
    intendsFollowUpRequest: true,
    preservationDays: 90,
    confidentiality: { isRequired: true, until: '2027-06-30', isUserNotificationBarred: true },
    language: 'en',
  };
}

/**
 * A complete request for the expedited disclosure of preserved traffic data (Art. 43) from `from`
 * to `to`, on the preservation `sequence` names: what the test federations and the demo disclose
 * evidence on, through the 24/7 points of contact (a preservation itself discloses nothing).
 */
export function trafficDisclosureDraft(from: string, to: string, sequence = 1): RequestContent {
  const preservation = preservationDraft(from, to, sequence);
  return {
    type: 'traffic-disclosure',
    requestingAuthority: preservation.requestingAuthority,
    requestedAuthority: preservation.requestedAuthority,
    caseReference: `${from}-DISC-${String(sequence).padStart(5, '0')}`,
    relatedRequest: { reference: preservation.caseReference, type: 'preservation' },
    offences: preservation.offences,
    summaryOfFacts: preservation.summaryOfFacts,
    identifiers: preservation.identifiers,
    dataSought: {
      categories: ['traffic'],
      description:
        'Traffic data preserved under the earlier request: the connection logs of the server at 203.0.113.54, enough to identify the service providers and the path of the communications',
      period: { from: '2026-10-20', to: '2026-11-05' },
    },
    language: 'en',
  };
}

/**
 * A complete request for stored data (Art. 44) from `from` to `to`, received by the requested
 * State's central authority; `offences` replaces the preservation draft's offences. Each demo
 * draft holds only its own type's elements (test/unit/draft-shown-elements.test.ts).
 */
export function storedDataDraft(
  from: string,
  to: string,
  sequence = 1,
  offences?: RequestContent['offences'],
): RequestContent {
  const {
    preservationDays: _days,
    intendsFollowUpRequest: _followUp,
    necessity: _necessity,
    ...common
  } = preservationDraft(from, to, sequence);
  return {
    ...common,
    type: 'stored-data',
    requestingAuthority: { ...common.requestingAuthority, name: `${from} central authority` },
    requestedAuthority: { state: to, name: `${to} central authority` },
    subjectMatter: 'Criminal investigation into a ransomware attack on a regional hospital network.',
    conductingAuthority: { name: `${from} public prosecutor`, functions: 'Directs the investigation' },
    dataSought: {
      categories: ['subscriber', 'traffic'],
      description: 'Subscriber data and connection logs of the server at 203.0.113.54',
      period: { from: '2026-10-20', to: '2026-11-05' },
    },
    assistanceSought: 'Production of the subscriber data and connection logs of the server.',
    purpose: 'To identify the operator of the server used to control the ransomware.',
    ...(offences ? { offences } : {}),
  };
}

/** Spontaneous information (Art. 40(4)): sent without a request, with the sender's conditions of use. */
export function spontaneousInformationDraft(from: string, to: string): RequestContent {
  return {
    type: 'spontaneous-information',
    requestingAuthority: { state: from, name: `${from} central authority` },
    requestedAuthority: { state: to, name: `${to} central authority` },
    information: {
      description: 'Connection logs of a control panel: one session came from another suspect.',
      conditionsOfUse: 'For intelligence only; not to be used as evidence without our consent.',
    },
    language: 'en',
  };
}
