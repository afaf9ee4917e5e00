import { Writable } from 'node:stream';

/** A log destination that keeps what the api writes, for tests that read its log. */
export const captureLogs = (): { readonly stream: Writable; readonly text: () => string } => {
  let logged = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logged += chunk.toString();
      done();
    },
  });
  return { stream, text: () => logged };
};
