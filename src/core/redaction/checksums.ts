/**
 * Validation for the detectors whose values carry a check: payment cards (Luhn and issuer ranges), IBANs
 * (country length and ISO 7064 mod 97-10), US social security numbers (the SSA's never-issued ranges) and
 * ITINs (the IRS's group ranges), UK National Insurance numbers (HMRC's prefix rules), UK NHS numbers
 * (mod 11) and Spanish DNI/NIE numbers (check letter).
 */

/** Luhn (mod 10) check over a string of digits. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) {
    return false;
  }
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) {
        d -= 9;
      }
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * True when the digits have the length of a card from a known issuer range: Visa, Mastercard, American
 * Express, Discover, JCB, Diners Club, UnionPay, Maestro, Mir, RuPay, Troy, Elo, Hipercard, InstaPayment,
 * Laser, Verve, Dankort and UATP. Keeps long numeric ids and timestamps that pass Luhn by chance (one in
 * ten) from being taken for cards.
 */
export function cardIssuerValid(digits: string): boolean {
  const n = digits.length;
  const p2 = Number(digits.slice(0, 2));
  const p3 = Number(digits.slice(0, 3));
  const p4 = Number(digits.slice(0, 4));
  switch (digits[0]) {
    case '1':
      return n === 15; // UATP
    case '2':
      if (p4 >= 2200 && p4 <= 2204) {
        return n >= 16 && n <= 19; // Mir
      }
      return p4 >= 2221 && p4 <= 2720 && n === 16; // Mastercard 2-series
    case '3':
      if (p2 === 34 || p2 === 37) {
        return n === 15; // American Express
      }
      if (p4 >= 3528 && p4 <= 3589) {
        return n >= 16 && n <= 19; // JCB
      }
      return ((p3 >= 300 && p3 <= 305) || p4 === 3095 || p2 === 36 || p2 === 38 || p2 === 39) && n >= 14 && n <= 19; // Diners
    case '4':
      return n === 13 || n === 16 || n === 19; // Visa (and Elo, Visa Electron)
    case '5':
      if (p2 >= 51 && p2 <= 55) {
        return n === 16; // Mastercard
      }
      return (p2 === 50 || (p2 >= 56 && p2 <= 59)) && n >= 12 && n <= 19; // Maestro, Verve, Dankort, Elo
    case '6':
      return n >= 16 && n <= 19; // Discover, UnionPay, Maestro, RuPay, InstaPayment, Laser, Elo, Hipercard, Troy
    case '8':
      return (p2 === 81 || p2 === 82) && n >= 16 && n <= 19; // UnionPay 81, RuPay 82
    case '9':
      return p4 === 9792 && n === 16; // Troy
    default:
      return false;
  }
}

export function cardValid(digits: string): boolean {
  return digits.length >= 13 && digits.length <= 19 && cardIssuerValid(digits) && luhnValid(digits);
}

/** IBAN length per country (ISO 13616 registry). */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28, CH: 21,
  CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FK: 18, FO: 18,
  FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26,
  IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LY: 25, LV: 21, MC: 27, MD: 24,
  ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28, NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29,
  PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24, SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23,
  ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
};

/** ISO 7064 mod 97-10 over an IBAN without spaces (upper case). */
export function ibanChecksumValid(iban: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban)) {
    return false;
  }
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let rest = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const c = rearranged.charCodeAt(i);
    if (c >= 65) {
      const v = c - 55; // A = 10 … Z = 35
      rest = (rest * 100 + v) % 97;
    } else {
      rest = (rest * 10 + (c - 48)) % 97;
    }
  }
  return rest === 1;
}

export function ibanValid(iban: string): boolean {
  const length = IBAN_LENGTHS[iban.slice(0, 2)];
  return length !== undefined && iban.length === length && ibanChecksumValid(iban);
}

/** US SSN rules: area not 000, 666 or 900–999; group not 00; serial not 0000. */
export function ssnValid(digits: string): boolean {
  if (!/^\d{9}$/.test(digits)) {
    return false;
  }
  const area = Number(digits.slice(0, 3));
  const group = Number(digits.slice(3, 5));
  const serial = Number(digits.slice(5));
  return area !== 0 && area !== 666 && area < 900 && group !== 0 && serial !== 0;
}

/** US ITIN: 9XX-GG-XXXX with the group in 50–65, 70–88, 90–92 or 94–99 (the IRS's ranges). */
export function itinValid(digits: string): boolean {
  if (!/^9\d{8}$/.test(digits)) {
    return false;
  }
  const group = Number(digits.slice(3, 5));
  return (group >= 50 && group <= 65) || (group >= 70 && group <= 88) || (group >= 90 && group <= 92) || (group >= 94 && group <= 99);
}

/** UK NHS number: 10 digits, the last a mod-11 check over the first nine (weights 10 down to 2). */
export function nhsValid(digits: string): boolean {
  if (!/^\d{10}$/.test(digits) || /^(\d)\1+$/.test(digits)) {
    return false;
  }
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    sum += (digits.charCodeAt(i) - 48) * (10 - i);
  }
  const check = 11 - (sum % 11);
  return check !== 10 && (check === 11 ? 0 : check) === digits.charCodeAt(9) - 48;
}

/** UK National Insurance number (no spaces, upper case): HMRC prefix rules, suffix A–D. */
export function ninoValid(nino: string): boolean {
  if (!/^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$/.test(nino)) {
    return false;
  }
  return !['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ'].includes(nino.slice(0, 2));
}

const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

/** Spanish DNI (8 digits + letter) or NIE (X/Y/Z + 7 digits + letter) with its mod-23 check letter. */
export function spanishIdValid(id: string): boolean {
  const m = /^([XYZ]|\d)(\d{7})([A-Z])$/.exec(id);
  if (!m) {
    return false;
  }
  const lead = m[1] === 'X' ? '0' : m[1] === 'Y' ? '1' : m[1] === 'Z' ? '2' : m[1];
  return DNI_LETTERS[Number(lead + m[2]) % 23] === m[3];
}
