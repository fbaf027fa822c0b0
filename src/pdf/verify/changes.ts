import type { PdfFile, Revision } from './pdf-file.js';
import { isDict, nameOf, type PdfDict, PdfRef, PdfStream, type PdfValue, sameValue } from './pdf-objects.js';

/** One object written by an incremental update, and what it means for a certification. */
export interface Change {
  /** 1-based revision number that wrote it. */
  revision: number;
  object: number;
  kind:
    | 'dss'
    | 'document-timestamp'
    | 'signature-added'
    | 'form-fill'
    | 'annotation'
    | 'info'
    | 'metadata'
    | 'unchanged-rewrite'
    | 'new-object'
    | 'other';
  description: string;
}

export type ChangeVerdict = 'allowed' | 'warning' | 'forbidden';

function refNum(v: PdfValue | undefined): number | undefined {
  return v instanceof PdfRef ? v.num : undefined;
}

function asDict(v: PdfValue): PdfDict | undefined {
  if (v instanceof PdfStream) return v.dict;
  return isDict(v) ? v : undefined;
}

/** Keys whose values differ between two dictionaries. */
function changedKeys(a: PdfDict, b: PdfDict): string[] {
  const keys = new Set([...a.map.keys(), ...b.map.keys()]);
  return [...keys].filter((k) => !sameValue(a.get(k), b.get(k)));
}

/** The entries of array `after` that array `before` does not hold (a non-array counts as empty). */
function addedEntries(before: PdfValue | null | undefined, after: PdfValue | null | undefined): PdfValue[] {
  const old = Array.isArray(before) ? before : [];
  return Array.isArray(after) ? after.filter((entry) => !old.some((o) => sameValue(entry, o))) : [];
}

function fieldAddedText(kind: 'document-timestamp' | 'signature-added' | 'other'): string {
  if (kind === 'other') return 'a form field was added';
  return `a ${kind === 'document-timestamp' ? 'document timestamp' : 'signature'} field was added`;
}

/** Classifies a signature value dict added by `field`, resolved in `rev`. */
function fieldSignatureKind(
  file: PdfFile,
  fieldRef: PdfValue,
  rev: Revision,
): 'document-timestamp' | 'signature-added' | 'other' {
  const field = file.resolveDict(fieldRef, rev);
  if (!field) return 'other';
  const widgetParent = field.get('Parent') ? file.resolveDict(field.get('Parent'), rev) : undefined;
  const ft = nameOf(field.get('FT')) ?? nameOf(widgetParent?.get('FT'));
  if (ft !== 'Sig') return 'other';
  const v = file.resolveDict(field.get('V') ?? widgetParent?.get('V'), rev);
  return nameOf(v?.get('Type')) === 'DocTimeStamp' ? 'document-timestamp' : 'signature-added';
}

/**
 * Lists what each revision after `fromRevision` (0-based index of the signed revision) changed,
 * object by object, with a kind that DocMDP rules can judge.
 */
