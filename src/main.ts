import { Command } from 'commander';
import { registerAccountCommands } from './cli/accounts.js';
import { registerBillingCommands } from './cli/billing.js';
import { registerJobCommands } from './cli/jobs.js';
import { registerMailCommands } from './cli/mail.js';
import { registerPdfCommands } from './cli/pdf.js';
import { registerSigningCommands } from './cli/signing.js';
import { registerSmsCommands } from './cli/sms.js';
import { registerStartCommands } from './cli/start.js';

/** The `paraphe` command: one program for every role and every operator task. */
const program = new Command()
  .name('paraphe')
  .description('Sign by email: a mail filter that turns *SIGN messages into signature requests')
  .showHelpAfterError();

registerStartCommands(program);
registerAccountCommands(program);
registerBillingCommands(program);
registerJobCommands(program);
registerMailCommands(program);
registerSmsCommands(program);
registerPdfCommands(program);
registerSigningCommands(program);

await program.parseAsync(process.argv);
