import { Command } from 'commander';
import { registerAccountCommands } from './accounts.js';
import { registerBillingCommands } from './billing.js';
import { registerBlobCommands } from './blobs.js';
import { registerJobCommands } from './jobs.js';
import { registerLtvCommands } from './ltv.js';
import { registerMailCommands } from './mail.js';
import { registerPdfCommands } from './pdf.js';
import { type CliDeps, processCliDeps } from './run.js';
import { registerSigningCommands } from './signing.js';
import { registerSmsCommands } from './sms.js';
import { registerStartCommands } from './start.js';

/**
 * The `paraphe` command: one program for every role and every operator task. Commander's own
 * refusals (unknown option, missing argument) print one line like every other refusal and throw
 * instead of exiting, so the caller decides how the process ends and tests can run commands
 * in-process.
 */
export function buildProgram(deps: CliDeps = processCliDeps): Command {
  const program = new Command()
    .name('paraphe')
    .description('Sign by email: a mail filter that turns *SIGN messages into signature requests')
    .exitOverride()
    .configureOutput({
      writeOut: deps.io.out,
      writeErr: deps.io.err,
      // The same one line as every other refusal, so scripts and people read one format.
      outputError: (text, write) =>
        write(
          `paraphe: ${text
            .trim()
            .replace(/^error: /, '')
            .replace(/\s*\n\s*/g, ' ')}; see --help [CLI_ARGUMENT_INVALID]\n`,
        ),
    });
  registerStartCommands(program, deps);
  registerAccountCommands(program, deps);
  registerBillingCommands(program, deps);
  registerJobCommands(program, deps);
  registerMailCommands(program, deps);
  registerSmsCommands(program, deps);
  registerPdfCommands(program, deps);
  registerLtvCommands(program, deps);
  registerSigningCommands(program, deps);
  registerBlobCommands(program, deps);
  return program;
}
