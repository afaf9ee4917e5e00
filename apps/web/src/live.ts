import { useEffect, useRef, useState } from 'react';
import { api } from './api';
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

/**
 * Follows the log's change notices from now on (NDJSON over fetch, so the
 * token goes in a header, which EventSource cannot send) and calls `onChange`
 * for each. Reconnects after a drop, from the last position seen.
 */
export const useChanges = (onChange: (change: Change) => void): LiveState => {
  const { token } = useSession();
  const [state, setState] = useState<LiveState>('connecting');
  const handler = useRef(onChange);
  handler.current = onChange;
  useEffect(() => {
    if (!token) return;
    const abort = new AbortController();
    let from: number | undefined;
    const follow = async (): Promise<void> => {
      from ??= (await api.get<{ headPosition: number }>('/events/changes?limit=1', { signal: abort.signal })).body.headPosition;
      const response = await fetch(`/events/changes?from=${from}&heartbeatSeconds=15`, {
        headers: { accept: 'application/x-ndjson', authorization: `Bearer ${token}` },
        signal: abort.signal,
      });
      if (!response.ok || !response.body) throw new Error(`changes: ${response.status}`);
      setState('live');
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
          const line = buffer.slice(0, end).trim();
          buffer = buffer.slice(end + 1);
          if (line === '') continue;
          const change = JSON.parse(line) as Change;
          from = change.position;
          handler.current(change);
        }
      }
    };
    void (async () => {
      for (let attempt = 0; !abort.signal.aborted; attempt += 1) {
        try {
          await follow();
          attempt = 0;
        } catch {
          if (abort.signal.aborted) return;
          setState('offline');
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 1000 * 2 ** attempt)));
      }
    })();
    return () => abort.abort();
  }, [token]);
  return state;
};
