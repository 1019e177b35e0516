import * as assert from 'assert/strict';
import { createHmac } from 'crypto';
import {
  DEFAULT_MAX_ENTRIES,
  REDACTION_KINDS,
  RedactionSummary,
  Redactor,
  createStreamRestorer,
  ibanValid,
  isPlaceholder,
  luhnValid,
  placeholderPattern,
  shannonEntropy,
  type RedactionKind,
} from '../../src/core/redaction';

/** Fake keys are put together at run time so that secret scanners do not flag this file. */
const fake = (...parts: string[]) => parts.join('');

const SALT = 'unit-test-salt';
const redactor = () => new Redactor({ salt: SALT });

/** Redacts `text` and returns [kind, original value] of every finding, in text order. */
function found(text: string, r = redactor()): [RedactionKind, string][] {
  return r.redact(text).findings.map((f) => [f.kind, r.restore(f.placeholder)]);
}

function redacted(text: string): string {
  return redactor().redact(text).text;
}

const PLACEHOLDER = /^\u27E6[A-Z_]+_[0-9a-f]{8}\u27E7$/;

describe('redaction: placeholders', () => {
  it('are the kind and the first 8 hex digits of HMAC-SHA256(salt, kind + value)', () => {
    const { text, findings } = redactor().redact('mail jane.doe@acme-corp.io please');
    const hex = createHmac('sha256', SALT).update('EMAIL' + 'jane.doe@acme-corp.io').digest('hex').slice(0, 8);
    assert.equal(text, `mail \u27E6EMAIL_${hex}\u27E7 please`);
    assert.deepEqual(findings, [{ kind: 'EMAIL', placeholder: `\u27E6EMAIL_${hex}\u27E7` }]);
    assert.match(findings[0].placeholder, PLACEHOLDER);
    assert.ok(isPlaceholder(findings[0].placeholder));
  });

  it('are stable across calls and across Redactors with the same salt', () => {
    const text = 'DB_PASSWORD=s3cr3tPa55\nowner: jane.doe@acme-corp.io';
    const a = redactor();
    const first = a.redact(text).text;
    assert.equal(a.redact(text).text, first);
    assert.equal(redactor().redact(text).text, first);
    assert.equal(a.redact(`prefix\n${text}`).text, `prefix\n${first}`, 'same value, same placeholder wherever it is');
  });

  it('differ with a different salt, and between kinds for the same characters', () => {
    const a = redactor().redact('x jane.doe@acme-corp.io').text;
    const b = new Redactor({ salt: 'another-installation' }).redact('x jane.doe@acme-corp.io').text;
    assert.notEqual(a, b);
    const r = redactor();
    assert.notEqual(r.placeholderFor('EMAIL', 'v'), r.placeholderFor('PHONE', 'v'));
  });

  it('reveal nothing of the value and replace every occurrence with the same placeholder', () => {
    const { text, findings } = redactor().redact('a@acme-corp.io, b@acme-corp.io, a@acme-corp.io');
    assert.ok(!text.includes('acme'));
    assert.equal(findings.length, 3);
    assert.equal(findings[0].placeholder, findings[2].placeholder);
    assert.notEqual(findings[0].placeholder, findings[1].placeholder);
  });

  it('are never redacted again: redacting redacted text is a no-op', () => {
    const text = [
      'export DEEPSEEK_API_KEY=' + fake('sk-', '3f9c2a7e1b4d8e6f0a2c5b7d9e1f3a5c'),
      'password: "Tr0ub4dor&3"',
      'postgres://app:Xk29fjqLp0@db.acme.io/app',
      'contact jane.doe@acme-corp.io or +44 20 7946 0958 from 81.2.69.142',
    ].join('\n');
    const r = redactor();
    const once = r.redact(text);
    assert.equal(once.findings.length, 6);
    const twice = r.redact(once.text);
    assert.equal(twice.text, once.text);
    assert.deepEqual(twice.findings, []);
  });

  it('never nest, and overlapping detections yield one placeholder for the most specific', () => {
    // a GitHub token is also an assignment value and a high-entropy string: one placeholder, GitHub wins
    const token = fake('ghp_', 'Q7xb2LmP9vKd4RtY8wZs3NcF1aBwDeFgHiJk');
    const { text, findings } = redactor().redact(`token: "${token}"`);
    assert.deepEqual(findings.map((f) => f.kind), ['GITHUB_TOKEN']);
    assert.equal(text, `token: "${findings[0].placeholder}"`);
    // a JWT in an Authorization header: the JWT, not the Bearer credential
    const jwt = fake('eyJ', 'hbGciOiJIUzI1NiJ9', '.', 'eyJzdWIiOiIxODQyIn0', '.', 'Zm9vYmFyYmF6cXV4cXV1eDEyMw');
    assert.deepEqual(found(`Authorization: Bearer ${jwt}`), [['JWT', jwt]]);
    for (const t of [text, redacted(`Authorization: Bearer ${jwt}`)]) {
      for (const m of t.matchAll(placeholderPattern())) {
        assert.ok(!m[0].slice(1).includes('\u27E6'));
      }
    }
  });

  it('can be limited to some kinds', () => {
    const r = new Redactor({ salt: SALT, kinds: ['PHONE'] });
    const out = r.redact('jane.doe@acme-corp.io +44 20 7946 0958');
    assert.deepEqual(out.findings.map((f) => f.kind), ['PHONE']);
    assert.ok(out.text.startsWith('jane.doe@acme-corp.io '));
  });

  it('can be limited to kinds that share a scan (provider tokens, labelled numbers)', () => {
    const text = fake('ghp_', 'Q7xb2LmP9vKd4RtY8wZs3NcF1aBwDeFgHiJk', ' sk-', '3f9c2a7e1b4d8e6f0a2c5b7d9e1f3a5c', ' npm_', 'Zq8Rk2Lm9Vx4Tb7Nc1WpYs3DqZ6hJ0fGtUe5')
      + '\nphone: 020 7946 0958\nssn: 521-44-8812';
    const kindsOf = (kinds: RedactionKind[]) => new Redactor({ salt: SALT, kinds }).redact(text).findings.map((f) => f.kind);
    assert.deepEqual(kindsOf(['GITHUB_TOKEN']), ['GITHUB_TOKEN']);
    assert.deepEqual(kindsOf(['OPENAI_KEY', 'API_TOKEN']), ['OPENAI_KEY', 'API_TOKEN']);
    assert.deepEqual(kindsOf(['NATIONAL_ID']), ['NATIONAL_ID']);
    assert.deepEqual(kindsOf(['PHONE']), ['PHONE']);
  });

  it('needs a salt', () => {
    assert.throws(() => new Redactor({ salt: '' }), /salt/);
  });

  it('redactAll shares placeholders across the texts of one request', () => {
    const { texts, findings } = redactor().redactAll(['to jane.doe@acme-corp.io', 'cc jane.doe@acme-corp.io', 'nothing here']);
    assert.equal(texts[0].slice(3), texts[1].slice(3));
    assert.equal(texts[2], 'nothing here');
    assert.equal(findings.length, 2);
  });
});

