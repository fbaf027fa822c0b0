import { defineMessages } from '../define.js';

/**
 * SMS texts must stay GSM-7 and fit 160 characters with the longest operator name the
 * configuration accepts (tests check both languages): no ê or ç in `sms.*.text`. French typography
 * (’, no-break spaces, « ») is written as everywhere else: the SMS text builder maps it to GSM-7.
 */
export const smsMessages = defineMessages({
  fr: {
    'sms.code.text':
      '{code} est votre code de signature {operator}. Valable {minutes} minutes. Ne le communiquez à personne.',
    'sms.test.text': 'Message de test {operator} : la passerelle SMS fonctionne.',
    'sms.code.sent': 'Code envoyé au {phone}. Il est valable {minutes} minutes.',
    'sms.code.pending':
      'L’envoi du SMS au {phone} prend plus de temps que prévu : nous réessayons automatiquement. Vous pourrez demander un nouveau code dans {seconds} s.',
    'error.PHONE_INVALID': 'Ce numéro de téléphone n’est pas valide. Vérifiez-le (exemple : 06 12 34 56 78).',
    'error.PHONE_SHORT':
      'Les numéros courts ne peuvent pas recevoir le code : indiquez votre numéro de mobile.',
    'error.PHONE_LANDLINE':
      'Ce numéro est une ligne fixe, qui ne reçoit pas les SMS : indiquez votre numéro de mobile.',
    'error.PHONE_SPECIAL':
      'Les numéros spéciaux (surtaxés, gratuits, partagés) ne peuvent pas recevoir le code : indiquez votre numéro de mobile.',
    'error.SMS_RESEND_TOO_SOON':
      'Un code vient de vous être envoyé. Patientez {seconds} s avant d’en demander un autre.',
    'error.SMS_LIMIT_REACHED': 'Trop de codes ont été demandés. Réessayez dans {minutes} minutes.',
    'error.SMS_NUMBER_REJECTED':
      'L’opérateur refuse d’envoyer un SMS à ce numéro. Vérifiez-le ou indiquez un autre numéro de mobile.',
    'error.SMS_PROVIDER_UNAVAILABLE':
      'L’envoi des SMS est momentanément perturbé. Votre demande est enregistrée et sera renvoyée automatiquement.',
    'error.SMS_PROVIDER_FAILED':
      'Le service ne peut pas envoyer de SMS pour le moment. Réessayez plus tard ; l’équipe technique est prévenue.',
    'error.SMS_TEXT_INVALID': 'Le texte du SMS n’a pas pu être préparé.',
    'error.SMS_WEBHOOK_SIGNATURE_INVALID': 'Signature de la notification invalide.',
    'error.OTP_WRONG_CODE': 'Code incorrect. Il vous reste {attemptsLeft} {attemptsLeft|essai|essais}.',
    'error.OTP_EXPIRED': 'Ce code a expiré. Demandez un nouveau code.',
    'error.OTP_TOO_MANY_ATTEMPTS': 'Trop d’essais incorrects pour ce code. Demandez un nouveau code.',
    'error.OTP_NO_CODE': 'Aucun code n’est en attente. Demandez un code.',
  },
  en: {
    'sms.code.text':
      '{code} is your {operator} signing code. Valid for {minutes} minutes. Do not share it with anyone.',
    'sms.test.text': 'Test message from {operator}: the SMS gateway works.',
    'sms.code.sent': 'Code sent to {phone}. It is valid for {minutes} minutes.',
    'sms.code.pending':
      'Sending the SMS to {phone} is taking longer than expected: we keep trying automatically. You can ask for a new code in {seconds} s.',
    'error.PHONE_INVALID': 'This phone number is not valid. Please check it (example: +33 6 12 34 56 78).',
    'error.PHONE_SHORT': 'Short numbers cannot receive the code: please enter your mobile number.',
    'error.PHONE_LANDLINE':
      'This is a landline, which cannot receive text messages: please enter your mobile number.',
    'error.PHONE_SPECIAL':
      'Special numbers (premium, toll-free, shared cost) cannot receive the code: please enter your mobile number.',
    'error.SMS_RESEND_TOO_SOON':
      'A code was just sent to you. Please wait {seconds} s before asking for another one.',
    'error.SMS_LIMIT_REACHED': 'Too many codes were requested. Please try again in {minutes} minutes.',
    'error.SMS_NUMBER_REJECTED':
      'The carrier refuses to send a text message to this number. Please check it or enter another mobile number.',
    'error.SMS_PROVIDER_UNAVAILABLE':
      'Text messages are delayed at the moment. Your request is saved and will be sent again automatically.',
    'error.SMS_PROVIDER_FAILED':
      'The service cannot send text messages right now. Please try again later; the technical team has been told.',
    'error.SMS_TEXT_INVALID': 'The text message could not be prepared.',
    'error.SMS_WEBHOOK_SIGNATURE_INVALID': 'Invalid notification signature.',
    'error.OTP_WRONG_CODE': 'Wrong code. You have {attemptsLeft} {attemptsLeft|attempt|attempts} left.',
    'error.OTP_EXPIRED': 'This code has expired. Please ask for a new code.',
    'error.OTP_TOO_MANY_ATTEMPTS': 'Too many wrong attempts for this code. Please ask for a new code.',
    'error.OTP_NO_CODE': 'No code is waiting. Please ask for a code.',
  },
});
