import type { ServerResponse } from 'node:http';
import { type BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { SealedEventStore, type EventStore, type RecordedEvent } from '@redress/event-store';
import type { Clock } from '@redress/platform';
import { CLOCK, EVENT_STORE } from '../tokens';
import { FEED_FORMS, feedEvent, matches, type FeedEvent, type FeedForm, type FeedQuery } from './feed';
import { LiveLog } from './live-log';

/** A page scans at most this many events, so a rare type never makes one request read the whole log. */
const SCAN_LIMIT = 10_000;

export interface FeedPage {
  readonly events: FeedEvent[];
  /** Where the next page starts (`from`): the last event scanned, matching or not. */
  readonly nextPosition: number;
  readonly headPosition: number;
}

/** How a stream frames an event and says it is alive. */
export interface StreamFormat {
  readonly contentType: string;
  readonly opening: string;
  readonly frame: (event: FeedEvent) => string;
  /** `scanned`: the last position read, matching or not, when it moved since the last frame. */
  readonly heartbeat: (scanned: number | undefined) => string;
}

export const SSE: StreamFormat = {
  contentType: 'text/event-stream; charset=utf-8',
  // Reconnect after a second; EventSource resends the last id as Last-Event-ID.
  opening: 'retry: 1000\n\n',
  // No `event:` line: EventSource's onmessage sees every event; the type is in the data.
  frame: (event) => `id: ${event.position}\ndata: ${JSON.stringify(event)}\n\n`,
  // An id without data dispatches nothing but moves EventSource's Last-Event-ID past events a filter skipped.
  heartbeat: (scanned) => (scanned === undefined ? ': heartbeat\n\n' : `: heartbeat\nid: ${scanned}\n\n`),
};

export const NDJSON: StreamFormat = {
  contentType: 'application/x-ndjson; charset=utf-8',
  opening: '',
  frame: (event) => `${JSON.stringify(event)}\n`,
  // An empty line: NDJSON readers skip it.
  heartbeat: () => '\n',
};

/**
 * Each live event's frame, made once however many streams send it: the live
 * follower hands every listener the same event object. (Events read from the
 * store while catching up are each one stream's own, and not cached.)
 */
const framed = new WeakMap<RecordedEvent, Map<StreamFormat, (Buffer | undefined)[]>>();
/** As bytes: encoded once, then only copied into each socket. */
const frameOf = (format: StreamFormat, form: FeedForm, event: RecordedEvent): Buffer => {
  let byFormat = framed.get(event);
  if (!byFormat) framed.set(event, (byFormat = new Map()));
  let frames = byFormat.get(format);
  if (!frames) byFormat.set(format, (frames = []));
  return (frames[FEED_FORMS.indexOf(form)] ??= Buffer.from(format.frame(feedEvent(event, form))));
};

/** Events per read of the store, and so per write while catching up. */
const PAGE = 1000;
/** A live stream this far behind goes back to reading the store, so a slow consumer costs memory for no more than this. */
const MAX_QUEUED = 10_000;

/** Written once an erasure has deleted its keys (in whichever process): every event of theirs read from then on reads [erased]. */
const erases = (event: RecordedEvent): boolean => event.type === 'PersonalDataErased';

/**
 * The global log for downstream services: pages, and streams that catch up
 * from a position and then follow live. A stream catches up by reading the
 * store a page at a time, as fast as its socket drains, then listens to the
 * one live follower of this process (LiveLog), so a thousand consumers cost
 * one read per new event. One that falls too far behind goes back to reading
 * the store. Writers never wait for any of it.
 */
@Injectable()
export class FeedService implements BeforeApplicationShutdown {
  private readonly streams = new Set<() => Promise<void>>();
  private readonly live: LiveLog;
  private shuttingDown = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.live = new LiveLog(store);
  }

  /** Erasures this process has done (SealedEventStore.erasuresDone); none over a log without sealing. */
  private erasuresDone(): number {
    return this.store instanceof SealedEventStore ? this.store.erasuresDone : 0;
  }

  async page(query: FeedQuery, limit: number): Promise<FeedPage> {
    const events: FeedEvent[] = [];
    let after = query.from;
    for (let scanned = 0; events.length < limit && scanned < SCAN_LIMIT; ) {
      const page: RecordedEvent[] = await this.store.readAll({ after, maxCount: query.types || query.streamPrefix ? PAGE : Math.min(PAGE, limit - events.length) });
      if (page.length === 0) break;
      for (const event of page) {
        after = event.position;
        scanned += 1;
        if (matches(query, event)) events.push(feedEvent(event, query.form));
        if (events.length === limit || scanned === SCAN_LIMIT) break;
      }
    }
    return { events, nextPosition: after, headPosition: await this.store.headPosition() };
  }

  head(): Promise<number> {
    return this.store.headPosition();
  }

  /** Whether new streams are taken: not while the api stops. */
  get accepting(): boolean {
    return !this.shuttingDown;
  }

  /**
   * Streams the matching events after `query.from` to `response` until the
   * client goes away, the api stops, or the token it was opened with expires
   * (checked with each heartbeat's timer): a token is checked when a request
   * comes, and a stream is one request that could otherwise outlive it by days.
   * The client reconnects with a fresh token and Last-Event-ID.
   */
  async stream(query: FeedQuery, format: StreamFormat, response: ServerResponse, heartbeatMs: number, tokenExpiresAt: number): Promise<void> {
    let closed = response.destroyed;
    /** The socket's buffer is full: nothing more is written until it drains. */
    let blocked = false;
    /** Live events arriving while reading the store, blocked, or behind others still queued. */
    const queued: RecordedEvent[] = [];
    /** Live events are written as they come (else queued). */
    let following = false;
    /** Off the live end (too far behind, or the follower ended): back to reading the store. */
    let offLive = false;
    let wake: (() => void) | undefined;
    let unlisten: (() => void) | undefined;
    const close = async () => {
      if (closed) return;
      closed = true;
      unlisten?.();
      wake?.();
      response.end();
    };
    this.streams.add(close);
    response.on('close', () => void close());
    response.on('drain', () => {
      blocked = false;
      wake?.();
    });
    let lastWrite = Date.now();
    const send = (chunk: string | Buffer): void => {
      if (chunk.length === 0 || closed) return;
      lastWrite = Date.now();
      if (!response.write(chunk)) blocked = true;
    };
    /** Resolves on the next live event, drain or close. */
    const woken = () => new Promise<void>((resolve) => (wake = resolve));
    let last = query.from;
    let framedUpTo = query.from;
    const heartbeat = setInterval(() => {
      if (this.clock.now().getTime() >= tokenExpiresAt) return void close();
      if (blocked || Date.now() - lastWrite < heartbeatMs) return;
      send(format.heartbeat(last > framedUpTo ? last : undefined));
      framedUpTo = last;
    }, heartbeatMs / 2);
    /** Moves `last` past `event` (a listener may repeat what a read already sent): whether it is one to send. */
    const next = (event: RecordedEvent): boolean => {
      if (event.position <= last) return false;
      last = event.position;
      if (!matches(query, event)) return false;
      framedUpTo = last;
      return true;
    };
    /** Live events' frames: each made once for every stream (frameOf). */
    const liveFrames = (events: readonly RecordedEvent[]): Buffer => {
      const frames = events.filter(next).map((event) => frameOf(format, query.form, event));
      return frames.length === 1 ? (frames[0] as Buffer) : Buffer.concat(frames);
    };
    /** A page read from the store: this stream's own, so one string. */
    const pageFrames = (events: readonly RecordedEvent[]): string => {
      let frames = '';
      for (const event of events) if (next(event)) frames += format.frame(feedEvent(event, query.form));
      return frames;
    };
    /** Reads the store from `last` until caught up, a page per write, as fast as the socket drains. */
    const catchUp = async (): Promise<void> => {
      while (!closed) {
        while (blocked && !closed) await woken();
        const page = await this.store.readAll({ after: last, maxCount: PAGE });
        send(pageFrames(page));
        if (page.length < PAGE) return;
        // A filter may match nothing for a long while: let writers and other streams in between pages.
        await new Promise(setImmediate);
      }
    };
    /** Back to reading the store, which has it all, as it reads now, and costs no memory. */
    const leaveLive = (): void => {
      offLive = true;
      queued.length = 0;
      unlisten?.();
    };
    /** Erasures done in this process when the oldest event still queued was queued. */
    let erasuresWhenQueued = 0;
    const listener = {
      events: (events: readonly RecordedEvent[]) => {
        if (offLive) return;
        if (following && !blocked && queued.length === 0) send(liveFrames(events));
        else {
          if (queued.length === 0) erasuresWhenQueued = this.erasuresDone();
          // Too far behind to follow live, or an erasure (written in any process) made what waits here stale.
          if (queued.push(...events) > MAX_QUEUED || events.some(erases)) leaveLive();
        }
        wake?.();
      },
      ended: () => {
        offLive = true;
        wake?.();
      },
    };
    try {
      send(format.opening);
      while (!closed && !this.shuttingDown) {
        await catchUp();
        if (closed) break;
        following = false;
        offLive = false;
        unlisten = await this.live.listen(listener);
        // What was written between the last page and listening.
        await catchUp();
        following = true;
        while (!closed && !offLive) {
          if (blocked || queued.length === 0) await woken();
          wake = undefined;
          // What waits was opened before an erasure this process has done since: it may hold what was erased.
          if (!blocked && !offLive && queued.length > 0 && this.erasuresDone() !== erasuresWhenQueued) leaveLive();
          if (!blocked && !offLive) send(liveFrames(queued.splice(0)));
        }
        unlisten();
        queued.length = 0;
      }
    } finally {
      clearInterval(heartbeat);
      this.streams.delete(close);
      await close();
    }
  }

  /** Ends every open stream, so the server can close. */
  async beforeApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    await Promise.all([...this.streams].map((close) => close()));
    await this.live.close();
  }
}
