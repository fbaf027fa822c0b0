import { createHash } from 'node:crypto';
import type { PDFRef } from 'pdf-lib';
import { AppError } from '../../shared/errors.js';
import type { PdfEdit } from '../core/edit.js';
import { writeUpdate } from '../core/writer.js';

/** Room for `[a b c d]` written after the output's length is known (four 10-digit numbers + spaces). */
const BYTE_RANGE_SLOT = 4 * 11;

/** A signature dictionary laid out as bytes, with the places the byte range and /Contents go. */
export interface SignatureDictionary {
  body: Uint8Array;
  byteRangeAt: number;
  contentsAt: number;
  /** Bytes reserved for the CMS (the hex string holds twice as many digits). */
  size: number;
}

/**
 * Lays out a signature dictionary (`/Type /Sig` or `/DocTimeStamp`) from its entries as PDF text,
 * followed by a blank /ByteRange and a zeroed /Contents of `size` bytes.
 */
export function signatureDictionary(entries: string, size: number): SignatureDictionary {
  const head = `<< ${entries} /ByteRange [`;
  const middle = `${' '.repeat(BYTE_RANGE_SLOT)}] /Contents `;
  const text = `${head}${middle}<${'0'.repeat(size * 2)}> >>`;
  return {
    body: Buffer.from(text, 'latin1'),
    byteRangeAt: head.length,
    contentsAt: head.length + middle.length,
    size,
  };
}

export interface SignedUpdate {
  /** The original bytes followed by the update, signature in place. */
  output: Buffer;
  byteRange: number[];
  /** Hex SHA-256 of the whole output. */
  sha256: string;
  /** The CMS as written (unpadded). */
  contents: Uint8Array;
}

/**
 * Writes the edit's objects and the signature dictionary as one incremental update after the
 * original bytes (never changed), fills the byte range, and has `sign` produce the CMS over the
 * SHA-256 of the signed ranges. Shared by the seal and the document timestamp, which differ only
 * in their dictionary and in who signs.
 */
export async function writeSignedUpdate(o: {
  edit: PdfEdit;
  signatureRef: PDFRef;
  dictionary: SignatureDictionary;
  sign: (digest: Uint8Array) => Promise<Uint8Array>;
}): Promise<SignedUpdate> {
  const { edit, dictionary } = o;
  const pdf = edit.pdf;
  const update = writeUpdate({
    pdf,
    objects: edit.objectsToWrite(new Map([[o.signatureRef.objectNumber, dictionary.body]])),
    isRepair: edit.isRepair,
  });
  const original = pdf.bytes;
  const output = Buffer.allocUnsafe(original.length + update.bytes.length);
  output.set(original, 0);
  output.set(update.bytes, original.length);
  const body = update.bodyOffsets.get(o.signatureRef.objectNumber) as number;
  const contentsStart = body + dictionary.contentsAt;
  const contentsEnd = contentsStart + 2 + dictionary.size * 2;
  const byteRange = [0, contentsStart, contentsEnd, output.length - contentsEnd];
  const byteRangeText = byteRange.join(' ');
  if (byteRangeText.length > BYTE_RANGE_SLOT) throw new Error('byte range does not fit its slot');
  output.write(byteRangeText.padEnd(BYTE_RANGE_SLOT, ' '), body + dictionary.byteRangeAt, 'latin1');

  // One pass over the bytes for both digests: the state after the first range is forked, and
  // the whole-file hash resumes from it once the signature is in place.
  const prefixHash = createHash('sha256').update(output.subarray(0, contentsStart));
  const fileHash = prefixHash.copy();
  const digest = prefixHash.update(output.subarray(contentsEnd)).digest();
  const contents = await o.sign(new Uint8Array(digest));
  if (contents.length > dictionary.size) {
    throw new AppError(
      'PDF_SIGNATURE_TOO_LARGE',
      `CMS of ${contents.length} bytes exceeds the ${dictionary.size}-byte placeholder`,
      { details: { cmsBytes: contents.length, reservedBytes: dictionary.size } },
    );
  }
  output.write(Buffer.from(contents).toString('hex'), contentsStart + 1, 'latin1');
  return {
    output,
    byteRange,
    sha256: fileHash.update(output.subarray(contentsStart)).digest('hex'),
    contents,
  };
}
