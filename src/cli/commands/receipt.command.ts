/**
 * `comity receipt verify`: the node's operator checks a signed receipt (a compact JWS from a file,
 * from standard input, or the one stored with a message of this node) against the signing keys the
 * directory of nodes this node holds lists for the node that signed it. One line either way: what
 * the receipt proves (who signed, which message, its digest, when), or why it does not verify, with
 * a non-zero exit.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { checkMessageReceipt, checkReceipt, directoryNodesOf } from '../../services/receipts.service.ts';
import type { ReceiptCheck } from '../../services/receipts.service.ts';
import { CliError, fileErrorWords, printLine } from '../output.ts';
import { readSecretFromStdin, withNodeContext } from './node-context.ts';

function describeCheck(check: ReceiptCheck): string {
  if (!check.ok) {
    const about = check.receipt
      ? ` (receipt from ${check.receipt.from} for message ${check.receipt.messageId})`
      : '';
    return `invalid receipt${about}: ${check.reason}: ${check.detail}`;
  }
  const { from, to, messageId, digest, receivedAt } = check.receipt;
  return `valid receipt: ${from} (key ${check.kid}) received message ${messageId} from ${to} at ${receivedAt}, digest ${digest}`;
}

export function registerReceiptCommands(program: Command): void {
  const receipt = program.command('receipt').description('signed receipts of federation messages');

  receipt
    .command('verify')
    .description(
      "verify a signed receipt against the signer's keys in this node's directory: from a file, from standard input (no file or -), or a message's by --message",
    )
    .argument('[file]', 'a file holding the compact JWS; - or nothing reads standard input')
    .option('--message <id>', 'the receipt stored with this message of this node (sent or received)')
    .action(async (file: string | undefined, options: { message?: string }) => {
      if (file !== undefined && options.message !== undefined) {
        throw new CliError('give a file or --message, not both');
      }
      const compact =
        options.message !== undefined
          ? undefined
          : file === undefined || file === '-'
            ? await readSecretFromStdin()
            : await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
                throw new CliError(`cannot read ${file}: ${fileErrorWords(error)}`);
              });
      const check = await withNodeContext(async (context) =>
        compact === undefined
          ? checkMessageReceipt(context, options.message ?? '')
          : checkReceipt(compact, await directoryNodesOf(context)),
      );
      if (!check.ok) throw new CliError(describeCheck(check));
      printLine(describeCheck(check));
    });
}
