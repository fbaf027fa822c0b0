import type { Env } from './schema.js';

/**
 * Problems no single variable shows: an S3 store without a bucket, half a key pair, a KMS key
 * without KMS. Reported with the others so an operator fixes the whole setting in one go.
 */
export function blobStoreProblems(env: Env): string[] {
  const problems: string[] = [];
  const isS3 = env.PARAPHE_BLOB_STORE === 's3';
  if (isS3 && env.PARAPHE_S3_BUCKET === undefined)
    problems.push('PARAPHE_S3_BUCKET: required when PARAPHE_BLOB_STORE=s3');
  if (!isS3 && env.PARAPHE_BLOBS_FS_FALLBACK)
    problems.push('PARAPHE_BLOBS_FS_FALLBACK: only meaningful with PARAPHE_BLOB_STORE=s3');
  if ((env.PARAPHE_S3_ACCESS_KEY_ID === undefined) !== (env.PARAPHE_S3_SECRET_ACCESS_KEY === undefined))
    problems.push(
      'PARAPHE_S3_ACCESS_KEY_ID, PARAPHE_S3_SECRET_ACCESS_KEY: set both, or neither (the SDK credential chain)',
    );
  if (env.PARAPHE_S3_SSE_KMS_KEY_ID !== undefined && env.PARAPHE_S3_SSE !== 'aws:kms')
    problems.push('PARAPHE_S3_SSE_KMS_KEY_ID: needs PARAPHE_S3_SSE=aws:kms');
  return problems;
}
