import { PDFDocument, StandardFonts } from 'pdf-lib';

/**
 * A plain A4 PDF with a title per page (and optional filler bytes to reach a size), for the
 * signing flow's tests and benchmarks.
 */
export async function makeTestPdf(options: {
  pages: number;
  title?: string;
  padToBytes?: number;
}): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= options.pages; i++) {
    const page = doc.addPage([595.28, 841.89]);
    page.drawText(`${options.title ?? 'Contrat de test'} - page ${i}`, { x: 60, y: 780, size: 20, font });
    for (let line = 0; line < 30; line++)
      page.drawText(`Clause ${i}.${line + 1} : texte de remplissage pour une page réaliste.`, {
        x: 60,
        y: 740 - line * 20,
        size: 11,
        font,
      });
  }
  if (options.padToBytes) {
    const current = (await doc.save()).length;
    // Incompressible filler in an attached file, so the PDF weighs what the benchmark asks.
    const missing = Math.max(0, options.padToBytes - current - 2048);
    const filler = new Uint8Array(missing);
    let x = 2463534242;
    for (let i = 0; i < missing; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      filler[i] = x & 0xff;
    }
    await doc.attach(filler, 'annexe.bin', { mimeType: 'application/octet-stream' });
  }
  return doc.save();
}
