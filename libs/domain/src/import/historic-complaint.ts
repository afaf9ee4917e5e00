import * as E from 'fp-ts/Either';
import type * as t from 'io-ts';
import {
  ComplaintEventCodecs,
  IMPORT_VOCABULARIES,
  REQUIRED_IMPORT_FIELDS,
  fieldErrors,
  instant,
  type ComplaintEventType,
  type ImportField,
  type ImportMapping,
  type VocabularyField,
} from '@redress/contracts';
import { utcOffsetMinutes } from '../calendar';

/** One row of the source file: column → value as written (an empty string is a missing value). */
export type SourceRecord = Readonly<Record<string, string>>;

export interface ImportedEvent {
  readonly type: ComplaintEventType;
  readonly data: Record<string, unknown>;
  /** When it happened in the source system: receipt for the first events, closing for the last. */
  readonly occurredAt: string;
}

/** A row as a complaint history: received, then classified, assigned and closed where the row says so. */
export interface HistoricComplaint {
  readonly externalRef: string;
  readonly complaintId: string;
  readonly events: readonly ImportedEvent[];
}

/**
 * A format's date without its time, the day and the month alike
 * ("MM/DD/YYYY HH:mm" and "HH:mm MM/DD/YYYY" → "NN/NN/YYYY"): the span from
 * its first date part to its last, which a date with or without a time is read by.
 */
const dateShape = (format: string): string => {
  const parts = [...format.matchAll(/YYYY|MM|DD/g)];
  const first = parts[0]?.index ?? 0;
  const last = parts.at(-1);
  return format.slice(first, last === undefined ? first : (last.index ?? 0) + last[0].length).replace(/MM|DD/g, 'NN');
};
const dayFirst = (format: string): boolean => format.indexOf('DD') < format.indexOf('MM');

/** A date pattern compiled once: which capture group holds which part. */
interface DatePattern {
  readonly regex: RegExp;
  readonly parts: readonly DatePart[];
}
type DatePart = 'YYYY' | 'MM' | 'DD' | 'HH' | 'mm' | 'ss';
const TOKENS: readonly DatePart[] = ['YYYY', 'MM', 'DD', 'HH', 'mm', 'ss'];

