const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const two = (n: number): string => String(n).padStart(2, '0');
const sameDay = (a: Date, b: Date): boolean => a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();

/**
 * When a conversation was last updated, in local time, as History lists it: "Today 14:05", "Yesterday 09:30",
 * "Mon 30 Nov" this year, "Mon 30 Nov 2025" in another. Calendar days, not 24-hour spans (so a daylight-saving
 * change cannot make yesterday "Today").
 */
export function formatWhen(epochMs: number, now: number = Date.now()): string {
  const at = new Date(epochMs);
  const today = new Date(now);
  const time = `${two(at.getHours())}:${two(at.getMinutes())}`;
  if (sameDay(at, today)) return `Today ${time}`;
  const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1);
  if (sameDay(at, yesterday)) return `Yesterday ${time}`;
  const day = `${WEEKDAYS[at.getDay()]} ${at.getDate()} ${MONTHS[at.getMonth()]}`;
  return at.getFullYear() === today.getFullYear() ? day : `${day} ${at.getFullYear()}`;
}
