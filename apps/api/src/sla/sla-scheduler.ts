import { type BeforeApplicationShutdown, HttpException, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Logger } from 'pino';
import { SLA_STEPS, complaintEvent, complaintIdOf, rectificationIdOf, rectificationEvent, dueBreaches, evolve, evolveRectification, initialRectification, initialState, isFinished, isOverdueNow, type Complaint, type Rectification } from '@redress/domain';
import { START, type EventStore, type Position, type RecordedEvent, type Subscription } from '@redress/event-store';
import type { Clock } from '@redress/platform';
import { Lease, type DocumentStore } from '@redress/projections';
import { SLA_SCHEDULER } from '../auth/actor';
import { HandleComplaintCommand } from '../complaints/complaint-command';
import { HandleRectificationCommand } from '../rectifications/rectification-command';
import { CLOCK, DOCUMENT_STORE, EVENT_STORE, LEASE_HOLDER, LOGGER, RUNS_BACKGROUND_WORK, SLA_TICK_MS } from '../tokens';

/** Wait after losing the log before following it again. */
const FOLLOW_RETRY_MS = 1000;

/** How long a tick waits for the scheduler to see the whole log. */
const CATCH_UP_TIMEOUT_MS = 10_000;

/**
 * What the scheduler keeps of an open case: status, deadlines and progress,
 * not its text (subject, content, complainant, resolution), so memory follows
 * the open work lightly (about 3.6 KB a case before, a few hundred bytes now).
 * The domain's evolve keeps these fields right from these fields alone.
 */
const slaWatch = (state: Complaint): Complaint => ({
  ...initialState,
  status: state.status,
  acknowledged: state.acknowledged,
  sla: state.sla,
  slaProgress: state.slaProgress,
  slaBreaches: state.slaBreaches,
  slaRenewedAt: state.slaRenewedAt,
});

/**
 * Nothing is left to record: the case is finished, or every SLA step is done
 * (or no longer due), and nothing late is unrecorded. (A finished case may
 * keep a step undone whose deadline passed before it ended; once that breach
 * is recorded it is settled too. A case imported without deadlines has none
 * to record.) The scheduler only prompts; the decider, on the case's real
 * state, decides what is due.
 */
const settled = (state: Complaint): boolean =>
  state.status === 'none' ||
  ((isFinished(state.status) || SLA_STEPS.every((step) => step in state.slaProgress)) &&
    dueBreaches(state, '9999-12-31T00:00:00.000Z').length === 0);

/** How the scheduler remembers that a source complaint's history links the item. */
const linkKey = (complaintId: string, rectificationId: string): string => `${complaintId} ${rectificationId}`;

/** The source complaints whose history does not link the item yet (a crash after its dispatch). */
const unlinkedSources = (rectificationId: string, item: Rectification, links: ReadonlySet<string>): string[] =>
  (item.dispatch?.sourceComplaintIds ?? []).filter((complaintId) => !links.has(linkKey(complaintId, rectificationId)));

/** Nothing is left to do for an item: confirmed (nothing more can be late), and linked into every source complaint. */
const itemSettled = (rectificationId: string, item: Rectification, links: ReadonlySet<string>): boolean =>
  item.status === 'confirmed' && unlinkedSources(rectificationId, item, links).length === 0;

/**
 * Acts when time passes (DOMAIN.md section 3): follows the log from the
 * start, keeps the deadlines of every case and rectification still open, and
 * on each tick (and once at start) records SlaBreached / RectificationOverdue
 * for what is due. The deciders refuse a second record, so each is written
 * exactly once, also after a restart and for deadlines that passed while it
 * was down. It also links dispatched rectifications into source complaints
 * whose link a crash left unwritten, keeping an item, confirmed or not, until
 * every link is in the log.
 *
 * It runs in the processes doing the background work (the api in embedded
 * mode, projectors), and of those only the holder of the `sla-scheduler`
 * lease records. (Its writes go to the event store, which the
 * lease cannot fence; the deciders refusing a second record is what keeps a
 * paused former holder from writing twice.)
 */