describe('redaction: restore', () => {
  it('puts the original values back into an answer', () => {
    const r = redactor();
    const source = 'const cfg = { password: "Tr0ub4dor&3", owner: "jane.doe@acme-corp.io" };';
    const { text, findings } = r.redact(source);
    assert.equal(r.restore(text), source);
    const answer = `Move ${findings[0].placeholder} into an environment variable; keep ${findings[1].placeholder} as the owner.`;
    assert.equal(r.restore(answer), 'Move Tr0ub4dor&3 into an environment variable; keep jane.doe@acme-corp.io as the owner.');
  });

  it('leaves placeholders it does not know as they are (e.g. invented by the model)', () => {
    const r = redactor();
    r.redact('jane.doe@acme-corp.io');
    const invented = '\u27E6EMAIL_0badc0de\u27E7 and \u27E6SECRET_12345678\u27E7 and \u27E6broken';
    assert.equal(r.restore(invented), invented);
    assert.equal(new Redactor({ salt: SALT }).restore(redactor().redact('jane.doe@acme-corp.io').text), redactor().redact('jane.doe@acme-corp.io').text,
      'another Redactor has not seen the value');
  });

  it('remembers at most maxEntries placeholders, least recently used first out', () => {
    assert.equal(DEFAULT_MAX_ENTRIES, 10_000);
    const r = new Redactor({ salt: SALT, maxEntries: 3 });
    const ph = (email: string) => r.redact(email).findings[0].placeholder;
    const a = ph('a1@acme-corp.io');
    const b = ph('b2@acme-corp.io');
    const c = ph('c3@acme-corp.io');
    assert.equal(r.size, 3);
    assert.equal(r.restore(a), 'a1@acme-corp.io', 'restoring a makes it the most recent');
    const d = ph('d4@acme-corp.io');
    assert.equal(r.size, 3);
    assert.equal(r.restore(b), b, 'b was least recently used and is gone');
    assert.equal(r.restore(a), 'a1@acme-corp.io');
    assert.equal(r.restore(c), 'c3@acme-corp.io');
    assert.equal(r.restore(d), 'd4@acme-corp.io');
    assert.equal(ph('b2@acme-corp.io'), b, 're-redacting gives the same placeholder back');
  });

  it('keeps the default bound of 10,000 entries', () => {
    const r = redactor();
    for (let i = 0; i < 10_050; i++) {
      r.placeholderFor('EMAIL', `user${i}@acme-corp.io`);
    }
    assert.equal(r.size, 10_000);
  });
});

describe('redaction: streamed answers', () => {
  const r = redactor();
  const source = 'Reach jane.doe@acme-corp.io, token ' + fake('ghp_', 'Q7xb2LmP9vKd4RtY8wZs3NcF1aBwDeFgHiJk') + ' and +44 20 7946 0958.';
  const answer = `Sure: ${r.redact(source).text} Done.`;
  const expected = r.restore(answer);

  it('restores placeholders split at every possible position', () => {
    assert.ok(!expected.includes('\u27E6'));
    for (let cut = 0; cut <= answer.length; cut++) {
      const stream = createStreamRestorer(r);
      const out = stream.push(answer.slice(0, cut)) + stream.push(answer.slice(cut)) + stream.flush();
      assert.equal(out, expected, `split at ${cut}`);
    }
    for (let cut = 0; cut < answer.length; cut += 3) {
      const stream = createStreamRestorer(r);
      const out = stream.push(answer.slice(0, cut)) + stream.push(answer.slice(cut, cut + 7)) + stream.push(answer.slice(cut + 7)) + stream.flush();
      assert.equal(out, expected, `three parts at ${cut}`);
    }
  });

  it('restores a stream delivered one character at a time, emitting text as soon as it can', () => {
    const stream = createStreamRestorer(r);
    let out = '';
    for (let i = 0; i < answer.length; i++) {
      out += stream.push(answer[i]);
    }
    out += stream.flush();
    assert.equal(out, expected);
    const s2 = createStreamRestorer(r);
    assert.equal(s2.push('plain text '), 'plain text ', 'nothing is held back without a ⟦');
    assert.equal(s2.push('then \u27E6EMA'), 'then ', 'a possible placeholder prefix is held back');
    assert.equal(s2.push('IL and more'), '\u27E6EMAIL and more', 'released once it cannot be a placeholder');
    assert.equal(s2.flush(), '');
  });

  it('holds back at most one placeholder length, and flushes what is held at the end', () => {
    const stream = createStreamRestorer(r);
    assert.equal(stream.push('x \u27E6PHONE_1a2b'), 'x ');
    assert.equal(stream.flush(), '\u27E6PHONE_1a2b', 'an unfinished placeholder is returned as it is');
    const s3 = createStreamRestorer(r);
    const long = '\u27E6' + 'A'.repeat(100);
    assert.equal(s3.push(long), long, 'too long to be a placeholder: not held');
    assert.equal(s3.push('\u27E6 not one'), '\u27E6 not one');
    assert.equal(s3.flush(), '');
  });

  it('leaves unknown placeholders in a stream alone', () => {
    const stream = createStreamRestorer(r);
    const text = 'see \u27E6EMAIL_0badc0de\u27E7 here';
    assert.equal(stream.push(text.slice(0, 9)) + stream.push(text.slice(9)) + stream.flush(), text);
  });
});

