import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '../shared/errors.js';
import { loadConfig } from './index.js';

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (isAppError(error, 'CONFIG_INVALID')) return error.message;
    throw error;
  }
  return '';
}

describe('blob store configuration', () => {
  it('keeps blobs on the local disk by default', () => {
    const { blobs } = loadConfig({}, '/srv/paraphe');
    assert.equal(blobs.store, 'fs');
    assert.equal(blobs.dir, '/srv/paraphe/data/blobs');
    assert.equal(blobs.hasFsFallback, false);
  });

  it('shapes the S3 settings, with one slash after the prefix whatever was typed', () => {
    const { blobs } = loadConfig(
      {
        PARAPHE_BLOB_STORE: 's3',
        PARAPHE_S3_BUCKET: 'paraphe-prod',
        PARAPHE_S3_PREFIX: '/paraphe/blobs/',
        PARAPHE_S3_ENDPOINT: 'https://s3.gra.io.cloud.ovh.net',
        PARAPHE_S3_REGION: 'gra',
        PARAPHE_S3_PART_SIZE_MB: '8',
        PARAPHE_S3_SSE: 'aws:kms',
        PARAPHE_S3_SSE_KMS_KEY_ID: 'key-1',
      },
      '/srv/paraphe',
    );
    assert.equal(blobs.store, 's3');
    assert.equal(blobs.s3.prefix, 'paraphe/blobs/');
    assert.equal(blobs.s3.partSizeBytes, 8 * 1024 * 1024);
    assert.equal(blobs.s3.forcePathStyle, false);
    assert.equal(blobs.s3.spoolDir, '/srv/paraphe/data/s3-spool');
    assert.equal(loadConfig({ PARAPHE_S3_PREFIX: '' }).blobs.s3.prefix, '');
  });

  it('lists every inconsistent S3 setting at once', () => {
    const message = problemsOf({
      PARAPHE_BLOB_STORE: 's3',
      PARAPHE_S3_ACCESS_KEY_ID: 'AKIA',
      PARAPHE_S3_SSE: 'AES256',
      PARAPHE_S3_SSE_KMS_KEY_ID: 'key-1',
    });
    for (const expected of [
      /PARAPHE_S3_BUCKET: required/,
      /PARAPHE_S3_SECRET_ACCESS_KEY: set both/,
      /PARAPHE_S3_SSE_KMS_KEY_ID: needs PARAPHE_S3_SSE=aws:kms/,
    ])
      assert.match(message, expected);
  });

  it('refuses a fallback without S3, a bad bucket name and a part smaller than S3 allows', () => {
    const message = problemsOf({
      PARAPHE_BLOBS_FS_FALLBACK: '1',
      PARAPHE_S3_BUCKET: 'Not_A_Bucket',
      PARAPHE_S3_PART_SIZE_MB: '4',
    });
    assert.match(message, /PARAPHE_S3_BUCKET: must be an S3 bucket name/);
    assert.match(message, /PARAPHE_S3_PART_SIZE_MB/);
    // Cross-checks run once each variable is valid on its own.
    assert.match(
      problemsOf({ PARAPHE_BLOBS_FS_FALLBACK: '1' }),
      /PARAPHE_BLOBS_FS_FALLBACK: only meaningful/,
    );
  });
});
