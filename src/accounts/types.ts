import { z } from 'zod';

export const MailboxAddressSchema = z.string().trim().toLowerCase().pipe(z.string().email().max(254));

export const AccountNameSchema = z.string().trim().min(1).max(200);

/** A YYYY-MM-DD calendar day that exists. */
export const CalendarDaySchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((day) => {
    const date = new Date(`${day}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(day);
  });

export interface Account {
  id: string;
  name: string;
  /** Last valid day (inclusive), YYYY-MM-DD in Paris time, or null when there is no subscription. */
  subscriptionUntil: string | null;
  mailboxes: string[];
  createdAt: Date;
}

export interface SenderMailbox {
  accountId: string;
  mailboxId: string;
  address: string;
  hasValidSubscription: boolean;
}
