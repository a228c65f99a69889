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

type Resolvable<T> = T | Promise<T> | (() => T) | (() => Promise<T>);
const resolve = async <T>(v: Resolvable<T> | undefined): Promise<T | undefined> => (typeof v === 'function' ? (v as () => T | Promise<T>)() : v);

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}

/** Flags a command reads without declaring them (undeclaredFlag in shared-args.ts: for test suites, not --help). */
const HIDDEN_FLAGS: Readonly<Record<string, readonly string[]>> = { study: ['executor'], worker: ['executor'] };

/**
 * The first flag on the command line that the (sub)command it reaches does not define, as a usage error: citty
 * ignores unknown flags, so a typo (`--step 100`, `--dry-run` where there is none) would run something else
 * without a word. Returns null when every flag is known.
 */
export async function unknownFlag(main: CommandDef, rawArgs: readonly string[]): Promise<Error | null> {
  let def: CommandDef = main;
  const path: string[] = [];
  let i = 0;
  for (; i < rawArgs.length; i++) {
    const subs = await resolve(def.subCommands as Resolvable<Record<string, Resolvable<CommandDef>>> | undefined);
    const token = rawArgs[i]!;
    if (!subs || token.startsWith('-') || !Object.hasOwn(subs, token)) break;
    def = (await resolve(subs[token]))!;
    path.push(token);
  }
  const args = (await resolve(def.args as Resolvable<Record<string, { type?: string; alias?: string | string[] }>> | undefined)) ?? {};
  const names = new Set<string>(['help', 'version', 'debug', ...(HIDDEN_FLAGS[path.join(' ')] ?? [])]);
  const shorts = new Set<string>(['h', 'v']);
  /** Flags that take the next token as their value (citty: strings, whatever the value looks like). */
  const takesValue = new Set<string>(HIDDEN_FLAGS[path.join(' ')] ?? []);
  const camel = (n: string): string => n.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  for (const [name, a] of Object.entries(args)) {
    if (a.type === 'positional') continue;
    // citty accepts a kebab-case flag in camelCase too (--run-dir, --runDir).
    const forms = [name, camel(name), ...[a.alias ?? []].flat().filter((al) => al.length > 1)];
    for (const f of forms) {
      names.add(f);
      if (a.type === 'boolean') names.add(`no-${f}`);
      else takesValue.add(f);
    }
    for (const al of [a.alias ?? []].flat()) if (al.length === 1) { shorts.add(al); if (a.type !== 'boolean') takesValue.add(al); }
  }
  for (; i < rawArgs.length; i++) {
    const token = rawArgs[i]!;
    if (token === '--') break;
    if (!token.startsWith('-') || /^-\d/.test(token) || token === '-') continue;
    const name = token.replace(/^--?/, '').split('=')[0]!;
    const known = token.startsWith('--') ? names.has(name) : [...name].every((c) => shorts.has(c));
    if (known) {
      // `--prompt "- item"`: the next token is this flag's value, whatever it starts with.
      if (!token.includes('=') && takesValue.has(token.startsWith('--') ? name : name.at(-1)!)) i++;
      continue;
    }
    const near = [...names].filter((n) => !n.startsWith('no-')).map((n) => [n, distance(name, n)] as const).sort((p, q) => p[1] - q[1])[0];
    const hint = near && near[1] <= Math.max(2, Math.floor(name.length / 3)) ? `; did you mean --${near[0]}?` : '';
    const err = new Error(`unknown flag ${token.split('=')[0]}${hint}`);
    err.name = 'CLIError';
    return err;
  }
  return null;
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
    const unknown = await unknownFlag(main, rawArgs);
    if (unknown) throw unknown;
    await runCommand(main, { rawArgs });
  } catch (e) {
    fail(e);
  }
}
