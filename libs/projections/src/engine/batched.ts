const NOTHING_YET = Symbol('nothing yet');

/**
 * Groups an async iterable into batches of whatever has already arrived (at
 * most `max`): a catch-up yields full batches, a quiet live feed yields each
 * event as soon as it comes. "Already arrived" is anything that settles before
 * the next macrotask.
 */
export async function* batched<T>(source: AsyncIterable<T>, max: number): AsyncGenerator<T[]> {
  const iterator = source[Symbol.asyncIterator]();
  let pending = iterator.next();
  for (;;) {
    const first = await pending;
    if (first.done) return;
    const batch = [first.value];
    pending = iterator.next();
    while (batch.length < max) {
      const next = await Promise.race([pending, new Promise<typeof NOTHING_YET>((resolve) => setImmediate(resolve, NOTHING_YET))]);
      if (next === NOTHING_YET) break;
      if (next.done) {
        yield batch;
        return;
      }
      batch.push(next.value);
      pending = iterator.next();
    }
    yield batch;
  }
}
