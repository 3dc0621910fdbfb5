/**
 * Whether an identifier's value is well formed for its kind. A mistyped e-mail address or IP
 * address sent abroad means data about the wrong person is preserved or disclosed, so these
 * checks are strict about shape; they cannot say whether the account exists.
 */
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { IdentifierKind } from '../request/draft.ts';

const DOMAIN_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const TOP_LEVEL_LABEL = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
const EMAIL = /^[^\s@]{1,64}@([^\s@]+)$/;
const URL_PROTOCOLS = new Set(['http:', 'https:', 'ftp:']);
const BITCOIN_BASE58 = /^[13][a-km-zA-HJ-NP-Z1-9]{25,34}$/;
const BITCOIN_BECH32 = /^(?:bc1|tb1)[ac-hj-np-z02-9]{8,87}$/;
const ETHEREUM_STYLE = /^0x[0-9a-fA-F]{40}$/;

export function isWellFormedIdentifierValue(kind: IdentifierKind, value: string): boolean {
  const trimmed = value.trim();
  if (trimmed === '') return false;
  switch (kind) {
    case 'email':
      return isEmailAddress(trimmed);
    case 'phone':
      return isE164PhoneNumber(trimmed);
    case 'ip-address':
      return isIP(trimmed) !== 0;
    case 'domain':
      return isDomainName(trimmed);
    case 'url':
      return isUrl(trimmed);
    case 'imei':
      return isImei(trimmed);
    case 'crypto-asset-address':
      return isCryptoAssetAddress(trimmed);
    case 'account':
    case 'other':
      return true;
  }
}

export function isEmailAddress(value: string): boolean {
  const match = EMAIL.exec(value);
  return match !== null && isDomainName(match[1] ?? '');
}

/** International format (E.164, starting with "+"), and a number the numbering plan allows. */
export function isE164PhoneNumber(value: string): boolean {
  if (!value.startsWith('+')) return false;
  return parsePhoneNumberFromString(value)?.isValid() === true;
}

/** A registrable host name with at least two labels; internationalised names are accepted. */
export function isDomainName(value: string): boolean {
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  if (name.length === 0 || /[\s/:@?#]/.test(name)) return false;
  const ascii = domainToASCII(name.toLowerCase());
  if (ascii === '' || ascii.length > 253) return false;
  const labels = ascii.split('.');
  const topLevel = labels.at(-1) ?? '';
  return (
    labels.length >= 2 && labels.every((label) => DOMAIN_LABEL.test(label)) && TOP_LEVEL_LABEL.test(topLevel)
  );
}

export function isUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return URL_PROTOCOLS.has(url.protocol) && url.hostname !== '';
}

/** 15 digits whose last is the Luhn check digit (spaces and hyphens between groups allowed). */
export function isImei(value: string): boolean {
  const digits = value.replace(/[\s-]/g, '');
  return /^\d{15}$/.test(digits) && hasValidLuhnChecksum(digits);
}

export function hasValidLuhnChecksum(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    const digit = Number(digits[digits.length - 1 - index]);
    const weighted = index % 2 === 1 ? digit * 2 : digit;
    sum += weighted > 9 ? weighted - 9 : weighted;
  }
  return sum % 10 === 0;
}

/** Bitcoin (base58 or bech32, mainnet or testnet) or an Ethereum-style 0x address. */
export function isCryptoAssetAddress(value: string): boolean {
  return (
    BITCOIN_BASE58.test(value) ||
    BITCOIN_BECH32.test(value) ||
    (value === value.toUpperCase() && BITCOIN_BECH32.test(value.toLowerCase())) ||
    ETHEREUM_STYLE.test(value)
  );
}

/** Ports are 1 to 65535; 0 is reserved and cannot identify a connection. */
export function isPort(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= 65535;
}
