/**
 * The contact details a request gives (of the requesting and the requested authority, and the
 * person who confirms that the request is genuine): what the other side uses to call or write
 * back, at once for an urgent request. An e-mail address must be one, a telephone number must be
 * in international form (it is dialled from another State), and a time zone an IANA name, so
 * that office hours are read at the right hour. A warning: the request can still leave.
 */
import type { ContactDetails } from '../request/draft.ts';
import type { Finding } from './finding.ts';
import type { FindingBuilder } from './finding-builder.ts';
import { isE164PhoneNumber, isEmailAddress } from './identifier-format.ts';
import { isIanaTimeZone } from './time-format.ts';
import { compactFindings, type DraftCheck, hasText } from './validation-context.ts';

export const checkContactDetails: DraftCheck = ({ draft, findings }) => [
  ...checkContact(draft.requestingAuthority?.contactDetails, 'requestingAuthority.contactDetails', findings),
  ...checkContact(draft.requestedAuthority?.contactDetails, 'requestedAuthority.contactDetails', findings),
  ...checkContact(draft.verificationContact, 'verificationContact', findings),
];

function checkContact(
  contact: ContactDetails | undefined,
  path: string,
  findings: FindingBuilder,
): Finding[] {
  if (!contact) return [];
  const checks: ReadonlyArray<[field: 'email' | 'phone' | 'timeZone', isValid: (value: string) => boolean]> =
    [
      ['email', isEmailAddress],
      ['phone', isE164PhoneNumber],
      ['timeZone', isIanaTimeZone],
    ];
  return compactFindings(
    checks.map(([field, isValid]) => {
      const value = contact[field];
      if (!hasText(value) || isValid(value.trim())) return undefined;
      return findings.buildFinding('contact-detail-malformed', {
        element: `${path}.${field}`,
        values: { value },
      });
    }),
  );
}
