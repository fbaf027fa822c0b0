import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import type { OutgoingSms, OvhSettings, SmsSender } from '../types.js';
import { callProvider, parseJson, type SmsFailureReason, smsProviderError } from './provider-errors.js';

const OvhJobSchema = z.object({
  ids: z.array(z.number()).default([]),
  invalidReceivers: z.array(z.string()).default([]),
  validReceivers: z.array(z.string()).default([]),
  totalCreditsRemoved: z.number().optional(),
});
const OvhErrorSchema = z.object({ message: z.string().optional(), errorCode: z.string().optional() });

/** OVHcloud's request signature: "$1$" + SHA1 of secret, consumer key, method, URL, body, time. */
export function ovhSignature(options: {
  applicationSecret: string;
  consumerKey: string;
  method: string;
  url: string;
  body: string;
  timestamp: number;
}): string {
  const text = [
    options.applicationSecret,
    options.consumerKey,
    options.method,
    options.url,
    options.body,
    String(options.timestamp),
  ].join('+');
  return `$1$${createHash('sha1').update(text, 'utf8').digest('hex')}`;
}

function validityMinutes(validUntil: Date, now: Date): number {
  return Math.max(1, Math.ceil((validUntil.getTime() - now.getTime()) / 60_000));
}

function classify(status: number, message: string): SmsFailureReason {
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'unavailable';
  if (/credit/i.test(message)) return 'no_credit';
  if (status === 401 || status === 403) return 'auth';
  if (/receiver|number|numéro/i.test(message)) return 'invalid_number';
  return 'rejected';
}

/**
 * The OVHcloud SMS API (`POST /sms/{serviceName}/jobs`), signed with the application secret and
 * consumer key. The timestamp follows the API's clock (`GET /auth/time`, once), as OVH's own
 * clients do, so a drifting server clock does not get every request refused.
 */
export function ovhSmsSender(settings: OvhSettings & { timeoutMs: number; clock: Clock }): SmsSender {
  const { applicationKey, applicationSecret, consumerKey, serviceName } = settings;
  if (!applicationKey || !applicationSecret || !consumerKey || !serviceName) {
    throw new AppError(
      'CONFIG_INVALID',
      'PARAPHE_SMS_PROVIDER=ovh needs PARAPHE_OVH_APPLICATION_KEY, PARAPHE_OVH_APPLICATION_SECRET, PARAPHE_OVH_CONSUMER_KEY and PARAPHE_OVH_SMS_SERVICE_NAME',
    );
  }
  const base = settings.endpoint.replace(/\/+$/, '');
  const url = `${base}/sms/${encodeURIComponent(serviceName)}/jobs`;
  let clockOffsetSeconds: number | null = null;

  async function apiTimestamp(): Promise<number> {
    const local = Math.floor(settings.clock.now().getTime() / 1000);
    if (clockOffsetSeconds === null) {
      try {
        const { status, text } = await callProvider('ovh', `${base}/auth/time`, {
          method: 'GET',
          headers: { accept: 'application/json' },
          timeoutMs: settings.timeoutMs,
        });
        const remote = Number(text.trim());
        if (status === 200 && Number.isInteger(remote)) clockOffsetSeconds = remote - local;
      } catch {
        // The send itself will tell whether the API is reachable; our clock is the best guess.
      }
    }
    return local + (clockOffsetSeconds ?? 0);
  }

  return {
    name: 'ovh',
    async send(sms: OutgoingSms) {
      const timestamp = await apiTimestamp();
      const body = JSON.stringify({
        charset: 'UTF-8',
        class: 'phoneDisplay',
        coding: '7bit',
        message: sms.body,
        noStopClause: true,
        priority: 'high',
        receivers: [sms.toNumber],
        sender: sms.senderId,
        senderForResponse: false,
        // Minutes the network keeps trying to deliver: no point after the code expired.
        ...(sms.validUntil ? { validityPeriod: validityMinutes(sms.validUntil, settings.clock.now()) } : {}),
      });
      const { status, text } = await callProvider('ovh', url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json;charset=utf-8',
          accept: 'application/json',
          'x-ovh-application': applicationKey,
          'x-ovh-consumer': consumerKey,
          'x-ovh-timestamp': String(timestamp),
          'x-ovh-signature': ovhSignature({
            applicationSecret,
            consumerKey,
            method: 'POST',
            url,
            body,
            timestamp,
          }),
        },
        body,
        timeoutMs: settings.timeoutMs,
      });
      const json = parseJson(text);
      if (status === 200) {
        const job = OvhJobSchema.safeParse(json);
        if (!job.success) {
          throw smsProviderError({
            provider: 'ovh',
            reason: 'unavailable',
            message: 'unexpected answer',
            httpStatus: 200,
          });
        }
        const id = job.data.ids[0];
        if (job.data.invalidReceivers.length > 0 || id === undefined) {
          throw smsProviderError({
            provider: 'ovh',
            reason: 'invalid_number',
            message: `receiver refused (${job.data.invalidReceivers.join(', ') || 'no job created'})`,
            httpStatus: 200,
          });
        }
        return { providerMessageId: String(id) };
      }
      const error = OvhErrorSchema.safeParse(json);
      const message = (error.success ? error.data.message : undefined) ?? text.slice(0, 200);
      throw smsProviderError({
        provider: 'ovh',
        reason: classify(status, message),
        message: `HTTP ${status}: ${message}`,
        httpStatus: status,
        ...(error.success && error.data.errorCode ? { providerCode: error.data.errorCode } : {}),
      });
    },
  };
}
