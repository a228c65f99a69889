// The difflm process entry: runs the command tree and turns every error into one line on stderr (the stack only
// with --debug) and an exit code that says what kind of failure it was.
//   0  success
//   1  difflm refused the input or an operation failed (the line names the field or file and the fix)
//   2  the command line itself is wrong (unknown command, missing or malformed flag)
//   70 an internal error: a bug, or an input difflm did not check (the line says to rerun with --debug)
import { runCommand, runMain, type CommandDef } from 'citty';

export const EXIT = { ok: 0, failed: 1, usage: 2, internal: 70 } as const;

/** citty's own command-line errors (unknown command, missing or invalid argument); citty does not export the class. */
const isCliError = (e: unknown): e is Error => e instanceof Error && e.name === 'CLIError';
// eslint-disable-next-line no-control-regex
const stripAnsi = (s: string): string => s.replace(/\u001b\[[0-9;]*m/g, '');

/** Raw JavaScript or WebAssembly errors: nothing of difflm's own throws these on purpose. */
export function isInternalError(e: unknown): boolean {
  if (e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError || e instanceof EvalError || e instanceof URIError) return true;
  const name = (e as { name?: unknown } | null)?.name;
  return name === 'RuntimeError' || name === 'CompileError' || name === 'LinkError';
}

/**
 * An error message as one line: a message that lists its problems under a heading ("invalid training config:\n  - a\n
 * - b") becomes "invalid training config: a; b"; anything else keeps its first line.
 */
export function oneLine(message: string): string {
  const lines = message.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  const head = lines[0] ?? 'unknown error';
  return head.endsWith(':') && lines.length > 1 ? `${head} ${lines.slice(1).map((l) => l.replace(/^[-•*]\s*/, '')).join('; ')}` : head;
}

/** One line for an error: the command's name, the message's first line, and for internal errors the hint. */
export function errorLine(command: string | undefined, e: unknown, debug: boolean): { line: string; code: number } {
  const where = command ? `difflm ${command}` : 'difflm';
  if (isCliError(e)) {
    const unknown = (e as { code?: string }).code === 'E_UNKNOWN_COMMAND';
    return { line: `${unknown ? 'difflm' : where}: ${stripAnsi(e.message)} (see difflm ${command && !unknown ? `${command} ` : ''}--help)`, code: EXIT.usage };
  }
  const message = e instanceof Error ? e.message : String(e);
  const first = oneLine(message);
  if (isInternalError(e)) {
    return { line: `${where}: internal error: ${first}${debug ? '' : ' (a bug, or an input difflm did not check; rerun with --debug for the stack and report it)'}`, code: EXIT.internal };
  }
  return { line: `${where}: ${first}`, code: EXIT.failed };
}

export async function runCli(main: CommandDef, argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const debug = argv.includes('--debug');
  const rawArgs = argv.filter((a) => a !== '--debug');
  const command = rawArgs[0] && !rawArgs[0].startsWith('-') ? rawArgs[0] : undefined;
  const fail = (e: unknown): void => {
    const { line, code } = errorLine(command, e, debug);
    process.stderr.write(`${line}\n`);
    if (debug && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
    process.exitCode = code;
  };
  // Errors that escape a command's own promise chain (a stream's 'error' event, a timer) end the same way.
  process.on('uncaughtException', (e) => { fail(e); process.exit(process.exitCode ?? EXIT.internal); });
  process.on('unhandledRejection', (e) => { fail(e); process.exit(process.exitCode ?? EXIT.internal); });
  const wantsHelp = rawArgs.length === 0 || rawArgs.includes('--help') || rawArgs.includes('-h') || (rawArgs.length === 1 && (rawArgs[0] === '--version' || rawArgs[0] === '-v'));
  if (wantsHelp) return runMain(main, { rawArgs });
  try {
    await runCommand(main, { rawArgs });
  } catch (e) {
    fail(e);
  }
}