/** A mapping checked and compiled: what every row is read with. */
export interface ImportPlan {
  readonly mapping: ImportMapping;
  /** Import field → the column that feeds it. */
  readonly columns: ReadonlyMap<ImportField, string>;
  readonly patterns: readonly DatePattern[];
  readonly offsetMinutes: number;
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** "YYYY/MM/DD HH:mm" → a regex; months, days and times may have one digit or two. */
const compilePattern = (format: string): DatePattern | undefined => {
  const parts: DatePart[] = [];
  let source = '';
  for (let i = 0; i < format.length; ) {
    const token = TOKENS.find((candidate) => format.startsWith(candidate, i));
    if (token) {
      if (parts.includes(token)) return undefined;
      parts.push(token);
      source += token === 'YYYY' ? '(\\d{4})' : '(\\d{1,2})';
      i += token.length;
    } else {
      source += escapeRegex(format[i] as string);
      i += 1;
    }
  }
  return ['YYYY', 'MM', 'DD'].every((part) => parts.includes(part as DatePart)) ? { regex: new RegExp(`^${source}$`), parts } : undefined;
};

/**
 * Checks a mapping and compiles it, or says everything wrong with it at once:
 * required fields unmapped, a field fed by two columns, translations into
 * words Redress does not have, date patterns it cannot read.
 */
export const planImport = (mapping: ImportMapping): E.Either<string[], ImportPlan> => {
  const problems: string[] = [];
  const columns = new Map<ImportField, string>();
  for (const [column, field] of Object.entries(mapping.columns)) {
    const already = columns.get(field);
    if (already !== undefined) problems.push(`columns: ${field} is fed by both ${JSON.stringify(already)} and ${JSON.stringify(column)}`);
    else columns.set(field, column);
  }
  for (const field of REQUIRED_IMPORT_FIELDS) if (!columns.has(field)) problems.push(`columns: no column is mapped to ${field}, which every complaint needs`);
  if (!columns.has('channel') && mapping.defaults?.channel === undefined) problems.push('columns: no column is mapped to channel and defaults.channel is not set');
  if (columns.has('outcome') && !columns.has('closedAt')) problems.push('columns: outcome is mapped but closedAt is not (a closed case needs its closing date)');
  for (const [field, translations] of Object.entries(mapping.values ?? {}) as Array<[VocabularyField, Record<string, string>]>) {
    const vocabulary = IMPORT_VOCABULARIES[field].values as readonly string[];
    for (const [from, to] of Object.entries(translations)) {
      if (!vocabulary.includes(to)) problems.push(`values.${field}: ${JSON.stringify(from)} → ${JSON.stringify(to)}, which is not one of ${vocabulary.join(', ')}`);
    }
  }
  const patterns: DatePattern[] = [];
  const formatOfShape = new Map<string, string>();
  const formats = mapping.dates?.formats ?? [];
  for (const format of formats) {
    const pattern = compilePattern(format);
    if (!pattern) {
      problems.push(`dates.formats: ${JSON.stringify(format)} needs YYYY, MM and DD once each (and may have HH, mm, ss)`);
      continue;
    }
    // MM/DD/YYYY and DD/MM/YYYY, with a time or without, would read 03/04 one way and 25/03 the other, in one file.
    const shape = dateShape(format);
    const other = formatOfShape.get(shape);
    if (other !== undefined && dayFirst(other) !== dayFirst(format)) {
      problems.push(`dates.formats: ${JSON.stringify(other)} and ${JSON.stringify(format)} read the same dates two ways (the day and the month in opposite orders): keep the order the source writes`);
    } else formatOfShape.set(shape, format);
    patterns.push(pattern);
  }
  // The formats' times have no zone of their own: UTC by default would shift every one of them unsaid.
  if (formats.length > 0 && mapping.dates?.utcOffset === undefined) {
    problems.push('dates.utcOffset: say the zone the formats\' times are in, e.g. "+08:00" (an import begun without it read them as UTC: "+00:00" carries it on)');
  }
  const offsetMinutes = utcOffsetMinutes(mapping.dates?.utcOffset ?? '+00:00');
  if (offsetMinutes === undefined) problems.push(`dates.utcOffset: ${JSON.stringify(mapping.dates?.utcOffset)} is not an offset like +08:00`);
  return problems.length > 0 ? E.left(problems) : E.right({ mapping, columns, patterns, offsetMinutes: offsetMinutes ?? 0 });
};

interface SourceDate {
  readonly iso: string;
  /** Written as a day without a time (read as that day's local midnight). */
  readonly dayOnly: boolean;
}

/** A date as the source writes it: ISO 8601 with a zone, or one of the mapping's patterns in its offset. */
const parseDate = (plan: ImportPlan, value: string): SourceDate | undefined => {
  const iso = instant.decode(value);
  if (E.isRight(iso)) return { iso: iso.right, dayOnly: false };
  for (const { regex, parts } of plan.patterns) {
    const match = regex.exec(value);
    if (!match) continue;
    const part = (name: DatePart) => (parts.includes(name) ? Number(match[parts.indexOf(name) + 1]) : 0);
    const [year, month, day, hour, minute, second] = TOKENS.map(part) as [number, number, number, number, number, number];
    const local = Date.UTC(year, month - 1, day, hour, minute, second);
    const back = new Date(local);
    // Date.UTC rolls 31 April over to 1 May, and 25:00 into the next day: a real date reads back the same.
    // One that does not may be a real date in the next pattern (25/03 is no MM/DD, but is a DD/MM).
    if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day || back.getUTCHours() !== hour || back.getUTCMinutes() !== minute || back.getUTCSeconds() !== second) {
      continue;
    }
    return { iso: new Date(local - plan.offsetMinutes * 60_000).toISOString(), dayOnly: !parts.includes('HH') };
  }
  return undefined;
};

const localDay = (iso: string, offsetMinutes: number): string => new Date(Date.parse(iso) + offsetMinutes * 60_000).toISOString().slice(0, 10);

/** A closing written as a day only, on the day of receipt, means closed that day: no earlier than the receipt. */
const closingTime = (closed: SourceDate | undefined, receivedAt: string | undefined, offsetMinutes: number): string | undefined =>
  closed?.dayOnly && receivedAt !== undefined && closed.iso < receivedAt && localDay(closed.iso, offsetMinutes) === localDay(receivedAt, offsetMinutes) ? receivedAt : closed?.iso;

/** Where a codec's complaint about event data comes from, as the mapping names it. */
const IMPORT_FIELD_OF: Readonly<Record<string, ImportField>> = { complainantId: 'complainant.id' };

/**
 * One row as a complaint history, or every reason it cannot be one. Pure:
 * `now` bounds the dates, `idOf` derives the case's id from its external
 * reference (so the same row always makes the same case).
 */
