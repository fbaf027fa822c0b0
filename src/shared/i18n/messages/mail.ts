import { defineMessages } from '../define.js';

/** Text of the mail filter's errors, as operators and `paraphe send` users see them. */
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
  },
});
