/** A point normalised to the pad (0..1 on both axes), so strokes survive any resize or rotation. */
interface Point {
  x: number;
  y: number;
}
type Stroke = Point[];

/** Ink needed (total stroke length, in pad widths) before a drawing counts as a signature. */
const MIN_INK = 0.6;
const MIN_POINTS = 12;

/**
 * The drawing pad: pointer events (mouse, finger, pen), strokes smoothed with quadratic curves
 * through midpoints, undo/redo, and redraw from normalised points on every resize.
 */
export class SignaturePad {
  private strokes: Stroke[] = [];
  private undone: Stroke[] = [];
  private current: Stroke | null = null;
  private readonly ctx: CanvasRenderingContext2D;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly onChange: () => void,
  ) {
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2d canvas');
    this.ctx = ctx;
    canvas.addEventListener('pointerdown', (e) => this.down(e));
    canvas.addEventListener('pointermove', (e) => this.move(e));
    canvas.addEventListener('pointerup', () => this.up());
    canvas.addEventListener('pointercancel', () => this.up());
    new ResizeObserver(() => this.resize()).observe(canvas);
    this.resize();
  }

  private point(e: PointerEvent): Point {
    const r = this.canvas.getBoundingClientRect();
    return { x: (e.clientX - r.left) / r.width, y: (e.clientY - r.top) / r.height };
  }

  private down(e: PointerEvent): void {
    e.preventDefault();
    this.canvas.setPointerCapture(e.pointerId);
    this.current = [this.point(e)];
    this.strokes.push(this.current);
    this.undone = [];
    this.redraw();
  }

  private move(e: PointerEvent): void {
    if (!this.current) return;
    e.preventDefault();
    const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [e];
    for (const ev of events.length > 0 ? events : [e]) this.current.push(this.point(ev));
    this.redraw();
  }

  private up(): void {
    if (!this.current) return;
    this.current = null;
    this.onChange();
  }

  private resize(): void {
    const r = this.canvas.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.max(1, Math.round(r.width * dpr));
    this.canvas.height = Math.max(1, Math.round(r.height * dpr));
    this.redraw();
  }

  private redraw(): void {
    drawStrokes(
      this.ctx,
      this.strokes,
      this.canvas.width,
      this.canvas.height,
      Math.max(2, this.canvas.width / 220),
    );
  }

  undo(): void {
    const s = this.strokes.pop();
    if (s) this.undone.push(s);
    this.redraw();
    this.onChange();
  }

  redo(): void {
    const s = this.undone.pop();
    if (s) this.strokes.push(s);
    this.redraw();
    this.onChange();
  }

  clear(): void {
    this.undone = [...this.strokes.reverse()];
    this.strokes = [];
    this.redraw();
    this.onChange();
  }

  /** Enough ink to be a signature (a dot or a short dash is not). */
  hasEnoughInk(): boolean {
    let length = 0;
    let points = 0;
    const aspect = this.canvas.height / Math.max(1, this.canvas.width);
    for (const s of this.strokes) {
      points += s.length;
      for (let i = 1; i < s.length; i++) {
        const a = s[i - 1] as Point;
        const b = s[i] as Point;
        length += Math.hypot(b.x - a.x, (b.y - a.y) * aspect);
      }
    }
    return length >= MIN_INK && points >= MIN_POINTS;
  }

  isEmpty(): boolean {
    return this.strokes.length === 0;
  }

  /** The drawing as a transparent PNG of a fixed size, whatever the screen. */
  toPng(width: number, height: number): string {
    const out = document.createElement('canvas');
    out.width = width;
    out.height = height;
    const ctx = out.getContext('2d');
    if (!ctx) throw new Error('no 2d canvas');
    // Thicker than on screen: the image is shrunk to a stamp of ~150 pt.
    drawStrokes(ctx, this.strokes, width, height, width / 90);
    return inkOnly(out);
  }
}

/**
 * The canvas cropped to its ink plus a small margin, as a PNG: the placed stamp then previews
 * what the server stores (it crops the same way, whatever it receives) and the signature fills
 * its box instead of the pad's empty space. The whole canvas when nothing is drawn.
 */
export function inkOnly(canvas: HTMLCanvasElement): string {
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2d canvas');
  const { width, height } = canvas;
  const alpha = ctx.getImageData(0, 0, width, height).data;
  let left = width;
  let top = height;
  let right = -1;
  let bottom = -1;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      if ((alpha[(y * width + x) * 4 + 3] ?? 0) >= 32) {
        if (x < left) left = x;
        if (x > right) right = x;
        if (y < top) top = y;
        if (y > bottom) bottom = y;
      }
  if (right < 0) return canvas.toDataURL('image/png');
  const margin = Math.max(2, Math.round(Math.min(right - left + 1, bottom - top + 1) * 0.04));
  const x = Math.max(0, left - margin);
  const y = Math.max(0, top - margin);
  const out = document.createElement('canvas');
  out.width = Math.min(width, right + 1 + margin) - x;
  out.height = Math.min(height, bottom + 1 + margin) - y;
  out.getContext('2d')?.drawImage(canvas, x, y, out.width, out.height, 0, 0, out.width, out.height);
  return out.toDataURL('image/png');
}

const INK = '#0b1f5c';

function drawStrokes(
  ctx: CanvasRenderingContext2D,
  strokes: Stroke[],
  w: number,
  h: number,
  lineWidth: number,
): void {
  ctx.clearRect(0, 0, w, h);
  ctx.strokeStyle = INK;
  ctx.fillStyle = INK;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.lineWidth = lineWidth;
  for (const s of strokes) {
    const first = s[0];
    if (!first) continue;
    if (s.length === 1) {
      ctx.beginPath();
      ctx.arc(first.x * w, first.y * h, ctx.lineWidth / 2, 0, Math.PI * 2);
      ctx.fill();
      continue;
    }
    ctx.beginPath();
    ctx.moveTo(first.x * w, first.y * h);
    for (let i = 1; i < s.length - 1; i++) {
      const p = s[i] as Point;
      const n = s[i + 1] as Point;
      ctx.quadraticCurveTo(p.x * w, p.y * h, ((p.x + n.x) / 2) * w, ((p.y + n.y) / 2) * h);
    }
    const last = s[s.length - 1] as Point;
    ctx.lineTo(last.x * w, last.y * h);
    ctx.stroke();
  }
}

/** A typed name in the handwriting font, fitted to a canvas of the image's size. */
export function typedSignatureCanvas(
  name: string,
  o: { width: number; height: number; font: string },
): HTMLCanvasElement {
  const out = document.createElement('canvas');
  out.width = o.width;
  out.height = o.height;
  const ctx = out.getContext('2d');
  if (!ctx) throw new Error('no 2d canvas');
  let size = o.height * 0.5;
  ctx.font = `${size}px "${o.font}"`;
  while (size > 10 && ctx.measureText(name).width > o.width * 0.92) {
    size -= 2;
    ctx.font = `${size}px "${o.font}"`;
  }
  ctx.fillStyle = INK;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(name, o.width / 2, o.height * 0.55);
  return out;
}

/** A typed name in the handwriting font, fitted to the image. */
export function typedSignaturePng(name: string, width: number, height: number, font: string): string {
  return typedSignatureCanvas(name, { width, height, font }).toDataURL('image/png');
}
