import type { Box } from '../core/load.js';

/**
 * A rectangle as the signer saw the page: points, origin at the top-left corner of the displayed
 * page (CropBox after /Rotate), x to the right, y downwards.
 */
export interface VisualRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A PDF transformation matrix [a b c d e f]. */
export type Matrix = [number, number, number, number, number, number];

/** Size of the page as displayed (CropBox, width and height swapped by a quarter turn). */
export function displayedSize(page: { cropBox: Box; rotate: 0 | 90 | 180 | 270 }): {
  width: number;
  height: number;
} {
  const w = page.cropBox[2] - page.cropBox[0];
  const h = page.cropBox[3] - page.cropBox[1];
  return page.rotate === 90 || page.rotate === 270 ? { width: h, height: w } : { width: w, height: h };
}

/**
 * The matrix that maps a stamp drawn upright in its own space ([0 0 width height], y up) onto the
 * page's user space so that it appears at `rect` the right way up once the viewer applies /Rotate
 * (which turns the page clockwise) and crops to the CropBox.
 */
export function stampMatrix(page: { cropBox: Box; rotate: 0 | 90 | 180 | 270 }, rect: VisualRect): Matrix {
  const [llx, lly, urx, ury] = page.cropBox;
  const bottom = rect.y + rect.height; // the stamp's origin is its visual bottom-left corner
  switch (page.rotate) {
    case 90:
      return [0, 1, -1, 0, llx + bottom, lly + rect.x];
    case 180:
      return [-1, 0, 0, -1, urx - rect.x, lly + bottom];
    case 270:
      return [0, -1, 1, 0, urx - bottom, ury - rect.x];
    default:
      return [1, 0, 0, 1, llx + rect.x, ury - bottom];
  }
}
