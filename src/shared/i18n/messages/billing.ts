import { defineMessages } from '../define.js';

/** Billing: what senders and operators read about the prepaid balance. */
export const billingMessages = defineMessages({
  fr: {
    'error.BILLING_BALANCE_INSUFFICIENT':
      'Le solde disponible de votre compte ({available}) ne couvre pas cette demande : il manque {missing} HT. Chaque signature reçue au-delà des signatures gratuites coûte {price} HT. Approvisionnez votre compte ici : {url}',
    'error.BILLING_CREDIT_INVALID':
      'Montant ou référence de crédit invalide : un montant positif en euros (au plus {max} centimes) et une référence sont requis.',
    'error.BILLING_CREDIT_CONFLICT':
      'La référence {reference} a déjà servi à créditer un autre montant ({amountCents} centimes).',
    'audit.event.account.credited': 'Compte crédité',
  },
  en: {
    'error.BILLING_BALANCE_INSUFFICIENT':
      'The available balance of your account ({available}) does not cover this request: {missing} excl. VAT is missing. Each signature received beyond the free ones costs {price} excl. VAT. Top up your account here: {url}',
    'error.BILLING_CREDIT_INVALID':
      'Invalid credit amount or reference: a positive amount in euros (at most {max} cents) and a reference are required.',
    'error.BILLING_CREDIT_CONFLICT':
      'Reference {reference} already credited another amount ({amountCents} cents).',
    'audit.event.account.credited': 'Account credited',
  },
});
