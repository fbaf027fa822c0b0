import { GlobalWorkerOptions, getDocument, type PDFDocumentProxy, type PDFPageProxy } from 'pdfjs-dist';

GlobalWorkerOptions.workerSrc = '/assets/pdf.worker.min.mjs';

/** A placement in the page's visual coordinates: points, origin top-left of the displayed page. */
export interface Placement {
  documentId: string;
  page: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export const LIMITS = { minWidth: 40, maxWidth: 320, minHeight: 16, maxHeight: 160 };
const DEFAULT = { width: 150, height: 50 };

interface PageView {
  number: number;
  /** Visual size in points (CropBox after /Rotate): pdf.js viewport at scale 1. */
  width: number;
  height: number;
  el: HTMLElement;
  canvas: HTMLCanvasElement;
  overlay: HTMLElement;
  renderedScale: number;
  proxy: PDFPageProxy | null;
}

export interface DocumentViewOptions {
  root: HTMLElement;
  text: (key: string, params?: Record<string, string | number>) => string;
  signatureImage: () => string | null;
  onChange: () => void;
  onNeedSignature: () => void;
}

/**
 * One document: pages rendered by pdf.js (page 1 first, the rest when scrolled near), zoom, and
 * the signer's stamps placed by tap/click, moved by drag or arrows, resized by the handle or
 * Shift+arrows. Coordinates are kept in points, so zoom and rotation only change the drawing.
 */
export class DocumentView {
  readonly documentId: string;
  readonly name: string;
  placements: Placement[] = [];
  private pdf: PDFDocumentProxy | null = null;
  private pages: PageView[] = [];
  private zoom = 1;
  private readonly pagesEl: HTMLElement;
  private readonly observer: IntersectionObserver;

