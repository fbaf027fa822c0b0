export { buildWebApp } from './app.js';
export type { WebDeps } from './deps.js';
export { escapeHtml, html, raw, SafeHtml } from './views/html.js';
export { layout } from './views/layout.js';
