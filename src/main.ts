import { CommanderError } from 'commander';
import { buildProgram } from './cli/program.js';

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  // Commander has already printed its one line (and the help); only the exit code is left.
  if (!(error instanceof CommanderError)) throw error;
  process.exitCode = error.exitCode;
}
