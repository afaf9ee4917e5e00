import { Body, Controller, Delete, Get, HttpCode, HttpException, HttpStatus, Inject, NotFoundException, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { EVENT_TYPES, integer, list, struct, text } from '@redress/contracts';
import { uuidv7, type EventStore } from '@redress/event-store';
import type { Clock, Config } from '@redress/platform';
import type { DocumentStore } from '@redress/projections';
import { CurrentStaff, type StaffMember } from '../auth/actor';
import { requireRole } from '../auth/auth.guard';
import { decodeBody, parseId } from '../http/request';
import { CLOCK, CONFIG, DOCUMENT_STORE, EVENT_STORE } from '../tokens';
import { targetAllowed } from './delivery';
import { SUBSCRIPTIONS, WebhookDispatcher, type WebhookSubscription } from './webhooks.service';

export const SubscriptionBody = struct(
  'WebhookSubscriptionBody',
  { url: text(2000, 'Url'), secret: text(200, 'Secret') },
  { types: list(text(100, 'EventType'), 1, 100, 'EventTypes'), from: integer(0, Number.MAX_SAFE_INTEGER, 'Position') },
);

const MIN_SECRET = 16;
/** Past this many, a subscription's lag is reported as "at least". */
const LAG_LIMIT = 10_000;

const refuse = (code: string, message: string) => new HttpException({ code, message }, HttpStatus.UNPROCESSABLE_ENTITY);

/** A subscription as staff see it: never its secret. */
const view = ({ _id, secret: _secret, epoch: _epoch, ...rest }: WebhookSubscription) => ({ id: _id, ...rest });

/** Webhooks (admin): who is told of which events, and how delivery is going. */
@Controller('subscriptions')
export class WebhooksController {
  constructor(
    @Inject(DOCUMENT_STORE) private readonly documents: DocumentStore,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
    private readonly dispatcher: WebhookDispatcher,
  ) {}

  @Post()
  async create(@Body() body: unknown, @CurrentStaff() staff: StaffMember, @Res({ passthrough: true }) reply: FastifyReply) {
    requireRole(staff, ['admin'], 'subscribing a webhook');
    const { url, secret, types, from } = decodeBody(SubscriptionBody, body);
    const parsed = URL.canParse(url) ? new URL(url) : undefined;
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.username !== '' || parsed.password !== '') {
      throw refuse('INVALID_WEBHOOK_URL', 'url must be an http or https URL without credentials in it');
    }
    const allowed = this.config.webhookAllowedHosts;
    if (!targetAllowed(url, allowed)) throw refuse('WEBHOOK_TARGET_NOT_ALLOWED', `${parsed.hostname} is not among the hosts WEBHOOK_ALLOWED_HOSTS allows (${(allowed ?? []).join(', ')})`);
    // The codec trims text; a secret with spaces around it would sign with another key than the receiver holds.
    const given = (body as { secret?: unknown }).secret;
    if (secret.length < MIN_SECRET || given !== secret) throw refuse('WEAK_SECRET', `secret must be at least ${MIN_SECRET} characters without spaces around it: it signs every delivery`);
    const unknown = (types ?? []).filter((type) => !EVENT_TYPES.includes(type));
    if (unknown.length > 0) throw refuse('UNKNOWN_EVENT_TYPE', `${unknown.join(', ')}: not in the event catalogue (GET /events/catalogue)`);
    const head = await this.events.headPosition();
    if (from !== undefined && from > head) throw refuse('POSITION_AHEAD', `from ${from} is past the end of the log (${head})`);
    const subscription: WebhookSubscription = {
      _id: uuidv7(),
      url,
      secret,
      types: types ?? null,
      status: 'active',
      // From now on, unless told where to start (0: the whole log).
      position: from ?? head,
      delivered: 0,
      failures: 0,
      lastError: null,
      lastDeliveredAt: null,
      pausedAt: null,
      createdAt: this.clock.now().toISOString(),
      createdBy: { user: staff.user, role: staff.role },
      epoch: 0,
    };
    await this.documents.commit([{ collection: SUBSCRIPTIONS, upsert: subscription }]);
    await this.dispatcher.refresh();
    void reply.status(HttpStatus.CREATED).header('location', `/subscriptions/${subscription._id}`);
    return view(subscription);
  }

  @Get()
  async list(@CurrentStaff() staff: StaffMember) {
    requireRole(staff, ['admin'], 'listing webhook subscriptions');
    const { items } = await this.documents.collection<WebhookSubscription>(SUBSCRIPTIONS).find({}, { limit: 10_000 });
    return { items: items.map(view) };
  }

  /** With the log's head and how many events of its types it has still to deliver (counted among the next LAG_LIMIT). */
  @Get(':id')
  async get(@Param('id') id: string, @CurrentStaff() staff: StaffMember) {
    requireRole(staff, ['admin'], 'reading a webhook subscription');
    const subscription = await this.find(id);
    const [headPosition, behind] = await Promise.all([this.events.headPosition(), this.events.readAll({ after: subscription.position, maxCount: LAG_LIMIT })]);
    const types = subscription.types;
    return { ...view(subscription), headPosition, lagEvents: behind.filter((event) => types === null || types.includes(event.type)).length };
  }

  /** Resumes a paused subscription from its checkpoint. */
  @Post(':id/resume')
  @HttpCode(HttpStatus.OK)
  async resume(@Param('id') id: string, @CurrentStaff() staff: StaffMember) {
    requireRole(staff, ['admin'], 'resuming a webhook subscription');
    const subscription = await this.find(id);
    if (subscription.status !== 'paused') throw new HttpException({ code: 'SUBSCRIPTION_NOT_PAUSED', message: 'the subscription is delivering; only a paused one resumes' }, HttpStatus.CONFLICT);
    const resumed: WebhookSubscription = { ...subscription, status: 'active', failures: 0, pausedAt: null, epoch: subscription.epoch + 1 };
    // Only over what was read: not over a delete, nor another resume, that came in between.
    if (!(await this.documents.commit([{ collection: SUBSCRIPTIONS, upsert: resumed }], [{ collection: SUBSCRIPTIONS, id: subscription._id, field: 'epoch', equals: subscription.epoch }]))) {
      throw new HttpException({ code: 'SUBSCRIPTION_CHANGED', message: 'the subscription changed or was deleted meanwhile; read it again' }, HttpStatus.CONFLICT);
    }
    await this.dispatcher.refresh();
    return view(resumed);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  async remove(@Param('id') id: string, @CurrentStaff() staff: StaffMember) {
    requireRole(staff, ['admin'], 'deleting a webhook subscription');
    await this.find(id);
    await this.documents.commit([{ collection: SUBSCRIPTIONS, delete: parseId('SUBSCRIPTION', id) }]);
    await this.dispatcher.refresh();
  }

  private async find(id: string): Promise<WebhookSubscription> {
    const subscription = await this.documents.collection<WebhookSubscription>(SUBSCRIPTIONS).get(parseId('SUBSCRIPTION', id));
    if (!subscription) throw new NotFoundException({ code: 'SUBSCRIPTION_NOT_FOUND', message: `there is no webhook subscription ${id}` });
    return subscription;
  }
}
