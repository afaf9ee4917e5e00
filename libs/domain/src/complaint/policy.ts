/**
 * The complaint rules that are settings rather than logic (DOMAIN.md section 7).
 * They become a versioned policy stream with the SLA issue; until then these
 * defaults are the policy.
 */
export interface ComplaintPolicy {
  /** A closed case can be reopened for this many days after closing. */
  readonly reopenWindowDays: number;
  /** Money a handler may grant per case without a supervisor's approval, in the case currency. */
  readonly handlerAuthorityLimit: number;
}

export const DEFAULT_COMPLAINT_POLICY: ComplaintPolicy = { reopenWindowDays: 30, handlerAuthorityLimit: 500 };
