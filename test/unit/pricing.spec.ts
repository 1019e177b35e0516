import * as assert from 'assert/strict';
import { formatUsd } from '../../src/core/money';
import { findPriceEntry, priceUsage, resolvePrice, utcTimeToMinutes } from '../../src/core/pricing';
import { DEFAULT_PRICING, InMemorySettingsSource, readSetting, type PriceTable } from '../../src/core/settingsSchema';

const utc = (hh: number, mm: number, ss = 0, ms = 0) => new Date(Date.UTC(2025, 5, 1, hh, mm, ss, ms));
const noon = utc(12, 0);

const WINDOWED: PriceTable = {
  'deepseek-chat': {
    cacheHit: 0.07, cacheMiss: 0.27, output: 1.1,
    windows: [{ name: 'off-peak', startUtc: '16:30', endUtc: '00:30', cacheHit: 0.035, cacheMiss: 0.135, output: 0.55 }],
  },
  'deepseek-reasoner': {
    cacheHit: 0.14, cacheMiss: 0.55, output: 2.19,
    windows: [
      { startUtc: '08:00', endUtc: '12:00', cacheHit: 0.2, cacheMiss: 0.6, output: 3 },
      { name: 'shadowed', startUtc: '09:00', endUtc: '10:00', cacheHit: 9, cacheMiss: 9, output: 9 },
    ],
  },
};

describe('pricing: usage → dollars', () => {
  it('prices one million tokens of each kind at exactly the deepseek-chat table figures', () => {
    const price = resolvePrice(DEFAULT_PRICING, 'deepseek-chat', noon)!;
    assert.deepEqual(priceUsage(price, { hitTokens: 1_000_000, missTokens: 0, outputTokens: 0 }).totalUsd, 0.07);
    assert.deepEqual(priceUsage(price, { hitTokens: 1_000_000, missTokens: 1_000_000, outputTokens: 1_000_000 }), {
      hitUsd: 0.07, missUsd: 0.27, outputUsd: 1.1, totalUsd: 1.44, noCacheUsd: 1.64, savedUsd: 0.2,
    });
  });

  it('prices a mixed deepseek-reasoner request exactly, with what the cache saved', () => {
    const price = resolvePrice(DEFAULT_PRICING, 'deepseek-reasoner', noon)!;
    assert.deepEqual(priceUsage(price, { hitTokens: 12_345, missTokens: 678, outputTokens: 910 }), {
      hitUsd: 0.0017283,
      missUsd: 0.0003729,
      outputUsd: 0.0019929,
      totalUsd: 0.0040941,
      noCacheUsd: 0.00915555,
      savedUsd: 0.00506145,
    });
    assert.deepEqual(priceUsage(price, { hitTokens: 1_000_000, missTokens: 1_000_000, outputTokens: 1_000_000 }), {
      hitUsd: 0.14, missUsd: 0.55, outputUsd: 2.19, totalUsd: 2.88, noCacheUsd: 3.29, savedUsd: 0.41,
    });
  });

  it('does not drift on single tokens and treats bad counts as zero', () => {
    const chat = DEFAULT_PRICING['deepseek-chat'];
    assert.equal(priceUsage(chat, { hitTokens: 1, missTokens: 0, outputTokens: 0 }).totalUsd, 0.00000007);
    assert.equal(priceUsage(chat, { hitTokens: 3, missTokens: 0, outputTokens: 0 }).totalUsd, 0.00000021);
    assert.deepEqual(priceUsage(chat, { hitTokens: -5, missTokens: Number.NaN, outputTokens: Infinity }), {
      hitUsd: 0, missUsd: 0, outputUsd: 0, totalUsd: 0, noCacheUsd: 0, savedUsd: 0,
    });
  });
});