export function listChanges(file: PdfFile, fromRevision: number): Change[] {
  const changes: Change[] = [];
  for (let r = fromRevision + 1; r < file.revisions.length; r++) {
    const before = file.revisions[r - 1] as Revision;
    const after = file.revisions[r] as Revision;
    const rootBefore = refNum(before.trailer.get('Root'));
    const rootAfter = refNum(after.trailer.get('Root'));
    const infoNums = new Set(
      [refNum(before.trailer.get('Info')), refNum(after.trailer.get('Info'))].filter((n) => n !== undefined),
    );
    const catalogBefore = file.resolveDict(before.trailer.get('Root'), before);
    const dssNums = new Set<number>();
    const acroNums = new Set<number>();
    for (const [rev, cat] of [
      [before, catalogBefore],
      [after, file.resolveDict(after.trailer.get('Root'), after)],
    ] as const) {
      const dss = cat?.get('DSS');
      if (dss instanceof PdfRef) dssNums.add(dss.num);
      const dssDict = file.resolveDict(dss, rev);
      const vri = dssDict?.get('VRI');
      if (vri instanceof PdfRef) dssNums.add(vri.num);
      const acro = cat?.get('AcroForm');
      if (acro instanceof PdfRef) acroNums.add(acro.num);
    }
    const add = (object: number, kind: Change['kind'], description: string) =>
      changes.push({ revision: r + 1, object, kind, description });
    const nums = new Set([...after.xref.keys()]);
    for (const num of nums) {
      const eb = before.xref.get(num);
      const ea = after.xref.get(num);
      if (JSON.stringify(eb) === JSON.stringify(ea)) continue;
      const newValue = file.getObject(num, after);
      const oldValue = eb ? file.getObject(num, before) : null;
      const newDict = asDict(newValue);
      const type = nameOf(newDict?.get('Type'));
      if (type === 'XRef' || type === 'ObjStm') continue;
      if (oldValue === null) {
        add(num, 'new-object', `new object${type ? ` /${type}` : ''}`);
        continue;
      }
      if (sameValue(oldValue, newValue)) {
        add(num, 'unchanged-rewrite', 'object rewritten without change');
        continue;
      }
      const oldDict = asDict(oldValue);
      if (infoNums.has(num)) {
        add(num, 'info', 'document information dictionary (Info) changed');
        continue;
      }
      if (
        dssNums.has(num) ||
        (oldDict &&
          ['Certs', 'OCSPs', 'CRLs', 'VRI'].some((k) => oldDict.get(k) !== undefined) &&
          nameOf(oldDict.get('Type')) !== 'Catalog')
      ) {
        add(num, 'dss', 'document security store (DSS/VRI) updated');
        continue;
      }
      if (!oldDict || !newDict || oldValue instanceof PdfStream !== newValue instanceof PdfStream) {
        add(num, 'other', `object ${num} replaced`);
        continue;
      }
      const keys = changedKeys(oldDict, newDict);
      const oldType = nameOf(oldDict.get('Type'));
      if (num === rootBefore || num === rootAfter || oldType === 'Catalog') {
        for (const k of keys) {
          if (k === 'DSS' || k === 'Extensions') add(num, 'dss', `catalog /${k} added or updated`);
          else if (k === 'Metadata') add(num, 'metadata', 'catalog /Metadata replaced');
          // A later writer may raise the header version (e.g. for PAdES extensions); harmless.
          else if (k === 'Version') add(num, 'unchanged-rewrite', 'catalog /Version raised');
          else if (k === 'AcroForm') {
            const fieldsBefore =
              (file.resolve(file.resolveDict(oldDict.get('AcroForm'), before)?.get('Fields'), before) as
                | PdfValue[]
                | null) ?? [];
            const fieldsAfter =
              (file.resolve(file.resolveDict(newDict.get('AcroForm'), after)?.get('Fields'), after) as
                | PdfValue[]
                | null) ?? [];
            const added = addedEntries(fieldsBefore, fieldsAfter);
            if (added.length === 0) add(num, 'signature-added', 'catalog /AcroForm created or moved');
            for (const f of added) {
              const kind = fieldSignatureKind(file, f, after);
              add(num, kind, fieldAddedText(kind));
            }
          } else add(num, 'other', `catalog /${k} changed`);
        }
        continue;
      }
      if (acroNums.has(num)) {
        for (const k of keys) {
          if (k === 'Fields') {
            const oldFields = file.resolve(oldDict.get('Fields'), before);
            const newFields = file.resolve(newDict.get('Fields'), after);
            const added = addedEntries(oldFields, newFields);
            for (const f of added) {
              const kind = fieldSignatureKind(file, f, after);
              add(num, kind, fieldAddedText(kind));
            }
            if (added.length === 0) add(num, 'other', 'form fields removed or reordered');
          } else if (k === 'SigFlags' || k === 'DR' || k === 'DA')
            add(num, 'signature-added', `AcroForm /${k} updated for a signature`);
          else add(num, 'other', `AcroForm /${k} changed`);
        }
        continue;
      }
      if (oldType === 'Page') {
        for (const k of keys) {
          if (k !== 'Annots') {
            add(num, 'other', `page /${k} changed`);
            continue;
          }
          const oldAnnots = file.resolve(oldDict.get('Annots'), before);
          const newAnnots = file.resolve(newDict.get('Annots'), after);
          const added = addedEntries(oldAnnots, newAnnots);
          for (const a of added) {
            const kind = fieldSignatureKind(file, a, after);
            add(
              num,
              kind === 'other' ? 'annotation' : kind,
              kind === 'other'
                ? 'an annotation was added to a page'
                : 'a signature widget was added to a page',
            );
          }
          if (added.length === 0) add(num, 'other', 'page annotations removed');
        }
        continue;
      }
      const ft = nameOf(oldDict.get('FT'));
      if (ft === 'Sig' && keys.every((k) => ['V', 'AP', 'F', 'P', 'Lock'].includes(k))) {
        const kind = fieldSignatureKind(file, new PdfRef(num, 0), after);
        add(num, kind === 'other' ? 'signature-added' : kind, 'an empty signature field was signed');
        continue;
      }
      if (ft !== undefined && keys.every((k) => ['V', 'AP', 'AS'].includes(k))) {
        add(num, 'form-fill', 'a form field value was filled in');
        continue;
      }
      add(num, 'other', `object ${num}${oldType ? ` (/${oldType})` : ''} changed: /${keys.join(', /')}`);
    }
  }
  return changes;
}

/**
 * Judges a change against a certification level (PDF 32000 12.8.2.2): P=1 allows only DSS data and
 * document timestamps (ETSI EN 319 142); P=2 adds form filling and signing; P=3 adds annotations.
 * Info-only and XMP metadata changes are tolerated with a warning (readers rewrite them).
 */
export function judgeChange(change: Change, level: 1 | 2 | 3): ChangeVerdict {
  switch (change.kind) {
    case 'dss':
    case 'document-timestamp':
    case 'new-object':
    case 'unchanged-rewrite':
      return 'allowed';
    case 'info':
    case 'metadata':
      return 'warning';
    case 'signature-added':
    case 'form-fill':
      return level >= 2 ? 'allowed' : 'forbidden';
    case 'annotation':
      return level >= 3 ? 'allowed' : 'forbidden';
    default:
      return 'forbidden';
  }
}
