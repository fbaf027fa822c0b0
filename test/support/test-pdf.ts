import { PDFDocument, StandardFonts } from 'pdf-lib';

/** A small valid PDF (A4 pages with a line of text), optionally padded to about `minBytes`. */
export async function makeTestPdf(
  options: { pages?: number; title?: string; minBytes?: number } = {},
): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < (options.pages ?? 1); i++) {
    const page = doc.addPage([595, 842]);
    page.drawText(`${options.title ?? 'Contrat'} — page ${i + 1}`, { x: 72, y: 770, size: 14, font });
  }
  if (options.minBytes) {
    // Incompressible filler in an attached file stream, so the size is real on the wire.
    const filler = new Uint8Array(options.minBytes);
    let x = 0x12345678;
    for (let i = 0; i < filler.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      filler[i] = x & 0xff;
    }
    await doc.attach(filler, 'annexe.bin', { mimeType: 'application/octet-stream' });
  }
  return doc.save();
}