describe('redaction: payment cards (Luhn, issuer)', () => {
  it('checks Luhn', () => {
    assert.ok(luhnValid('4539148803436467'));
    assert.ok(luhnValid('378282246310005'));
    assert.ok(!luhnValid('4539148803436468'));
    assert.ok(!luhnValid('12a4'));
  });

  it('redacts Luhn-valid card numbers, with spaces or dashes, from known issuers', () => {
    assert.deepEqual(found('card 4539 1488 0343 6467 exp 09/27'), [['CARD', '4539 1488 0343 6467']]);
    assert.deepEqual(found('pan=5425-2334-3010-9903;'), [['CARD', '5425-2334-3010-9903']]);
    assert.deepEqual(found('"amex": "378282246310005"'), [['CARD', '378282246310005']]);
    assert.deepEqual(found('amex 3782 822463 10005'), [['CARD', '3782 822463 10005']]);
  });

  it('redacts card numbers of every issuer (Luhn check digit computed here)', () => {
    const withLuhn = (body: string) => {
      for (let d = 0; d <= 9; d++) {
        if (luhnValid(body + d)) {
          return body + d;
        }
      }
      throw new Error('unreachable');
    };
    const cards: [string, string][] = [
      ['Visa', withLuhn('453914880343646')],
      ['Mastercard', withLuhn('542523343010990')],
      ['Mastercard 2-series', withLuhn('222300123456789')],
      ['American Express', withLuhn('37828224631000')],
      ['Discover', withLuhn('601100040000000')],
      ['JCB', withLuhn('353011133330000')],
      ['Diners Club', withLuhn('3056930902590')],
      ['UnionPay', withLuhn('621700000000000000')],
      ['Maestro', withLuhn('675964982643845')],
      ['Maestro 50', withLuhn('501971701010374')],
      ['Mir', withLuhn('220012345678901')],
      ['RuPay', withLuhn('817200000000000')],
      ['Troy', withLuhn('979200000000000')],
      ['UATP', withLuhn('12200000000000')],
    ];
    for (const [issuer, number] of cards) {
      assert.deepEqual(found(`card: ${number}`), [['CARD', number]], issuer);
    }
    const grouped = cards[0][1].replace(/(\d{4})(?=\d)/g, '$1-');
    assert.deepEqual(found(`pan ${grouped}`), [['CARD', grouped]]);
  });

  it('leaves numbers that fail Luhn, issuer or length rules, and timestamps and ids', () => {
    assert.deepEqual(found('card 4539 1488 0343 6468'), [], 'Luhn fails');
    assert.deepEqual(found('id 1234567890123452'), [], 'Luhn-valid but no issuer starts with 1');
    assert.deepEqual(found('ts 1705322096123 and 2024011512304512'), []);
    assert.deepEqual(found('4539 1488 0343 646'), [], '15 digits is not a Visa length');
    assert.deepEqual(found('const MAX = 9007199254740991;'), []);
  });
});

describe('redaction: IBAN (mod 97)', () => {
  it('checks country length and mod-97', () => {
    assert.ok(ibanValid('DE89370400440532013000'));
    assert.ok(ibanValid('GB82WEST12345698765432'));
    assert.ok(!ibanValid('DE89370400440532013001'));
    assert.ok(!ibanValid('DE8937040044053201300'), 'too short for DE');
    assert.ok(!ibanValid('QQ89370400440532013000'), 'no such country');
  });

  it('redacts valid IBANs with or without spaces, only the IBAN', () => {
    assert.deepEqual(found('IBAN: DE89 3704 0044 0532 0130 00, BIC COBADEFFXXX'), [['IBAN', 'DE89 3704 0044 0532 0130 00']]);
    assert.deepEqual(found('{"iban":"GB82WEST12345698765432"}'), [['IBAN', 'GB82WEST12345698765432']]);
    assert.deepEqual(found('pay NL91 ABNA 0417 1643 00 THEN confirm'), [['IBAN', 'NL91 ABNA 0417 1643 00']]);
  });

  it('redacts IBANs written with dashes, one kind of separator throughout', () => {
    assert.deepEqual(found('IBAN DE89-3704-0044-0532-0130-00 please'), [['IBAN', 'DE89-3704-0044-0532-0130-00']]);
    assert.deepEqual(found('GB82-WEST-1234-5698-7654-32'), [['IBAN', 'GB82-WEST-1234-5698-7654-32']]);
    assert.deepEqual(found('DE89-3704 0044-0532 0130-00'), [], 'mixed separators');
  });

  it('leaves IBAN-shaped strings with a wrong checksum', () => {
    assert.deepEqual(found('IBAN: DE89 3704 0044 0532 0130 01'), []);
    assert.deepEqual(found('GB83WEST12345698765432'), []);
  });
});

