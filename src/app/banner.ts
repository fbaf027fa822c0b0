import { parseRelayUrl } from '../mail/outbound/index.js';

/**
 * The dev-mode lines of the start banner, from where mail and SMS really go: "nothing leaves this
 * machine" only when both stay in the dev boxes. With a relay or a real SMS provider configured,
 * the banner names it, so a developer testing against a real relay knows real people get mail.
 */
export function devModeLines(input: {
  web: string;
  relayUrl?: string | undefined;
  smsProvider: string;
}): string[] {
  const isMailKept = !input.relayUrl;
  const isSmsKept = input.smsProvider === 'dev';
  if (isMailKept && isSmsKept)
    return [
      'Dev mode is ON: nothing leaves this machine.',
      `  outgoing mail: ${input.web}/dev/mail   SMS: ${input.web}/dev/sms`,
    ];
  const relay = input.relayUrl ? parseRelayUrl(input.relayUrl) : undefined;
  return [
    'Dev mode is ON, but some messages leave this machine:',
    `  outgoing mail: ${relay ? `SENT through the relay ${relay.host}:${relay.port}` : `${input.web}/dev/mail`}`,
    `  SMS: ${isSmsKept ? `${input.web}/dev/sms` : `SENT through ${input.smsProvider}`}`,
  ];
}
