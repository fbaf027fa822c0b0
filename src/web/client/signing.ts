import { fill } from '../../shared/i18n/fill.js';
import { DocumentView } from './documents.js';
import { inkOnly, SignaturePad, typedSignatureCanvas, typedSignaturePng } from './pad.js';

const IMAGE = { width: 600, height: 200 };
const FONT = 'Homemade Apple';

const app = document.getElementById('signing-app');
if (app) void start(app);

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing`);
  return el as T;
}

async function start(root: HTMLElement): Promise<void> {
  const texts = JSON.parse(byId('signing-text').textContent ?? '{}') as Record<string, string>;
  const text = (key: string, params: Record<string, string | number> = {}) =>
    fill(document.documentElement.lang || 'fr', texts[key] ?? key, params);
  const base = root.dataset.base ?? '';
  const csrf = root.dataset.csrf ?? '';

  const show = (id: string, message: string | null) => {
    const el = byId(id);
    el.textContent = message ?? '';
    el.hidden = !message;
  };

  async function post(path: string, body: unknown): Promise<{ ok: boolean; data: Record<string, unknown> }> {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf, accept: 'application/json' },
      body: JSON.stringify(body),
      credentials: 'same-origin',
    });
    const data = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    return { ok: res.ok, data };
  }
  const codeOf = (data: Record<string, unknown>) => (data.error as { code?: string } | undefined)?.code;
  const errorOf = (data: Record<string, unknown>) =>
    ((data.error as { message?: string } | undefined)?.message ?? text('signing.submit.network')) as string;

  // 1. Signature: drawn or typed.
  let mode: 'drawn' | 'typed' = 'drawn';
  let image: string | null = null;
  const docs: DocumentView[] = [];
  const typedInput = byId<HTMLInputElement>('typed-name');
  const typedPreview = byId<HTMLCanvasElement>('typed-preview');
  const fontReady = (async () => {
    try {
      const face = new FontFace(FONT, 'url(/assets/homemade-apple.woff2)');
      document.fonts.add(await face.load());
    } catch {
      // The cursive fallback still gives a readable typed signature.
    }
  })();
  const refresh = () => {
    if (mode === 'drawn') image = pad.hasEnoughInk() ? pad.toPng(IMAGE.width, IMAGE.height) : null;
    else
      image =
        typedInput.value.trim().length >= 2
          ? inkOnly(typedSignatureCanvas(typedInput.value.trim(), { ...IMAGE, font: FONT }))
          : null;
    if (image) show('draw-error', null);
    for (const d of docs) d.refreshImages();
  };
  const pad = new SignaturePad(byId<HTMLCanvasElement>('pad'), refresh);
  byId('pad-undo').addEventListener('click', () => pad.undo());
  byId('pad-redo').addEventListener('click', () => pad.redo());
  byId('pad-clear').addEventListener('click', () => pad.clear());
  const renderTyped = async () => {
    await fontReady;
    const ctx = typedPreview.getContext('2d');
    typedPreview.width = IMAGE.width;
    typedPreview.height = IMAGE.height;
    const png = typedInput.value.trim()
      ? typedSignaturePng(typedInput.value.trim(), IMAGE.width, IMAGE.height, FONT)
      : null;
    ctx?.clearRect(0, 0, IMAGE.width, IMAGE.height);
    if (png && ctx) {
      const img = new Image();
      img.onload = () => ctx.drawImage(img, 0, 0);
      img.src = png;
    }
    refresh();
  };
  typedInput.addEventListener('input', () => void renderTyped());
  const tabs = [byId<HTMLButtonElement>('tab-draw'), byId<HTMLButtonElement>('tab-type')];
  const selectTab = (index: number) => {
    tabs.forEach((tab, i) => {
      const isSelected = i === index;
      tab.setAttribute('aria-selected', String(isSelected));
      tab.tabIndex = isSelected ? 0 : -1;
      byId(tab.getAttribute('aria-controls') ?? '').hidden = !isSelected;
    });
    mode = index === 0 ? 'drawn' : 'typed';
    if (mode === 'typed') void renderTyped();
    else refresh();
  };
  tabs.forEach((tab, i) => {
    tab.addEventListener('click', () => selectTab(i));
    tab.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
        const next = (i + 1) % tabs.length;
        selectTab(next);
        tabs[next]?.focus();
      }
    });
  });

  // A refusal of the sign button names one missing step; once the signer does something about it,
  // the message is stale (clicking again names the next missing step, if any).
  const clearSignError = () => show('sign-error', null);

  // 2. Documents and placements.
  const updateStatus = () => {
    for (const d of docs) {
      const status = d.documentId
        ? document.querySelector(`.doc[data-doc-id="${d.documentId}"] .doc-status`)
        : null;
      if (status)
        status.textContent = d.placements.length
          ? text('signing.place.count', { count: d.placements.length })
          : text('signing.place.none');
    }
    show('place-error', null);
    clearSignError();
  };
  for (const el of Array.from(root.querySelectorAll<HTMLElement>('.doc'))) {
    docs.push(
      new DocumentView({
        root: el,
        text,
        signatureImage: () => image,
        onChange: updateStatus,
        onNeedSignature: () => {
          show('draw-error', text(mode === 'drawn' ? 'signing.draw.tooShort' : 'signing.type.tooShort'));
          byId('step-draw').scrollIntoView({ behavior: 'smooth' });
        },
      }),
    );
  }
  await Promise.all(docs.map((d) => d.load()));

  // 3. Phone and code.
  let isConfirmed = false;
  let resendTimer = 0;
  const resend = byId<HTMLButtonElement>('code-resend');
  const check = byId<HTMLButtonElement>('code-check');
  const codeInput = byId<HTMLInputElement>('code');
  // "Send another code" waits out the server's delay between sends, and says how long is left, so
  // a signer told to ask for a new code (after a lockout) can see when they will be able to.
  const waitBeforeResend = (seconds: number) => {
    let left = Math.max(0, Math.ceil(seconds));
    window.clearInterval(resendTimer);
    const tick = () => {
      resend.disabled = left > 0;
      show('code-resend-in', left > 0 ? text('signing.code.resendIn', { seconds: left }) : null);
      if (left <= 0) window.clearInterval(resendTimer);
      left -= 1;
    };
    tick();
    if (left >= 0) resendTimer = window.setInterval(tick, 1000);
  };
  // A locked code cannot be confirmed any more: only a new code can be.
  const setCodeUsable = (isUsable: boolean) => {
    check.disabled = !isUsable;
    codeInput.disabled = !isUsable;
  };
  const reopenPhone = () => {
    isConfirmed = false;
    byId('code-ok').hidden = true;
    byId('phone-form').hidden = false;
  };
  const sendCode = async () => {
    show('phone-error', null);
    const { ok, data } = await post('/code', { phone: byId<HTMLInputElement>('phone').value });
    if (!ok) {
      const retryAfter = Number(data.retryAfterSeconds ?? 0);
      if (retryAfter > 0 && !byId('code-form').hidden) waitBeforeResend(retryAfter);
      return show('phone-error', errorOf(data));
    }
    byId('code-form').hidden = false;
    byId('code-sent').textContent = String(data.message ?? '');
    setCodeUsable(true);
    codeInput.value = '';
    codeInput.focus();
    waitBeforeResend(Number(data.resendAfterSeconds ?? 30));
  };
  byId('phone-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void sendCode();
  });
  resend.addEventListener('click', () => void sendCode());
  byId('code-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    if (check.disabled) return;
    show('phone-error', null);
    const { ok, data } = await post('/code/check', { code: codeInput.value });
    if (!ok) {
      if (codeOf(data) === 'OTP_TOO_MANY_ATTEMPTS') setCodeUsable(false);
      return show('phone-error', errorOf(data));
    }
    isConfirmed = true;
    byId('code-form').hidden = true;
    byId('phone-form').hidden = true;
    byId('code-ok').hidden = false;
    clearSignError();
  });

  // 4. Consent and submit (the button is disabled while a submit is in flight).
  const signButton = byId<HTMLButtonElement>('sign');
  byId('consent').addEventListener('change', clearSignError);
  signButton.addEventListener('click', async () => {
    show('sign-error', null);
    if (!image) {
      show('draw-error', text(mode === 'drawn' ? 'signing.draw.tooShort' : 'signing.type.tooShort'));
      return byId('step-draw').scrollIntoView();
    }
    const missing = docs.find((d) => d.placements.length === 0);
    if (missing) return show('sign-error', text('signing.place.missing', { name: missing.name }));
    if (!isConfirmed) return show('sign-error', text('signing.submit.needCode'));
    if (!byId<HTMLInputElement>('consent').checked)
      return show('sign-error', text('signing.submit.needConsent'));
    signButton.disabled = true;
    signButton.textContent = text('signing.submit.sending');
    try {
      const { ok, data } = await post('/sign', {
        imagePng: image,
        method: mode,
        placements: docs.flatMap((d) => d.placements),
        consent: true,
      });
      if (ok) {
        window.location.assign(String(data.redirect));
        return;
      }
      // The server no longer counts the phone as confirmed (none, or too long ago): step 3 again.
      if (['SIGNING_CODE_REQUIRED', 'SIGNING_CODE_STALE'].includes(codeOf(data) ?? '')) reopenPhone();
      show('sign-error', errorOf(data));
    } catch {
      show('sign-error', text('signing.submit.network'));
    }
    signButton.disabled = false;
    signButton.textContent = text('signing.submit.button');
  });
  root.dataset.ready = 'true';
}