describe('redaction: national ids, phones, e-mail, IPs', () => {
  it('redacts US SSNs within the issued ranges, UK NI numbers and Spanish DNIs', () => {
    assert.deepEqual(found('SSN: 521-44-8812'), [['NATIONAL_ID', '521-44-8812']]);
    assert.deepEqual(found('"ssn": "521448812"'), [['NATIONAL_ID', '521448812']]);
    assert.deepEqual(found('bad 000-12-3456 666-12-3456 912-34-5678 521-00-8812 521-44-0000'), []);
    assert.deepEqual(found('e.g. 123-45-6789'), [['NATIONAL_ID', '123-45-6789']], 'a documentation example is redacted too: it costs nothing');
    assert.deepEqual(found('NI number: JG 10 37 82 C'), [['NATIONAL_ID', 'JG 10 37 82 C']]);
    assert.deepEqual(found('NINO GB103782C BG103782C QQ123456C'), [], 'prefixes HMRC never issues');
    assert.deepEqual(found('DNI 48291033A'), [['NATIONAL_ID', '48291033A']]);
    assert.deepEqual(found('DNI 48291033K'), [], 'wrong check letter');
    assert.deepEqual(found('DNI 12345678Z'), [['NATIONAL_ID', '12345678Z']], 'the documentation example has a valid check letter');
  });

  it('redacts ITINs, dotted SSNs, NI numbers and Spanish ids in either case, and labelled NHS, passport and licence numbers', () => {
    assert.deepEqual(found('TIN 912-78-4521 on file'), [['NATIONAL_ID', '912-78-4521']]);
    assert.deepEqual(found('912-45-4521'), [], 'an ITIN group the IRS does not issue (and no SSN starts with 9)');
    assert.deepEqual(found('SSN 521.44.8812'), [['NATIONAL_ID', '521.44.8812']]);
    assert.deepEqual(found('version 521.44.8812.1'), [], 'a dotted version is not an SSN');
    assert.deepEqual(found('itin: 912781234'), [['NATIONAL_ID', '912781234']]);
    assert.deepEqual(found('ni: jg 10 37 82 c'), [['NATIONAL_ID', 'jg 10 37 82 c']]);
    assert.deepEqual(found('jg103782c'), [['NATIONAL_ID', 'jg103782c']]);
    assert.deepEqual(found('Jg103782C'), [], 'mixed case');
    assert.deepEqual(found('NIE y4821903j'), [['NATIONAL_ID', 'y4821903j']]);
    assert.deepEqual(found('NIF 4829103-T 48291033a'), [['NATIONAL_ID', '4829103-T'], ['NATIONAL_ID', '48291033a']]);
    assert.deepEqual(found('color: #4829103a;'), [], 'a hex colour');
    assert.deepEqual(found('NHS number: 943 476 5919'), [['NATIONAL_ID', '943 476 5919']]);
    assert.deepEqual(found('NHS no. 943 476 5918'), [], 'mod-11 check fails');
    assert.deepEqual(found('Passport No: 561204837'), [['NATIONAL_ID', '561204837']]);
    assert.deepEqual(found("driver's license: D4821-90337-71"), [['NATIONAL_ID', 'D4821-90337-71']]);
    assert.deepEqual(found('DL# S530-4821-9033'), [['NATIONAL_ID', 'S530-4821-9033']]);
    assert.deepEqual(found('const dl = 48213; // download count'), []);
  });

  it('redacts nine-digit trunk numbers and country codes written without the plus', () => {
    assert.deepEqual(found('office 03-6215874'), [['PHONE', '03-6215874']]);
    assert.deepEqual(found('Brussels 02 512 34 67'), [['PHONE', '02 512 34 67']]);
    assert.deepEqual(found('India 91-415-555-0132, US 1-800-555-0199'), [['PHONE', '91-415-555-0132'], ['PHONE', '1-800-555-0199']]);
    assert.deepEqual(found('build 2024-01-15-1200 and 078 00 1123'), []);
  });

  it('redacts e-mail addresses with internationalised (punycode) domains', () => {
    assert.deepEqual(found('write to ivan@xn--80ak6aa92e.xn--p1ai'), [['EMAIL', 'ivan@xn--80ak6aa92e.xn--p1ai']]);
  });

  it('redacts phone numbers in international and national formats, not bare digit runs', () => {
    assert.deepEqual(found('call +1 (415) 555-0132 now'), [['PHONE', '+1 (415) 555-0132']]);
    assert.deepEqual(found('tel: +44 20 7946 0958'), [['PHONE', '+44 20 7946 0958']]);
    assert.deepEqual(found('(212) 555-0198 or 303-555-0171'), [['PHONE', '(212) 555-0198'], ['PHONE', '303-555-0171']]);
    assert.deepEqual(found('mobile: 07700 900123'), [['PHONE', '07700 900123']]);
    assert.deepEqual(found('customer_phone: 4155550142'), [['PHONE', '4155550142']]);
    assert.deepEqual(found('const MAX = 1234567890; ts=1705322096; v1.2.3; 2024-01-15; 123-456-7890'), []);
  });

  it('redacts e-mail addresses but not git remotes, URL user names or npm specs', () => {
    assert.deepEqual(found('Author: Jane Doe <jane.doe@acme-corp.io>'), [['EMAIL', 'jane.doe@acme-corp.io']]);
    assert.deepEqual(found('<a href="mailto:support@brightlabs.dev">'), [['EMAIL', 'support@brightlabs.dev']]);
    assert.deepEqual(found('git@github.com:acme/widgets.git ssh://git@bitbucket.org/t/r.git https://user@host.example.com/x'), []);
    assert.deepEqual(found('npm i lodash@4.17.21 @babel/core@7.23.9; logo@2x.png; ssh pi@raspberrypi.local'), []);
  });

  it('redacts public IPs but not private, loopback, documentation or version-like ones', () => {
    assert.deepEqual(found('Accepted publickey for deploy from 81.2.69.142 port 51234'), [['IP', '81.2.69.142']]);
    assert.deepEqual(found('inet6 2a02:8108:1940:5e00:d1c2:3b4a:9e8f:7c61/64'), [['IP', '2a02:8108:1940:5e00:d1c2:3b4a:9e8f:7c61']]);
    assert.deepEqual(found('10.0.0.1 172.16.4.2 192.168.1.10 127.0.0.1 0.0.0.0 169.254.169.254 255.255.255.0 100.64.1.2'), []);
    assert.deepEqual(found('192.0.2.4 198.51.100.7 203.0.113.9 8.8.8.8 ::1 fe80::1ff:fe23:4567:890a 2001:db8::8a2e:370:7334'), []);
    assert.deepEqual(found('version: "1.2.3.4"\nAssemblyVersion("10.0.19041.1")\nChrome/120.0.6099.109 v5.2.1.7 section 21.1.3.3'), []);
    assert.deepEqual(found('host: 4.2.3.4'), [['IP', '4.2.3.4']], 'small numbers after a network word are an address');
  });
});

