import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { t } from '../shared/i18n/index.js';
import { AUDIT_ACTORS, AUDIT_EVENT_TYPES } from './index.js';

describe('audit trail labels', () => {
  it('has a French and an English label for every kind of event and every actor', () => {
    for (const key of [
      ...AUDIT_EVENT_TYPES.map((type) => `audit.event.${type}`),
      ...AUDIT_ACTORS.map((actor) => `audit.actor.${actor}`),
    ]) {
      for (const locale of ['fr', 'en'] as const) {
        const label = t(locale, key);
        assert.ok(label.length > 0 && !label.includes('.'), `${locale} ${key}: ${label}`);
      }
    }
  });
});
