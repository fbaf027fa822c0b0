import { defineMessages } from '../define.js';

/**
 * Text of the mail filter's errors, as operators and `paraphe send` users see them, and of the
 * notice a sender gets when a copy was refused for good by the next hop.
 */
export const mailMessages = defineMessages({
  fr: {
    'error.MAIL_RELAY_UNAVAILABLE':
      'Le serveur de messagerie suivant est momentanément indisponible ; le message sera renvoyé.',
    'error.MAIL_RELAY_REJECTED': 'Le serveur de messagerie suivant a refusé le message.',
    'error.MAIL_OUTBOX_NOT_FOUND': 'Message sortant introuvable.',
    'error.MAIL_OUTBOX_BUSY': 'Ce message est déjà en cours d’envoi.',
    'error.MAIL_CLIENT_NOT_ALLOWED': 'Cette adresse n’est pas autorisée à transmettre du courrier à Paraphe.',
    'error.MAIL_TOO_LARGE': 'Le message dépasse la taille maximale acceptée.',
    'error.MAIL_FILTER_FAILED': 'Le message n’a pas pu être traité ; il sera présenté de nouveau.',
    'mail.refusal.subject': 'Message non remis à {recipients}',
    'mail.refusal.body':
      'Le serveur de messagerie de {recipients} a refusé définitivement le message que Paraphe lui transmettait de votre part. Il ne sera pas renvoyé.',
    'mail.refusal.reply': 'Réponse du serveur\u00a0: {reply}',
    'mail.refusal.advice':
      'Vérifiez l’adresse, puis envoyez de nouveau votre message\u00a0; les autres destinataires ne sont pas concernés.',
    'mail.refusal.attached': 'Le message refusé est joint.',
    'mail.refusal.headersOnly':
      'Le message refusé est trop volumineux pour être joint à cet avis\u00a0: seuls ses en-têtes le sont.',
    'mail.refusal.signature': 'Paraphe, service de signature par e-mail',
  },
  en: {
    'error.MAIL_RELAY_UNAVAILABLE':
      'The next mail server is unavailable for now; the message will be sent again.',
    'error.MAIL_RELAY_REJECTED': 'The next mail server refused the message.',
    'error.MAIL_OUTBOX_NOT_FOUND': 'Outgoing message not found.',
    'error.MAIL_OUTBOX_BUSY': 'This message is already being sent.',
    'error.MAIL_CLIENT_NOT_ALLOWED': 'This address may not hand mail to Paraphe.',
    'error.MAIL_TOO_LARGE': 'The message is larger than the accepted maximum.',
    'error.MAIL_FILTER_FAILED': 'The message could not be processed; it will be offered again.',
    'mail.refusal.subject': 'Message not delivered to {recipients}',
    'mail.refusal.body':
      'The mail server of {recipients} refused for good the message Paraphe was passing on for you. It will not be sent again.',
    'mail.refusal.reply': 'The server answered: {reply}',
    'mail.refusal.advice':
      'Check the address, then send your message again; the other recipients are not affected.',
    'mail.refusal.attached': 'The refused message is attached.',
    'mail.refusal.headersOnly':
      'The refused message is too large to attach to this notice: only its headers are attached.',
    'mail.refusal.signature': 'Paraphe, signature by email',
  },
});