describe('redaction: keys, tokens and private keys', () => {
  const cases: [RedactionKind, string][] = [
    ['AWS_KEY', fake('AKIA', 'Z7QK2MWP4XJ9RT3B')],
    ['GITHUB_TOKEN', fake('ghp_', 'Q7xb2LmP9vKd4RtY8wZs3NcF1aBwDeFgHiJk')],
    ['GITHUB_TOKEN', fake('github_pat_', '11AZQ7XB20', 'Lm9vKd4RtY8w_Zs3NcF1aBwDeFgHiJkQ7xb2LmP9vKd4RtY8wZs3NcF1aBwDeFgHiJkXb')],
    ['GITLAB_TOKEN', fake('glpat-', 'Zq8Rk2Lm9Vx4Tb7Nc1Wp')],
    ['SLACK_TOKEN', fake('xoxb-', '284761930125-4410982736512-Qz8Rk2Lm9Vx4Tb7Nc1WpYs3D')],
    ['STRIPE_KEY', fake('sk_live_', '51Hq8Rk2Lm9Vx4Tb7Nc1WpYs')],
    ['STRIPE_KEY', fake('sk_test_', '51Hq8Rk2Lm9Vx4Tb7Nc1WpYs')],
    ['STRIPE_KEY', fake('rk_live_', '51Hq8Rk2Lm9Vx4Tb7Nc1WpYs')],
    ['GOOGLE_API_KEY', fake('AIza', 'Sy8Rk2Lm9Vx4Tb7Nc1WpYs3DqZ6hJ0fGtUe')],
    ['OPENAI_KEY', fake('sk-', '3f9c2a7e1b4d8e6f0a2c5b7d9e1f3a5c')],
    ['OPENAI_KEY', fake('sk-proj-', 'Zq8Rk2Lm9Vx4Tb7Nc1WpYs3DqZ6hJ0fGtUe5Zq8Rk2Lm9Vx4Tb7')],
    ['JWT', fake('eyJ', 'hbGciOiJIUzI1NiJ9', '.', 'eyJzdWIiOiIxODQyIn0', '.', 'Zm9vYmFyYmF6cXV4cXV1eDEyMw')],
    ['JWT', fake('eyJ', 'hbGciOiJub25lIn0', '.', 'eyJzdWIiOiJyb290IiwiYWRtaW4iOnRydWV9', '.')], // unsigned: alg none, empty signature
  ];
  for (const [kind, value] of cases) {
    it(`redacts ${kind} ${value.slice(0, 8)}… in a log line and in code`, () => {
      assert.deepEqual(found(`2024-01-15 DEBUG using ${value} for upload`), [[kind, value]]);
      assert.deepEqual(found(`const client = connect("${value}");`), [[kind, value]]);
    });
  }

  it('redacts an AWS secret access key after its name, and a Slack webhook path', () => {
    const secret = 'wJ8rK2Lm9Vx4Tb7Nc1WpYs3DqZ6hJ0fGtUe5Aa/B';
    assert.deepEqual(found(`aws_secret_access_key = ${secret}`), [['AWS_KEY', secret]]);
    const path = fake('T0', '4ZQ8RK2L/B0', '7NC1WPYS3/Qz8Rk2Lm9Vx4Tb7Nc1WpYs3D');
    assert.deepEqual(found(`url: https://hooks.slack.com/services/${path}`), [['SLACK_TOKEN', path]]);
  });

  it('redacts provider tokens whose body contains "example", "sample", "fake", "1234567" or "abcdefg" (fail closed)', () => {
    const tokens: [RedactionKind, string][] = [
      ['AWS_KEY', fake('AKIA', 'IOSFODNN7EXAMPLE')],
      ['SLACK_TOKEN', fake('xoxb-', '2812345678', '-', '4410982736512', '-', 'Qz8Rk2Lm9Vx4Tb7Nc1WpYs3D')],
      ['GITHUB_TOKEN', fake('ghp_', 'sampleQ7xb2LmP9vKd4RtY8wZs3NcF1aBwDe')],
      ['GITLAB_TOKEN', fake('glpat-', 'fake8Rk2Lm9Vx4Tb7Nc1Wp')],
      ['STRIPE_KEY', fake('sk_live_', '51Hq8Rk2abcdefgLm9Vx4Tb7')],
      ['GOOGLE_API_KEY', fake('AIza', 'SyExample2Lm9Vx4Tb7Nc1WpYs3DqZ6hJ0f')],
      ['OPENAI_KEY', fake('sk-', 'example1234567Zq8Rk2Lm9Vx4Tb7Nc')],
    ];
    for (const [kind, value] of tokens) {
      assert.deepEqual(found(`key = ${value}`), [[kind, value]], value);
      assert.deepEqual(found(`"${value}"`), [[kind, value]], value);
    }
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    assert.deepEqual(found(`aws_secret_access_key = ${secret}`), [['AWS_KEY', secret]]);
  });

  it('leaves provider-prefixed filler, words-only values and publishable keys alone', () => {
    assert.deepEqual(found(fake('OPENAI_API_KEY=sk-', 'your-key-here')), []);
    assert.deepEqual(found(fake('token: ghp_', 'x'.repeat(36))), []);
    assert.deepEqual(found(fake('apiKey: "AIza', 'a'.repeat(35), '"')), []);
    assert.deepEqual(found(fake('bot: xoxb-', 'xxxxxxxxxxxx-xxxxxxxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx')), []);
    assert.deepEqual(found(fake('xoxb-', '12345-abcd234 and xoxp-', '1234567890')), [], 'too short for their token types');
    assert.deepEqual(found(fake('pk_live_', '51Hq8Rk2Lm9Vx4Tb7Nc1WpYs')), [], 'publishable Stripe keys are public');
  });

  it('redacts bare tokens of other providers by their documented shape', () => {
    // random bodies of the right alphabet and length, put together at run time
    let seed = 7;
    const rnd = (alphabet: string, n: number) => {
      let out = '';
      for (let i = 0; i < n; i++) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        out += alphabet[Math.floor((seed / 2147483648) * alphabet.length)];
      }
      return out;
    };
    const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    const HEX = '0123456789abcdef';
    const LETTERS = B62.slice(0, 52);
    const tokens: [string, string][] = [
      ['Discord bot', fake('MTE', rnd(B62, 21), '.', rnd(B62, 6), '.', rnd(B62 + '_-', 38))],
      ['Telegram bot', fake('7512345678:AA', rnd(B62 + '_-', 33))],
      ['SendGrid', fake('SG.', rnd(B62, 22), '.', rnd(B62 + '_-', 43))],
      ['PyPI', fake('pypi-AgEIcHlwaS5vcmc', rnd(B62, 70))],
      ['npm', fake('npm_', rnd(B62, 36))],
      ['Shopify', fake('shpat_', rnd(HEX, 32))],
      ['Vault', fake('hvs.', 'CAESI', rnd(B62, 90))],
      ['Hugging Face', fake('hf_', rnd(LETTERS, 34))],
      ['Twilio', fake('SK', rnd(HEX, 32))],
      ['Mailgun', fake('key-', rnd(HEX, 32))],
      ['Databricks', fake('dapi', rnd(HEX, 32))],
      ['DigitalOcean', fake('dop_v1_', rnd(HEX, 64))],
      ['Doppler', fake('dp.st.', rnd(B62, 43))],
      ['Linear', fake('lin_api_', rnd(B62, 40))],
      ['Atlassian', fake('ATATT3', rnd(B62 + '_-', 180), '=', rnd(HEX.toUpperCase(), 8))],
      ['Azure AD client secret', fake('k8Z', '8Q~', rnd(B62 + '_~.', 34))],
      ['Grafana', fake('glsa_', rnd(B62, 32), '_', rnd(HEX, 8))],
      ['Sentry', fake('sntryu_', rnd(HEX, 64))],
      ['Heroku', fake('HRKU-AA', rnd(B62 + '_-', 58))],
      ['PlanetScale', fake('pscale_tkn_', rnd(B62, 43))],
      ['Postman', fake('PMAK-', rnd(HEX, 24), '-', rnd(HEX, 34))],
      ['New Relic', fake('NRAK-', rnd(B62.slice(0, 26) + '0123456789', 27))],
      ['OpenShift', fake('sha256~', rnd(B62 + '_-', 43))],
    ];
    for (const [name, token] of tokens) {
      assert.deepEqual(found(`connect ${token} now`), [['API_TOKEN', token]], name);
      assert.deepEqual(found(`cfg = { auth: "${token}" }`).map(([k]) => k), ['API_TOKEN'], name);
    }
    const hook = rnd(B62 + '_-', 68);
    assert.deepEqual(found(fake('post to https://discord.com/api/webhooks/112233445566778899/', hook)), [['API_TOKEN', hook]]);
  });

  it('leaves identifiers and filler that merely start like a provider token', () => {
    const negatives = [
      '- (id)hf_requiredCharacteristicTypesForDisplayMetadata;',
      'this.s.makeKubeConfigController = args;',
      'href="/img/favicon.ico-7a388b69018576d24b59331fd60aab0c.png"',
      fake('hf_', 'x'.repeat(34)),
      fake('glc_', '1'.repeat(42), '='),
      fake('pplx-', 'x'.repeat(48)),
      'see API-Reference-Guide and SKU-12345 and key-value stores',
    ];
    for (const text of negatives) {
      assert.deepEqual(found(text), [], text);
    }
  });

  it('redacts the private key of a GCP service-account JSON file', () => {
    const key = fake('-----BEGIN PRIVATE', ' KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC', 'Zq8Rk2Lm9Vx4Tb7Nc1WpYs3DqZ6hJ0f\\n-----END PRIVATE KEY-----\\n');
    const json = `{"type": "service_account", "project_id": "acme-prod", "private_key_id": "4f1d0b9e7c2a", "private_key": "${key}", "client_email": "ci@acme-prod.iam.gserviceaccount.com"}`;
    const kinds = found(json);
    assert.ok(kinds.some(([k, v]) => k === 'PRIVATE_KEY' && key.startsWith(v)), JSON.stringify(kinds));
    assert.ok(!redacted(json).includes('MIIEvQ'));
  });

  it('replaces a whole private key block, BEGIN to END, and nothing around it', () => {
    const body = ['MIIEowIBAAKCAQEAq7BFUc8Zq8Rk2Lm9Vx4Tb7Nc1WpYs3DqZ6hJ0fGtUe5Zq8Rk2', 'Lm9Vx4Tb7Nc1WpYs3DqZ6hJ0fGtUe5Zq8Rk2Lm9Vx4Tb7Nc1WpYs3DqZ6hJ0fG=='];
    const block = fake('-----BEGIN RSA PRIVATE', ' KEY-----\n', body.join('\n'), '\n-----END RSA PRIVATE KEY-----');
    const { text, findings } = redactor().redact(`before\n${block}\nafter`);
    assert.equal(findings.length, 1);
    assert.equal(findings[0].kind, 'PRIVATE_KEY');
    assert.equal(text, `before\n${findings[0].placeholder}\nafter`);
    const escaped = block.replace(/\n/g, '\\n');
    assert.deepEqual(found(`{"private_key": "${escaped}\\n", "type": "service_account"}`), [['PRIVATE_KEY', escaped]]);
    const truncated = fake('-----BEGIN OPENSSH PRIVATE', ' KEY-----\n', body[0]);
    assert.deepEqual(found(`${truncated}\n\nwhy is it invalid?`), [['PRIVATE_KEY', truncated]]);
    assert.deepEqual(found('-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----'), []);
  });
});