describe('pricing: which table applies', () => {
  it('labels the standard table and finds a model id whatever its case', () => {
    assert.deepEqual(resolvePrice(DEFAULT_PRICING, 'deepseek-chat', noon), {
      model: 'deepseek-chat', cacheHit: 0.07, cacheMiss: 0.27, output: 1.1, label: 'deepseek-chat standard',
    });
    assert.equal(resolvePrice(DEFAULT_PRICING, ' DeepSeek-Reasoner ', noon)?.label, 'deepseek-reasoner standard');
    assert.equal(findPriceEntry(DEFAULT_PRICING, 'DEEPSEEK-CHAT')?.model, 'deepseek-chat');
  });

  it('has no price for an unknown model', () => {
    assert.equal(resolvePrice(DEFAULT_PRICING, 'deepseek-v4-flash', noon), undefined);
    assert.equal(findPriceEntry(DEFAULT_PRICING, 'toString'), undefined, 'no prototype keys');
  });

  it('applies a window that wraps midnight: start inclusive, end exclusive', () => {
    const offPeak = 'deepseek-chat off-peak (16:30–00:30 UTC)';
    const label = (at: Date) => resolvePrice(WINDOWED, 'deepseek-chat', at)?.label;
    assert.equal(label(utc(16, 29, 59, 999)), 'deepseek-chat standard');
    assert.equal(label(utc(16, 30)), offPeak);
    assert.equal(label(utc(23, 59, 59)), offPeak);
    assert.equal(label(utc(0, 0)), offPeak);
    assert.equal(label(utc(0, 29, 59, 999)), offPeak);
    assert.equal(label(utc(0, 30)), 'deepseek-chat standard');
    assert.deepEqual(resolvePrice(WINDOWED, 'deepseek-chat', utc(20, 0)), {
      model: 'deepseek-chat', cacheHit: 0.035, cacheMiss: 0.135, output: 0.55, label: offPeak,
    });
  });

  it('applies a same-day window, the first matching window winning, and labels an unnamed one by its hours', () => {
    const price = (at: Date) => resolvePrice(WINDOWED, 'deepseek-reasoner', at);
    assert.equal(price(utc(7, 59))?.label, 'deepseek-reasoner standard');
    assert.equal(price(utc(8, 0))?.label, 'deepseek-reasoner (08:00–12:00 UTC)');
    assert.equal(price(utc(9, 30))?.output, 3, 'the earlier window shadows the later one');
    assert.equal(price(utc(11, 59, 59))?.cacheMiss, 0.6);
    assert.equal(price(utc(12, 0))?.label, 'deepseek-reasoner standard');
    assert.equal(price(utc(12, 0))?.output, 2.19);
  });

  it('reads HH:MM times', () => {
    assert.equal(utcTimeToMinutes('00:00'), 0);
    assert.equal(utcTimeToMinutes('16:30'), 990);
    assert.equal(utcTimeToMinutes('23:59'), 1439);
    for (const bad of ['24:00', '7:30', '12:60', '12:3', 'noon', '']) {
      assert.equal(utcTimeToMinutes(bad), undefined, bad);
    }
  });
});

