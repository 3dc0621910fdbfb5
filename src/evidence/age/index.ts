/** The age file format (age-encryption.org/v1) with X25519 recipients: what other code imports. */
export { AGE_ERROR_CODES, AgeError, type AgeErrorCode, isAgeError } from './errors.ts';
export { formatIdentityFile, generateIdentity, parseIdentityFile, recipientOf } from './keys.ts';
export { CHUNK_SIZE, checkRecipients, decryptStream, encryptFile, encryptStream } from './stream.ts';
