/**
 * Money: exact sums in integer pico-dollars, and how amounts are shown.
 *
 * Prices are USD per 1M tokens, i.e. micro-dollars per token; with up to six decimals they are a whole
 * number of pico-dollars (1e-12 USD) per token, so tokens × price is an exact integer and sums never drift.
 * Integers stay exact up to 2^53 pico-dollars (about $9,000); beyond that the error is ~1e-16 relative.
 */

/** Pico-dollars in one US dollar. */
export const PICO_PER_USD = 1e12;

/** Dollars → whole pico-dollars (nearest). */
export function toPicoUsd(usd: number): number {
  return Math.round(usd * PICO_PER_USD);
}

/** Pico-dollars → dollars, with one division (the nearest double to the exact decimal). */
export function fromPicoUsd(pico: number): number {
  return pico / PICO_PER_USD;
}

/** Removes binary noise such as 100.49999999999999 → 100.5 before rounding. */
function denoise(x: number): number {
  return Number(x.toPrecision(12));
}

function withThousands(integerDigits: string): string {
  return integerDigits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Two significant digits of an amount below one cent, e.g. 0.0031 → "0.0031"; undefined when it rounds up to a cent. */
function subCent(abs: number): string | undefined {
  let exponent = Math.floor(Math.log10(abs));
  let digits = Math.round(denoise(abs / 10 ** (exponent - 1)));
  if (digits >= 100) {
    digits = 10;
    exponent += 1;
  } else if (digits < 10) {
    exponent -= 1;
    digits = Math.round(denoise(abs / 10 ** (exponent - 1)));
  }
  if (exponent >= -2) {
    return undefined;
  }
  return `0.${'0'.repeat(-exponent - 1)}${digits}`;
}

/**
 * Formats US dollars for the readout: `$0.42`, `$12.30`, `$1,234.56`, `$0.00` for zero; amounts below a
 * cent keep two significant digits so they never read as zero (`$0.0031`, `$0.000042`). Negative amounts
 * read `-$0.42`, and an amount that shows as zero never carries a minus sign. Not a number → `$—`.
 */
export function formatUsd(amount: number): string {
  if (!Number.isFinite(amount)) {
    return '$—';
  }
  const abs = Math.abs(amount);
  if (abs === 0) {
    return '$0.00';
  }
  const sign = amount < 0 ? '-' : '';
  if (abs < 0.01) {
    const small = subCent(abs);
    if (small !== undefined) {
      return `${sign}$${small}`;
    }
  }
  if (abs * 100 > Number.MAX_SAFE_INTEGER) {
    const [whole, fraction = '00'] = abs < 1e21 ? abs.toFixed(2).split('.') : [BigInt(Math.round(abs)).toString()];
    return `${sign}$${withThousands(whole)}.${fraction}`;
  }
  const cents = Math.round(denoise(abs * 100));
  const whole = Math.floor(cents / 100);
  const fraction = String(cents % 100).padStart(2, '0');
  return `${sign}$${withThousands(String(whole))}.${fraction}`;
}
