import type { ScanRow } from '../document-store';
import type { ActiveGeneration } from './catalog';

/**
 * Some fields of every document of a projection (decoded as the reader
 * needs them), held in memory
 * and brought up to date on each read with only the documents changed since
 * (by `_position`): aggregations over 100,000 cases then cost a pass in
 * memory, not a scan of the store. A new generation (a rebuild) reloads it.
 */
export class ScanCache<T> {
  private generation = -1;
  private position = 0;
  private byId = new Map<string, T>();
  private refreshing: Promise<void> = Promise.resolve();

  constructor(
    private readonly fields: readonly string[],
    /** A scanned row (the fields after the id) as the reader holds it. */
    private readonly decode: (row: ScanRow, id: string) => T,
  ) {}

  /** The rows as of `active` (its position was read before the scan, so nothing committed up to it is missed). */
  async rows(active: ActiveGeneration): Promise<Iterable<T>> {
    // One refresh at a time: concurrent readers wait for it and share its result.
    // A failed refresh fails its own readers only; the next one starts afresh.
    this.refreshing = this.refreshing.catch(() => undefined).then(() => this.refresh(active));
    await this.refreshing;
    return this.byId.values();
  }

  private async refresh(active: ActiveGeneration): Promise<void> {
    if (active.generation !== this.generation) {
      this.generation = active.generation;
      this.position = 0;
      this.byId = new Map();
    }
    if (active.position <= this.position) return;
    const changed = await active.collection().scan(this.position === 0 ? {} : { _position: { $gt: this.position } }, ['_id', ...this.fields]);
    for (const row of changed) this.byId.set(row[0] as string, this.decode(row.slice(1), row[0] as string));
    this.position = active.position;
  }
}
