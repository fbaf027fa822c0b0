export { type AccountBilling, getAccountBilling, listLedgerEntries } from './account-billing.js';
export { chargeSignature, type SignatureBilling } from './charge-signature.js';
export { type BillingProblem, checkBilling } from './check-billing.js';
export { type CreditInput, creditAccount, MAX_CREDIT_CENTS } from './credit-account.js';
export { holdForRequest } from './hold-for-request.js';
export { readTotals } from './ledger.js';
export { billingMetrics } from './metrics.js';
export { releaseRequest } from './release-request.js';
export { freeAllowance, isFreeSignature, requiredHeldCents, vatCents, windowStart } from './rules.js';
export type {
  AccountTotals,
  BillingDeps,
  BillingMetrics,
  BillingRules,
  LedgerActor,
  LedgerEntry,
  LedgerEntryKind,
} from './types.js';
export { LEDGER_ACTORS, LEDGER_ENTRY_KINDS } from './types.js';
