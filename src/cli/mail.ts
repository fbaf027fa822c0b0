import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import MailComposer from 'nodemailer/lib/mail-composer';
import { z } from 'zod';
import { sendSmtp } from '../mail/outbound/index.js';
import { AppError } from '../shared/errors.js';
import { type CliDeps, cliMailAddress, cliReadableFile, parseArguments, reportAndExit } from './run.js';

interface SendOptions {
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  attach: string[];
  body?: string;
  server?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

const SendArgs = z.object({
  '--from': cliMailAddress,
  '--to': z.array(cliMailAddress).min(1, { error: 'give at least one recipient' }),
  '--cc': z.array(cliMailAddress),
  '--attach': z.array(cliReadableFile),
  '--server': z
    .string()
    .regex(/^[^:\s]+:\d{1,5}$/, { error: 'expected host:port' })
    .refine((v) => Number(v.split(':').pop()) <= 65535, { error: 'port above 65535' })
    .optional(),
});

/** Builds the MIME message `paraphe send` submits (exported for tests). */
export async function composeMessage(options: SendOptions): Promise<Buffer> {
  const attachments = await Promise.all(
    options.attach.map(async (file) => ({ filename: path.basename(file), content: await readFile(file) })),
  );
  return new MailComposer({
    from: options.from,
    to: options.to,
    ...(options.cc.length > 0 ? { cc: options.cc } : {}),
    subject: options.subject,
    text: options.body ?? '',
    attachments,
  })
    .compile()
    .build();
}

/**
 * `paraphe send`: writes a message like a mail client would and submits it to the local SMTP
 * listener, so a quickstart or a demo needs no mail client. Cc recipients are envelope
 * recipients too; the sender is the envelope sender (what the filter checks against mailboxes).
 */
export function registerMailCommands(program: Command, deps: CliDeps): void {
  const { io } = deps;
  program
    .command('send')
    .description('submit a message to the local mail filter (quickstart, demos)')
    .requiredOption('--from <address>', 'sender (a customer mailbox for *SIGN requests)')
    .requiredOption('--to <address>', 'recipient (repeatable)', collect, [])
    .option('--cc <address>', 'copy recipient (repeatable)', collect, [])
    .requiredOption('--subject <text>', 'subject; include *SIGN to ask for signatures')
    .option('--attach <file>', 'file to attach, e.g. a PDF (repeatable)', collect, [])
    .option('--body <text>', 'message text')
    .option('--server <host:port>', 'SMTP listener (default: PARAPHE_MAIL_HOST:PARAPHE_SMTP_PORT)')
    .action(async (options: SendOptions) => {
      try {
        parseArguments(SendArgs, {
          '--from': options.from,
          '--to': options.to,
          '--cc': options.cc,
          '--attach': options.attach,
          '--server': options.server,
        });
        const config = deps.getConfig();
        const [host, port] = options.server
          ? [options.server.replace(/:\d+$/, ''), Number(options.server.split(':').pop())]
          : [config.mail.host === '0.0.0.0' ? '127.0.0.1' : config.mail.host, config.mail.smtpPort];
        const raw = await composeMessage(options);
        const recipients = [...options.to, ...options.cc];
        const results = await sendSmtp({
          host,
          port,
          from: options.from,
          to: recipients,
          body: raw,
          sizeBytes: raw.byteLength,
          is8BitMime: true,
        });
        const refused = results.filter((r) => !r.isAccepted);
        if (refused.length > 0)
          throw new AppError(
            'MAIL_RELAY_REJECTED',
            `refused: ${refused.map((r) => `${r.address} ${r.code} ${r.message}`).join('; ')}`,
          );
        io.out(`sent to ${recipients.join(', ')} (${raw.byteLength} bytes) via ${host}:${port}\n`);
      } catch (error) {
        if (error instanceof Error && error.name === 'SmtpClientError')
          reportAndExit(
            io,
            new AppError(
              'MAIL_RELAY_UNAVAILABLE',
              `the mail filter did not take the message: ${error.message}`,
            ),
          );
        reportAndExit(io, error);
      }
    });
}
