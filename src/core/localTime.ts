/**
 * Times as the user reads them: local wall-clock time with its UTC offset, "2026-12-02 16:05 (UTC+01:00)".
 * The offset is passed in (minutes east of UTC at that instant), so the wording is tested without depending on
 * the machine's time zone; `localOffsetMinutes` is this machine's.
 */

/** Minutes east of UTC at `ms` (+60 in Paris in winter, -300 in New York), as this machine's time zone has it. */
export function localOffsetMinutes(ms: number): number {
  const offset = -new Date(ms).getTimezoneOffset();
  return offset === 0 ? 0 : offset; // never -0
}

/** A UTC offset of `minutes` east: "UTC+01:00", "UTC-05:30", "UTC+00:00". */
export function formatUtcOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(Math.round(minutes));
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * `ms` as local time `offsetAt(ms)` minutes east of UTC: "2026-12-02 16:05 (UTC+01:00)", with seconds when
 * asked ("2026-12-02 16:05:07 (UTC+01:00)").
 */
export function formatLocalTime(ms: number, offsetAt: (ms: number) => number = localOffsetMinutes, options: { readonly seconds?: boolean } = {}): string {
  const offset = offsetAt(ms);
  const shifted = new Date(ms + offset * 60_000).toISOString(); // the local wall clock, spelled as if it were UTC
  const clock = shifted.slice(0, options.seconds ? 19 : 16).replace('T', ' ');
  return `${clock} (${formatUtcOffset(offset)})`;
}
