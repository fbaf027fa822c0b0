import type { BlobStore } from '../../blobs/index.js';
import type { Db } from '../../db/index.js';
import type { Clock } from '../../shared/clock.js';
import type { Ids } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import { listOutgoingMail } from '../outbound/index.js';
import { type FilterResult, filterMessage } from './filter-message.js';
import { type MailListener, startMailListener } from './listener.js';
import { devMailboxNextHop, type NextHop, relayNextHop } from './next-hop.js';
import type { SignRequestHandler } from './sign-request-port.js';

/** The `mail` section of the configuration (PARAPHE_MAIL_*, PARAPHE_LMTP_PORT, …). */
export interface MailRoleConfig {
  host: string;
  lmtpPort: number;
  smtpPort: number;
  relayUrl?: string | undefined;
  allowedClients: string[];
  maxBytes: number;
  hostname?: string | undefined;
  signMarker: string;
}

export interface MailRoleContext {
  mail: MailRoleConfig;
  db: Db;
  blobs: BlobStore;
  clock: Clock;
  ids: Ids;
  logger: Logger;
  handleSignRequest: SignRequestHandler;
  /**
   * When given, the copies of a new envelope (or the reply to the sender of a refused request) are
   * sent at once after the transaction committed (the 'mail.deliver' jobs remain the guarantee;
   * the outbox claim keeps the two from doubling).
   * Never throws: see the outbox's `deliverNow`.
   */
  deliverNow?: (outboxId: string) => Promise<void>;
  /** Called after each message with what was decided and how long it took (metrics). */
  onFiltered?: (event: { kind: FilterResult['kind']; replyCodes: number[]; durationMs: number }) => void;
  /** Overrides the next hop chosen from the config (tests, benches). */
  nextHop?: NextHop;
}

export interface MailRole {
  lmtpPort: number;
  smtpPort: number;
  /** Graceful: stops accepting, lets transactions in progress finish. */
  stop(): Promise<void>;
}

/**
 * The mail role: the LMTP listener (Postfix content_filter) and the SMTP listener (other MTAs,
 * `paraphe send`), both in front of the same filter.
 */
export async function startMailRole(ctx: MailRoleContext): Promise<MailRole> {
  const logger = ctx.logger.child({ role: 'mail' });
  const nextHop =
    ctx.nextHop ?? (ctx.mail.relayUrl ? relayNextHop(ctx.mail.relayUrl) : devMailboxNextHop(ctx));
  const immediate = new Set<Promise<void>>();
  const deliverCopies = async (envelopeId: string) => {
    const deliver = ctx.deliverNow;
    if (!deliver) return;
    const pending = (await listOutgoingMail(ctx.db, { envelopeId })).filter((e) => e.status === 'queued');
    await Promise.all(pending.map((entry) => deliver(entry.id)));
  };
  const handleSignRequest: SignRequestHandler = async (input) => {
    const outcome = await ctx.handleSignRequest(input);
    // The sender of a refused request is waiting for the reply as much as signers for their copy.
    const attempt =
      outcome.outcome !== 'refused'
        ? deliverCopies(outcome.envelopeId)
        : outcome.replyOutboxId && ctx.deliverNow
          ? ctx.deliverNow(outcome.replyOutboxId)
          : null;
    if (attempt) {
      const tracked = attempt.catch((error: unknown) =>
        logger.warn({ err: error }, 'immediate delivery failed'),
      );
      immediate.add(tracked);
      void tracked.finally(() => immediate.delete(tracked));
    }
    return outcome;
  };
  const filter = async (message: Parameters<typeof filterMessage>[1]) => {
    const started = performance.now();
    const result = await filterMessage(
      {
        db: ctx.db,
        clock: ctx.clock,
        logger,
        nextHop,
        handleSignRequest,
        signMarker: ctx.mail.signMarker,
        maxBytes: ctx.mail.maxBytes,
      },
      message,
    );
    ctx.onFiltered?.({
      kind: result.kind,
      replyCodes: result.replies.map((r) => r.code),
      durationMs: performance.now() - started,
    });
    return result;
  };
  const common = {
    host: ctx.mail.host,
    allowedClients: ctx.mail.allowedClients,
    maxBytes: ctx.mail.maxBytes,
    hostname: ctx.mail.hostname,
    clock: ctx.clock,
    logger,
    filter,
  };
  const listeners: MailListener[] = [];
  try {
    listeners.push(await startMailListener({ ...common, isLmtp: true, port: ctx.mail.lmtpPort }));
    listeners.push(await startMailListener({ ...common, isLmtp: false, port: ctx.mail.smtpPort }));
  } catch (error) {
    await Promise.allSettled(listeners.map((l) => l.close()));
    throw error;
  }
  const [lmtp, smtp] = listeners as [MailListener, MailListener];
  return {
    lmtpPort: lmtp.port,
    smtpPort: smtp.port,
    async stop() {
      await Promise.all(listeners.map((l) => l.close()));
      await Promise.allSettled([...immediate]);
      if (!ctx.nextHop) await nextHop.close?.();
    },
  };
}
