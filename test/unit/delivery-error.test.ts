/**
 * What a recorded delivery error means (web/src/components/delivery-error.ts): the texts the
 * delivery worker and the alert worker record for a failed post, read as a cause in words.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deliveryErrorKind } from '../../web/src/components/delivery-error.ts';

describe('delivery error wording', () => {
  it('names the cause of the network errors Node reports, as the worker records them', () => {
    const cases: ReadonlyArray<readonly [string, string | undefined]> = [
      ['http://127.0.0.1:9302/federation/v1/messages: connect ECONNREFUSED 127.0.0.1:9302', 'refused'],
      ['https://de.example/federation/v1/messages: getaddrinfo ENOTFOUND de.example', 'not-found'],
      ['https://de.example/federation/v1/messages: getaddrinfo EAI_AGAIN de.example', 'not-found'],
      ['https://de.example/federation/v1/messages: no answer before the delivery timeout', 'timeout'],
      [
        'fetch failed: Connect Timeout Error (attempted address: de.example:443) UND_ERR_CONNECT_TIMEOUT',
        'timeout',
      ],
      ['https://de.example/federation/v1/messages: socket hang up', 'reset'],
      ['https://de.example/federation/v1/messages: read ECONNRESET', 'reset'],
      ['https://de.example/federation/v1/messages: self-signed certificate', 'certificate'],
      ['https://de.example/federation/v1/messages: certificate has expired', 'certificate'],
      ['https://de.example/federation/v1/messages: unable to verify the first certificate', 'certificate'],
      [
        "https://de.example/: Hostname/IP does not match certificate's altnames: Host: de.example.",
        'certificate',
      ],
    ];
    for (const [text, kind] of cases) assert.equal(deliveryErrorKind(text), kind, text);
  });

  it('says nothing of a text it does not know, nor of no text', () => {
    assert.equal(deliveryErrorKind('the receiving node refused the message: signature-invalid'), undefined);
    assert.equal(deliveryErrorKind('HTTP 503'), undefined);
    assert.equal(deliveryErrorKind(''), undefined);
    assert.equal(deliveryErrorKind(null), undefined);
    // A code inside a longer word is not that code.
    assert.equal(deliveryErrorKind('XECONNREFUSEDX'), undefined);
  });
});
