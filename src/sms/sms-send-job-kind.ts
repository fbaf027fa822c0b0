/** The durable job that (re)tries sending one recorded SMS. Payload: `{ messageId }`. */
export const SMS_SEND_JOB = 'sms.send';
