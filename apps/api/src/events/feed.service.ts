import type { ServerResponse } from 'node:http';
import { type BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import type { EventStore, RecordedEvent } from '@redress/event-store';
import { EVENT_STORE } from '../tokens';
import { feedEvent, matches, type FeedEvent, type FeedQuery } from './feed';

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
  readonly heartbeat: string;
}

export const SSE: StreamFormat = {
  contentType: 'text/event-stream; charset=utf-8',
  // Reconnect after a second; EventSource resends the last id as Last-Event-ID.
  opening: 'retry: 1000\n\n',
  frame: (event) => `id: ${event.position}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`,
  heartbeat: ': heartbeat\n\n',
};

export const NDJSON: StreamFormat = {
  contentType: 'application/x-ndjson; charset=utf-8',
  opening: '',
  frame: (event) => `${JSON.stringify(event)}\n`,
  // An empty line: NDJSON readers skip it.
  heartbeat: '\n',
};

/**
 * The global log for downstream services: pages, and streams that catch up
 * from a position and then follow live. Each stream pulls from its own
 * subscription only as fast as its socket drains, so a slow consumer holds
 * back nobody else, and never a writer.
 */
@Injectable()
export class FeedService implements BeforeApplicationShutdown {
  private readonly streams = new Set<() => Promise<void>>();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async page(query: FeedQuery, limit: number): Promise<FeedPage> {
    const events: FeedEvent[] = [];
    let after = query.from;
    for (let scanned = 0; events.length < limit && scanned < SCAN_LIMIT; ) {
      const page: RecordedEvent[] = await this.store.readAll({ after, maxCount: 1000 });
      if (page.length === 0) break;
      for (const event of page) {
        after = event.position;
        scanned += 1;
        if (matches(query, event)) events.push(feedEvent(event, query.raw));
        if (events.length === limit || scanned === SCAN_LIMIT) break;
      }
    }
    return { events, nextPosition: after, headPosition: await this.store.headPosition() };
  }

  /** Streams the matching events after `query.from` to `response` until the client goes away or the api stops. */
  async stream(query: FeedQuery, format: StreamFormat, response: ServerResponse, heartbeatMs: number): Promise<void> {
    const subscription = this.store.subscribeToAll({ after: query.from });
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      await subscription.close();
      response.end();
    };
    this.streams.add(close);
    response.on('close', () => void close());
    let corked = false;
    let lastWrite = Date.now();
    /** Writes within one turn of the event loop leave as one packet; resolves once the socket can take more. */
    const send = async (chunk: string): Promise<void> => {
      lastWrite = Date.now();
      if (!corked) {
        corked = true;
        response.cork();
        setImmediate(() => {
          corked = false;
          response.uncork();
        });
      }
      if (!response.write(chunk) && !closed) await new Promise((resolve) => response.once('drain', resolve).once('close', resolve));
    };
    const heartbeat = setInterval(() => {
      if (Date.now() - lastWrite >= heartbeatMs) void send(format.heartbeat);
    }, heartbeatMs);
    try {
      if (format.opening) await send(format.opening);
      for await (const event of subscription) {
        if (closed) break;
        if (matches(query, event)) await send(format.frame(feedEvent(event, query.raw)));
      }
    } finally {
      clearInterval(heartbeat);
      this.streams.delete(close);
      await close();
    }
  }

  /** Ends every open stream, so the server can close. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.streams].map((close) => close()));
  }
}