export const historicComplaint = (plan: ImportPlan, record: SourceRecord, now: string, idOf: (externalRef: string) => string): E.Either<string[], HistoricComplaint> => {
  const problems: string[] = [];
  const named = (field: ImportField) => {
    const column = plan.columns.get(field);
    return column === undefined ? field : `${field} (column ${JSON.stringify(column)})`;
  };
  const raw = (field: ImportField): string | undefined => {
    const column = plan.columns.get(field);
    const value = column === undefined ? undefined : record[column]?.trim();
    return value === '' ? undefined : value;
  };
  const word = (field: VocabularyField, fallback?: string): string | undefined => {
    const value = raw(field);
    if (value === undefined) return fallback;
    const translations = plan.mapping.values?.[field] ?? {};
    const vocabulary = IMPORT_VOCABULARIES[field].values as readonly string[];
    // The value is trimmed, and so is a key when it is matched: `"Phone "` in a mapping still matches.
    const translated = translations[value] ?? Object.entries(translations).find(([from]) => from.trim().toLowerCase() === value.toLowerCase())?.[1] ?? value.toLowerCase();
    if (vocabulary.includes(translated)) return translated;
    problems.push(`${named(field)}: ${JSON.stringify(value)} is not a known ${field} (map it under values.${field}, or use one of ${vocabulary.join(', ')})`);
    return undefined;
  };
  const date = (field: ImportField): SourceDate | undefined => {
    const value = raw(field);
    if (value === undefined) return undefined;
    const parsed = parseDate(plan, value);
    if (parsed === undefined) problems.push(`${named(field)}: ${JSON.stringify(value)} is not a date in ${['ISO 8601', ...(plan.mapping.dates?.formats ?? [])].join(' or ')} from 1970 to 9999`);
    else if (parsed.iso > now) problems.push(`${named(field)}: ${parsed.iso} is in the future`);
    return parsed;
  };
  for (const field of REQUIRED_IMPORT_FIELDS) if (raw(field) === undefined && field !== 'receivedAt') problems.push(`${named(field)}: missing`);
  const defaults = plan.mapping.defaults ?? {};
  const externalRef = raw('externalRef');
  const receivedAt = date('receivedAt')?.iso;
  if (raw('receivedAt') === undefined) problems.push(`${named('receivedAt')}: missing`);
  const channel = word('channel', defaults.channel);
  if (raw('channel') === undefined && defaults.channel === undefined) problems.push(`${named('channel')}: missing, and defaults.channel is not set`);
  const customerType = word('complainant.customerType');
  const category = word('category');
  const severity = word('severity', defaults.severity);
  const urgency = word('urgency', defaults.urgency ?? 'normal');
  const outcome = word('outcome');
  const closedAt = closingTime(date('closedAt'), receivedAt, plan.offsetMinutes);
  const department = raw('department') ?? defaults.department;
  if (category !== undefined && severity === undefined) problems.push(`${named('severity')}: missing, and defaults.severity is not set (a classified case needs one)`);
  if (category !== undefined && department === undefined) problems.push(`${named('department')}: missing, and defaults.department is not set (a classified case needs one)`);
  if (raw('assignee') !== undefined && category === undefined && raw('category') === undefined) problems.push(`${named('assignee')}: the row has no category, and a case is classified before it is assigned`);
  if (outcome !== undefined && closedAt === undefined && raw('closedAt') === undefined) problems.push(`${named('closedAt')}: missing, and the row has an outcome (a closed case needs its closing date)`);
  if (outcome === undefined && raw('closedAt') !== undefined && raw('outcome') === undefined) problems.push(`${named('outcome')}: missing, and the row has a closing date`);
  if (closedAt !== undefined && receivedAt !== undefined && closedAt < receivedAt) problems.push(`${named('closedAt')}: ${closedAt} is before the complaint was received (${receivedAt})`);
  if (problems.length > 0 || externalRef === undefined || receivedAt === undefined || channel === undefined) return E.left(problems);

  const complaintId = idOf(externalRef);
  const name = raw('complainant.name');
  const contact = raw('complainant.contact');
  const product = raw('product');
  const region = raw('region');
  const assignee = raw('assignee');
  const events: ImportedEvent[] = [
    {
      type: 'ComplaintReceived',
      occurredAt: receivedAt,
      data: {
        complaintId,
        // Without the source's customer id, each imported case is its own complainant (nothing links them by guesswork).
        complainantId: raw('complainant.id') ?? complaintId,
        channel,
        complainant: { anonymous: false, ...(name ? { name } : {}), ...(contact ? { contact } : {}), ...(customerType ? { customerType } : {}) },
        subject: raw('subject'),
        content: raw('content') ?? raw('subject'),
        receivedAt,
        language: raw('language') ?? defaults.language ?? 'und',
        externalRef,
        ...(product ? { product } : {}),
        ...(region ? { region } : {}),
        // No `sla`: the case was never held to Redress deadlines, so none can be breached.
      },
    },
  ];
  if (category !== undefined) events.push({ type: 'ComplaintClassified', occurredAt: receivedAt, data: { category, severity, urgency, department } });
  if (assignee !== undefined) events.push({ type: 'ComplaintAssigned', occurredAt: receivedAt, data: { assignee, ...(department ? { department } : {}) } });
  if (outcome !== undefined && closedAt !== undefined) {
    events.push({ type: 'ComplaintClosed', occurredAt: closedAt, data: { outcome, summary: raw('summary') ?? defaults.summary ?? `Imported closed from ${plan.mapping.source}`, closedAt } });
  }
  // The event codecs have the last word (lengths, shapes): what passes them is stored as intake would store it.
  const checked = events.map((event): ImportedEvent => {
    const decoded: E.Either<t.Errors, unknown> = ComplaintEventCodecs[event.type].data.decode(event.data);
    if (E.isRight(decoded)) return { ...event, data: decoded.right as Record<string, unknown> };
    for (const { path, message } of fieldErrors(decoded.left)) problems.push(`${named(IMPORT_FIELD_OF[path] ?? (path as ImportField))}: ${message}`);
    return event;
  });
  return problems.length > 0 ? E.left(problems) : E.right({ externalRef, complaintId, events: checked });
};
