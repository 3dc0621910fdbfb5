import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Identifier } from '../../src/core/request/draft.ts';
import {
  completePreservationDraft,
  findingsOfRule,
  validateWithFixture,
} from '../helpers/catalogue-fixture.ts';

function findingsFor(identifier: Identifier) {
  return validateWithFixture({ ...completePreservationDraft(), identifiers: [identifier] });
}

function summarize(identifier: Identifier, rule: string) {
  return findingsOfRule(findingsFor(identifier), rule).map((finding) => [
    finding.severity,
    finding.element,
    finding.article,
    finding.message,
  ]);
}

const TIMED_IP = { observedAt: '2026-11-02T09:15:00Z', port: 443 } as const;

describe('validation: identifier-value-missing (Art. 42(3)(c))', () => {
  // A row of the form with a kind and nothing typed yet: the draft is checked (and saved) as it
  // is, and says what is missing, rather than being refused as malformed.
  for (const value of ['', '   ']) {
    it(`blocks an identifier whose value is ${JSON.stringify(value)}, once`, () => {
      const identifier: Identifier = { kind: 'ip-address', value };
      const findings = findingsFor(identifier).filter((finding) =>
        finding.element.startsWith('identifiers[0]'),
      );
      assert.deepEqual(
        findings.map((finding) => [
          finding.rule,
          finding.severity,
          finding.element,
          finding.article,
          finding.message,
        ]),
        [
          [
            'identifier-value-missing',
            'blocking',
            'identifiers[0].value',
            'Art. 42(3)(c)',
            'An identifier has no value.',
          ],
        ],
      );
    });
  }

  it('still checks the time a row gives without a value', () => {
    const findings = findingsFor({ kind: 'ip-address', value: '', observedAt: 'yesterday' });
    assert.deepEqual(
      findings
        .filter((finding) => finding.element.startsWith('identifiers[0]'))
        .map((finding) => finding.rule),
      ['identifier-value-missing', 'identifier-time-invalid'],
    );
  });

  it('is not raised for an identifier with a value', () => {
    assert.deepEqual(
      summarize({ kind: 'email', value: 'billing@example.fr' }, 'identifier-value-missing'),
      [],
    );
  });
});

describe('validation: identifier-malformed (Art. 42(3)(c))', () => {
  const cases: ReadonlyArray<[Identifier['kind'], bad: string, good: string]> = [
    ['email', 'billing@@example.fr', 'billing@example.fr'],
    ['email', 'billing@localhost', 'élodie@exemple.fr'],
    ['phone', '+33 1 23', '+33123456789'],
    ['phone', '0033123456789', '+1 202 555 0143'],
    ['domain', 'example', 'example-invoices.fr'],
    ['domain', '-bad-.com', 'bücher.de'],
    ['url', 'javascript:alert(1)', 'https://example.fr/invoice?id=4'],
    ['url', 'not a url', 'ftp://files.example.org/x'],
    ['imei', '490154203237519', '490154203237518'],
    ['imei', '49015420323751', '49-015420-323751-8'],
    ['crypto-asset-address', '1BoatSLRHtKNngkdXEeobR76b53LETtpyT!', '1BoatSLRHtKNngkdXEeobR76b53LETtpyT'],
    ['crypto-asset-address', '0x12345', '0x52908400098527886E0F7030069857D2E4169EE7'],
    [
      'crypto-asset-address',
      'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5md!',
      'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq',
    ],
  ];
  for (const [kind, bad, good] of cases) {
    it(`blocks the ${kind} "${bad}" and accepts "${good}"`, () => {
      const extra = kind === 'ip-address' ? TIMED_IP : {};
      assert.deepEqual(summarize({ kind, value: bad, ...extra }, 'identifier-malformed'), [
        ['blocking', 'identifiers[0].value', 'Art. 42(3)(c)', `The ${kind} "${bad}" is not well formed.`],
      ]);
      assert.deepEqual(summarize({ kind, value: good, ...extra }, 'identifier-malformed'), []);
    });
  }

  it('blocks a malformed IP address and accepts IPv4 and IPv6', () => {
    assert.equal(
      summarize({ kind: 'ip-address', value: '203.0.113.256', ...TIMED_IP }, 'identifier-malformed').length,
      1,
    );
    assert.deepEqual(
      summarize({ kind: 'ip-address', value: '203.0.113.7', ...TIMED_IP }, 'identifier-malformed'),
      [],
    );
    assert.deepEqual(
      summarize({ kind: 'ip-address', value: '2001:db8::1', ...TIMED_IP }, 'identifier-malformed'),
      [],
    );
  });

  it('blocks port 0 and 65536, accepts 1 and 65535', () => {
    for (const port of [0, 65536]) {
      assert.deepEqual(
        summarize({ kind: 'ip-address', value: '203.0.113.7', ...TIMED_IP, port }, 'identifier-malformed'),
        [['blocking', 'identifiers[0].port', 'Art. 42(3)(c)', `The port "${port}" is not well formed.`]],
      );
    }
    for (const port of [1, 65535]) {
      assert.deepEqual(
        summarize({ kind: 'ip-address', value: '203.0.113.7', ...TIMED_IP, port }, 'identifier-malformed'),
        [],
      );
    }
  });
});

