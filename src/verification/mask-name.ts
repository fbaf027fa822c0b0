/**
 * A name as a stranger may read it: the first letter of each word, then "***" ("Alice Dupont" →
 * "A*** D***"); an address keeps only the first letter of each side ("a***@e***"). Enough for the
 * holder of a file to recognise the people, too little to learn who they are.
 */
export function maskName(name: string): string {
  const maskWord = (word: string) => `${Array.from(word)[0] ?? ''}***`;
  const trimmed = name.trim();
  const at = trimmed.indexOf('@');
  if (at > 0 && !trimmed.includes(' '))
    return `${maskWord(trimmed.slice(0, at))}@${maskWord(trimmed.slice(at + 1))}`;
  return trimmed.split(/\s+/u).filter(Boolean).map(maskWord).join(' ');
}