describe('redaction: passwords in URLs and assignments', () => {
  it('replaces only the password of a URL', () => {
    assert.equal(redacted('postgres://app:Xk29fjqLp0@db.acme.io:5432/app').replace(/_[0-9a-f]{8}/, '_…'), 'postgres://app:\u27E6URL_PASSWORD_…\u27E7@db.acme.io:5432/app');
    assert.deepEqual(found('redis://:Xk29fjqLp0@cache:6379/0'), [['URL_PASSWORD', 'Xk29fjqLp0']]);
    assert.deepEqual(found('amqp://u:p%40ss%3Aword9@mq.acme.io//'), [['URL_PASSWORD', 'p%40ss%3Aword9']]);
  });

  it('leaves URLs without a password, and placeholder passwords', () => {
    assert.deepEqual(found('git@github.com:acme/widgets.git'), []);
    assert.deepEqual(found('ssh://git@github.com/acme/widgets.git and https://github.com/acme/x'), []);
    assert.deepEqual(found('http://host.example.com:8080/path and https://user@host.example.com'), []);
    assert.deepEqual(found('postgres://user:password@localhost/db postgres://${DB_USER}:${DB_PASSWORD}@db/app mongodb://<user>:<password>@h'), []);
  });

  it('replaces only the value of a secret assignment, keeping the key name, in every common form', () => {
    const forms: [string, string][] = [
      ['DB_PASSWORD=s3cr3tPa55', 's3cr3tPa55'],
      ['export API_TOKEN="Zq8Rk2Lm9Vx4Tb7"', 'Zq8Rk2Lm9Vx4Tb7'],
      ['  password: hunter2-prod', 'hunter2-prod'],
      ['"client_secret": "Zq8Rk2Lm9Vx4"', 'Zq8Rk2Lm9Vx4'],
      ["const dbPass = 'N0tMyDogsName!';", 'N0tMyDogsName!'],
      ['cfg := Config{Password: "zx81-Qw!e9"}', 'zx81-Qw!e9'],
      ['Server=sql01;User Id=sa;Password=Gr33n#Tea+Lemon;', 'Gr33n#Tea+Lemon'],
      ['spring.datasource.password=kangaroo-Battery-77', 'kangaroo-Battery-77'],
      ['docker login --password=P@ssw0rd_2024 registry', 'P@ssw0rd_2024'],
      ['GET /v1/export?access_token=Zq8Rk2Lm9Vx4Tb7Nc1&format=csv', 'Zq8Rk2Lm9Vx4Tb7Nc1'],
      ['<password>N3xus-Depl0y</password>', 'N3xus-Depl0y'],
      ['Authorization: Basic Y2ktYm90OlpxOFJrMkxtOVZ4NA==', 'Y2ktYm90OlpxOFJrMkxtOVZ4NA=='],
    ];
    for (const [text, value] of forms) {
      assert.deepEqual(found(text), [['ASSIGNMENT', value]], text);
      const out = redacted(text);
      assert.ok(!out.includes(value), text);
      assert.equal(out.replace(/\u27E6ASSIGNMENT_[0-9a-f]{8}\u27E7/, value), text, `only the value changed in ${text}`);
    }
  });

  it('redacts curl -u / --user credentials in any shell quoting', () => {
    const cases: [string, string][] = [
      ['curl -u deploy:Qz8Rk2Lm9Vx https://api.acme.io/v1', 'Qz8Rk2Lm9Vx'],
      ["curl --user  'ops:7h!nGs~Zq2' https://api.acme.io", '7h!nGs~Zq2'],
      ['curl --user ci:\'Rk2Lm9Vx4Tb7\' -X PATCH https://api.acme.io', 'Rk2Lm9Vx4Tb7'],
      ['curl -u "{9f1c2e7a-0b3d}":"{Wq4Zt8Lp2Kx}" https://gw.acme.io', '{Wq4Zt8Lp2Kx}'],
      ['curl -u ":Tb7Nc1WpYs3" https://search.acme.io:9200', 'Tb7Nc1WpYs3'],
      ['curl -u "Tb7Nc1WpYs3:" https://search.acme.io:9200', 'Tb7Nc1WpYs3'],
      ['curl -s https://api.acme.io \\\n  -d x=1 \\\n  -u builder:Lm9Vx4Tb7Nc', 'Lm9Vx4Tb7Nc'],
    ];
    for (const [text, value] of cases) {
      assert.deepEqual(found(text).filter(([k]) => k === 'ASSIGNMENT'), [['ASSIGNMENT', value]], text);
    }
    const negatives = [
      'curl -u <user:password> https://api.acme.io', 'curl --user "$USER:$PASS" https://api.acme.io',
      'curl -u user:pass https://api.acme.io', 'curl -u admin:admin https://api.acme.io', 'curl -u ":" https://api.acme.io',
      'curl -u "${{ secrets.ID }}:${{ secrets.PW }}" https://api.acme.io', 'curl --user neo4j:[PASSWORD] http://db:7474',
      'docker run -u 1000:1000 node:20', 'git push -u origin main',
    ];
    for (const text of negatives) {
      assert.deepEqual(found(text), [], text);
    }
  });

  it('redacts credentials in curl header arguments', () => {
    const cases: [string, string][] = [
      ['curl -H "apikey: 7e0c41d2-55b1-4c6e-9a8f-2d3b4c5e6f70" https://rest.acme.io', '7e0c41d2-55b1-4c6e-9a8f-2d3b4c5e6f70'],
      ["curl -H 'Authorization: Basic Y2k6cTd4Yg==' https://api.acme.io", 'Y2k6cTd4Yg=='],
      ['curl --header "Authorization:  c3ae0c88-21f0-4b7e-8a11-5f0e9d2c7b64"', 'c3ae0c88-21f0-4b7e-8a11-5f0e9d2c7b64'],
      ['curl -H "Authorization: SSWS 00Qz8Rk2Lm9Vx4Tb7Nc1WpYs3DqZ6hJ0fGtUe5" https://acme.okta.com', '00Qz8Rk2Lm9Vx4Tb7Nc1WpYs3DqZ6hJ0fGtUe5'],
      ['curl -X POST --header "Api-Token: Zq8Rk2Lm9V"', 'Zq8Rk2Lm9V'],
      ['curl -H "X-Acme-ApiKey: 4f1d0b9e7c2a" https://acme.io', '4f1d0b9e7c2a'],
      ['curl -H "Token: 9e7c2a4f1d0b" https://acme.io', '9e7c2a4f1d0b'],
    ];
    for (const [text, value] of cases) {
      assert.deepEqual(found(text), [['ASSIGNMENT', value]], text);
    }
    const negatives = [
      'curl -H "Authorization: Bearer $API_KEY" https://api.acme.io', 'curl -H "Authorization: Bearer <your token>"',
      'curl -H "Authorization: Basic ..." https://api.acme.io', 'curl -H "Authorization: Token *******"',
      'curl -H "Content-Type: application/json" -H "Accept: text/plain"', 'curl -H "apikey: ${SUPABASE_KEY}"',
      'curl -H "Authorization: Bearer $(gcloud auth print-access-token)" https://run.googleapis.com',
    ];
    for (const text of negatives) {
      assert.deepEqual(found(text), [], text);
    }
  });

  it('redacts .env and YAML text inside JSON strings (lines split by \\n escapes)', () => {
    assert.deepEqual(found('{"files": {".env": "DEBUG=true\\nAPI_TOKEN=Zq8Rk2Lm9Vx4Tb7Nc1Wp\\nPORT=8080"}}'), [['ASSIGNMENT', 'Zq8Rk2Lm9Vx4Tb7Nc1Wp']]);
    assert.deepEqual(found('{"config.ini": "SERVICE_SECRET=Lm9Vx4Tb7Nc1\\nBACKUP=true"}'), [['ASSIGNMENT', 'Lm9Vx4Tb7Nc1']]);
    assert.deepEqual(found('{"values.yaml": "db:\\n  password: Tb7Nc1WpYs3\\n  user: app"}'), [['ASSIGNMENT', 'Tb7Nc1WpYs3']]);
    assert.deepEqual(found('{".env": "API_TOKEN=${TOKEN}\\nSECRET=changeme"}'), []);
    assert.deepEqual(found('throw new Error("Token: expired");'), [], 'a message, not a YAML line');
  });

  it('redacts values that merely contain a placeholder-like part (fail closed)', () => {
    const values = ['mySecret2024', 'Abc${x}123', 'example-Qz8Rk2Lm9', 'test1234Zq', 'P@ssw0rd$1', 'xxxx9Lm2Qz', 'my-api-key-7Rk2Lm9'];
    for (const value of values) {
      assert.deepEqual(found(`password = "${value}"`), [['ASSIGNMENT', value]], value);
      assert.deepEqual(found(`API_TOKEN=${value}`), [['ASSIGNMENT', value]], value);
    }
  });

  it('skips values that are placeholders as a whole', () => {
    const values = [
      'changeme', '<your-key>', '<your DeepSeek API key>', '${VAR}', '${DB_USER}:${DB_PASS}', 'xxxxxxxx', 'XXXX-XXXX-XXXX',
      '********', 'your_api_key_here', 'ADD_YOUR_TOKEN_HERE', 'yourApiKeyHere', '[PASSWORD]', '{{ .Values.password }}',
      '$(cat /run/secrets/db)', 'sk-xxxxxxxxxxxxxxxx', 'replace-with-your-secret', '%DB_PASSWORD%', 'ops_eyJzaWdu...',
    ];
    for (const value of values) {
      assert.deepEqual(found(`API_TOKEN=${value}`), [], value);
      assert.deepEqual(found(`password: "${value}"`), [], value);
    }
  });

  it('skips placeholders, references, empty values, names without values and code', () => {
    const negatives = [
      'password: changeme',
      'DB_PASSWORD=<password>',
      'DB_PASSWORD=${DB_PASSWORD}',
      'password: process.env.DB_PASSWORD,',
      'API_KEY = os.environ["API_KEY"]',
      'JWT_SECRET=',
      'password: ""',
      'const password = req.body.password;',
      'password: string;',
      'API_KEY=your-api-key-here',
      'token: ${{ secrets.NPM_TOKEN }}',
      'max_tokens: 4096\ntoken_type: bearer\ntokenUrl: "https://auth.acme.io/token"',
      '"forgotPassword": "Forgot your password?"',
      'if (token.value === "async") {}',
    ];
    for (const text of negatives) {
      assert.deepEqual(found(text), [], text);
    }
  });
});

