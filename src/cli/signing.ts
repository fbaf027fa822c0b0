import type { Command } from 'commander';
import { z } from 'zod';
import { getEnvelope } from '../envelopes/index.js';
import { AppError } from '../shared/errors.js';
import { endSigning, requeueSeal, sealEnvelope } from '../signing/index.js';
import { type CliDeps, cliId, withContext } from './run.js';

const EnvelopeArgs = z.object({ '<id>': cliId });

/** `paraphe envelope …`: operators end a request or re-run a stuck seal. */
export function registerSigningCommands(program: Command, deps: CliDeps): void {
  const { io } = deps;
  const envelope = program.command('envelope').description('signature requests (envelopes)');
  envelope
    .command('cancel')
    .description('cancel an envelope still collecting signatures; the sender is told by mail')
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
      'run the seal of an envelope stuck in "sealing" again (queued for the worker, or --now here)',
    )
    .argument('<id>', 'envelope id')
    .option('--now', 'seal in this process instead of queueing a job')
    .action((id: string, options: { now?: boolean }) =>
      withContext(deps, { schema: EnvelopeArgs, given: { '<id>': id } }, async (ctx, args) => {
        const envelopeId = args['<id>'];
        const { envelope: found } = await getEnvelope(ctx.db, envelopeId);
        if (found.status !== 'sealing')
          throw new AppError(
            'ENVELOPE_STATE_CONFLICT',
            `envelope ${envelopeId} is ${found.status}, not sealing`,
          );
        if (options.now) {
          const result = await sealEnvelope({ ...ctx.signing, deliverSoon: undefined }, { envelopeId });
          io.out(`envelope ${envelopeId}: ${result.status}; the signed PDFs are queued for delivery\n`);
          return;
        }
        const jobId = await requeueSeal(ctx.signing, { envelopeId });
        io.out(`seal job ${jobId} queued for envelope ${envelopeId}\n`);
      }),
    );
}
