/** Elements whose content is text up to their end tag: a `<body>` in there is not a tag. */
const rawTextElements = new Set(['script', 'style', 'title', 'textarea', 'xmp', 'noembed', 'noframes']);

interface Tag {
  name: string;
  isEnd: boolean;
  /** Index just past the tag's closing `>`; null when the text ends inside the tag. */
  end: number | null;
}

/**
 * The tag that starts at `at` (a `<` followed by a letter, or `</` and a letter), read the way an
 * HTML parser does: attribute values in quotes may hold `>`. Null when `at` starts no tag.
 */
function readTag(html: string, at: number): Tag | null {
  const isEnd = html[at + 1] === '/';
  const nameStart = at + (isEnd ? 2 : 1);
  if (!/[A-Za-z]/.test(html[nameStart] ?? '')) return null;
  let i = nameStart;
  while (i < html.length && !/[\s/>]/.test(html[i] ?? '')) i++;
  const name = html.slice(nameStart, i).toLowerCase();
  let quote: string | null = null;
  // A quote opens a value only right after `=` (spaces allowed): in `<a b'c>` it is a plain character.
  let isAfterEquals = false;
  for (; i < html.length; i++) {
    const ch = html[i] ?? '';
    if (quote) {
      if (ch === quote) quote = null;
      continue;
    }
    if (ch === '>') return { name, isEnd, end: i + 1 };
    if ((ch === '"' || ch === "'") && isAfterEquals) quote = ch;
    if (!/\s/.test(ch)) isAfterEquals = ch === '=';
  }
  return { name, isEnd, end: null };
}

/**
 * Index past the `-->` (or the `>` of a `<!…>`/`<?…>` declaration) that closes what starts at
 * `at`; null when the text ends before it closes.
 */
function skipMarkupDeclaration(html: string, at: number): number | null {
  const isComment = html.startsWith('<!--', at);
  const close = isComment ? html.indexOf('-->', at + 4) : html.indexOf('>', at + 2);
  if (close === -1) return null;
  return close + (isComment ? 3 : 1);
}

/**
 * Where the link block goes in an HTML document, so that it is the first thing shown and never
 * inside a tag, an attribute value, a comment or a script: right after the `<body>` start tag,
 * else after `</head>`, else after `<html>`, else after what precedes the content (BOM, DOCTYPE,
 * comments, `<?xml?>`). A total function: any string gives an index between two tokens.
 */
export function htmlInsertionIndex(html: string): number {
  let afterHead: number | null = null;
  let afterHtml: number | null = null;
  let afterProlog = html.charCodeAt(0) === 0xfeff ? 1 : 0;
  let isProlog = true;
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt === -1) break;
    if (isProlog && html.slice(afterProlog, lt).trim() !== '') isProlog = false;
    const next = html[lt + 1];
    if (next === '!' || next === '?') {
      const end = skipMarkupDeclaration(html, lt);
      if (end === null) break;
      i = end;
      if (isProlog) afterProlog = end;
      continue;
    }
    const tag = readTag(html, lt);
    if (!tag) {
      i = lt + 1;
      continue;
    }
    isProlog = false;
    // Text that ends inside a tag: whatever follows would be read as part of it.
    if (tag.end === null) break;
    i = tag.end;
    if (!tag.isEnd && tag.name === 'body') return tag.end;
    if (tag.isEnd && tag.name === 'head' && afterHead === null) afterHead = tag.end;
    if (!tag.isEnd && tag.name === 'html' && afterHtml === null) afterHtml = tag.end;
    if (!tag.isEnd && rawTextElements.has(tag.name)) {
      // A regex, not toLowerCase(): lower-casing can change the length of a string (U+0130).
      const endTag = new RegExp(`</${tag.name}`, 'gi');
      endTag.lastIndex = i;
      const close = endTag.exec(html);
      i = close ? close.index : html.length;
    }
  }
  return afterHead ?? afterHtml ?? afterProlog;
}
