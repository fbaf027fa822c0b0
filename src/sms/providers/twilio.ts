import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../../shared/errors.js';
import type { OutgoingSms, SmsSender, TwilioSettings } from '../types.js';
import { callProvider, parseJson, type SmsFailureReason, smsProviderError } from './provider-errors.js';

const TwilioMessageSchema = z.object({ sid: z.string().min(1), status: z.string().optional() });
const TwilioErrorSchema = z.object({ code: z.number().nullish(), message: z.string().nullish() });

// Twilio error codes that mean "this destination cannot get an SMS": the signer must change it.
const numberErrorCodes = new Set([21211, 21217, 21401, 21407, 21408, 21610, 21612, 21614, 21635]);
// Account suspended or not active: in practice an exhausted balance.
const creditErrorCodes = new Set([10001, 20005, 30002]);

function classify(status: number, code: number | null | undefined): SmsFailureReason {
  if (status === 429 || code === 20429) return 'rate_limited';
  if (status >= 500) return 'unavailable';
  if (code !== null && code !== undefined) {
    if (numberErrorCodes.has(code)) return 'invalid_number';
    if (creditErrorCodes.has(code)) return 'no_credit';
  }
  if (status === 401 || status === 403 || code === 20003) return 'auth';
  return 'rejected';
}

/**
 * Twilio's Messages API: a form POST with basic auth. Sends from the alphanumeric sender id, or
 * through a Messaging Service when one is configured, and asks for delivery receipts.
 */
export function twilioSmsSender(settings: TwilioSettings & { timeoutMs: number }): SmsSender {
  const { accountSid, authToken } = settings;
  if (!accountSid || !authToken) {
    throw new AppError(
      'CONFIG_INVALID',
      'PARAPHE_SMS_PROVIDER=twilio needs PARAPHE_TWILIO_ACCOUNT_SID and PARAPHE_TWILIO_AUTH_TOKEN',
    );
  }
  const url = `${settings.baseUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
  return {
    name: 'twilio',
    async send(sms: OutgoingSms) {
      const form = new URLSearchParams({ To: sms.toNumber, Body: sms.body });
      if (settings.messagingServiceSid) form.set('MessagingServiceSid', settings.messagingServiceSid);
      else form.set('From', sms.senderId);
      if (settings.statusCallbackUrl) form.set('StatusCallback', settings.statusCallbackUrl);
      const { status, text } = await callProvider('twilio', url, {
        method: 'POST',
        headers: {
          authorization,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: form.toString(),
        timeoutMs: settings.timeoutMs,
      });
      const json = parseJson(text);
      if (status === 200 || status === 201) {
        const message = TwilioMessageSchema.safeParse(json);
        if (message.success) return { providerMessageId: message.data.sid };
        throw smsProviderError({
          provider: 'twilio',
          reason: 'unavailable',
          message: `unexpected answer ${status}`,
          httpStatus: status,
        });
      }
      const error = TwilioErrorSchema.safeParse(json);
      const code = error.success ? error.data.code : null;
      throw smsProviderError({
        provider: 'twilio',
        reason: classify(status, code),
        message: `HTTP ${status}${code ? ` error ${code}` : ''}: ${error.success ? (error.data.message ?? '') : text.slice(0, 200)}`,
        httpStatus: status,
        ...(code ? { providerCode: code } : {}),
      });
    },
  };
}

/**
 * The X-Twilio-Signature Twilio puts on its webhooks: HMAC-SHA1 (key: the auth token) of the full
 * URL it called followed by each POST parameter, sorted by name, as name then value; base64.
 */
export function twilioSignature(options: {
  authToken: string;
  url: string;
  params: Record<string, string | readonly string[]>;
}): string {
  const payload = Object.keys(options.params)
    .sort()
    .map((name) => {
      const value = options.params[name];
      // A repeated parameter is signed once per value, values in order.
      const values = typeof value === 'string' ? [value] : [...(value ?? [])].sort();
      return values.map((v) => name + v).join('');
    })
    .join('');
  return createHmac('sha1', options.authToken)
    .update(options.url + payload, 'utf8')
    .digest('base64');
}

/**
 * Checks a Twilio webhook's signature in constant time. `url` must be the public URL Twilio was
 * given (PARAPHE_PUBLIC_URL + path), not what a proxy rewrote it to.
 */
export function verifyTwilioSignature(options: {
  authToken: string;
  url: string;
  params: Record<string, string | readonly string[]>;
  signature: string | undefined;
}): boolean {
  if (!options.signature) return false;
  const expected = Buffer.from(twilioSignature(options));
  const actual = Buffer.from(options.signature);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
