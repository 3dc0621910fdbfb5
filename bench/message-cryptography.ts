/**
 * The cryptography of one message, alone (issue 12, "near the crypto limit"): what the federation
 * benchmark's message costs in signatures, key agreement and encryption when nothing else runs,
 * timed in this process with the code the nodes run. Sealing at A (the body checked against its
 * schema, encrypted to B's key with a fresh ephemeral key, the envelope signed, the digest taken),
 * opening at B (every check of openMessage: signature, envelope, decryption, body schema), B's
 * receipt signed and A's check of it. No HTTP, no database, no JSON beyond what these steps do.
 *
 * In a loop on a warm process this is a floor: at saturation the same steps share the cores with
 * five other processes and take longer. Its inverse, times the cores, is the rate the machine
 * could carry if a message were nothing but its cryptography.
 */
import { preservationDraft } from '../src/demo/demo-drafts.ts';
import { requestSubmittedMessage } from '../src/federation/messages/request-submitted.message.ts';
import { messageDigest } from '../src/federation/protocol/digest.ts';
import { generateNodeKeys } from '../src/federation/protocol/keys.ts';
import { signReceipt, verifyReceipt } from '../src/federation/protocol/receipt.ts';
import { openMessage, sealMessage } from '../src/federation/protocol/seal.ts';
import type { DirectoryKey, KeyPairJwk } from '../src/federation/protocol/types.ts';
import { createUuidV7 } from '../src/federation/protocol/uuid-v7.ts';

/** Microseconds a message, each step and their sum. */
export type MessageCryptography = Readonly<{
  sealUs: number;
  openUs: number;
  receiptSignUs: number;
  receiptVerifyUs: number;
  totalUs: number;
  count: number;
}>;

const SENDER = 'fr-bench';
const RECEIVER = 'de-bench';

function directoryKey(pair: KeyPairJwk, use: DirectoryKey['use']): DirectoryKey {
  return {
    kid: pair.kid,
    use,
    jwk: pair.publicJwk,
    notBefore: '2020-01-01T00:00:00Z',
    notAfter: '2099-01-01T00:00:00Z',
  };
}

/** Mean microseconds of `step` over `count` calls, after a tenth as many to warm up. */
async function timeEach(count: number, step: (index: number) => Promise<unknown>): Promise<number> {
  for (let index = 0; index < Math.ceil(count / 10); index += 1) await step(index);
  const start = performance.now();
  for (let index = 0; index < count; index += 1) await step(index);
  return ((performance.now() - start) * 1000) / count;
}

export async function measureMessageCryptography(count: number): Promise<MessageCryptography> {
  const sender = await generateNodeKeys();
  const receiver = await generateNodeKeys();
  const bodySchema = requestSubmittedMessage.bodySchema;
  const now = new Date();
  const seal = async (index: number) => {
    const id = createUuidV7();
    const requestId = crypto.randomUUID();
    const message = await sealMessage({
      envelope: {
        v: 1,
        id,
        from: SENDER,
        to: RECEIVER,
        type: requestSubmittedMessage.type,
        case: requestId,
        createdAt: now.toISOString(),
      },
      body: {
        request: preservationDraft('FR', 'DE', index + 1),
        requestId,
        submittedAt: now.toISOString(),
        submittedBy: { displayName: 'Benchmark supervisor' },
      },
      bodySchema,
      senderSigning: sender.signing,
      recipientEncryption: { kid: receiver.encryption.kid, publicJwk: receiver.encryption.publicJwk },
    });
    return { id, message, digest: messageDigest(message) };
  };
  const sealed = await seal(0);
  const senderKey = directoryKey(sender.signing, 'sig');
  const open = async () => {
    const opened = await openMessage(sealed.message, {
      resolveSenderKey: () => senderKey,
      self: { nodeId: RECEIVER, encryption: receiver.encryption },
      now,
      clockSkewSeconds: 300,
      maxBytes: 1_000_000,
      bodySchemaOf: (type) => (type === requestSubmittedMessage.type ? bodySchema : undefined),
    });
    if (!opened.ok) throw new Error(`the benchmark's message does not open: ${opened.detail}`);
  };
  const receiptInput = {
    messageId: sealed.id,
    digest: sealed.digest,
    from: RECEIVER,
    to: SENDER,
    receivedAt: now.toISOString(),
  };
  const receipt = await signReceipt(receiptInput, receiver.signing);
  const receiverKey = directoryKey(receiver.signing, 'sig');
  const verify = async () => {
    const verified = await verifyReceipt(receipt, {
      receiverKey,
      expectedMessageId: sealed.id,
      expectedDigest: sealed.digest,
      expectedFrom: RECEIVER,
      expectedTo: SENDER,
      now,
    });
    if (!verified.ok) throw new Error(`the benchmark's receipt does not verify: ${verified.detail}`);
  };
  const sealUs = await timeEach(count, seal);
  const openUs = await timeEach(count, open);
  const receiptSignUs = await timeEach(count, () => signReceipt(receiptInput, receiver.signing));
  const receiptVerifyUs = await timeEach(count, verify);
  return {
    sealUs,
    openUs,
    receiptSignUs,
    receiptVerifyUs,
    totalUs: sealUs + openUs + receiptSignUs + receiptVerifyUs,
    count,
  };
}