describe('redaction: high-entropy strings', () => {
  it('computes Shannon entropy', () => {
    assert.equal(shannonEntropy(''), 0);
    assert.equal(shannonEntropy('aaaa'), 0);
    assert.equal(shannonEntropy('abcd'), 2);
  });

  it('redacts random-looking quoted strings and assignment values', () => {
    assert.deepEqual(found('const signingValue = "q7Xb2LmP9vKd4RtY8wZs3NcF";'), [['HIGH_ENTROPY', 'q7Xb2LmP9vKd4RtY8wZs3NcF']]);
    assert.deepEqual(found('MIXPANEL_DATA=Zq8Rk2Lm9Vx4Tb7Nc1WpYs3DqZ6hJ0f'), [['HIGH_ENTROPY', 'Zq8Rk2Lm9Vx4Tb7Nc1WpYs3DqZ6hJ0f']]);
  });

  it('leaves hashes, UUIDs, integrity values, paths, identifiers and data URIs', () => {
    const negatives = [
      'commit "3f9c2a7e1b4d8e6f0a2c5b7d9e1f3a5c7b9d0e2f"',
      'id: "9b2f6c1e-4d3a-4f8b-9c7e-2a1d5e6f7a8b"',
      '"integrity": "sha512-v2kDEe57lecTulaDIuNTPy3Ry4gLGJ6Z1O3vE1krgXZNrsQ+LFTGHVxVjcXPs17LhbZVGedAJv8XZ1tvj5FvSg=="',
      'import x from "src/components/UserProfileCard2024.tsx"',
      'const fn = "handleOAuth2CallbackRequest";',
      'const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";',
      '<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==">',
      'model: "gpt-4o-mini-2024-07-18"',
    ];
    for (const text of negatives) {
      assert.deepEqual(found(text), [], text);
    }
  });
});

