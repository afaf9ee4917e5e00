import { useEffect, useRef, useState } from 'react';
import { api, ApiError } from './api';
import { useSession } from './session';

/** A change notice from GET /events/changes: which stream moved, to which revision, at which log position. */
export interface Change {
  readonly streamName: string;
  readonly revision: number;
  readonly position: number;
  readonly type: string;
  readonly recordedAt: string;
}

export type LiveState = 'connecting' | 'live' | 'offline';

/** The api sends a heartbeat every 15 s on an idle stream: twice that with nothing means the connection is gone, closed or not. */
const HEARTBEAT_SECONDS = 15;
const SILENCE_MS = 2 * HEARTBEAT_SECONDS * 1000;

/**
 * Follows the log's change notices after `from` (the position the page's data
 * was read at, so nothing written in between is missed; undefined until it is
 * known, `head` for a page with no data) and calls `onChange` for each,
 * of the streams named `streamPrefix…` only when it is given. NDJSON over fetch, so the
 * token goes in a header, which EventSource cannot send. Reconnects after a
 * drop from the last position seen; a token the api no longer takes ends the
 * session; a position past the log's end (the store was restored from an
 * older backup) starts again from the head.
 */
export const useChanges = (onChange: (change: Change) => void, from: number | 'head' | undefined, streamPrefix?: string): LiveState => {
  const { token, signOut } = useSession();
  const [state, setState] = useState<LiveState>('connecting');
  const handler = useRef(onChange);
  useEffect(() => {
    handler.current = onChange;
  }, [onChange]);
  // Where to start is read once, when it becomes known; after that the stream keeps its own place.
  const start = useRef(from);
  start.current ??= from;
  const known = from !== undefined;
  useEffect(() => {
    if (!token || !known) return;
    const stop = new AbortController();
    let after = start.current === 'head' ? undefined : start.current;
    let failures = 0;
    const follow = async (): Promise<void> => {
      after ??= (await api.get<{ headPosition: number }>('/events/changes?limit=1', { signal: stop.signal })).body.headPosition;
      const only = streamPrefix === undefined ? '' : `&streamPrefix=${encodeURIComponent(streamPrefix)}`;
      const connection = new AbortController();
      const abort = () => connection.abort();
      stop.signal.addEventListener('abort', abort);
      let watchdog = setTimeout(abort, SILENCE_MS);
      try {
        const response = await fetch(`/events/changes?from=${after}&heartbeatSeconds=${HEARTBEAT_SECONDS}${only}`, {
          headers: { accept: 'application/x-ndjson', authorization: `Bearer ${token}` },
          signal: connection.signal,
        });
        if (!response.ok || !response.body) throw new ApiError(response.status, `HTTP_${response.status}`, response.statusText);
        setState('live');
        failures = 0;
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          clearTimeout(watchdog);
          watchdog = setTimeout(abort, SILENCE_MS);
          buffer += value;
          for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
            const line = buffer.slice(0, end).trim();
            buffer = buffer.slice(end + 1);
            if (line === '') continue;
            const change = JSON.parse(line) as Change;
            after = change.position;
            handler.current(change);
          }
        }
      } finally {
        clearTimeout(watchdog);
        stop.signal.removeEventListener('abort', abort);
      }
    };
    void (async () => {
      while (!stop.signal.aborted) {
        try {
          await follow();
        } catch (error) {
          if (stop.signal.aborted) return;
          if (error instanceof ApiError && error.status === 401) return signOut('the api no longer accepts this token');
          if (error instanceof ApiError && error.status === 422) after = undefined;
          failures += 1;
        }
        setState('offline');
        await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 1000 * 2 ** Math.min(failures, 5))));
      }
    })();
    return () => stop.abort();
  }, [token, signOut, known, streamPrefix]);
  return state;
};