describe('pricing setting with time windows', () => {
  it('keeps valid windows as given (name trimmed) and an entry without windows unchanged', () => {
    const source = new InMemorySettingsSource({ pricing: WINDOWED });
    assert.deepEqual(readSetting(source, 'pricing'), { value: WINDOWED });
    const spaced = new InMemorySettingsSource({
      pricing: { m: { cacheHit: 1, cacheMiss: 2, output: 3, windows: [{ name: ' night ', startUtc: '22:00', endUtc: '06:00', cacheHit: 0, cacheMiss: 1, output: 1 }] } },
    });
    assert.equal(readSetting(spaced, 'pricing').value.m.windows?.[0].name, 'night');
    const empty = new InMemorySettingsSource({ pricing: { m: { cacheHit: 1, cacheMiss: 2, output: 3, windows: [] } } });
    assert.deepEqual(readSetting(empty, 'pricing').value, { m: { cacheHit: 1, cacheMiss: 2, output: 3 } });
  });

  it('refuses invalid windows: the default table, with a problem naming the model and window', () => {
    const window = { startUtc: '16:30', endUtc: '00:30', cacheHit: 0.1, cacheMiss: 0.2, output: 0.3 };
    const cases: [unknown, RegExp][] = [
      [{ ...window, startUtc: '24:00' }, /window 2 needs startUtc and endUtc as "HH:MM" UTC times \(00:00–23:59\)/],
      [{ ...window, endUtc: '7:30' }, /HH:MM/],
      [{ ...window, endUtc: '16:30' }, /same time/],
      [{ ...window, output: -1 }, /non-negative numbers/],
      [{ ...window, cacheHit: Number.NaN }, /non-negative numbers/],
      [{ ...window, cacheMiss: Infinity }, /non-negative numbers/],
      [{ ...window, name: '' }, /name/],
      [{ ...window, name: 7 }, /name/],
      ['16:30-00:30', /must be an object/],
    ];
    for (const [bad, problem] of cases) {
      const source = new InMemorySettingsSource({ pricing: { 'deepseek-chat': { cacheHit: 0.07, cacheMiss: 0.27, output: 1.1, windows: [window, bad] } } });
      const parsed = readSetting(source, 'pricing');
      assert.deepEqual(parsed.value, DEFAULT_PRICING, JSON.stringify(bad));
      assert.match(parsed.problem ?? '', /^deepseek\.pricing price for "deepseek-chat" /);
      assert.match(parsed.problem ?? '', bad === '16:30-00:30' ? problem : /window 2/);
      assert.match(parsed.problem ?? '', problem);
    }
    const notArray = new InMemorySettingsSource({ pricing: { 'deepseek-chat': { cacheHit: 0.07, cacheMiss: 0.27, output: 1.1, windows: window } } });
    assert.match(readSetting(notArray, 'pricing').problem ?? '', /windows that are not an array/);
  });

  it('accepts windows in a fallback provider price table too', () => {
    const source = new InMemorySettingsSource({
      fallbackProviders: [{ name: 'Backup', baseUrl: 'https://x', models: { chat: 'a', reasoner: 'b' }, pricing: WINDOWED }],
    });
    assert.deepEqual(readSetting(source, 'fallbackProviders').value[0].pricing, WINDOWED);
  });
});

describe('formatUsd', () => {
  it('shows cents, thousands separators and an unsigned zero', () => {
    assert.equal(formatUsd(0.42), '$0.42');
    assert.equal(formatUsd(12.3), '$12.30');
    assert.equal(formatUsd(0), '$0.00');
    assert.equal(formatUsd(-0), '$0.00');
    assert.equal(formatUsd(1234.56), '$1,234.56');
    assert.equal(formatUsd(1234567.891), '$1,234,567.89');
    assert.equal(formatUsd(1.005), '$1.01', 'rounds the decimal, not its binary neighbour');
    assert.equal(formatUsd(0.995), '$1.00');
    assert.equal(formatUsd(0.01), '$0.01');
  });

  it('keeps two significant digits below a cent so a small cost never reads as zero', () => {
    assert.equal(formatUsd(0.0031), '$0.0031');
    assert.equal(formatUsd(0.000042), '$0.000042');
    assert.equal(formatUsd(0.0040941), '$0.0041');
    assert.equal(formatUsd(0.00000042), '$0.00000042');
    assert.equal(formatUsd(0.001), '$0.0010');
    assert.equal(formatUsd(0.00999), '$0.01', 'rounding up to a cent shows cents');
  });

  it('signs negatives without ever showing -$0.00, and shows non-numbers as a dash', () => {
    assert.equal(formatUsd(-0.42), '-$0.42');
    assert.equal(formatUsd(-0.0031), '-$0.0031');
    assert.equal(formatUsd(-1234.5), '-$1,234.50');
    assert.equal(formatUsd(Number.NaN), '$—');
    assert.equal(formatUsd(Infinity), '$—');
  });
});
