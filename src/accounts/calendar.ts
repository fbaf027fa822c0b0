const parisDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** Today's date in Paris (YYYY-MM-DD): subscriptions are sold by the French calendar day. */
export function parisCalendarDay(now: Date): string {
  return parisDay.format(now);
}
