import type { Readable } from 'node:stream';
import { findSenderMailbox, type SenderMailbox } from '../../accounts/index.js';
import type { Queryable } from '../../db/index.js';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import { type DsnParams, SmtpClientError, type SmtpRecipientResult } from '../outbound/index.js';
import { decodedSubject, findHeaderEnd, hasSignMarker } from './headers.js';
import type { NextHop } from './next-hop.js';
import type { SignRequestHandler } from './sign-request-port.js';

/** One mail transaction as the listener received it; `stream` is the DATA content. */
export interface IncomingMessage {
  mailFrom: string;
  recipients: string[];
  dsn?: DsnParams;
  /** Postfix's queue id (XFORWARD IDENT), the retry-stable half of the dedupe key. */
  queueId?: string;
  is8BitMime: boolean;
  isSmtpUtf8: boolean;
  declaredSizeBytes?: number;
  /** What the MTA told us about the original client (XFORWARD), passed on to the next hop. */
  xforward?: Record<string, string>;
  stream: Readable;
  receivedAt: Date;
}

/** The reply for one recipient (LMTP) or, when all are equal, for the transaction (SMTP). */
export interface RecipientReply {
  code: number;
  message: string;
}

export interface FilterResult {
  kind: 'pass' | 'sign' | 'too-large';
  replies: RecipientReply[];
}

export interface FilterDeps {
  db: Queryable;
  clock: Clock;
  logger: Logger;
  nextHop: NextHop;
  handleSignRequest: SignRequestHandler;
  signMarker: string;
  maxBytes: number;
  /** A header longer than this is not read further: the message passes through. */
  maxHeaderBytes?: number;
}

const TEMPORARY = (why: string): RecipientReply => ({ code: 451, message: `4.3.0 ${why}, try again later` });

/** Reads the stream up to the end of the header (or `limit` bytes), then pauses it. */
function readHead(
  stream: Readable,
  limit: number,
): Promise<{ chunks: Buffer[]; head: Buffer; hasEnded: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      const joined = chunks.length === 1 ? chunk : Buffer.concat(chunks);
      const end = findHeaderEnd(joined);
      if (end !== -1 || size >= limit) {
        stream.pause();
        cleanup();
        resolve({ chunks, head: end === -1 ? joined : joined.subarray(0, end), hasEnded: false });
      }
    };
    const onEnd = () => {
      cleanup();
      resolve({ chunks, head: Buffer.concat(chunks), hasEnded: true });
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
  });
}

/**
 * The body for the next hop: the chunks already read, then the rest of the paused stream pulled
 * with read() as the next hop takes it (backpressure, no extra stream in between), counting bytes.
 * Past `maxBytes` nothing more is handed on and the iteration ends with an error once the source
 * ended, so the next hop never sees the final dot and keeps nothing. `drain()` consumes whatever
 * the next hop did not take (it failed first), so the SMTP session can answer.
 */
function continueBody(input: { stream: Readable; chunks: Buffer[]; hasEnded: boolean; maxBytes: number }) {
  const { stream } = input;
  let count = 0;
  let isTooLarge = false;
  // A short message can end while the sender is looked up: 'end' has then fired already.
  let hasEnded = input.hasEnded || stream.readableEnded;
  let failure: Error | null = null;
  let wake: () => void = () => {};
  const onReadable = () => wake();
  const onEnd = () => {
    hasEnded = true;
    wake();
  };
  const onError = (error: Error) => {
    failure = error;
    wake();
  };
  stream.on('readable', onReadable);
  stream.once('end', onEnd);
  stream.once('error', onError);
  const take = (chunk: Buffer): Buffer | null => {
    count += chunk.length;
    if (count > input.maxBytes) isTooLarge = true;
    return isTooLarge ? null : chunk;
  };
  async function* body(): AsyncGenerator<Uint8Array> {
    for (const chunk of input.chunks) {
      const kept = take(chunk);
      if (kept) yield kept;
    }
    for (;;) {
      for (
        let chunk = stream.read() as Buffer | null;
        chunk !== null;
        chunk = stream.read() as Buffer | null
      ) {
        const kept = take(chunk);
        if (kept) yield kept;
      }
      if (hasEnded || failure) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    if (failure) throw failure;
    if (isTooLarge) throw new AppError('MAIL_TOO_LARGE', `message larger than ${input.maxBytes} bytes`);
  }
  const drain = async () => {
    stream.off('readable', onReadable);
    if (hasEnded || failure) return;
    await new Promise<void>((resolve) => {
      stream.once('end', resolve);
      stream.once('error', () => resolve());
      stream.resume();
    });
  };
  return { body: body(), drain, isTooLarge: () => isTooLarge };
}

/** Buffers the rest of a paused stream, up to `maxBytes` (then drains and reports null). */
function collectRest(input: {
  stream: Readable;
  chunks: Buffer[];
  hasEnded: boolean;
  maxBytes: number;
}): Promise<Buffer | null> {
  const chunks = [...input.chunks];
  let size = chunks.reduce((n, c) => n + c.length, 0);
  // A short message can end while the sender is looked up: 'end' has then fired already.
  if (input.hasEnded || input.stream.readableEnded)
    return Promise.resolve(size > input.maxBytes ? null : Buffer.concat(chunks));
  return new Promise((resolve, reject) => {
    input.stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= input.maxBytes) chunks.push(chunk);
      else chunks.length = 0;
    });
    input.stream.once('end', () => resolve(size > input.maxBytes ? null : Buffer.concat(chunks)));
    input.stream.once('error', reject);
    input.stream.resume();
  });
}