describe('redaction: summary for Show Last Request', () => {
  it('counts findings per kind without holding any value', () => {
    const r = redactor();
    const { findings } = r.redact('a@acme-corp.io b@acme-corp.io a@acme-corp.io from 81.2.69.142\nDB_PASSWORD=s3cr3tPa55');
    const summary = RedactionSummary.of(findings);
    assert.equal(summary.total, 5);
    assert.equal(summary.count('EMAIL'), 3);
    assert.equal(summary.count('CARD'), 0);
    assert.deepEqual(summary.entries(), [
      { kind: 'ASSIGNMENT', occurrences: 1, distinct: 1 },
      { kind: 'EMAIL', occurrences: 3, distinct: 2 },
      { kind: 'IP', occurrences: 1, distinct: 1 },
    ]);
    assert.equal(summary.toString(), '5 redactions: 1 ASSIGNMENT, 3 EMAIL, 1 IP');
    assert.equal(new RedactionSummary().toString(), 'no redactions');
    const serialised = JSON.stringify(summary) + summary.toString();
    for (const value of ['acme', '81.2.69.142', 's3cr3tPa55']) {
      assert.ok(!serialised.includes(value));
    }
    assert.equal(summary.add(r.redact('c@acme-corp.io').findings).count('EMAIL'), 4, 'accumulates over the texts of a request');
    assert.deepEqual([...REDACTION_KINDS].sort(), [...new Set(REDACTION_KINDS)].sort());
  });
});

describe('redaction: performance', () => {
  it('stays linear on adversarial input (no catastrophic backtracking)', function () {
    this.timeout(20_000);
    const N = 100_000;
    const rep = (s: string) => s.repeat(Math.ceil(N / s.length)).slice(0, N);
    const inputs = [
      rep('1234567890'), rep('1.2.'), rep('a@'), rep(':'), rep('ab:'), rep('key='), rep('password="\\'), rep('eyJ'),
      rep('eyJabcdefghij.'), rep('-----BEGIN PRIVATE KEY-----\n'), rep('a://b:c'), rep('+1 ('), rep('"aB3'),
      rep('QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo'), rep('var key=e.key,token=t.token,password:"x",'), rep('DE89 '),
      rep(' '), rep('\n'), rep('sk-'),
      // the provider scan, curl and header arguments, .env inside strings, labelled numbers
      rep('hf_'), rep('ya29.'), rep('xoxa-a-'), rep('glpat- '), rep('s.'), rep('AAAA'), rep(':AA'), rep('Q~'), rep('-us1'),
      rep('curl -u a:'), rep('-H "a: '), rep("-H 'Authorization: "), rep('"\\nAPI_TOKEN='), rep('phone: 1'), rep('ssn 1'),
      rep('MTE' + 'a'.repeat(21) + '.'), rep('x'.repeat(40) + ' '),
    ];
    const r = redactor();
    for (const input of inputs) {
      const t0 = Date.now();
      r.redact(input);
      const ms = Date.now() - t0;
      assert.ok(ms < 2_000, `${JSON.stringify(input.slice(0, 16))}… took ${ms} ms for 100 KB`);
    }
  });
});
