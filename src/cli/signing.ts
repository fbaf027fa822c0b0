import type { Command } from 'commander';
import { z } from 'zod';
import { getEnvelope } from '../envelopes/index.js';
import { endSigning, resealEnvelope, sealEnvelope } from '../signing/index.js';
import { type CliDeps, cliId, withContext } from './run.js';

const EnvelopeArgs = z.object({ '<id>': cliId });

/** `paraphe envelope …`: operators end a request, or re-run a stuck or failed seal. */
export function registerSigningCommands(program: Command, deps: CliDeps): void {
  const { io } = deps;
  const envelope = program.command('envelope').description('signature requests (envelopes)');
  envelope
    .command('cancel')
    .description(
      'cancel an envelope still collecting signatures, or one whose seal failed; the sender is told by mail',
    )
    .argument('<id>', 'envelope id')
    .action((id: string) =>
      withContext(deps, { schema: EnvelopeArgs, given: { '<id>': id } }, async (ctx, args) => {
        const envelopeId = args['<id>'];
        // No immediate delivery from a short-lived command: the worker's mail.deliver job sends it.
        await endSigning(
          { ...ctx.signing, deliverSoon: undefined },
          { envelopeId, how: 'cancelled', actor: 'operator' },
        );
        io.out(`envelope ${envelopeId} cancelled; the sender will be told\n`);
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
      withContext(deps, { schema: EnvelopeArgs, given: { '<id>': id } }, async (ctx, args) => {
        const envelopeId = args['<id>'];
        await getEnvelope(ctx.db, envelopeId);
        const jobId = await resealEnvelope(ctx.signing, { envelopeId, isQueued: !options.now });
        if (!jobId) {
          const result = await sealEnvelope({ ...ctx.signing, deliverSoon: undefined }, { envelopeId });
          io.out(`envelope ${envelopeId}: ${result.status}; the signed PDFs are queued for delivery\n`);
          return;
        }
        io.out(`seal job ${jobId} queued for envelope ${envelopeId}\n`);
      }),
    );
}
