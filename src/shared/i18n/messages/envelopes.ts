import { defineMessages } from '../define.js';

/** Text of the envelopes domain: the block on top of signers' copies, replies to senders. */
export const envelopesMessages = defineMessages({
  fr: {
    'envelopes.block.heading': '{sender} vous demande de signer : {documents}',
    'envelopes.block.placeOnly': 'Vous êtes la seule personne à signer.',
    'envelopes.block.placeFirst': 'Vous signerez en premier ({total} signataires).',
    'envelopes.block.placeAfter':
      'Vous signerez en {ordinal}, après {previous}. Vous recevrez un e-mail quand ce sera votre tour.',
    'envelopes.block.linkLabel': 'Signer',
    'envelopes.block.linkLine': 'Pour signer : {url}',
    'envelopes.list.and': 'et',
    'envelopes.list.others': '{count} autres personnes',
    'envelopes.refusal.subject': 'Demande de signature non envoyée : {subject}',
    'envelopes.refusal.noSubject': '(sans objet)',
    'envelopes.refusal.intro':
      'Votre message « {subject} » n’a été envoyé à personne, car Paraphe ne peut pas en faire une demande de signature :',
    'envelopes.refusal.outro':
      'Corrigez ces points, puis envoyez à nouveau votre message avec {marker} dans l’objet.',
    'envelopes.refusal.signature': 'Paraphe, service de signature par e-mail',
    'error.ENVELOPE_NOT_FOUND': 'Cette demande de signature est introuvable.',
    'error.ENVELOPE_STATE_CONFLICT':
      'Cette demande de signature a changé d’état entre-temps. Rechargez la page.',
    'error.SIGNER_NOT_CURRENT': 'Ce n’est pas (ou plus) votre tour de signer.',
    'error.SIGN_REQUEST_NO_PDF':
      'Aucun PDF n’est joint au message : joignez le ou les documents à signer au format PDF.',
    'error.SIGN_REQUEST_NO_SIGNER':
      'Aucun signataire : mettez les personnes qui doivent signer en destinataires (À ou Cc), autres que vous-même.',
    'error.SIGN_REQUEST_TOO_MANY_SIGNERS':
      'Le message compte {count} signataires (À et Cc) ; le maximum est {max}. Mettez les autres personnes en Cci : elles recevront le message sans signer.',
    'error.SIGN_REQUEST_ATTACHMENT_TOO_LARGE':
      'La pièce jointe {fileName} pèse {sizeMb} Mo ; le maximum est {maxMb} Mo par pièce jointe.',
    'error.SIGN_REQUEST_SUBSCRIPTION_ENDED':
      'La signature par e-mail demande un abonnement actif, et celui de votre compte a pris fin : renouvelez-le auprès de votre fournisseur de messagerie.',
    'envelopes.refusal.originalAttached': 'Votre message d’origine est joint à cette réponse.',
    'envelopes.refusal.originalHeadersOnly':
      'Votre message d’origine est trop volumineux pour être joint à cette réponse\u00a0: seuls ses en-têtes le sont.',
  },
  en: {
    'envelopes.block.heading': '{sender} asks you to sign: {documents}',
    'envelopes.block.placeOnly': 'You are the only signer.',
    'envelopes.block.placeFirst': 'You will sign first ({total} signers).',
    'envelopes.block.placeAfter':
      'You will sign {ordinal}, after {previous}. We will email you when it is your turn.',
    'envelopes.block.linkLabel': 'Sign',
    'envelopes.block.linkLine': 'To sign: {url}',
    'envelopes.list.and': 'and',
    'envelopes.list.others': '{count} others',
    'envelopes.refusal.subject': 'Signature request not sent: {subject}',
    'envelopes.refusal.noSubject': '(no subject)',
    'envelopes.refusal.intro':
      'Your message "{subject}" was not sent to anyone, because Paraphe cannot turn it into a signature request:',
    'envelopes.refusal.outro':
      'Please fix these points, then send your message again with {marker} in the subject.',
    'envelopes.refusal.signature': 'Paraphe, signature by email',
    'error.ENVELOPE_NOT_FOUND': 'This signature request cannot be found.',
    'error.ENVELOPE_STATE_CONFLICT': 'This signature request changed in the meantime. Reload the page.',
    'error.SIGNER_NOT_CURRENT': 'It is not (or no longer) your turn to sign.',
    'error.SIGN_REQUEST_NO_PDF':
      'No PDF is attached to the message: attach the document(s) to sign as PDF files.',
    'error.SIGN_REQUEST_NO_SIGNER':
      'No signer: put the people who must sign as recipients (To or Cc), other than yourself.',
    'error.SIGN_REQUEST_TOO_MANY_SIGNERS':
      'The message names {count} signers (To and Cc); the maximum is {max}. Put the others in Bcc: they will receive the message without signing.',
    'error.SIGN_REQUEST_ATTACHMENT_TOO_LARGE':
      'The attachment {fileName} is {sizeMb} MB; the maximum is {maxMb} MB per attachment.',
    'error.SIGN_REQUEST_SUBSCRIPTION_ENDED':
      'Signing by email needs an active subscription, and the subscription of your account has ended: renew it with your email provider.',
    'envelopes.refusal.originalAttached': 'Your original message is attached to this reply.',
    'envelopes.refusal.originalHeadersOnly':
      'Your original message is too large to attach to this reply: only its headers are attached.',
  },
});

/** "1er", "2e" / "1st", "2nd": a signer's place in the order. */
export function ordinal(locale: 'fr' | 'en', n: number): string {
  if (locale === 'fr') return n === 1 ? '1er' : `${n}e`;
  const mod100 = n % 100;
  const suffix = mod100 >= 11 && mod100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}
