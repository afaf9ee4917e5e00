import { Controller, Get, Headers, HttpException, HttpStatus, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { publishedCatalogue } from '@redress/contracts';
import { CurrentStaff, Public, TokenExpiresAt, type StaffMember } from '../auth/actor';
import { requireRole } from '../auth/auth.guard';
import type { QueryParams } from '../read-models/query-params';
import { READERS } from '../complaints/complaint-actions';
import { exemptFromDraining } from '../http/draining';
import { parseFeedRequest, type FeedRequest } from './feed-query';
import { FeedService, NDJSON, SSE } from './feed.service';
import { preferredOverJson } from '../http/accept';

/** What a client asks for by Accept to follow the log live; anything else gets a page of JSON. */
const STREAM_FORMATS = { 'text/event-stream': SSE, 'application/x-ndjson': NDJSON } as const;
const STREAMED = Object.keys(STREAM_FORMATS) as Array<keyof typeof STREAM_FORMATS>;

/** Downstream services, and the auditors and admins who look at what they see. */
export const FEED_READERS: readonly StaffMember['role'][] = ['integration', 'auditor', 'admin'];

/** The catalogue follows from the codecs alone: built once, not per request. */
const CATALOGUE = { types: publishedCatalogue() };

@Controller('events')
export class EventsController {
  constructor(private readonly feed: FeedService) {}

  /** Every event type with its version, JSON Schema, description and an example: public, like /docs. */
  @Public()
  @Get('catalogue')
  catalogue() {
    return CATALOGUE;
  }

  /**
   * The global log in order. JSON: a page and where the next one starts.
   * `Accept: text/event-stream` (SSE) or `application/x-ndjson`: catch-up from
   * the position, then live, with heartbeats, until the client disconnects.
   */
  @Get()
  async events(
    @Query() params: QueryParams,
    @Headers('accept') accept: string | undefined,
    @Headers('last-event-id') lastEventId: string | undefined,
    @CurrentStaff() staff: StaffMember,
    @TokenExpiresAt() tokenExpiresAt: number,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    requireRole(staff, FEED_READERS, 'reading the event feed');
    await this.serve(parseFeedRequest(params, lastEventId), accept, reply, tokenExpiresAt);
  }

  /**
   * The same log as change notices (stream, revision, position, type, time;
   * no data, no metadata) for everyone who reads cases: how the console
   * learns what to fetch again from the read models, without reading the log.
   */
  @Get('changes')
  async changes(
    @Query() params: QueryParams,
    @Headers('accept') accept: string | undefined,
    @Headers('last-event-id') lastEventId: string | undefined,
    @CurrentStaff() staff: StaffMember,
    @TokenExpiresAt() tokenExpiresAt: number,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    requireRole(staff, READERS, 'following changes');
    await this.serve(parseFeedRequest(params, lastEventId, true), accept, reply, tokenExpiresAt);
  }

  private async serve(request: FeedRequest, accept: string | undefined, reply: FastifyReply, tokenExpiresAt: number): Promise<void> {
    const head = await this.feed.head();
    if (request.from > head) {
      throw new HttpException({ code: 'POSITION_AHEAD', message: `position ${request.from} is past the end of the log (${head}): was the store restored from an older backup?` }, HttpStatus.UNPROCESSABLE_ENTITY);
    }
    const streamed = preferredOverJson(accept, STREAMED);
    const format = streamed === undefined ? undefined : STREAM_FORMATS[streamed];
    if (!format) {
      await reply.send(await this.feed.page(request, request.limit));
      return;
    }
    if (!this.feed.accepting) throw new HttpException({ code: 'SHUTTING_DOWN', message: 'the api is stopping; reconnect shortly' }, HttpStatus.SERVICE_UNAVAILABLE);
    // From here the response is ours to write, and it lasts until the api closes: draining must not wait for it.
    exemptFromDraining(reply.request);
    void reply.hijack();
    const headers = { ...reply.getHeaders(), 'content-type': format.contentType, 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' };
    reply.raw.writeHead(200, headers as Record<string, string>);
    // Node holds the headers back until the first write, and a filtered stream may have nothing to write for a while.
    reply.raw.flushHeaders();
    await this.feed.stream(request, format, reply.raw, request.heartbeatSeconds * 1000, tokenExpiresAt);
  }
}
