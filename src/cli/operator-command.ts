/**
 * The command being run (`user add`...), by name only (never its arguments): the program sets it
 * before the command's action, and a command that works on the node's database records it in the
 * audit log (commands/node-context.ts).
 */
let operatorCommand: string | undefined;

export function setOperatorCommand(name: string): void {
  operatorCommand = name;
}

export function currentOperatorCommand(): string | undefined {
  return operatorCommand;
}
