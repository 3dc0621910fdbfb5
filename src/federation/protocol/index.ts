/**
 * Federation protocol v1 (docs/federation.md): pure functions over jose and zod, no database and no
 * HTTP. Import from here.
 */
export * from './compact-jws.ts';
export * from './digest.ts';
export * from './directory-document.ts';
export * from './envelope.ts';
export * from './keys.ts';
export * from './receipt.ts';
export * from './seal.ts';
export * from './types.ts';
export * from './uuid-v7.ts';
export * from './capabilities.ts';
export * from './message-batch.ts';
