import { defineMessages } from '../define.js';

export const pdfMessages = defineMessages({
  fr: {
    'error.PDF_NOT_PDF': 'Le fichier {fileName} n’est pas un PDF lisible.',
    'error.PDF_DAMAGED':
      'Le fichier {fileName} est endommagé et ne peut pas être réparé. Enregistrez-le à nouveau en PDF puis renvoyez-le.',
    'error.PDF_ENCRYPTED_USER_PASSWORD':
      'Le fichier {fileName} est protégé par un mot de passe. Envoyez une version sans mot de passe.',
    'error.PDF_ENCRYPTED_OWNER_PASSWORD':
      'Le fichier {fileName} est protégé contre les modifications (mot de passe du propriétaire) : il ne peut pas recevoir de signature. Envoyez une version sans protection.',
    'error.PDF_NO_PAGES': 'Le fichier {fileName} ne contient aucune page.',
    'error.PDF_CERTIFIED':
      'Le fichier {fileName} est déjà certifié et n’accepte plus de modification : il ne peut pas être signé à nouveau. Envoyez la version non certifiée.',
    'error.PDF_DYNAMIC_XFA':
      'Le fichier {fileName} est un formulaire dynamique (XFA) dont le contenu ne peut pas recevoir de signature visible. Imprimez-le en PDF puis renvoyez-le.',
    'error.PDF_PAGE_OUT_OF_RANGE': 'La page {page} n’existe pas dans le fichier {fileName}.',
    'error.PDF_STAMP_RECT_INVALID': 'L’emplacement de la signature sort de la page {page}.',
    'error.PDF_STAMP_IMAGE_INVALID': 'L’image de la signature n’est pas une image PNG valide.',
    'error.PDF_SIGNATURE_TOO_LARGE': 'Le scellement du document a échoué. L’opération sera réessayée.',
    'error.PDF_OUTPUT_INVALID': 'Le scellement du document a échoué. L’opération sera réessayée.',
    'error.PDF_CERTIFIED_FORBIDS_SEAL':
      'Le fichier {fileName} est certifié par son auteur : sa certification accepte encore des signatures, mais interdit d’ajouter des pages et de modifier le contenu des pages. Le scellement de Paraphe ajoute le dossier de preuve en fin de document et les signatures dans les pages : il casserait cette certification. Envoyez la version non certifiée.',
    'pdf.stamp.signedElectronically': 'Signé électroniquement',
    'pdf.stamp.signedOn': 'Signé électroniquement le {date}',
    'pdf.evidence.title': 'Dossier de preuve',
    'pdf.evidence.envelope': 'Enveloppe',
    'pdf.evidence.sealedAt': 'Scellé le',
    'pdf.evidence.testWarning':
      'TEST — non fiable : ce document est scellé avec un certificat de test. Il n’a aucune valeur probante.',
    'pdf.evidence.approvalNote':
      'Ce document portait déjà une signature électronique. Elle a été conservée intacte ; le sceau de Paraphe est donc une signature d’approbation et non une certification.',
    'pdf.evidence.documents': 'Documents',
    'pdf.evidence.sha256': 'SHA-256 de l’original',
    'pdf.evidence.sender': 'Expéditeur',
    'pdf.evidence.signers': 'Signataires',
    'pdf.evidence.email': 'E-mail',
    'pdf.evidence.phone': 'Téléphone',
    'pdf.evidence.codeConfirmedAt': 'Code SMS confirmé le',
    'pdf.evidence.ip': 'Adresse IP',
    'pdf.evidence.userAgent': 'Navigateur',
    'pdf.evidence.signedAt': 'Signé le',
    'pdf.evidence.pages': 'Signature placée',
    'pdf.evidence.pagesOf': '{document} : {count|page|pages} {pages}',
    'pdf.evidence.notConfirmed': 'non confirmé',
    'pdf.evidence.events': 'Journal des événements (UTC)',
    'pdf.evidence.howToVerify': 'Comment vérifier',
    'pdf.evidence.howToVerifyText':
      'Ce PDF porte un sceau électronique (PAdES) qui protège son contenu : ouvrez-le dans Adobe Acrobat Reader, le panneau Signatures indique si le document a été modifié depuis. Le SHA-256 de chaque original permet de retrouver les fichiers envoyés. Les mêmes informations sont jointes au PDF dans le fichier evidence.json.',
    'pdf.evidence.continued': 'Dossier de preuve (suite)',
    'pdf.evidence.page': 'Page {page}',
    'pdf.seal.testReason': 'TEST — non fiable',
  },
  en: {
    'error.PDF_NOT_PDF': 'The file {fileName} is not a readable PDF.',
    'error.PDF_DAMAGED':
      'The file {fileName} is damaged beyond repair. Save it again as PDF and send it again.',
    'error.PDF_ENCRYPTED_USER_PASSWORD':
      'The file {fileName} is protected by a password. Please send a version without a password.',
    'error.PDF_ENCRYPTED_OWNER_PASSWORD':
      'The file {fileName} is protected against changes (owner password), so it cannot receive a signature. Please send an unprotected version.',
    'error.PDF_NO_PAGES': 'The file {fileName} has no pages.',
    'error.PDF_CERTIFIED':
      'The file {fileName} is already certified and accepts no further changes, so it cannot be signed again. Please send the uncertified version.',
    'error.PDF_DYNAMIC_XFA':
      'The file {fileName} is a dynamic (XFA) form whose content cannot show a visible signature. Print it to PDF and send it again.',
    'error.PDF_PAGE_OUT_OF_RANGE': 'Page {page} does not exist in the file {fileName}.',
    'error.PDF_STAMP_RECT_INVALID': 'The signature placement lies outside page {page}.',
    'error.PDF_STAMP_IMAGE_INVALID': 'The signature image is not a valid PNG image.',
    'error.PDF_SIGNATURE_TOO_LARGE': 'Sealing the document failed. It will be tried again.',
    'error.PDF_OUTPUT_INVALID': 'Sealing the document failed. It will be tried again.',
    'error.PDF_CERTIFIED_FORBIDS_SEAL':
      'The file {fileName} is certified by its author: its certification still accepts signatures, but forbids adding pages and changing page content. Paraphe’s seal adds the evidence record at the end of the document and the signatures on the pages, so it would break that certification. Please send the uncertified version.',
    'pdf.stamp.signedElectronically': 'Signed electronically',
    'pdf.stamp.signedOn': 'Signed electronically on {date}',
    'pdf.evidence.title': 'Evidence record',
    'pdf.evidence.envelope': 'Envelope',
    'pdf.evidence.sealedAt': 'Sealed on',
    'pdf.evidence.testWarning':
      'TEST — not trusted: this document is sealed with a test certificate. It has no evidential value.',
    'pdf.evidence.approvalNote':
      'This document already carried an electronic signature. It was kept intact, so the Paraphe seal is an approval signature, not a certification.',
    'pdf.evidence.documents': 'Documents',
    'pdf.evidence.sha256': 'SHA-256 of the original',
    'pdf.evidence.sender': 'Sender',
    'pdf.evidence.signers': 'Signers',
    'pdf.evidence.email': 'Email',
    'pdf.evidence.phone': 'Phone',
    'pdf.evidence.codeConfirmedAt': 'SMS code confirmed on',
    'pdf.evidence.ip': 'IP address',
    'pdf.evidence.userAgent': 'Browser',
    'pdf.evidence.signedAt': 'Signed on',
    'pdf.evidence.pages': 'Signature placed',
    'pdf.evidence.pagesOf': '{document}: {count|page|pages} {pages}',
    'pdf.evidence.notConfirmed': 'not confirmed',
    'pdf.evidence.events': 'Event log (UTC)',
    'pdf.evidence.howToVerify': 'How to verify',
    'pdf.evidence.howToVerifyText':
      'This PDF carries an electronic seal (PAdES) that protects its content: open it in Adobe Acrobat Reader, the Signatures panel tells whether the document changed since. The SHA-256 of each original identifies the files that were sent. The same information is attached to the PDF as evidence.json.',
    'pdf.evidence.continued': 'Evidence record (continued)',
    'pdf.evidence.page': 'Page {page}',
    'pdf.seal.testReason': 'TEST — not trusted',
  },
});
