import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { type AppContext, createAppContext } from '../app/context.js';
import { type Config, loadConfig } from '../config/index.js';
import { AppError } from '../shared/errors.js';
import { createLogger } from '../shared/logger.js';

/** Where a command writes and how it ends: the process in production, a capture in tests. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  exit(code: number): never;
  setExitCode(code: number): void;
}

export const processIo: CliIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  exit: (code) => process.exit(code),
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

/** What every command group is built with. */
export interface CliDeps {
  io: CliIo;
  getConfig: () => Config;
}

export const processCliDeps: CliDeps = { io: processIo, getConfig: () => loadConfig() };

/**
 * Exit codes: 1 = the operation was refused or failed, 78 = configuration (sysexits EX_CONFIG).
 * Always one line: an operator reads the code and the message, never a stack trace.
 */
export function reportAndExit(io: CliIo, error: unknown): never {
  if (error instanceof AppError) {
    io.err(`paraphe: ${error.message} [${error.code}]\n`);
    return io.exit(error.code === 'CONFIG_INVALID' ? 78 : 1);
  }
  const message = error instanceof Error ? error.message : String(error);
  io.err(`paraphe: unexpected error: ${message.split('\n')[0]} [INTERNAL]\n`);
  return io.exit(1);
}

/**
 * Validates a command's arguments, keyed as the operator typed them (`--until`, `<id>`), and
 * refuses with every problem on one line. Runs before anything is opened, so nothing is written.
 */
export function parseArguments<S extends z.ZodType>(schema: S, given: Record<string, unknown>): z.output<S> {
  // reportInput: each issue carries the offending value (one --mailbox among several, one role).
  const parsed = schema.safeParse(given, { reportInput: true });
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const { input } = issue;
    const shown = typeof input === 'string' || typeof input === 'number' ? ` "${input}"` : '';
    return `${String(issue.path[0] ?? 'arguments')}${shown}: ${issue.message}`;
  });
  throw new AppError('CLI_ARGUMENT_INVALID', problems.join('; '));
}

// Building blocks for the commands' schemas; messages say what is expected.
export const cliId = z.guid({ error: 'not an id (ids are UUIDs: 8-4-4-4-12 hex digits)' });

export const cliCount = z
  .string()
  .regex(/^\d+$/, { error: 'expected a whole number' })
  .transform(Number)
  .pipe(z.number().int().min(1, { error: 'expected at least 1' }).max(10_000, { error: 'at most 10000' }));

export const cliReadableFile = z.string().refine(
  (file) => {
    try {
      accessSync(file, constants.R_OK);
      return true;
    } catch {
      return false;
    }
  },
  { error: 'no readable file there' },
);

/** A file path whose folder exists and is writable (checked before the work, not after it). */
export const cliWritableFile = z.string().refine(
  (file) => {
    try {
      accessSync(path.dirname(path.resolve(file)), constants.W_OK);
      return true;
    } catch {
      return false;
    }
  },
  { error: 'its folder does not exist or is not writable' },
);

// Loose on purpose: UTF-8 local parts (SMTPUTF8) and dotless hosts (operator@localhost) are real.
export const cliMailAddress = z.string().regex(/^[^\s@<>]+@[^\s@<>]+$/, { error: 'not a mail address' });

export const cliNoArguments = z.object({});

/** A string the domain's own schema accepts, refused with a message an operator understands. */
export function cliAccepted(schema: z.ZodType, message: string) {
  return z.string().refine((value) => schema.safeParse(value).success, { error: message });
}

/**
 * Runs a one-shot command: its arguments are validated first, then a context is opened for it and
 * closed after, logging only warnings (command output is for people). Errors end the process with
 * one clear line and a non-zero code.
 */
export async function withContext<S extends z.ZodType>(
  deps: CliDeps,
  command: { schema: S; given: Record<string, unknown> },
  fn: (ctx: AppContext, args: z.output<S>) => Promise<void>,
): Promise<void> {
  let ctx: AppContext | undefined;
  try {
    const args = parseArguments(command.schema, command.given);
    const config = deps.getConfig();
    ctx = await createAppContext(config, { logger: createLogger({ level: 'warn' }) });
    await fn(ctx, args);
  } catch (error) {
    await ctx?.close().catch(() => {});
    reportAndExit(deps.io, error);
  }
  await ctx.close();
}

/** Prints rows as aligned columns. */
export function printTable(io: CliIo, rows: Array<Record<string, string>>): void {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0] as Record<string, string>);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  io.out(`${line(columns.map((c) => c.toUpperCase()))}\n`);
  for (const row of rows) io.out(`${line(columns.map((c) => row[c] ?? ''))}\n`);
}
