/**
 * The staff table's CSV file name, as the api sends it and the console saves it: the period, its zone unless UTC,
 * and the policy version (appraisal-2026-10-v1.csv, appraisal-2026-10-UTC+0800-v1.csv). No imports: the console
 * bundles it.
 */
export const staffTableFileName = (table: { readonly period: { readonly label: string; readonly utcOffset: string }; readonly policy: { readonly version: number } }): string =>
  `appraisal-${table.period.label}${table.period.utcOffset === '+00:00' ? '' : `-UTC${table.period.utcOffset.replace(':', '')}`}-v${table.policy.version}.csv`;
