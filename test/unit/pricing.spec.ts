import * as assert from 'assert/strict';
import { formatUsd } from '../../src/core/money';
import {
  daysLabel,
  DEEPSEEK_PRICES_2025,
  describeAppliedPrices,
  describePriceSchedule,
  describePriceTable,
  findPriceEntry,
  priceSchedule,
  priceUsage,
  resolvePrice,
  resolveProviderPrice,
  utcTimeToMinutes,
  windowLabel,
} from '../../src/core/pricing';
import { fallbackProvider, primaryProvider } from '../../src/core/providers/providerSpec';
import { DEFAULT_PRICING, InMemorySettingsSource, PRICE_TABLE_AS_OF, readSetting, type PriceTable } from '../../src/core/settingsSchema';

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
    const price = resolvePrice(DEEPSEEK_PRICES_2025, 'deepseek-chat', noon)!;
    assert.deepEqual(priceUsage(price, { hitTokens: 1_000_000, missTokens: 0, outputTokens: 0 }).totalUsd, 0.07);
    assert.deepEqual(priceUsage(price, { hitTokens: 1_000_000, missTokens: 1_000_000, outputTokens: 1_000_000 }), {
      hitUsd: 0.07, missUsd: 0.27, outputUsd: 1.1, totalUsd: 1.44, noCacheUsd: 1.64, savedUsd: 0.2,
    });
  });

  it('prices a mixed deepseek-reasoner request exactly, with what the cache saved', () => {
    const price = resolvePrice(DEEPSEEK_PRICES_2025, 'deepseek-reasoner', noon)!;
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
    const chat = DEEPSEEK_PRICES_2025['deepseek-chat'];
    assert.equal(priceUsage(chat, { hitTokens: 1, missTokens: 0, outputTokens: 0 }).totalUsd, 0.00000007);
    assert.equal(priceUsage(chat, { hitTokens: 3, missTokens: 0, outputTokens: 0 }).totalUsd, 0.00000021);
    assert.deepEqual(priceUsage(chat, { hitTokens: -5, missTokens: Number.NaN, outputTokens: Infinity }), {
      hitUsd: 0, missUsd: 0, outputUsd: 0, totalUsd: 0, noCacheUsd: 0, savedUsd: 0,
    });
  });
});

