import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { htmlInsertionIndex } from './html-insertion.js';

/** The document with `|` where the block goes. */
const at = (html: string) => {
  const index = htmlInsertionIndex(html);
  return `${html.slice(0, index)}|${html.slice(index)}`;
};

describe('htmlInsertionIndex', () => {
  const cases: Array<[string, string, string]> = [
    ['after a plain <body>', '<html><body><p>Hi</p></body></html>', '<html><body>|<p>Hi</p></body></html>'],
    [
      'past a ">" inside a quoted attribute of <body>',
      '<body onload="if (a>b) go()" class=\'c>d\'><p>Hi',
      '<body onload="if (a>b) go()" class=\'c>d\'>|<p>Hi',
    ],
    [
      'after a <body> tag split over lines, in capitals',
      '<HTML><HEAD></HEAD><BODY\r\n  BGCOLOR="#ffffff"\r\n  TEXT="#000000"\r\n>Bonjour',
      '<HTML><HEAD></HEAD><BODY\r\n  BGCOLOR="#ffffff"\r\n  TEXT="#000000"\r\n>|Bonjour',
    ],
    [
      'not at a <body> inside a comment',
      '<html><!-- old: <body class="x"> --><head></head><body><p>Hi',
      '<html><!-- old: <body class="x"> --><head></head><body>|<p>Hi',
    ],
    [
      'not at a <body> inside an Outlook conditional comment',
      '<html><head><!--[if mso]><body class="mso"><![endif]--></head><body class="real">x',
      '<html><head><!--[if mso]><body class="mso"><![endif]--></head><body class="real">|x',
    ],
    [
      'not at a <body> written inside a script, a style or a title',
      '<head><title>a <body> b</title><script>document.write("<body>")</script><style>p>b{}</style></head><body>x',
      '<head><title>a <body> b</title><script>document.write("<body>")</script><style>p>b{}</style></head><body>|x',
    ],
    [
      'not at a <body> inside an attribute value of another tag',
      '<html><head><meta name="x" content="<body>"></head><body>x',
      '<html><head><meta name="x" content="<body>"></head><body>|x',
    ],
    [
      'after </head> when there is no <body>',
      '<html><head><style>a>b{}</style></head><p>Hi</p>',
      '<html><head><style>a>b{}</style></head>|<p>Hi</p>',
    ],
    [
      'after <html> (attributes with ">") when there is neither <body> nor </head>',
      '<html lang="fr" data-x="a>b"><p>Hi',
      '<html lang="fr" data-x="a>b">|<p>Hi',
    ],
    ['after the DOCTYPE of a fragment', '<!DOCTYPE html>\n<p>Hi</p>', '<!DOCTYPE html>|\n<p>Hi</p>'],
    [
      'after an XML declaration, a BOM and leading comments',
      '\uFEFF<?xml version="1.0"?><!-- generated --><div>Hi</div>',
      '\uFEFF<?xml version="1.0"?><!-- generated -->|<div>Hi</div>',
    ],
    ['at the start of a fragment', '<p>Hi</p>', '|<p>Hi</p>'],
    ['at the start of text without markup', 'just text, a < b', '|just text, a < b'],
    ['not in a <body> tag cut short', '<p>x</p><body class="cut', '|<p>x</p><body class="cut'],
    [
      'before an unclosed comment',
      '<html><head></head><!-- <body> never closed',
      '<html><head></head>|<!-- <body> never closed',
    ],
    ['after a self-closed <body/>', '<body/>x', '<body/>|x'],
    ['at the start of an empty document', '', '|'],
  ];
  for (const [name, html, expected] of cases) {
    it(`puts the block ${name}`, () => assert.equal(at(html), expected));
  }

  it('always answers, between two tokens, for any prefix of a tricky document', () => {
    const doc =
      '<!DOCTYPE html><html a="<>"><!-- <body> --><head><title><body></title></head><body b=\'>\'>x</body></html>';
    for (let n = 0; n <= doc.length; n++) {
      const html = doc.slice(0, n);
      const index = htmlInsertionIndex(html);
      assert.ok(index >= 0 && index <= html.length, `prefix ${n}`);
      const before = html.slice(0, index);
      // Every tag, comment and quoted value opened before the index is closed there.
      const open = before.lastIndexOf('<');
      assert.ok(open === -1 || before.indexOf('>', open) !== -1, `prefix ${n}: ${before}`);
      assert.equal((before.match(/<!--/g) ?? []).length, (before.match(/-->/g) ?? []).length, `prefix ${n}`);
    }
  });
});