function repliesFromNextHop(results: SmtpRecipientResult[]): RecipientReply[] {
  return results.map((r) =>
    r.isAccepted
      ? { code: 250, message: '2.0.0 Ok: passed on' }
      : r.code >= 500
        ? { code: r.code, message: r.message }
        : TEMPORARY(`next hop: ${r.code} ${r.message.split('\n')[0] ?? ''}`),
  );
}

/**
 * Whether this is a signature request: the marker in the decoded Subject, from a customer's
 * mailbox. A mailbox whose subscription ended is still one: passing its *SIGN through would deliver
 * a request with nothing to click, so the use case answers the sender instead.
 */
async function signingSender(
  deps: FilterDeps,
  message: IncomingMessage,
  head: Buffer,
): Promise<SenderMailbox | null> {
  if (message.mailFrom === '' || !hasSignMarker(decodedSubject(head), deps.signMarker)) return null;
  return findSenderMailbox(deps.db, { address: message.mailFrom, now: deps.clock.now() });
}

/**
 * Decides what one incoming message is from its header alone, then either streams it unchanged to
 * the next hop (same envelope, DSN parameters passed on) or hands the buffered message to the
 * signature-request use case. Returns one reply per recipient; a 250 is only ever returned once the
 * outcome is durable (next hop accepted, or the use case committed). Never throws: our faults and
 * the next hop's temporary failures become 451 so the MTA keeps the message and retries.
 */
export async function filterMessage(deps: FilterDeps, message: IncomingMessage): Promise<FilterResult> {
  const all = (reply: RecipientReply) => message.recipients.map(() => reply);
  const read = await readHead(message.stream, deps.maxHeaderBytes ?? 256 * 1024);
  let sender: SenderMailbox | null;
  try {
    sender = await signingSender(deps, message, read.head);
  } catch (error) {
    deps.logger.error(
      { err: error, from: message.mailFrom, queueId: message.queueId },
      'sender lookup failed',
    );
    message.stream.resume();
    return { kind: 'pass', replies: all(TEMPORARY('sender lookup failed')) };
  }

  if (sender) {
    const raw = await collectRest({ ...read, stream: message.stream, maxBytes: deps.maxBytes });
    if (raw === null) return { kind: 'too-large', replies: all(tooLarge(deps.maxBytes)) };
    try {
      const outcome = await deps.handleSignRequest({
        raw,
        mailFrom: message.mailFrom,
        recipients: message.recipients,
        ...(message.queueId ? { queueId: message.queueId } : {}),
        ...(message.dsn ? { dsn: message.dsn } : {}),
        sender,
        receivedAt: message.receivedAt,
      });
      deps.logger.info(
        {
          from: message.mailFrom,
          queueId: message.queueId,
          recipients: message.recipients.length,
          ...outcome,
        },
        'signature request handled',
      );
      const text =
        outcome.outcome === 'refused'
          ? '2.0.0 Ok: not a valid signature request, the sender was told why'
          : `2.0.0 Ok: signature request ${outcome.envelopeId}`;
      return { kind: 'sign', replies: all({ code: 250, message: text }) };
    } catch (error) {
      deps.logger.error(
        { err: error, from: message.mailFrom, queueId: message.queueId },
        'signature request failed',
      );
      return { kind: 'sign', replies: all(TEMPORARY('signature request not stored')) };
    }
  }

  const flow = continueBody({ ...read, stream: message.stream, maxBytes: deps.maxBytes });
  try {
    const results = await deps.nextHop.forward({
      from: message.mailFrom,
      to: message.recipients,
      body: flow.body,
      ...(message.declaredSizeBytes !== undefined ? { sizeBytes: message.declaredSizeBytes } : {}),
      ...(message.dsn ? { dsn: message.dsn } : {}),
      is8BitMime: message.is8BitMime,
      isSmtpUtf8: message.isSmtpUtf8,
      ...(message.xforward ? { xforward: message.xforward } : {}),
    });
    await flow.drain();
    if (flow.isTooLarge()) return { kind: 'too-large', replies: all(tooLarge(deps.maxBytes)) };
    return { kind: 'pass', replies: repliesFromNextHop(results) };
  } catch (error) {
    await flow.drain();
    if (flow.isTooLarge()) return { kind: 'too-large', replies: all(tooLarge(deps.maxBytes)) };
    const code = error instanceof SmtpClientError ? error.code : 0;
    deps.logger.warn({ err: error, from: message.mailFrom, queueId: message.queueId }, 'next hop failed');
    if (code >= 500)
      return {
        kind: 'pass',
        replies: all({ code, message: `5.0.0 next hop: ${error instanceof Error ? error.message : ''}` }),
      };
    return { kind: 'pass', replies: all(TEMPORARY('next hop unavailable')) };
  }
}

/** The refusal of a message over the size limit (RFC 3463 5.3.4: too big for the system). */
export function tooLarge(maxBytes: number): RecipientReply {
  return { code: 552, message: `5.3.4 message larger than ${maxBytes} bytes` };
}
