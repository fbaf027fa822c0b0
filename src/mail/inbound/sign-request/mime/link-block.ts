/** The short block put on top of a signer's copy: already translated, no markup. */
export interface LinkBlock {
  /** "Alice <alice@…> vous demande de signer : contrat.pdf" */
  heading: string;
  /** "Vous signerez en 2e, après bob@…" */
  place: string;
  /** "Signer les documents" (the HTML link text) */
  linkLabel: string;
  /** "Pour signer : https://…" (the plain-text line, URL included) */
  linkLine: string;
  url: string;
}

/** Plain-text rendering, ending with an empty line that separates it from the original text. */
export function renderTextBlock(block: LinkBlock, lineBreak: string): string {
  return [block.heading, block.place, block.linkLine, '', ''].join(lineBreak);
}

/** ASCII-only HTML (non-ASCII as character references), so it can be spliced into any ASCII-compatible charset. */
export function renderHtmlBlock(block: LinkBlock): string {
  const p = 'margin:0 0 6px 0';
  return (
    '<div style="margin:0 0 16px 0;padding:10px 12px;border:1px solid #c8c8c8;font-family:Arial,Helvetica,sans-serif;font-size:14px;line-height:1.4;color:#1a1a1a">' +
    `<p style="${p}">${escapeHtml(block.heading)}</p>` +
    `<p style="${p}">${escapeHtml(block.place)}</p>` +
    `<p style="margin:0"><a href="${escapeHtml(block.url)}">${escapeHtml(block.linkLabel)}</a> ${escapeHtml(block.url)}</p>` +
    '</div>'
  );
}

function escapeHtml(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '&') out += '&amp;';
    else if (ch === '<') out += '&lt;';
    else if (ch === '>') out += '&gt;';
    else if (ch === '"') out += '&quot;';
    else if (code > 126) out += `&#${code};`;
    else out += ch;
  }
  return out;
}
