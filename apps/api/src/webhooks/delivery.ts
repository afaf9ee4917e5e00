import { createHmac, randomInt } from 'node:crypto';

/** How deliveries retry and when a subscription gives up (tests shorten them). */
export interface DeliveryPolicy {
  /** The first retry's delay; each next one doubles, up to `maxDelayMs`, with jitter. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Consecutive failures after which the subscription is paused. */
  readonly maxFailures: number;
  /** A receiver that has not answered by then has failed. */
  readonly timeoutMs: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = { baseDelayMs: 1000, maxDelayMs: 5 * 60_000, maxFailures: 12, timeoutMs: 10_000 };

/** Exponential backoff with full jitter between half and all of the step, so receivers coming back are not stampeded. */
export const retryDelay = (policy: DeliveryPolicy, failures: number): number => {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failures - 1));
  return Math.ceil(step / 2) + randomInt(Math.ceil(step / 2) + 1);
};

/**
 * `X-Redress-Signature: t=<unix seconds>,v1=<hex>` where hex is
 * HMAC-SHA256(secret, "<t>.<body>"). A receiver recomputes it over the raw
 * body and refuses stale timestamps (replays).
 */
export const signature = (secret: string, timestamp: number, body: string): string => `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;

/** Whether webhooks may go to the url's host: WEBHOOK_ALLOWED_HOSTS (`host`, or `*.domain` for its subdomains); undefined allows any. */
export const targetAllowed = (url: string, allowed: readonly string[] | undefined): boolean => {
  if (allowed === undefined) return true;
  const host = URL.canParse(url) ? new URL(url).hostname.toLowerCase() : '';
  return allowed.some((pattern) => (pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) : host === pattern));
};

export interface DeliveryOutcome {
  readonly ok: boolean;
  readonly status?: number;
  readonly error?: string;
}

/** One POST of one event: 2xx is delivered; anything else, or no answer in time, is a failure to retry. */
export const deliver = async (url: string, secret: string, subscriptionId: string, event: { readonly id: string; readonly type: string }, body: string, timeoutMs: number, now: Date, stop: AbortSignal): Promise<DeliveryOutcome> => {
  const timestamp = Math.floor(now.getTime() / 1000);
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Redress-Webhooks/1',
        'x-redress-event-id': event.id,
        'x-redress-event-type': event.type,
        'x-redress-subscription': subscriptionId,
        'x-redress-signature': signature(secret, timestamp, body),
      },
      body,
      signal: AbortSignal.any([stop, AbortSignal.timeout(timeoutMs)]),
      redirect: 'manual',
    });
    await response.body?.cancel().catch(() => undefined);
    return response.ok ? { ok: true, status: response.status } : { ok: false, status: response.status, error: `HTTP ${response.status}` };
  } catch (error) {
    // The timeout rejects with a DOMException named TimeoutError; a refused connection with a TypeError whose cause says why.
    return { ok: false, error: (error as { name?: string }).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : String((error as Error).cause ?? error) };
  }
};
