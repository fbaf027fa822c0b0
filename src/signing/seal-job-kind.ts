export const SEAL_JOB = 'signing.seal';
