import type { Command } from 'commander';
import { getEnvelope } from '../envelopes/index.js';
import { endSigning, resealEnvelope, sealEnvelope } from '../signing/index.js';
import { withContext } from './run.js';

/** `paraphe envelope …`: operators end a request or re-run a stuck seal. */
export function registerSigningCommands(program: Command): void {
  const envelope = program.command('envelope').description('signature requests (envelopes)');
  envelope
    .command('cancel')
    .description(
      'cancel an envelope still collecting signatures, or one whose seal failed; the sender is told by mail',
    )
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
      'seal again an envelope whose seal failed (after a fix) or that is stuck in "sealing" (queued for the worker, or --now here)',
    )
    .argument('<id>', 'envelope id')
    .option('--now', 'seal in this process instead of queueing a job')
    .action((id: string, options: { now?: boolean }) =>
      withContext(async (ctx) => {
        await getEnvelope(ctx.db, id);
        const jobId = await resealEnvelope(ctx.signing, { envelopeId: id, isQueued: !options.now });
        if (!jobId) {
          const result = await sealEnvelope({ ...ctx.signing, deliverSoon: undefined }, { envelopeId: id });
          process.stdout.write(`envelope ${id}: ${result.status}; the signed PDFs are queued for delivery\n`);
          return;
        }
        process.stdout.write(`seal job ${jobId} queued for envelope ${id}\n`);
      }),
    );
}