describe('pricing: which table applies', () => {
  it('labels the standard table and finds a model id whatever its case', () => {
    assert.deepEqual(resolvePrice(DEEPSEEK_PRICES_2025, 'deepseek-chat', noon), {
      model: 'deepseek-chat', cacheHit: 0.07, cacheMiss: 0.27, output: 1.1, label: 'deepseek-chat standard',
    });
    assert.equal(resolvePrice(DEEPSEEK_PRICES_2025, ' DeepSeek-Reasoner ', noon)?.label, 'deepseek-reasoner standard');
    assert.equal(findPriceEntry(DEEPSEEK_PRICES_2025, 'DEEPSEEK-CHAT')?.model, 'deepseek-chat');
    assert.equal(findPriceEntry(DEFAULT_PRICING, 'DeepSeek-Flash')?.model, 'deepseek-flash');
  });

  it('has no price for an unknown model, nor for the retired ids in the default table', () => {
    assert.equal(resolvePrice(DEFAULT_PRICING, 'some-other-model', noon), undefined);
    assert.equal(resolvePrice(DEFAULT_PRICING, 'deepseek-chat', noon), undefined);
    assert.equal(resolvePrice(DEFAULT_PRICING, 'deepseek-reasoner', noon), undefined);
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

// 2026-11-02 is a Monday.
const at = (day: number, hh: number, mm = 0, ss = 0) => new Date(Date.UTC(2026, 10, day, hh, mm, ss));
const MON = 2;
const FRI = 6;
const SAT = 7;
const SUN = 8;

describe('pricing: DeepSeek\'s table as of 2026-11', () => {
  const million = { hitTokens: 1_000_000, missTokens: 1_000_000, outputTokens: 1_000_000 };

  it('names the date it was taken', () => {
    assert.equal(PRICE_TABLE_AS_OF, '2026-11');
    assert.equal(describePriceTable(DEFAULT_PRICING), 'DeepSeek prices as of 2026-11');
    const roundTripped = readSetting(new InMemorySettingsSource({ pricing: JSON.parse(JSON.stringify(DEFAULT_PRICING)) }), 'pricing').value;
    assert.equal(describePriceTable(roundTripped), 'DeepSeek prices as of 2026-11', 'the same table written out in settings');
    assert.equal(describePriceTable(DEEPSEEK_PRICES_2025), 'prices from deepseek.pricing');
  });

  it('prices Flash off-peak at 0.003 / 0.15 / 0.60 and peak at twice that, exactly', () => {
    const offPeak = resolvePrice(DEFAULT_PRICING, 'deepseek-flash', at(MON, 12))!;
    assert.deepEqual(offPeak, { model: 'deepseek-flash', cacheHit: 0.003, cacheMiss: 0.15, output: 0.6, label: 'deepseek-flash off-peak' });
    assert.deepEqual(priceUsage(offPeak, million), { hitUsd: 0.003, missUsd: 0.15, outputUsd: 0.6, totalUsd: 0.753, noCacheUsd: 0.9, savedUsd: 0.147 });
    const peak = resolvePrice(DEFAULT_PRICING, 'deepseek-flash', at(MON, 2))!;
    assert.deepEqual(peak, { model: 'deepseek-flash', cacheHit: 0.006, cacheMiss: 0.3, output: 1.2, label: 'deepseek-flash peak (01:00–04:00 UTC, Mon–Fri)' });
    assert.deepEqual(priceUsage(peak, million), { hitUsd: 0.006, missUsd: 0.3, outputUsd: 1.2, totalUsd: 1.506, noCacheUsd: 1.8, savedUsd: 0.294 });
    assert.equal(priceUsage(offPeak, { hitTokens: 1, missTokens: 0, outputTokens: 0 }).totalUsd, 0.000000003, 'one cached token, exactly');
    assert.equal(priceUsage(offPeak, { hitTokens: 50, missTokens: 0, outputTokens: 0 }).totalUsd, priceUsage(offPeak, { hitTokens: 0, missTokens: 1, outputTokens: 0 }).totalUsd, 'a hit is 1/50 of a miss');
  });

  it('prices Pro off-peak at 0.022 / 0.66 / 1.98 and peak at twice that', () => {
    const offPeak = resolvePrice(DEFAULT_PRICING, 'deepseek-v4-pro', at(SAT, 2))!;
    assert.equal(offPeak.label, 'deepseek-v4-pro off-peak');
    assert.equal(priceUsage(offPeak, million).totalUsd, 2.662);
    const peak = resolvePrice(DEFAULT_PRICING, 'deepseek-v4-pro', at(FRI, 9, 59, 59))!;
    assert.equal(peak.label, 'deepseek-v4-pro peak (06:00–10:00 UTC, Mon–Fri)');
    assert.equal(priceUsage(peak, million).totalUsd, 5.324);
    assert.equal(priceUsage(peak, { hitTokens: 12_345, missTokens: 678, outputTokens: 910 }).totalUsd, 0.00504174);
  });

  it('applies peak 01:00–04:00 and 06:00–10:00 UTC on weekdays only, start inclusive, end exclusive', () => {
    const label = (d: Date) => resolvePrice(DEFAULT_PRICING, 'deepseek-flash', d)!.label.replace('deepseek-flash ', '');
    const expected: [Date, string][] = [
      [at(MON, 0, 59, 59), 'off-peak'],
      [at(MON, 1), 'peak (01:00–04:00 UTC, Mon–Fri)'],
      [at(MON, 3, 59, 59), 'peak (01:00–04:00 UTC, Mon–Fri)'],
      [at(MON, 4), 'off-peak'],
      [at(MON, 5, 59), 'off-peak'],
      [at(MON, 6), 'peak (06:00–10:00 UTC, Mon–Fri)'],
      [at(MON, 10), 'off-peak'],
      [at(FRI, 7), 'peak (06:00–10:00 UTC, Mon–Fri)'],
      [at(SAT, 2), 'off-peak'],
      [at(SAT, 7), 'off-peak'],
      [at(SUN, 2), 'off-peak'],
      [at(SUN, 23, 59), 'off-peak'],
    ];
    for (const [d, want] of expected) {
      assert.equal(label(d), want, d.toISOString());
    }
  });

  it('bills an alias as the model it serves, unless the table prices the alias itself', () => {
    assert.deepEqual(resolvePrice(DEFAULT_PRICING, 'deepseek-v4-flash', at(MON, 12)), resolvePrice(DEFAULT_PRICING, 'deepseek-flash', at(MON, 12)));
    assert.equal(resolvePrice(DEFAULT_PRICING, ' DeepSeek-V4-Flash ', at(MON, 2))?.label, 'deepseek-flash peak (01:00–04:00 UTC, Mon–Fri)');
    const aliasOnly: PriceTable = { 'deepseek-v4-flash': { cacheHit: 0.01, cacheMiss: 0.1, output: 0.2 } };
    assert.equal(resolvePrice(aliasOnly, 'deepseek-flash', noon)?.model, 'deepseek-v4-flash', 'an alias entry serves the model too');
    const own: PriceTable = { ...DEFAULT_PRICING, 'deepseek-v4-flash': { cacheHit: 1, cacheMiss: 2, output: 3 } };
    assert.equal(resolvePrice(own, 'deepseek-v4-flash', noon)?.output, 3);
    assert.equal(resolvePrice(DEFAULT_PRICING, 'deepseek-v4-pro-2609', noon), undefined, 'a different model is not an alias');
  });

  it('falls back to another table for a model the user\'s own table lacks', () => {
    const mine: PriceTable = DEEPSEEK_PRICES_2025;
    assert.equal(resolvePrice(mine, 'deepseek-flash', noon), undefined);
    assert.equal(resolvePrice(mine, 'deepseek-flash', at(MON, 12), DEFAULT_PRICING)?.label, 'deepseek-flash off-peak');
    assert.equal(resolvePrice(mine, 'deepseek-chat', noon, DEFAULT_PRICING)?.label, 'deepseek-chat standard', 'the user\'s own entry first');
  });
});

describe('pricing: per provider', () => {
  const backupTable: PriceTable = {
    'gpt-x': { cacheHit: 0.1, cacheMiss: 0.5, output: 2, windows: [{ name: 'night', startUtc: '22:00', endUtc: '06:00', cacheHit: 0.05, cacheMiss: 0.25, output: 1 }] },
    'deepseek-chat': { cacheHit: 0.01, cacheMiss: 0.02, output: 0.03 },
  };
  const backup = fallbackProvider({ name: 'Backup', baseUrl: 'https://backup.example/v1', models: { chat: 'gpt-x', reasoner: 'gpt-x' }, pricing: backupTable });
  const bare = fallbackProvider({ name: 'Bare', baseUrl: 'https://bare.example/v1', models: { chat: 'gpt-x', reasoner: 'gpt-x' } });

  it('prices DeepSeek as before: deepseek.pricing, else DeepSeek\'s defaults for a model it lacks', () => {
    const primary = primaryProvider('https://api.deepseek.com');
    for (const [model, at] of [['deepseek-chat', noon], ['deepseek-flash', utc(2, 0)], ['my-local-model', noon]] as const) {
      assert.deepEqual(resolveProviderPrice(primary, DEEPSEEK_PRICES_2025, model, at), resolvePrice(DEEPSEEK_PRICES_2025, model, at, DEFAULT_PRICING), model);
    }
    assert.equal(resolveProviderPrice({ primary: true }, DEFAULT_PRICING, 'deepseek-flash', at(MON, 12))?.label, 'deepseek-flash off-peak');
  });

  it("prices a fallback from its own table, naming it in the label, windows included", () => {
    assert.deepEqual(resolveProviderPrice(backup, DEFAULT_PRICING, 'gpt-x', noon), {
      model: 'gpt-x', cacheHit: 0.1, cacheMiss: 0.5, output: 2, label: 'gpt-x standard (Backup prices)',
    });
    assert.equal(resolveProviderPrice(backup, DEFAULT_PRICING, 'gpt-x', utc(23, 0))?.label, 'gpt-x night (22:00–06:00 UTC) (Backup prices)');
    assert.equal(resolveProviderPrice(backup, DEFAULT_PRICING, 'deepseek-chat', noon)?.cacheMiss, 0.02, "the fallback's own price for a DeepSeek id");
    assert.equal(resolveProviderPrice({ primary: false, pricing: backupTable }, DEFAULT_PRICING, 'gpt-x', noon)?.label, 'gpt-x standard (fallback prices)');
  });

  it("never prices a fallback from DeepSeek's tables: no table, or no entry, is unpriced", () => {
    assert.equal(resolveProviderPrice(bare, DEFAULT_PRICING, 'gpt-x', noon), undefined);
    assert.equal(resolveProviderPrice(bare, DEFAULT_PRICING, 'deepseek-flash', noon), undefined, 'not even a DeepSeek model');
    assert.equal(resolveProviderPrice(backup, DEFAULT_PRICING, 'deepseek-flash', noon), undefined, "DEFAULT_PRICING is DeepSeek's, not Backup's");
    assert.equal(resolveProviderPrice(backup, DEEPSEEK_PRICES_2025, 'deepseek-reasoner', noon), undefined, "nor is deepseek.pricing");
  });
});

describe('pricing: what the readout names', () => {
  it('names the table, the rate that applies now and when it changes', () => {
    assert.deepEqual(describeAppliedPrices(DEFAULT_PRICING, 'deepseek-flash', at(MON, 0, 30)), {
      table: 'DeepSeek prices as of 2026-11',
      model: 'deepseek-flash',
      schedule: 'off-peak until 01:00 UTC',
      changesAt: at(MON, 1).getTime(),
    });
    assert.equal(describeAppliedPrices(DEFAULT_PRICING, 'deepseek-v4-flash', at(MON, 7))?.schedule, 'peak until 10:00 UTC', 'an alias as the model it serves');
  });

  it("falls back to DeepSeek's table for a model the user's table lacks, and says so", () => {
    const applied = describeAppliedPrices(DEEPSEEK_PRICES_2025, 'deepseek-flash', at(SAT, 12));
    assert.equal(applied?.table, 'DeepSeek prices as of 2026-11 (deepseek.pricing has no price for deepseek-flash)');
    assert.equal(applied?.schedule, 'off-peak until Monday 01:00 UTC');
    assert.deepEqual(describeAppliedPrices(DEEPSEEK_PRICES_2025, 'deepseek-chat', at(SAT, 12)), {
      table: 'prices from deepseek.pricing', model: 'deepseek-chat', schedule: 'standard at all times',
    });
    assert.equal(describeAppliedPrices(DEFAULT_PRICING, 'my-local-model', at(SAT, 12)), undefined);
  });
});

describe('pricing: which rate applies now and when it changes', () => {
  const schedule = (d: Date, table: PriceTable = DEFAULT_PRICING, model = 'deepseek-flash') => {
    const s = priceSchedule(table, model, d);
    assert.ok(s, 'has a schedule');
    return describePriceSchedule(s, d);
  };

  it('says the current rate and the next change on a weekday', () => {
    assert.equal(schedule(at(MON, 0, 30)), 'off-peak until 01:00 UTC');
    assert.equal(schedule(at(MON, 1)), 'peak until 04:00 UTC');
    assert.equal(schedule(at(MON, 3, 59, 59)), 'peak until 04:00 UTC');
    assert.equal(schedule(at(MON, 4)), 'off-peak until 06:00 UTC');
    assert.equal(schedule(at(MON, 9, 59, 30)), 'peak until 10:00 UTC');
    assert.equal(schedule(at(MON, 10)), 'off-peak until 01:00 UTC', 'next day, under 24 hours away');
    assert.equal(schedule(at(MON, 23, 59)), 'off-peak until 01:00 UTC');
  });

  it('carries the weekend: Friday 10:00 is off-peak until Monday 01:00 UTC', () => {
    assert.equal(schedule(at(FRI, 10)), 'off-peak until Monday 01:00 UTC');
    assert.equal(schedule(at(SAT, 12)), 'off-peak until Monday 01:00 UTC');
    assert.equal(schedule(at(SUN, 1)), 'off-peak until Monday 01:00 UTC', 'a change 24 hours away names the day');
    assert.equal(schedule(at(SUN, 1, 0, 1)), 'off-peak until 01:00 UTC');
    const s = priceSchedule(DEFAULT_PRICING, 'deepseek-v4-pro', at(FRI, 10))!;
    assert.equal(s.until?.toISOString(), '2026-11-09T01:00:00.000Z');
    assert.deepEqual({ name: s.current.name, miss: s.current.cacheMiss }, { name: 'off-peak', miss: 0.66 });
    assert.deepEqual({ name: s.next?.name, miss: s.next?.cacheMiss }, { name: 'peak', miss: 1.32 });
  });

  it('has no change for a table without windows, and none for a model it does not price', () => {
    assert.equal(schedule(noon, DEEPSEEK_PRICES_2025, 'deepseek-chat'), 'standard at all times');
    assert.equal(priceSchedule(DEFAULT_PRICING, 'unpriced', noon), undefined);
    assert.equal(priceSchedule(DEEPSEEK_PRICES_2025, 'deepseek-flash', at(MON, 2), DEFAULT_PRICING)?.current.name, 'peak');
  });

  it('treats adjacent windows with the same name and rates as one, and names an unnamed window by its hours', () => {
    const rates = { cacheHit: 1, cacheMiss: 2, output: 3 };
    const table: PriceTable = {
      m: { ...rates, windows: [
        { name: 'night', startUtc: '22:00', endUtc: '00:00', cacheHit: 0, cacheMiss: 1, output: 1 },
        { name: 'night', startUtc: '00:00', endUtc: '06:00', cacheHit: 0, cacheMiss: 1, output: 1 },
        { startUtc: '12:00', endUtc: '13:00', ...rates, output: 9 },
      ] },
    };
    assert.equal(schedule(at(MON, 23), table, 'm'), 'night until 06:00 UTC');
    assert.equal(schedule(at(MON, 7), table, 'm'), 'standard until 12:00 UTC');
    assert.equal(schedule(at(MON, 12, 30), table, 'm'), '(12:00–13:00 UTC) until 13:00 UTC');
  });
});

describe('pricing: windows on some weekdays', () => {
  const rates = { cacheHit: 0.1, cacheMiss: 0.2, output: 0.3 };
  const table: PriceTable = {
    m: { ...rates, windows: [{ name: 'friday night', days: ['fri'], startUtc: '22:00', endUtc: '02:00', cacheHit: 0, cacheMiss: 0, output: 0 }] },
  };
  const name = (d: Date) => priceSchedule(table, 'm', d)?.current.name;

  it('opens a wrapping window on the day it starts, closing the morning after', () => {
    assert.equal(name(at(FRI, 21, 59)), 'standard');
    assert.equal(name(at(FRI, 22)), 'friday night');
    assert.equal(name(at(SAT, 1, 59)), 'friday night');
    assert.equal(name(at(SAT, 2)), 'standard');
    assert.equal(name(at(FRI, 1)), 'standard', 'Thursday did not open it');
    assert.equal(name(at(SAT, 23)), 'standard');
    assert.equal(describePriceSchedule(priceSchedule(table, 'm', at(SAT, 2))!, at(SAT, 2)), 'standard until Friday 22:00 UTC');
  });

  it('labels days as runs and lists', () => {
    assert.equal(daysLabel(['mon', 'tue', 'wed', 'thu', 'fri']), 'Mon–Fri');
    assert.equal(daysLabel(['sat', 'sun']), 'Sat, Sun');
    assert.equal(daysLabel(['mon', 'wed', 'thu', 'fri']), 'Mon, Wed–Fri');
    assert.equal(windowLabel({ name: 'peak', days: ['mon', 'tue', 'wed', 'thu', 'fri'], startUtc: '01:00', endUtc: '04:00', ...rates }), 'peak (01:00–04:00 UTC, Mon–Fri)');
    assert.equal(windowLabel({ startUtc: '01:00', endUtc: '04:00', ...rates }), '(01:00–04:00 UTC)');
  });

  it('reads days in any case and order, drops a list of all seven, and refuses empty or unknown days', () => {
    const parse = (days: unknown) => readSetting(new InMemorySettingsSource({
      pricing: { m: { ...rates, windows: [{ days, startUtc: '01:00', endUtc: '04:00', ...rates }] } },
    }), 'pricing');
    assert.deepEqual(parse(['FRI', 'mon', 'Mon', ' wed ']).value.m.windows?.[0].days, ['mon', 'wed', 'fri']);
    assert.equal(parse(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']).value.m.windows?.[0].days, undefined);
    for (const bad of [[], ['funday'], 'mon', [1]]) {
      const parsed = parse(bad);
      assert.deepEqual(parsed.value, DEFAULT_PRICING, JSON.stringify(bad));
      assert.match(parsed.problem ?? '', /window 1 has days that are not a non-empty array of "mon"/);
    }
  });

  it('keeps an old table without days or names valid, and names the standard rates when asked', () => {
    const old = { 'deepseek-chat': { cacheHit: 0.07, cacheMiss: 0.27, output: 1.1, windows: [{ name: 'off-peak', startUtc: '16:30', endUtc: '00:30', cacheHit: 0.035, cacheMiss: 0.135, output: 0.55 }] } };
    assert.deepEqual(readSetting(new InMemorySettingsSource({ pricing: old }), 'pricing'), { value: old });
    const named = readSetting(new InMemorySettingsSource({ pricing: { m: { name: ' off-peak ', ...rates } } }), 'pricing').value;
    assert.deepEqual(named, { m: { name: 'off-peak', ...rates } });
    assert.equal(resolvePrice(named, 'm', noon)?.label, 'm off-peak');
    assert.match(readSetting(new InMemorySettingsSource({ pricing: { m: { name: '', ...rates } } }), 'pricing').problem ?? '', /price for "m" has a name/);
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
