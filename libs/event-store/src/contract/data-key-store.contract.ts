import { randomUUID } from 'node:crypto';
import { ErasureInProgressError } from '../errors';
import type { DataKeyStore } from '../sealing/data-keys';

/** A key store over one backing store: `open` may be called again to reopen it (durability). */
export interface DataKeyStoreFixture {
  open(): Promise<DataKeyStore> | DataKeyStore;
  cleanup?(): Promise<void> | void;
}

/** What every key store adapter must do (SQLite always; MongoDB when MONGODB_URI is set). */
export const describeDataKeyStoreContract = (name: string, fixture: () => DataKeyStoreFixture): void => {
  describe(`DataKeyStore contract: ${name}`, () => {
    let current: DataKeyStoreFixture;
    let store: DataKeyStore;
    const subject = () => `subject-${randomUUID()}`;
    beforeEach(async () => {
      current = fixture();
      store = await current.open();
    });
    afterEach(async () => {
      await store.close();
      await current.cleanup?.();
    });

    it('makes a 32-byte key for a new subject and gives the same key again, also after reopening', async () => {
      const who = subject();
      const key = await store.keyFor(who);
      expect(key).toMatchObject({ subject: who });
      expect(key.key).toHaveLength(32);
      expect(await store.keyFor(who)).toEqual(key);
      expect(await store.find(key.id)).toEqual(key);
      await store.close();
      store = await current.open();
      expect(await store.find(key.id)).toEqual(key);
      expect(await store.keyFor(who)).toEqual(key);
    });

    it('gives every subject its own key, and concurrent requests for one subject the same key', async () => {
      const [a, b] = [subject(), subject()];
      // Two events of one append, sealed for one new complainant at once: one key, not two.
      const keys = await Promise.all([store.keyFor(a), store.keyFor(a), store.keyFor(b)]);
      expect(keys[1]).toEqual(keys[0]);
      expect(keys[2]?.id).not.toBe(keys[0]?.id);
      expect(keys[2]?.key.equals(keys[0]?.key as Buffer)).toBe(false);
      for (const key of keys) expect(await store.find(key.id)).toEqual(key);
    });

    it('erases every key of a subject for good, and only theirs; a later key is a new one', async () => {
      const [gone, kept] = [subject(), subject()];
      const old = await store.keyFor(gone);
      const other = await store.keyFor(kept);
      expect(await store.erase(gone, 'e-1')).toBe(1);
      expect(await store.find(old.id)).toBeUndefined();
      expect(await store.find(other.id)).toEqual(other);
      expect(await store.erase(gone, 'e-2')).toBe(0);
      await store.endErasure(gone, 'e-1');
      await store.endErasure(gone, 'e-2');
      const fresh = await store.keyFor(gone);
      expect(fresh.id).not.toBe(old.id);
      await store.close();
      store = await current.open();
      expect(await store.find(old.id)).toBeUndefined();
    });

    it('erases a key that was still being made when the erasure came; gives none until the erasure ends, then a new one', async () => {
      const late = subject();
      const [key, erased, during] = await Promise.allSettled([store.keyFor(late), store.erase(late, 'e-1'), store.keyFor(late)]);
      expect(erased).toEqual({ status: 'fulfilled', value: 1 });
      expect(during).toEqual({ status: 'rejected', reason: expect.any(ErasureInProgressError) });
      expect(await store.find((key as PromiseFulfilledResult<{ id: string }>).value.id)).toBeUndefined();
      await expect(store.keyFor(late)).rejects.toBeInstanceOf(ErasureInProgressError);
      await store.endErasure(late, 'e-1');
      const after = await store.keyFor(late);
      expect(after.id).not.toBe((key as PromiseFulfilledResult<{ id: string }>).value.id);
      expect(await store.find(after.id)).toEqual(after);
    });

    it('holds an erasure for every store over the same data: another one gives the subject no key until it ends', async () => {
      const [erasing, other] = [subject(), subject()];
      await store.keyFor(erasing);
      const elsewhere = await current.open();
      try {
        await store.erase(erasing, 'e-1');
        await expect(elsewhere.keyFor(erasing)).rejects.toBeInstanceOf(ErasureInProgressError);
        expect((await elsewhere.keyFor(other)).subject).toBe(other);
        await store.endErasure(erasing, 'e-1');
        expect((await elsewhere.keyFor(erasing)).subject).toBe(erasing);
      } finally {
        await elsewhere.close();
      }
    });

    it('keeps a subject fenced while any of two erasures of it runs: the first ending lifts only its own fence', async () => {
      const twice = subject();
      await store.erase(twice, 'first');
      await store.erase(twice, 'second');
      await store.endErasure(twice, 'first');
      await expect(store.keyFor(twice)).rejects.toBeInstanceOf(ErasureInProgressError);
      await store.endErasure(twice, 'second');
      expect((await store.keyFor(twice)).subject).toBe(twice);
    });

    it('finds nothing for an id it never made', async () => {
      expect(await store.find(randomUUID())).toBeUndefined();
    });
  });
};
