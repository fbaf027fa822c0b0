import type { MailAddress } from './types.js';

export interface SignerChoice {
  /** In turn order: To then Cc, header order, first occurrence kept, sender left out. */
  signers: MailAddress[];
  /** Envelope recipients who are not signers (Bcc, or the sender copying themself): no link. */
  otherRecipients: string[];
  /** How many signers the headers name (may exceed `maxSigners`; the caller refuses then). */
  requestedCount: number;
}

/**
 * Who signs, in which order. Pure: the headers say who signs, the SMTP envelope says who gets a
 * copy in this delivery.
 */
export function chooseSigners(input: {
  to: MailAddress[];
  cc: MailAddress[];
  senderAddress: string;
  envelopeRecipients: string[];
}): SignerChoice {
  const sender = input.senderAddress.trim().toLowerCase();
  const seen = new Set<string>([sender]);
  const signers: MailAddress[] = [];
  for (const entry of [...input.to, ...input.cc]) {
    const address = entry.address.trim().toLowerCase();
    if (!address.includes('@') || seen.has(address)) continue;
    seen.add(address);
    signers.push({ address, name: entry.name?.trim() || null });
  }
  const signerSet = new Set(signers.map((s) => s.address));
  const otherRecipients = [...new Set(input.envelopeRecipients.map((r) => r.trim().toLowerCase()))].filter(
    (r) => !signerSet.has(r),
  );
  return { signers, otherRecipients, requestedCount: signers.length };
}
