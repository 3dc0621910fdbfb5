/**
 * The identifiers of the data sought (Art. 42(3)(c) and its equivalents): each must have a value
 * (a draft's row may have an empty one while it is filled in: a finding), well formed for its kind,
 * and an IP address must come with the exact moment it was used, with its offset or time zone,
 * and (for IPv4, often shared behind carrier-grade NAT) the source port.
 */
import { isIP } from 'node:net';
import type { Identifier } from '../request/draft.ts';
import type { Finding } from './finding.ts';
import type { FindingBuilder } from './finding-builder.ts';
import { isPort, isWellFormedIdentifierValue } from './identifier-format.ts';
import { isIanaTimeZone, parseDateTime } from './time-format.ts';
import { compactFindings, type DraftCheck, hasText } from './validation-context.ts';

export const checkIdentifiers: DraftCheck = ({ draft, findings }) =>
  (draft.identifiers ?? []).flatMap((identifier, index) =>
    checkIdentifier(identifier, `identifiers[${index}]`, findings),
  );

function checkIdentifier(identifier: Identifier, path: string, findings: FindingBuilder): Finding[] {
  const value = identifier.value.trim();
  const results: Array<Finding | undefined> = [];
  if (value === '') {
    // Nothing to check the form of; what the row says besides (time, port) is still checked.
    results.push(findings.buildFinding('identifier-value-missing', { element: `${path}.value` }));
  } else if (!isWellFormedIdentifierValue(identifier.kind, value)) {
    results.push(
      findings.buildFinding('identifier-malformed', {
        element: `${path}.value`,
        values: { kind: identifier.kind, value: identifier.value },
      }),
    );
  }
  if (identifier.port !== undefined && !isPort(identifier.port)) {
    results.push(
      findings.buildFinding('identifier-malformed', {
        element: `${path}.port`,
        values: { kind: 'port', value: identifier.port },
      }),
    );
  }
  const observedAt = hasText(identifier.observedAt) ? parseDateTime(identifier.observedAt) : undefined;
  if (hasText(identifier.observedAt) && !observedAt) {
    results.push(
      findings.buildFinding('identifier-time-invalid', {
        element: `${path}.observedAt`,
        values: { value: identifier.value, time: identifier.observedAt },
      }),
    );
  }
  const timeZone = identifier.timeZone;
  const hasTimeZone = hasText(timeZone);
  if (hasTimeZone && !isIanaTimeZone(timeZone.trim())) {
    results.push(
      findings.buildFinding('identifier-time-invalid', {
        element: `${path}.timeZone`,
        values: { value: identifier.value, time: timeZone },
      }),
    );
  }
  if (identifier.kind === 'ip-address' && value !== '') {
    // A time already reported as invalid is not reported again as missing.
    const isTimeMissing =
      !hasText(identifier.observedAt) || (observedAt !== undefined && !observedAt.hasOffset && !hasTimeZone);
    if (isTimeMissing) {
      results.push(
        findings.buildFinding('ip-address-without-time', {
          element: `${path}.observedAt`,
          values: { value },
        }),
      );
    }
    if (isIP(value) === 4 && identifier.port === undefined) {
      results.push(
        findings.buildFinding('ip-address-without-port', { element: `${path}.port`, values: { value } }),
      );
    }
  }
  return compactFindings(results);
}
