import type { Command } from 'commander';
import { getEnvelope } from '../envelopes/index.js';
import { AppError } from '../shared/errors.js';
import { endSigning, requeueSeal, sealEnvelope } from '../signing/index.js';
import { withContext } from './run.js';

/** `paraphe envelope …`: operators end a request or re-run a stuck seal. */
export function registerSigningCommands(program: Command): void {
  const envelope = program.command('envelope').description('signature requests (envelopes)');
  envelope
    .command('cancel')
    .description('cancel an envelope still collecting signatures; the sender is told by mail')
    .argument('<id>', 'envelope id')
    .action((id: string) =>
      withContext(async (ctx) => {
        // No immediate delivery from a short-lived command: the worker's mail.deliver job sends it.
        await endSigning(
          { ...ctx.signing, deliverSoon: undefined },
          { envelopeId: id, how: 'cancelled', actor: 'operator' },
        );
        process.stdout.write(`envelope ${id} cancelled; the sender will be told\n`);
      }),
    );
  envelope
    .command('reseal')
    .description(
      'run the seal of an envelope stuck in "sealing" again (queued for the worker, or --now here)',
    )
    .argument('<id>', 'envelope id')
    .option('--now', 'seal in this process instead of queueing a job')
    .action((id: string, options: { now?: boolean }) =>
      withContext(async (ctx) => {
        const { envelope: found } = await getEnvelope(ctx.db, id);
        if (found.status !== 'sealing')
          throw new AppError('ENVELOPE_STATE_CONFLICT', `envelope ${id} is ${found.status}, not sealing`);
        if (options.now) {
          const result = await sealEnvelope({ ...ctx.signing, deliverSoon: undefined }, { envelopeId: id });
          process.stdout.write(`envelope ${id}: ${result.status}; the signed PDFs are queued for delivery\n`);
          return;
        }
        const jobId = await requeueSeal(ctx.signing, { envelopeId: id });
        process.stdout.write(`seal job ${jobId} queued for envelope ${id}\n`);
      }),
    );
}
