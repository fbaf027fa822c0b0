import qrcode from 'qrcode-generator';
import { num } from '../core/text.js';

/** Dark modules of the QR code for `text` (rows top to bottom), medium error correction. */
export function qrModules(text: string): boolean[][] {
  const qr = qrcode(0, 'M');
  // Byte mode takes one character per byte: the UTF-8 bytes, whatever characters the URL holds.
  qr.addData(String.fromCharCode(...new TextEncoder().encode(text)), 'Byte');
  qr.make();
  const count = qr.getModuleCount();
  return Array.from({ length: count }, (_, row) =>
    Array.from({ length: count }, (_, col) => qr.isDark(row, col)),
  );
}

/**
 * Content-stream operators that fill the dark modules as rectangles (one per horizontal run), the
 * top-left corner at (x, top) in PDF user space: vector, sharp at any zoom and in print, no image.
 */
export function qrDrawing(o: { modules: boolean[][]; x: number; top: number; moduleSize: number }): string {
  const ops: string[] = ['q 0 0 0 rg'];
  o.modules.forEach((row, r) => {
    let start = -1;
    for (let c = 0; c <= row.length; c++) {
      const isDark = c < row.length && row[c] === true;
      if (isDark && start === -1) start = c;
      if (!isDark && start !== -1) {
        ops.push(
          `${num(o.x + start * o.moduleSize)} ${num(o.top - (r + 1) * o.moduleSize)} ${num((c - start) * o.moduleSize)} ${num(o.moduleSize)} re`,
        );
        start = -1;
      }
    }
  });
  ops.push('f Q');
  return `${ops.join('\n')}\n`;
}
