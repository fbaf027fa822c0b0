import type { Counter } from 'prom-client';
import type { Clock } from '../shared/clock.js';
import type { Ids } from '../shared/ids.js';

/** The `billing` section of the configuration: what a signature costs and what is free. */
export interface BillingRules {
  /** Price of one signature received beyond the free window, euro cents before VAT. */
  priceCents: number;
  /** From this signature on in the window each costs the price (10: the first 9 are free). */
  freeThreshold: number;
  /** Length of the rolling window, in periods of 24 hours. */
  windowDays: number;
  /** VAT rate in basis points (2000 = 20 %). */
  vatRateBasisPoints: number;
  /** Where a customer tops up (`PARAPHE_PUBLIC_URL/account`). */
  topUpUrl: string;
}

export const LEDGER_ENTRY_KINDS = ['credit', 'hold', 'hold_release', 'charge', 'free'] as const;
export type LedgerEntryKind = (typeof LEDGER_ENTRY_KINDS)[number];

/** Who caused a movement: an operator's command, the provider's systems, a payment, or Paraphe. */
export const LEDGER_ACTORS = ['system', 'operator', 'provider', 'payment'] as const;
export type LedgerActor = (typeof LEDGER_ACTORS)[number];

/** One line of an account's ledger, as stored (never changed afterwards). */
export interface LedgerEntry {
  id: string;
  accountId: string;
  seq: number;
  kind: LedgerEntryKind;
  /** What the entry does to the available balance: credits and releases > 0, charges and holds < 0. */
  amountCents: number;
  reason: string;
  idempotencyKey: string;
  envelopeId: string | null;
  signerId: string | null;
  reference: string | null;
  topUpId: string | null;
  actor: LedgerActor;
  balanceAfterCents: number;
  heldAfterCents: number;
  /** Signatures the free window counts, received up to this entry (since the account began). */
  receivedAfter: number;
  createdAt: Date;
}

/** An account's money at one moment. `availableCents` is what a new request may hold. */
export interface AccountTotals {
  /** Credits minus charges: the money on the account. */
  balanceCents: number;
  /** Set aside for the signatures the account's open requests may still cost. */
  heldCents: number;
  /** balance − held. */
  availableCents: number;
}

/** The billing counters /metrics serves (one set per registry). */
export interface BillingMetrics {
  signatures: Counter<'kind'>;
  chargedCents: Counter;
  credits: Counter<'actor'>;
  creditedCents: Counter<'actor'>;
  refusedForBalance: Counter;
}

/** What the billing use cases need; they run inside the caller's transaction. */
export interface BillingDeps {
  clock: Clock;
  ids: Ids;
  rules: BillingRules;
  metrics?: BillingMetrics;
}
