/**
 * `comity audit`: the audit log, for the node's operator and for an oversight body.
 * - `verify` checks the whole stored log offline (on the data directory or DATABASE_URL): every
 *   entry where it says it is and matching its hash, the stored tree, every signed tree head and
 *   its signature with the node's public key; one line, and a non-zero exit naming the first bad
 *   entry. `verify --proof <file>` checks a proof file alone (no database).
 * - `export-proof` writes an inclusion proof of an entry, or a consistency proof between two tree
 *   sizes, as JSON that `verify --proof` reads.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { readPublicKeyBundle } from '../../federation/identity/identity-store.ts';
import {
  auditConsistencyProof,
  auditInclusionProof,
  type ProofFile,
  verifyAuditLog,
  verifyProofFile,
} from '../../services/audit.service.ts';
import { CliError, fileErrorWords, printJson, printLine } from '../output.ts';
import { withNodeContext } from './node-context.ts';

function count(value: string, what: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0)
    throw new CliError(`${what} must be a whole number, not ${value}`);
  return parsed;
}

async function nodeSigningKeys() {
  try {
    const bundle = await readPublicKeyBundle(loadConfig().federation.identityDirectory);
    return bundle.keys.filter((key) => key.use === 'sig').map((key) => ({ kid: key.kid, jwk: key.jwk }));
  } catch {
    return undefined;
  }
}

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the tamper-evident audit log');

  audit
    .command('verify')
    .description(
      'check the whole audit log of this node (entries, tree, signed tree heads) offline, or with --proof a proof file alone',
    )
    .option(
      '--proof <file>',
      'a proof written by comity audit export-proof (or the API), checked without the database',
    )
    .option('--json', 'print the result as JSON (a broken log or proof still exits 1)')
    .action(async (options: { proof?: string; json?: boolean }) => {
      if (options.proof !== undefined) {
        const text = await readFile(options.proof, 'utf8').catch((error: NodeJS.ErrnoException) => {
          throw new CliError(`cannot read ${options.proof}: ${fileErrorWords(error)}`);
        });
        let file: ProofFile;
        try {
          file = JSON.parse(text) as ProofFile;
        } catch {
          throw new CliError(`${options.proof} is not JSON`);
        }
        if (file?.kind !== 'inclusion' && file?.kind !== 'consistency') {
          throw new CliError(`${options.proof} is not an audit proof (kind inclusion or consistency)`);
        }
        const result = verifyProofFile(file);
        if (options.json) printJson(result);
        if (!result.ok) throw new CliError(`proof does not verify: ${result.description}`);
        if (!options.json) printLine(`proof verifies: ${result.description}`);
        return;
      }
      const signingKeys = await nodeSigningKeys();
      const result = await withNodeContext((context) =>
        verifyAuditLog(context.db, signingKeys ? { signingKeys } : {}),
      );
      if (options.json) printJson({ ...result, signaturesChecked: signingKeys !== undefined });
      if (!result.ok)
        throw new CliError(`audit log broken at entry ${result.firstBadEntry}: ${result.reason}`);
      if (options.json) return;
      printLine(
        `audit log verified: ${result.treeSize} entries, root ${result.rootHash}, ${result.signedHeads} signed tree head${result.signedHeads === 1 ? '' : 's'}${signingKeys ? '' : ' (no node identity: signatures not checked)'}`,
      );
    });

  audit
    .command('export-proof')
    .description(
      'write an inclusion proof (--entry) or a consistency proof (--from) of the audit log as JSON',
    )
    .option('--entry <n>', 'the entry to prove included')
    .option('--from <size>', 'the older tree size to prove consistent with the newer one')
    .option('--tree-size <size>', 'the tree size the proof is against (default: the whole log now)')
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (options: { entry?: string; from?: string; treeSize?: string; out?: string }) => {
      if ((options.entry === undefined) === (options.from === undefined)) {
        throw new CliError('give --entry <n> or --from <size>');
      }
      const treeSize = options.treeSize === undefined ? undefined : count(options.treeSize, '--tree-size');
      const proof = await withNodeContext(async (context): Promise<ProofFile> => {
        if (options.entry !== undefined) {
          return {
            kind: 'inclusion',
            ...(await auditInclusionProof(context, count(options.entry, '--entry'), treeSize)),
          };
        }
        return {
          kind: 'consistency',
          ...(await auditConsistencyProof(context, count(options.from ?? '', '--from'), treeSize)),
        };
      });
      const text = `${JSON.stringify(proof, null, 2)}\n`;
      if (options.out) {
        await writeFile(options.out, text);
        printLine(`wrote ${proof.kind} proof to ${options.out}`);
      } else {
        process.stdout.write(text);
      }
    });
}
