import { assertSignable, type PdfInspection } from '../../../pdf/index.js';
import { isAppError } from '../../../shared/errors.js';
import { hasMessage } from '../../../shared/i18n/index.js';
import type { AttachedFile } from './analyse-message.js';
import type { SignRequestProblem } from './build-refusal-reply.js';

export interface CheckedDocument {
  file: AttachedFile;
  inspection: PdfInspection;
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/**
 * Every mistake in a *SIGN message at once (so the sender fixes them in one go), and the PDFs that
 * passed. PDFs over the size limit are not inspected.
 */
export async function findProblems(input: {
  files: AttachedFile[];
  signerCount: number;
  maxSigners: number;
  maxAttachmentBytes: number;
  inspectPdf: (pdfBytes: Uint8Array) => Promise<PdfInspection>;
}): Promise<{ problems: SignRequestProblem[]; documents: CheckedDocument[] }> {
  const problems: SignRequestProblem[] = [];
  if (input.signerCount === 0) problems.push({ code: 'SIGN_REQUEST_NO_SIGNER', params: {} });
  if (input.signerCount > input.maxSigners) {
    problems.push({
      code: 'SIGN_REQUEST_TOO_MANY_SIGNERS',
      params: { count: input.signerCount, max: input.maxSigners },
    });
  }
  const documents: CheckedDocument[] = [];
  if (!input.files.some((f) => f.isPdf)) problems.push({ code: 'SIGN_REQUEST_NO_PDF', params: {} });
  for (const file of input.files) {
    if (file.bytes.length > input.maxAttachmentBytes) {
      problems.push({
        code: 'SIGN_REQUEST_ATTACHMENT_TOO_LARGE',
        params: {
          fileName: file.fileName,
          sizeMb: mb(file.bytes.length),
          maxMb: mb(input.maxAttachmentBytes),
        },
      });
      continue;
    }
    if (!file.isPdf) continue;
    let inspection: PdfInspection;
    try {
      inspection = await input.inspectPdf(file.bytes);
      assertSignable(inspection, file.fileName);
    } catch (error) {
      // Our own faults (unavailable, internal) go up: the MTA retries. A parser that throws on a
      // file means the sender's file is unreadable.
      if (isAppError(error) && error.kind !== 'invalid') throw error;
      // Only codes the sender can read a sentence for; anything else reads as "damaged".
      const code = isAppError(error) && hasMessage(`error.${error.code}`) ? error.code : 'PDF_DAMAGED';
      problems.push({ code, params: { fileName: file.fileName } });
      continue;
    }
    documents.push({ file, inspection });
  }
  return { problems, documents };
}
