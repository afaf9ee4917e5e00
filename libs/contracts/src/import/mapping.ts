import * as t from 'io-ts';
import { list, oneOf, struct, text } from '../codecs';
import { Language } from '../complaint/commands';
import { Category, Channel, CustomerType, Outcome, Severity, Urgency } from '../complaint/vocabulary';

/**
 * The bulk import's mapping file: which column of the source file feeds which
 * complaint field, how the source's words translate to Redress's vocabulary,
 * how its dates are written, and the defaults for what the rows leave out.
 */
export const IMPORT_FIELDS = [
  'externalRef',
  'receivedAt',
  'channel',
  'subject',
  'content',
  'complainant.id',
  'complainant.name',
  'complainant.contact',
  'complainant.customerType',
  'product',
  'region',
  'language',
  'category',
  'severity',
  'urgency',
  'department',
  'assignee',
  'outcome',
  'closedAt',
  'summary',
] as const;
export const ImportField = oneOf(IMPORT_FIELDS, 'ImportField');
export type ImportField = t.TypeOf<typeof ImportField>;

/** Every row must give these (directly or, for the channel, by default). */
export const REQUIRED_IMPORT_FIELDS: readonly ImportField[] = ['externalRef', 'receivedAt', 'subject'];

/** The fields with a closed vocabulary: the mapping may translate the source's words into it. */
export const IMPORT_VOCABULARIES = {
  channel: Channel,
  'complainant.customerType': CustomerType,
  category: Category,
  severity: Severity,
  urgency: Urgency,
  outcome: Outcome,
} as const;
export type VocabularyField = keyof typeof IMPORT_VOCABULARIES;

const translations = t.record(t.string, t.string);

export const ImportMapping = struct(
  'ImportMapping',
  {
    /** Names the source system in every imported event's metadata. */
    source: text(100, 'ImportSource'),
    /** Source column → complaint field. */
    columns: t.record(t.string, ImportField),
  },
  {
    /** Per field, source value → Redress value; a value already in Redress's vocabulary needs no entry. */
    values: struct('ImportValueMaps', {}, {
      channel: translations,
      'complainant.customerType': translations,
      category: translations,
      severity: translations,
      urgency: translations,
      outcome: translations,
    }),
    /** How dates are written: patterns tried in order (YYYY MM DD HH mm ss), and the zone of those without one. ISO 8601 is always understood. */
    dates: struct('ImportDates', {}, { formats: list(text(40, 'DateFormat'), 1, 10, 'DateFormats'), utcOffset: text(6, 'UtcOffset') }),
    /** For rows that leave a field empty. */
    defaults: struct('ImportDefaults', {}, {
      channel: Channel,
      department: text(200, 'Name'),
      severity: Severity,
      urgency: Urgency,
      language: Language,
      summary: text(4000, 'Summary'),
    }),
  },
);
export type ImportMapping = t.TypeOf<typeof ImportMapping>;
