const NOTHING_YET = Symbol('nothing yet');

/**
 * Groups an async iterable into batches of whatever has already arrived (at
 * most `max`): a catch-up yields full batches, a quiet live feed yields each
 * event as soon as it comes. "Already arrived" is anything that settles before
 * the next macrotask.
 */
export async function* batched<T>(source: AsyncIterable<T>, max: number): AsyncGenerator<T[]> {
  const iterator = source[Symbol.asyncIterator]();
  const next = () => {
    const read = iterator.next();
    // A read may fail while the batch before it is being applied; it is awaited (and thrown) in turn, never left unhandled.
    read.catch(() => undefined);
    return read;
  };
  // Closing the source is its owner's business (the runner closes its subscription): returning it here would wait on a read in flight.
  let pending = next();
  for (;;) {
    const first = await pending;
    if (first.done) return;
    const batch = [first.value];
    pending = next();
    while (batch.length < max) {
      const ready = await Promise.race([pending, new Promise<typeof NOTHING_YET>((resolve) => setImmediate(resolve, NOTHING_YET))]);
      if (ready === NOTHING_YET) break;
      if (ready.done) {
        yield batch;
        return;
      }
      batch.push(ready.value);
      pending = next();
    }
    yield batch;
  }
}
