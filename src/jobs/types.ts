import type { z } from 'zod';
import type { Logger } from '../shared/logger.js';

export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

export interface JobContext {
  jobId: string;
  /** 1 on the first run. */
  attempt: number;
  /** Aborted when the worker is asked to stop: finish quickly or throw, the job will be run again. */
  signal: AbortSignal;
  logger: Logger;
}

/**
 * What a worker knows how to run. The payload is validated with `payloadSchema` before `handle`
 * sees it: a payload that does not parse fails the job at once (retrying cannot fix it).
 */
export interface JobDefinition<Payload = unknown> {
  kind: string;
  payloadSchema: z.ZodType<Payload>;
  handle(payload: Payload, ctx: JobContext): Promise<void>;
}

/**
 * Thrown by a handler that cannot run yet because another process holds what it needs (an outbox
 * row being sent right now): the job goes back to the queue until `runAt`, without counting an
 * attempt or being logged as a failure.
 */
export class JobDeferral extends Error {
  readonly runAt: Date;
  constructor(runAt: Date, reason: string) {
    super(reason);
    this.name = 'JobDeferral';
    this.runAt = runAt;
  }
}

/** Builds a definition with the payload type inferred from its schema. */
export function defineJob<Payload>(definition: JobDefinition<Payload>): JobDefinition<Payload> {
  return definition;
}

/** A job enqueued again every `intervalSeconds` (sweeps, purges). */
export interface JobSchedule {
  name: string;
  kind: string;
  payload: unknown;
  intervalSeconds: number;
}

export interface JobRecord {
  id: string;
  kind: string;
  payload: unknown;
  status: JobStatus;
  attempts: number;
  maxAttempts: number;
  runAt: Date;
  lastError: string | null;
  lockedBy: string | null;
  leaseExpiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}
