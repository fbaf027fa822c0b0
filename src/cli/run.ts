import { type AppContext, createAppContext } from '../app/context.js';
import { loadConfig } from '../config/index.js';
import { AppError } from '../shared/errors.js';
import { createLogger } from '../shared/logger.js';

/** Exit codes: 1 = the operation was refused or failed, 78 = configuration (sysexits EX_CONFIG). */
export function reportAndExit(error: unknown): never {
  if (error instanceof AppError) {
    process.stderr.write(`paraphe: ${error.message} [${error.code}]\n`);
    process.exit(error.code === 'CONFIG_INVALID' ? 78 : 1);
  }
  process.stderr.write(`paraphe: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
}

export type GetContext = () => Promise<AppContext>;

/**
 * Runs a one-shot command with a context opened for it and closed after, logging only warnings
 * (command output is for people). Errors end the process with a clear line and a non-zero code.
 */
export async function withContext(fn: (ctx: AppContext) => Promise<void>): Promise<void> {
  let ctx: AppContext | undefined;
  try {
    const config = loadConfig();
    ctx = await createAppContext(config, { logger: createLogger({ level: 'warn' }) });
    await fn(ctx);
  } catch (error) {
    await ctx?.close().catch(() => {});
    reportAndExit(error);
  }
  await ctx.close();
}

/** Prints rows as aligned columns. */
export function printTable(rows: Array<Record<string, string>>): void {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0] as Record<string, string>);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  process.stdout.write(`${line(columns.map((c) => c.toUpperCase()))}\n`);
  for (const row of rows) process.stdout.write(`${line(columns.map((c) => row[c] ?? ''))}\n`);
}