  constructor(private readonly o: DocumentViewOptions) {
    this.documentId = o.root.dataset.docId ?? '';
    this.name = o.root.dataset.name ?? '';
    this.pagesEl = o.root.querySelector('.pages') as HTMLElement;
    this.observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries)
          if (entry.isIntersecting) {
            const page = this.pages.find((p) => p.el === entry.target);
            if (page) void this.render(page);
          }
      },
      { rootMargin: '600px 0px' },
    );
    o.root.querySelector('.zoom-in')?.addEventListener('click', () => this.setZoom(this.zoom * 1.25));
    o.root.querySelector('.zoom-out')?.addEventListener('click', () => this.setZoom(this.zoom / 1.25));
    let lastWidth = 0;
    new ResizeObserver(() => {
      const w = this.pagesEl.clientWidth;
      if (Math.abs(w - lastWidth) > 2) {
        lastWidth = w;
        this.relayout();
      }
    }).observe(this.pagesEl);
  }

  async load(): Promise<void> {
    try {
      this.pdf = await getDocument({ url: this.o.root.dataset.src ?? '', isEvalSupported: false }).promise;
      this.pagesEl.textContent = '';
      const count = this.pdf.numPages;
      for (let n = 1; n <= count; n++) {
        const proxy = await this.pdf.getPage(n);
        const viewport = proxy.getViewport({ scale: 1 });
        const page = this.createPage(n, count, viewport.width, viewport.height);
        page.proxy = proxy;
        this.pages.push(page);
        this.layoutPage(page);
        if (n === 1) void this.render(page);
        this.observer.observe(page.el);
      }
    } catch {
      this.pagesEl.innerHTML = '';
      const p = document.createElement('p');
      p.className = 'error';
      p.textContent = this.o.text('signing.place.failed');
      this.pagesEl.append(p);
    }
  }

  /**
   * Points → CSS pixels for a page. The frame's clientWidth includes its padding, which the page
   * cannot use: without subtracting it, every page overflowed its frame and lost its right edge.
   */
  private scale(page: { width: number }): number {
    const style = getComputedStyle(this.pagesEl);
    const padding =
      (Number.parseFloat(style.paddingLeft) || 0) + (Number.parseFloat(style.paddingRight) || 0);
    const available = Math.max(200, this.pagesEl.clientWidth - padding);
    return (Math.min(available, 900) / page.width) * this.zoom;
  }

  private createPage(n: number, total: number, width: number, height: number): PageView {
    const el = document.createElement('div');
    el.className = 'page';
    el.dataset.page = String(n);
    const label = document.createElement('p');
    label.className = 'page-label meta';
    label.textContent = this.o.text('signing.place.page', { page: n, total });
    const sheet = document.createElement('div');
    sheet.className = 'sheet';
    const canvas = document.createElement('canvas');
    canvas.setAttribute('aria-hidden', 'true');
    const overlay = document.createElement('div');
    overlay.className = 'overlay';
    sheet.append(canvas, overlay);
    const here = document.createElement('button');
    here.type = 'button';
    here.className = 'secondary place-here';
    here.textContent = `${this.o.text('signing.place.title')} — ${this.o.text('signing.place.page', { page: n, total })}`;
    el.append(label, sheet, here);
    this.pagesEl.append(el);
    const page: PageView = { number: n, width, height, el, canvas, overlay, renderedScale: 0, proxy: null };
    let start: { x: number; y: number } | null = null;
    overlay.addEventListener('pointerdown', (e) => {
      if (e.target === overlay) start = { x: e.clientX, y: e.clientY };
    });
    overlay.addEventListener('pointerup', (e) => {
      if (!start || e.target !== overlay) return;
      const moved = Math.hypot(e.clientX - start.x, e.clientY - start.y);
      start = null;
      if (moved > 10) return; // a scroll or a swipe, not a tap
      const r = overlay.getBoundingClientRect();
      const s = this.scale(page);
      this.add(
        page,
        (e.clientX - r.left) / s - DEFAULT.width / 2,
        (e.clientY - r.top) / s - DEFAULT.height / 2,
      );
    });
    here.addEventListener('click', () =>
      this.add(page, page.width - DEFAULT.width - 36, page.height - DEFAULT.height - 48),
    );
    return page;
  }

  private add(page: PageView, x: number, y: number): void {
    if (!this.o.signatureImage()) {
      this.o.onNeedSignature();
      return;
    }
    const p: Placement = { documentId: this.documentId, page: page.number, x, y, ...DEFAULT };
    clamp(p, page);
    this.placements.push(p);
    this.drawStamps(page, p);
    this.o.onChange();
  }

  private layoutPage(page: PageView): void {
    const s = this.scale(page);
    const sheet = page.canvas.parentElement as HTMLElement;
    sheet.style.width = `${page.width * s}px`;
    sheet.style.height = `${page.height * s}px`;
  }

  private relayout(): void {
    for (const page of this.pages) {
      this.layoutPage(page);
      this.drawStamps(page);
      if (page.renderedScale > 0) void this.render(page);
    }
  }

  private setZoom(z: number): void {
    this.zoom = Math.min(3, Math.max(0.5, z));
    this.relayout();
  }

  private async render(page: PageView): Promise<void> {
    const s = this.scale(page);
    if (!page.proxy || Math.abs(page.renderedScale - s) < 0.001) return;
    page.renderedScale = s;
    const dpr = Math.min(window.devicePixelRatio || 1, 2);
    const viewport = page.proxy.getViewport({ scale: s * dpr });
    const canvas = document.createElement('canvas');
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    canvas.setAttribute('aria-hidden', 'true');
    await page.proxy.render({
      canvas,
      canvasContext: canvas.getContext('2d') as CanvasRenderingContext2D,
      viewport,
    }).promise;
    if (page.renderedScale !== s) return; // zoomed again meanwhile
    page.canvas.replaceWith(canvas);
    page.canvas = canvas;
    page.el.dataset.rendered = 'true';
  }

  /** Redraws the stamps of a page; `focus` gets the keyboard focus. */
  drawStamps(page: PageView, focus?: Placement): void {
    const s = this.scale(page);
    for (const el of Array.from(page.overlay.querySelectorAll('.stamp'))) el.remove();
    const image = this.o.signatureImage();
    for (const p of this.placements.filter((x) => x.page === page.number)) {
      const el = document.createElement('div');
      el.className = 'stamp';
      el.tabIndex = 0;
      el.setAttribute('role', 'group');
      el.setAttribute('aria-label', this.o.text('signing.place.stamp', { page: page.number }));
      el.style.left = `${p.x * s}px`;
      el.style.top = `${p.y * s}px`;
      el.style.width = `${p.width * s}px`;
      el.style.height = `${p.height * s}px`;
      if (image) {
        const img = document.createElement('img');
        img.src = image;
        img.alt = '';
        img.draggable = false;
        el.append(img);
      }
      const handle = document.createElement('span');
      handle.className = 'handle';
      handle.setAttribute('aria-hidden', 'true');
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'remove';
      remove.textContent = '×';
      remove.setAttribute('aria-label', this.o.text('signing.place.remove'));
      remove.addEventListener('click', () => this.remove(page, p));
      el.append(handle, remove);
      this.dragging(el, handle, page, p);
      el.addEventListener('keydown', (e) => {
        const step = 5;
        const d = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] }[
          e.key
        ];
        if (d) {
          e.preventDefault();
          if (e.shiftKey) {
            p.width += d[0] ?? 0;
            p.height += d[1] ?? 0;
          } else {
            p.x += d[0] ?? 0;
            p.y += d[1] ?? 0;
          }
          clamp(p, page);
          this.drawStamps(page, p);
          this.o.onChange();
        } else if (e.key === 'Delete' || e.key === 'Backspace') {
          e.preventDefault();
          this.remove(page, p);
        }
      });
      page.overlay.append(el);
      if (p === focus) el.focus();
    }
  }

  private remove(page: PageView, p: Placement): void {
    this.placements = this.placements.filter((x) => x !== p);
    this.drawStamps(page);
    this.o.onChange();
  }

  private dragging(el: HTMLElement, handle: HTMLElement, page: PageView, p: Placement): void {
    let from: { x: number; y: number; p: Placement; isResize: boolean } | null = null;
    el.addEventListener('pointerdown', (e) => {
      if ((e.target as HTMLElement).classList.contains('remove')) return;
      e.preventDefault();
      e.stopPropagation();
      el.setPointerCapture(e.pointerId);
      from = { x: e.clientX, y: e.clientY, p: { ...p }, isResize: e.target === handle };
    });
    el.addEventListener('pointermove', (e) => {
      if (!from) return;
      const s = this.scale(page);
      const dx = (e.clientX - from.x) / s;
      const dy = (e.clientY - from.y) / s;
      if (from.isResize) {
        p.width = from.p.width + dx;
        p.height = from.p.height + dy;
      } else {
        p.x = from.p.x + dx;
        p.y = from.p.y + dy;
      }
      clamp(p, page);
      el.style.left = `${p.x * s}px`;
      el.style.top = `${p.y * s}px`;
      el.style.width = `${p.width * s}px`;
      el.style.height = `${p.height * s}px`;
    });
    const end = () => {
      if (!from) return;
      from = null;
      this.o.onChange();
    };
    el.addEventListener('pointerup', end);
    el.addEventListener('pointercancel', end);
  }

  /** New signature image: every stamp shows it. */
  refreshImages(): void {
    for (const page of this.pages) this.drawStamps(page);
  }
}

function clamp(p: Placement, page: { width: number; height: number }): void {
  p.width = Math.min(LIMITS.maxWidth, Math.max(LIMITS.minWidth, p.width), page.width);
  p.height = Math.min(LIMITS.maxHeight, Math.max(LIMITS.minHeight, p.height), page.height);
  p.x = Math.min(Math.max(0, p.x), page.width - p.width);
  p.y = Math.min(Math.max(0, p.y), page.height - p.height);
  for (const k of ['x', 'y', 'width', 'height'] as const) p[k] = Math.round(p[k] * 100) / 100;
}