@Injectable()
export class SlaScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly complaints = new Map<string, Complaint>();
  private readonly rectifications = new Map<string, Rectification>();
  /** `complaintId rectificationId` (linkKey) of every link the log holds. */
  private readonly links = new Set<string>();
  private position: Position = START;
  private subscription?: Subscription;
  private following?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  /** Set when the process stops: a tick in progress ends after the command in hand. */
  private stopping = false;
  private readonly lease: Lease | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SLA_TICK_MS) private readonly tickMs: number,
    @Inject(DOCUMENT_STORE) documents: DocumentStore,
    @Inject(LEASE_HOLDER) holder: string,
    @Inject(RUNS_BACKGROUND_WORK) runsBackgroundWork: boolean,
    private readonly commands: CommandBus,
  ) {
    this.lease = runsBackgroundWork ? new Lease(documents, 'sla-scheduler', holder) : undefined;
  }

  onApplicationBootstrap(): void {
    // Only a process doing the background work follows the log: the at-risk board reads the read models.
    if (!this.lease) return;
    this.following = this.follow(this.lease);
    if (this.tickMs > 0) {
      const tick = () => void this.tick().catch((error: unknown) => this.logger.error({ err: error }, 'SLA scheduler tick failed; the next one retries'));
      tick();
      this.timer = setInterval(tick, this.tickMs);
      this.timer.unref();
    }
  }

  /**
   * Follows the log for as long as the process runs. A lost subscription (the
   * store restarted, a network fault) is followed again from where it was;
   * meanwhile this process gives up the lease, so a standby that can see the
   * log records what is due.
   */
  private async follow(lease: Lease): Promise<void> {
    while (!this.stopping) {
      const subscription = this.store.subscribeToAll({ after: this.position });
      this.subscription = subscription;
      try {
        for await (const event of subscription) this.apply(event);
      } catch (error) {
        if (this.stopping) return;
        this.logger.error({ err: error }, 'SLA scheduler lost the log; handing on its lease and following again');
        await lease.release().catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, FOLLOW_RETRY_MS));
      }
    }
  }

  /** Before the stores close: the last tick finishes and the lease is handed on. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.ticking;
    await this.lease?.release().catch(() => undefined);
    await this.subscription?.close();
    await this.following;
  }

  /** Resolves once everything in the log now has been seen. */
  private async caughtUp(): Promise<void> {
    const head = await this.store.headPosition();
    const deadline = Date.now() + CATCH_UP_TIMEOUT_MS;
    while (this.position < head) {
      if (Date.now() > deadline) {
        throw new Error('the SLA scheduler has not caught up with the log; the next tick tries again');
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Records everything due at the clock's now, if this process holds the lease; one tick at a time. */
  tick(): Promise<void> {
    this.ticking ??= this.recordDue().finally(() => {
      this.ticking = undefined;
    });
    return this.ticking;
  }

  private apply(event: RecordedEvent): void {
    const complaintId = complaintIdOf(event.streamName);
    const complaint = complaintEvent(event);
    const rectificationId = rectificationIdOf(event.streamName);
    const rectification = rectificationEvent(event);
    if (complaintId !== undefined && complaint) {
      if (complaint.type === 'RectificationLinked') this.linked(complaintId, complaint.data.rectificationId);
      // Only cases with something still due are kept: memory follows the open work, not the archive.
      const state = evolve(this.complaints.get(complaintId) ?? initialState, complaint);
      if (settled(state)) this.complaints.delete(complaintId);
      else this.complaints.set(complaintId, slaWatch(state));
    } else if (rectificationId !== undefined && rectification) {
      const item = evolveRectification(this.rectifications.get(rectificationId) ?? initialRectification, rectification);
      // A confirmed item is kept while a link is missing: the next tick writes it.
      if (itemSettled(rectificationId, item, this.links)) this.rectifications.delete(rectificationId);
      else this.rectifications.set(rectificationId, item);
    }
    this.position = event.position;
  }

  /** A link the log holds; the last one a confirmed item waited for settles it. */
  private linked(complaintId: string, rectificationId: string): void {
    this.links.add(linkKey(complaintId, rectificationId));
    const item = this.rectifications.get(rectificationId);
    if (item && itemSettled(rectificationId, item, this.links)) this.rectifications.delete(rectificationId);
  }

  private async recordDue(): Promise<void> {
    if (!(await this.lease?.ensure())) return;
    await this.caughtUp();
    const now = this.clock.now();
    const iso = now.toISOString();
    const correlationId = `sla-tick-${iso}`;
    // A tick can hold thousands of commands (a log full of overdue cases): it gives way to a stop or a lost lease between them.
    const goOn = () => !this.stopping && this.lease?.held() === true;
    for (const [id, state] of this.complaints) {
      if (!goOn()) return;
      if (dueBreaches(state, iso).length === 0) continue;
      await this.run(new HandleComplaintCommand(id, { type: 'RecordSlaBreaches' }, SLA_SCHEDULER, correlationId));
    }
    for (const [id, item] of this.rectifications) {
      if (!goOn()) return;
      if (isOverdueNow(item, iso)) await this.run(new HandleRectificationCommand(id, { type: 'MarkRectificationOverdue' }, SLA_SCHEDULER, correlationId));
      for (const complaintId of unlinkedSources(id, item, this.links)) {
        const link = { type: 'LinkRectification' as const, body: { rectificationId: id, problem: item.dispatch?.problem as string } };
        await this.run(new HandleComplaintCommand(complaintId, link, SLA_SCHEDULER, correlationId));
      }
    }
    await this.caughtUp();
  }

  /**
   * A refusal here means someone else already recorded it (another instance,
   * a race): nothing to do. Anything else (the store down, a bug) is said, and
   * the next tick tries again.
   */
  private async run(command: HandleComplaintCommand | HandleRectificationCommand): Promise<void> {
    try {
      await this.commands.execute(command);
    } catch (error) {
      if (error instanceof HttpException && error.getStatus() < 500) this.logger.debug({ err: error }, 'SLA scheduler: nothing recorded');
      else this.logger.warn({ err: error, command: command.command.type }, 'SLA scheduler could not record what is due; the next tick tries again');
    }
  }
}
