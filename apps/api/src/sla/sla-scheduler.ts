import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Logger } from 'pino';
import { isRectificationEventType, type RectificationEvent } from '@redress/contracts';
import { SLA_STEPS, dueBreaches, evolve, evolveRectification, initialRectification, initialState, type Complaint, type Rectification } from '@redress/domain';
import { START, type EventStore, type Position, type RecordedEvent, type Subscription } from '@redress/event-store';
import type { Clock } from '@redress/platform';
import type { StaffMember } from '../auth/actor';
import { HandleComplaintCommand } from '../complaints/complaint-command';
import { complaintEvent } from '../complaints/complaint-stream';
import { HandleRectificationCommand } from '../rectifications/rectification-command';
import { CLOCK, EVENT_STORE, LOGGER, SLA_TICK_MS } from '../tokens';

const SCHEDULER: StaffMember = { user: 'sla-scheduler', role: 'system' };
const idOf = (stream: string, prefix: string) => stream.slice(prefix.length);

export interface AtRisk {
  readonly kind: 'complaint' | 'rectification';
  readonly id: string;
  readonly step: string;
  readonly deadline: string;
  readonly breached: boolean;
}

/**
 * Acts when time passes (DOMAIN.md section 3): follows the log from the
 * start, keeps every open case's deadlines and every rectification's, and on
 * each tick records SlaBreached / RectificationOverdue for what is due. The
 * deciders refuse a second record, so each is written exactly once, also
 * after a restart and for deadlines that passed while it was down.
 */
@Injectable()
export class SlaScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly complaints = new Map<string, Complaint>();
  private readonly rectifications = new Map<string, Rectification>();
  private position: Position = START;
  private subscription?: Subscription;
  private following?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private stopped?: unknown;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SLA_TICK_MS) private readonly tickMs: number,
    private readonly commands: CommandBus,
  ) {}

  onApplicationBootstrap(): void {
    const subscription = this.store.subscribeToAll({ after: START });
    this.subscription = subscription;
    this.following = (async () => {
      for await (const event of subscription) this.apply(event);
    })().catch((error: unknown) => {
      this.stopped = error;
      this.logger.error({ err: error }, 'SLA scheduler stopped following the log');
    });
    if (this.tickMs > 0) {
      this.timer = setInterval(() => void this.tick(), this.tickMs);
      this.timer.unref();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
    await this.subscription?.close();
    await this.following;
  }

  /** Resolves once everything in the log now has been seen. */
  async caughtUp(): Promise<void> {
    const head = await this.store.headPosition();
    while (this.position < head) {
      if (this.stopped !== undefined) throw new Error('the SLA scheduler is no longer following the log', { cause: this.stopped });
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Records everything due at the clock's now; one tick at a time. */
  tick(): Promise<void> {
    this.ticking ??= this.recordDue().finally(() => {
      this.ticking = undefined;
    });
    return this.ticking;
  }

  atRisk(withinMs: number): AtRisk[] {
    const now = this.clock.now().getTime();
    const horizon = now + withinMs;
    const due: AtRisk[] = [];
    for (const [id, state] of this.complaints) {
      if (!state.sla) continue;
      for (const step of SLA_STEPS) {
        const deadline = state.sla[step];
        if (!(step in state.slaProgress) && Date.parse(deadline) <= horizon) due.push({ kind: 'complaint', id, step, deadline, breached: Date.parse(deadline) < now });
      }
    }
    for (const [id, item] of this.rectifications) {
      const deadline = item.dispatch?.deadline;
      if (deadline && (item.status === 'dispatched' || item.status === 'accepted') && Date.parse(deadline) <= horizon) {
        due.push({ kind: 'rectification', id, step: 'feedback', deadline, breached: Date.parse(deadline) < now });
      }
    }
    return due.sort((a, b) => a.deadline.localeCompare(b.deadline));
  }

  private apply(event: RecordedEvent): void {
    if (event.streamName.startsWith('complaint-')) {
      const domainEvent = complaintEvent(event);
      const id = idOf(event.streamName, 'complaint-');
      if (domainEvent) this.complaints.set(id, evolve(this.complaints.get(id) ?? initialState, domainEvent));
    } else if (event.streamName.startsWith('rectification-') && isRectificationEventType(event.type)) {
      const id = idOf(event.streamName, 'rectification-');
      this.rectifications.set(id, evolveRectification(this.rectifications.get(id) ?? initialRectification, { type: event.type, data: event.data } as RectificationEvent));
    }
    this.position = event.position;
  }

  private async recordDue(): Promise<void> {
    await this.caughtUp();
    const now = this.clock.now();
    const iso = now.toISOString();
    const correlationId = `sla-tick-${iso}`;
    for (const [id, state] of this.complaints) {
      if (dueBreaches(state.sla, state.slaProgress, state.slaBreaches, iso).length === 0) continue;
      await this.run(new HandleComplaintCommand(id, { type: 'RecordSlaBreaches' }, SCHEDULER, correlationId));
    }
    for (const [id, item] of this.rectifications) {
      const deadline = item.dispatch?.deadline;
      if (!deadline || item.overdue || (item.status !== 'dispatched' && item.status !== 'accepted') || Date.parse(deadline) >= now.getTime()) continue;
      await this.run(new HandleRectificationCommand(id, { type: 'MarkRectificationOverdue' }, SCHEDULER, correlationId));
    }
    await this.caughtUp();
  }

  /** A refusal here means someone else already recorded it (another instance, a race): nothing to do. */
  private async run(command: HandleComplaintCommand | HandleRectificationCommand): Promise<void> {
    try {
      await this.commands.execute(command);
    } catch (error) {
      this.logger.debug({ err: error }, 'SLA scheduler: nothing recorded');
    }
  }
}
