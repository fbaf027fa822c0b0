export { countJobs, getJob, listJobs, retryJob } from './admin.js';
export { DEFAULT_MAX_ATTEMPTS, type EnqueueJobInput, enqueueJob } from './enqueue-job.js';
export type { JobContext, JobDefinition, JobRecord, JobSchedule, JobStatus } from './types.js';
export { defineJob, JobDeferral } from './types.js';
export { createWorker, defaultBackoffMs, type Worker, type WorkerOptions } from './worker.js';
