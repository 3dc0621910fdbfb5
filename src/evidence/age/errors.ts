/**
 * Why an age file, key or identity file is refused: one closed list of reasons, each with a message
 * a holder can read on one line (the CLI prints it as it is).
 */
export const AGE_ERROR_CODES = [
  'not-age-file',
  'malformed-header',
  'unsupported-stanza',
  'no-identity-matches',
  'header-mac-wrong',
  'truncated',
  'last-chunk-flag',
  'trailing-data',
  'chunk-tampered',
  'invalid-recipient',
  'invalid-identity',
] as const;

export type AgeErrorCode = (typeof AGE_ERROR_CODES)[number];

export class AgeError extends Error {
  readonly code: AgeErrorCode;

  constructor(code: AgeErrorCode, message: string) {
    super(message);
    this.name = 'AgeError';
    this.code = code;
  }
}

export function isAgeError(error: unknown): error is AgeError {
  return error instanceof AgeError;
}
