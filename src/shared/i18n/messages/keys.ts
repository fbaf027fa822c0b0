import { defineMessages } from '../define.js';

/** Text about the seal key, the timestamp authority and verification reports. */
export const keysMessages = defineMessages({
  fr: {
    'error.SEAL_KEY_NOT_CONFIGURED':
      'Aucune clé de cachet n’est configurée : le document ne peut pas être scellé.',
    'error.SEAL_KEY_UNREADABLE': 'Le fichier de la clé de cachet est illisible.',
    'error.SEAL_KEY_PASSPHRASE_WRONG': 'La phrase de passe de la clé de cachet est incorrecte.',
    'error.SEAL_KEY_INVALID': 'La clé de cachet ou son certificat est inutilisable.',
    'error.SEAL_PKCS11_FAILED':
      'Le module matériel de sécurité (HSM) n’a pas pu signer. Réessayez plus tard.',
    'error.TSA_UNAVAILABLE': 'Aucune autorité d’horodatage n’a répondu. Le scellement sera retenté.',
    'error.PDF_VERIFY_UNREADABLE': 'Ce fichier n’est pas un PDF lisible.',
    'keys.seal.defaultReason': 'Document certifié par Paraphe',
    'error.REVOCATION_UNAVAILABLE':
      'L’état de révocation d’un certificat n’a pas pu être obtenu. Le scellement sera retenté.',
    'error.REVOCATION_CERTIFICATE_REVOKED': 'Un certificat du cachet ou de l’horodatage est révoqué.',
  },
  en: {
    'error.SEAL_KEY_NOT_CONFIGURED': 'No seal key is configured: the document cannot be sealed.',
    'error.SEAL_KEY_UNREADABLE': 'The seal key file cannot be read.',
    'error.SEAL_KEY_PASSPHRASE_WRONG': 'The seal key passphrase is wrong.',
    'error.SEAL_KEY_INVALID': 'The seal key or its certificate cannot be used.',
    'error.SEAL_PKCS11_FAILED': 'The hardware security module (HSM) could not sign. Try again later.',
    'error.TSA_UNAVAILABLE': 'No timestamp authority answered. Sealing will be retried.',
    'error.PDF_VERIFY_UNREADABLE': 'This file is not a readable PDF.',
    'keys.seal.defaultReason': 'Document certified by Paraphe',
    'error.REVOCATION_UNAVAILABLE':
      'The revocation status of a certificate could not be obtained. Sealing will be retried.',
    'error.REVOCATION_CERTIFICATE_REVOKED': 'A certificate of the seal or of the timestamp is revoked.',
  },
});