describe('validation: ip-address-without-time (Art. 42(3)(c))', () => {
  it('blocks an IP address with no time', () => {
    assert.deepEqual(summarize({ kind: 'ip-address', value: '2001:db8::1' }, 'ip-address-without-time'), [
      [
        'blocking',
        'identifiers[0].observedAt',
        'Art. 42(3)(c)',
        'IP address 2001:db8::1 needs a time with offset or zone.',
      ],
    ]);
  });

  it('blocks an IP address whose time has neither offset nor zone', () => {
    const identifier = {
      kind: 'ip-address',
      value: '203.0.113.7',
      port: 80,
      observedAt: '2026-11-02T09:15:00',
    } as const;
    assert.equal(summarize(identifier, 'ip-address-without-time').length, 1);
  });

  it('accepts an IPv4 address with an offset time', () => {
    const identifier = {
      kind: 'ip-address',
      value: '203.0.113.7',
      port: 80,
      observedAt: '2026-11-02T09:15:00+01:00',
    } as const;
    assert.deepEqual(findingsFor(identifier), []);
  });

  it('accepts a local time with an IANA time zone', () => {
    const identifier = {
      kind: 'ip-address',
      value: '203.0.113.7',
      port: 80,
      observedAt: '2026-11-02T09:15',
      timeZone: 'Europe/Paris',
    } as const;
    assert.deepEqual(findingsFor(identifier), []);
  });

  it('does not ask for a time for other kinds of identifier', () => {
    assert.deepEqual(findingsFor({ kind: 'email', value: 'a@example.fr' }), []);
  });
});

describe('validation: ip-address-without-port (Art. 42(3)(c))', () => {
  it('warns about an IPv4 address without a port', () => {
    assert.deepEqual(
      summarize(
        { kind: 'ip-address', value: '203.0.113.7', observedAt: '2026-11-02T09:15:00Z' },
        'ip-address-without-port',
      ),
      [['warning', 'identifiers[0].port', 'Art. 42(3)(c)', 'IPv4 address 203.0.113.7 has no port.']],
    );
  });

  it('does not warn for an IPv6 address without a port', () => {
    assert.deepEqual(
      summarize(
        { kind: 'ip-address', value: '2001:db8::1', observedAt: '2026-11-02T09:15:00Z' },
        'ip-address-without-port',
      ),
      [],
    );
  });
});

describe('validation: identifier-time-invalid (Art. 42(3)(c))', () => {
  const invalidTimes = [
    '2026-02-30T10:00:00Z',
    '2026-11-02 25:00:00Z',
    'yesterday',
    '2026-11-02T09:15:00+24:00',
    '2026-11-02',
  ];
  for (const observedAt of invalidTimes) {
    it(`blocks the time "${observedAt}"`, () => {
      assert.deepEqual(
        summarize({ kind: 'email', value: 'a@example.fr', observedAt }, 'identifier-time-invalid'),
        [
          [
            'blocking',
            'identifiers[0].observedAt',
            'Art. 42(3)(c)',
            `The time "${observedAt}" of a@example.fr is not valid.`,
          ],
        ],
      );
    });
  }

  for (const observedAt of [
    '2024-02-29T23:59:60Z',
    '2026-11-02t09:15:00.123-05:00',
    '2026-11-02 09:15:00Z',
  ]) {
    it(`accepts the time "${observedAt}"`, () => {
      assert.deepEqual(
        summarize({ kind: 'email', value: 'a@example.fr', observedAt }, 'identifier-time-invalid'),
        [],
      );
    });
  }

  it('blocks a time zone that is not an IANA zone and accepts UTC and Asia/Kolkata', () => {
    const base = { kind: 'email', value: 'a@example.fr', observedAt: '2026-11-02T09:15:00' } as const;
    assert.deepEqual(summarize({ ...base, timeZone: 'CET+1' }, 'identifier-time-invalid'), [
      [
        'blocking',
        'identifiers[0].timeZone',
        'Art. 42(3)(c)',
        'The time "CET+1" of a@example.fr is not valid.',
      ],
    ]);
    assert.equal(summarize({ ...base, timeZone: '+01:00' }, 'identifier-time-invalid').length, 1);
    assert.deepEqual(summarize({ ...base, timeZone: 'UTC' }, 'identifier-time-invalid'), []);
    assert.deepEqual(summarize({ ...base, timeZone: 'Asia/Kolkata' }, 'identifier-time-invalid'), []);
  });

  it('reports an invalid IP time once, as invalid rather than missing', () => {
    const findings = findingsFor({ kind: 'ip-address', value: '203.0.113.7', port: 1, observedAt: 'soon' });
    assert.deepEqual(
      findings.map((finding) => finding.rule),
      ['identifier-time-invalid'],
    );
  });
});
