/**
 * Provider keys and tokens recognised by their documented prefix and shape (the formats the providers
 * publish, as secret scanners such as GitHub's and gitleaks's match them): AWS access key ids, GitHub, GitLab,
 * Slack, Stripe, Google and OpenAI-style keys under their own kinds, and ~80 more providers as API_TOKEN.
 * Each rule has a literal that every token of it starts with (or, for a few, contains), found by one regex
 * pass; the rule's own regex then runs in linear time (bounded repetitions, a lookbehind that rejects starts
 * inside a longer token). Only the shape decides: a body that merely contains `example` or `1234567` is a token, a
 * body that cannot have been generated (`xxxx…`, one character repeated, `EXAMPLEEXAMPLE…`) is not.
 */

import type { RedactionKind } from './detectors';
import { wordCoverage } from './entropy';
import { isFillerBody } from './values';

interface TokenRule {
  readonly kind: RedactionKind;
  /** Higher wins when detections overlap (see Redactor). */
  readonly priority: number;
  /** Provider and token type, for the reader of this table. */
  readonly name: string;
  /**
   * How every token starts (`|`-separated when there are several): the scan looks for these at token
   * boundaries. For the few shapes whose fixed part is inside the token (`…-us12`, `…:AA…`, `…Q~…`), the
   * literal prefixed with `*`: the rule's regex starts with that literal and reads what comes before it in a
   * lookbehind (named group `pre`; the body is group `body`). `*` alone: no literal, the regex scans the text.
   */
  readonly literal: string;
  /** With `d`; group `body` (or else the first group) is the body judged by `isFillerBody` and by `check`. */
  readonly re: RegExp;
  /** Replace this group instead of the whole match (the secret part of a URL). */
  readonly secretGroup?: number;
  readonly check?: (body: string, m: RegExpExecArray) => boolean;
}

/** Not preceded by a token character: the token starts here, not inside a longer one. */
const L = '(?<![A-Za-z0-9_-])';
/** Not followed by a token character. */
const R = '(?![A-Za-z0-9_-])';
/** Not followed by a base64 character. */
const R64 = '(?![A-Za-z0-9+/=_-])';

const mixedCase = (body: string) => /[a-z]/.test(body) && /[A-Z]/.test(body);
/** Random letters are about half capitals; a camelCase identifier of the same length has a few. */
const randomLetters = (body: string) => body.replace(/[^A-Z]/g, '').length >= body.length / 4 && body.replace(/[^a-z]/g, '').length >= body.length / 4;
const hasDigit = (body: string) => /\d/.test(body);
/** Random, not an identifier that happens to fit (`s.makeKubeConfigController`). */
const notWords = (body: string) => /\d/.test(body) && mixedCase(body) && wordCoverage(body) < 0.4;

function rule(name: string, literal: string, source: string, check?: TokenRule['check'], secretGroup?: number): TokenRule {
  return vendor('API_TOKEN', 90, name, literal, source, check, secretGroup);
}

function vendor(
  kind: RedactionKind,
  priority: number,
  name: string,
  literal: string,
  source: string,
  check?: TokenRule['check'],
  secretGroup?: number,
): TokenRule {
  return { kind, priority, name, literal, re: new RegExp(source, literal === '*' ? 'dg' : 'dy'), check, secretGroup };
}

/** Slack tokens end at a character that is not a letter, digit or dash. */
const SL = '(?<![A-Za-z0-9-])';
const SR = '(?![A-Za-z0-9-])';
const OPENAI_SUBPREFIX = '(?:(?:proj|svcacct|admin|ant-api03|ant-admin01|or-v1)-)?';

/**
 * The providers with kinds of their own. AWS's documentation key (`AKIA…EXAMPLE`) is redacted like any other:
 * it has the shape of a real one. Slack tokens must have their type's documented shape (`xoxb-12345-abcd` is
 * too short for a bot token, `xoxp-…-####` is masked); other `xox?-` types (browser `xoxc-`/`xoxd-`) need 20+
 * characters with a digit. Stripe publishable `pk_` keys are public and left alone. OpenAI-style `sk-` keys
 * (DeepSeek, OpenAI `sk-proj-`/`sk-svcacct-`, Anthropic, OpenRouter) need a digit and a letter
 * (`sk-your-key-here` is words).
 */
const OWN_KINDS: readonly TokenRule[] = [
  vendor('AWS_KEY', 90, 'AWS access key id', 'AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA|A3T',
    '(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA|A3T[A-Z0-9])(?<body>[A-Z0-9]{16})(?![A-Za-z0-9])'),
  vendor('GITHUB_TOKEN', 90, 'GitHub personal, OAuth, user-to-server, server-to-server and refresh tokens', 'ghp_|gho_|ghu_|ghs_|ghr_',
    '(?<![A-Za-z0-9_])gh[pousr]_(?<body>[A-Za-z0-9]{36,251})(?![A-Za-z0-9_])'),
  vendor('GITHUB_TOKEN', 90, 'GitHub fine-grained personal access token', 'github_pat_',
    '(?<![A-Za-z0-9_])github_pat_(?<body>[A-Za-z0-9_]{22,242})(?![A-Za-z0-9_])'),
  vendor('GITLAB_TOKEN', 90, 'GitLab personal, OAuth, deploy, runner, CI/CD job, trigger, feed, mail, SCIM, agent, workspace and feature-flag tokens',
    'glpat-|gldt-|glrt-|glrtr-|glptt-|glcbt-|glft-|glimt-|glsoat-|gloas-|glagent-|glwt-|glffct-',
    '(?<![A-Za-z0-9_-])gl(?:pat|dt|rt|rtr|ptt|cbt|ft|imt|soat|oas|agent|wt|ffct)-(?<body>[A-Za-z0-9_-]{20,}(?:\\.[A-Za-z0-9_-]+)*)(?![A-Za-z0-9_-])'),
  vendor('GITLAB_TOKEN', 90, 'GitLab runner registration token', 'GR1348941', '(?<![A-Za-z0-9_-])GR1348941(?<body>[A-Za-z0-9_-]{20,})(?![A-Za-z0-9_-])'),
  vendor('GITLAB_TOKEN', 90, 'GitLab session cookie', '_gitlab_session=', '_gitlab_session=(?<body>[0-9a-z]{32})(?![A-Za-z0-9])', undefined, 1),
  vendor('SLACK_TOKEN', 90, 'Slack bot token', 'xoxb-', `${SL}xoxb-(?<body>\\d{6,14}-(?:\\d{6,14}-)?[A-Za-z0-9]{18,34})${SR}`),
  vendor('SLACK_TOKEN', 90, 'Slack user token', 'xoxp-', `${SL}xoxp-(?<body>\\d{6,14}-\\d{6,14}-\\d{6,14}-[A-Za-z0-9]{24,64})${SR}`),
  vendor('SLACK_TOKEN', 90, 'Slack refresh token', 'xoxe-', `${SL}xoxe-(?<body>1-[A-Za-z0-9]{100,200}|\\d{6,14}-\\d{6,14}-\\d{6,14}-[A-Za-z0-9]{24,64})${SR}`),
  vendor('SLACK_TOKEN', 90, 'Slack configuration token', 'xoxe.xoxb-|xoxe.xoxp-', `${SL}xoxe\\.xox[bp]-(?<body>1-[A-Za-z0-9]{100,200})${SR}`),
  vendor('SLACK_TOKEN', 90, 'Slack legacy token', 'xoxs-', `${SL}xoxs-(?<body>\\d{6,14}-\\d{6,14}-\\d{6,14}-[A-Fa-f0-9]{8,64})${SR}`),
  vendor('SLACK_TOKEN', 90, 'Slack legacy bot token', 'xoxo-', `${SL}xoxo-(?<body>\\d{4,14}-\\d{4,14}-\\d{4,14}-[A-Fa-f0-9]{8,64})${SR}`),
  vendor('SLACK_TOKEN', 90, 'Slack legacy workspace token', 'xoxa-|xoxr-', `${SL}xox[ar]-(?<body>(?:\\d-)?[A-Za-z0-9]{8,48}(?:-[A-Za-z0-9]+)*)${SR}`),
  vendor('SLACK_TOKEN', 90, 'Slack app-level token', 'xapp-', `${SL}xapp-(?<body>\\d-[A-Z0-9]{9,12}-\\d{9,16}-[A-Za-z0-9]{32,80})${SR}`),
  vendor('SLACK_TOKEN', 90, 'Slack token of another type', 'xox', `${SL}xox(?![bpesoar][-.])[a-z](?:\\.xox[a-z])?-(?<body>[A-Za-z0-9-]{20,250})${SR}`, (b) => /\d/.test(b)),
  vendor('SLACK_TOKEN', 90, 'Slack webhook URL (its secret path)', 'hooks.slack.com/',
    '(?<![\\w.-])hooks\\.slack\\.com\\/(?:services|workflows|triggers)\\/(?<body>[A-Za-z0-9/_-]{20,200})', (b) => !isFillerBody(b.replace(/\//g, '')), 1),
  vendor('STRIPE_KEY', 90, 'Stripe secret and restricted key', 'sk_live_|sk_test_|sk_prod_|rk_live_|rk_test_|rk_prod_',
    '(?<![A-Za-z0-9_])[sr]k_(?:live|test|prod)_(?<body>[A-Za-z0-9]{10,247})(?![A-Za-z0-9_])'),
  vendor('STRIPE_KEY', 90, 'Stripe webhook signing secret', 'whsec_', '(?<![A-Za-z0-9_])whsec_(?<body>[A-Za-z0-9]{24,64})(?![A-Za-z0-9_])'),
  vendor('GOOGLE_API_KEY', 90, 'Google API key', 'AIza', `${L}AIza(?<body>[0-9A-Za-z_-]{35})${R}`),
  vendor('GOOGLE_API_KEY', 90, 'Google OAuth client secret', 'GOCSPX-', `${L}GOCSPX-(?<body>[0-9A-Za-z_-]{28})${R}`),
  vendor('GOOGLE_API_KEY', 90, 'Google OAuth access token', 'ya29.', `${L}ya29\\.(?<body>[0-9A-Za-z_-]{20,})${R}`),
  vendor('GOOGLE_API_KEY', 90, 'Google OAuth refresh token', '1//0', `${L}1\\/\\/0(?<body>[0-9A-Za-z_-]{40,})${R}`),
  vendor('OPENAI_KEY', 88, 'OpenAI-style sk- key', 'sk-', `${L}sk-${OPENAI_SUBPREFIX}(?<body>[A-Za-z0-9_-]{20,200})${R}`, (b) => /\d/.test(b) && /[A-Za-z]/.test(b)),
];

/** Other providers' tokens, all API_TOKEN. */
const OTHER_PROVIDERS: readonly TokenRule[] = [
  rule('Hugging Face access token', 'hf_', `${L}hf_([A-Za-z]{34})${R}`, randomLetters),
  rule('Hugging Face organization token', 'api_org_', `${L}api_org_([A-Za-z]{34})${R}`, randomLetters),
  rule('npm access token', 'npm_', `${L}npm_([A-Za-z0-9]{36})${R}`),
  rule('PyPI upload token', 'pypi-AgE', `${L}pypi-(AgE[A-Za-z0-9_-]{50,300})${R}`),
  rule('RubyGems API key', 'rubygems_', `${L}rubygems_([a-f0-9]{48})${R}`),
  rule('Clojars deploy token', 'CLOJARS_', `${L}CLOJARS_([a-z0-9]{60})${R}`),
  rule('Shopify token', 'shpat_|shpca_|shppa_|shpss_', `${L}shp(?:at|ca|pa|ss)_([a-fA-F0-9]{32})${R}`),
  rule('SendGrid API key', 'SG.', `${L}SG\\.([A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43})${R}`),
  rule('Sendinblue API key', 'xkeysib-', `${L}xkeysib-([a-f0-9]{64}-[A-Za-z0-9]{16})${R}`),
  rule('Mailgun API key', 'key-|pubkey-', `${L}(?:pub)?key-([0-9a-z]{32})${R}`, hasDigit),
  rule('Mailchimp API key', '*-us', `-us\\d{1,2}(?<=${L}(?<pre>[0-9a-f]{32})-us\\d{1,2})${R}`),
  rule('Twilio API key', 'SK', `${L}SK([0-9a-fA-F]{32})${R}`),
  rule('Discord bot token', '*', `(?:^|[^A-Za-z0-9_-])(?<pre>[MNO])[A-Za-z0-9_-]{23,25}\\.[A-Za-z0-9_-]{6}\\.(?<body>[A-Za-z0-9_-]{27,38})${R}`, notWords),
  rule('Discord webhook', 'discord', `discord(?:app)?\\.com/api/webhooks/\\d{17,20}/([A-Za-z0-9_-]{60,68})${R}`, undefined, 1),
  rule('Telegram bot token', '*:AA', `:AA(?<=(?<![\\w:-])(?<pre>\\d{8,10}):AA)(?<body>[A-Za-z0-9_-]{33})${R}`),
  rule('HashiCorp Vault token', 'hvs.|hvb.|hvr.', `${L}hv[sbr]\\.([A-Za-z0-9_-]{24,300})${R}`, hasDigit),
  rule('HashiCorp Vault legacy token', 's.', `(?<![\\w.$-])s\\.([A-Za-z0-9]{24})(?![\\w.(-])`, notWords),
  rule('HashiCorp Terraform token', '*.atlasv1.', `\\.atlasv1\\.(?<=${L}(?<pre>[A-Za-z0-9]{14})\\.atlasv1\\.)(?<body>[A-Za-z0-9_=-]{60,70})${R}`),
  rule('Databricks token', 'dapi', `${L}dapi([a-f0-9]{32})(?:-\\d)?${R}`),
  rule('DigitalOcean token', 'dop_v1_|doo_v1_|dor_v1_', `${L}do[opr]_v1_([a-f0-9]{64})${R}`),
  rule('Doppler token', 'dp.', `${L}dp\\.(?:pt|st|sa|ct|scim|audit)\\.([A-Za-z0-9]{40,44})${R}`),
  rule('Linear API key', 'lin_api_|lin_oauth_', `${L}lin_(?:api|oauth)_([A-Za-z0-9]{40,64})${R}`),
  rule('Atlassian API token', 'ATATT3|ATCTT3', `${L}(?:ATATT|ATCTT)3([A-Za-z0-9_=-]{150,250})${R}`),
  rule('Bitbucket app password', 'ATBB', `${L}ATBB([A-Za-z0-9_=.-]{32})${R}`),
  rule('Azure AD client secret', '*Q~', `Q~(?<=(?<![A-Za-z0-9_~.-])(?<pre>[A-Za-z0-9_~.]{3}\\d)Q~)(?<body>[A-Za-z0-9_~.-]{31,34})(?![A-Za-z0-9_~.-])`),
  rule('Grafana Cloud token', 'glc_', `${L}glc_([A-Za-z0-9+/]{32,400}={0,2})${R64}`),
  rule('Grafana service account token', 'glsa_', `${L}glsa_([A-Za-z0-9]{32}_[A-Fa-f0-9]{8})${R}`),
  rule('Grafana API key', 'eyJrIjoi', `${L}eyJrIjoi([A-Za-z0-9]{60,400}={0,2})${R64}`),
  rule('Sentry organization token', 'sntrys_', `${L}sntrys_(eyJpYXQiO[A-Za-z0-9+/=_-]{50,600})${R64}`),
  rule('Sentry user token', 'sntryu_', `${L}sntryu_([a-f0-9]{64})${R}`),
  rule('Heroku API key', 'HRKU-', `${L}HRKU-(AA[A-Za-z0-9_-]{58})${R}`),
  rule('age secret key', 'AGE-SECRET-KEY-1', `${L}AGE-SECRET-KEY-1([QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})${R}`),
  rule('JFrog API key', 'AKCp', `${L}AKCp([A-Za-z0-9]{69})${R}`),
  rule('JFrog reference token', 'cmVmdGtuOj', `${L}cmVmdGtuOj([A-Za-z0-9]{40,100})${R}`),
  rule('1Password service account token', 'ops_eyJ', `${L}ops_(eyJ[A-Za-z0-9+/]{250,1200}={0,3})${R64}`),
  rule('1Password secret key', 'A3-', `${L}A3-([A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5})${R}`),
  rule('Amazon Bedrock API key', 'ABSKQmVkcm9ja0FQSUtleS', `${L}ABSKQmVkcm9ja0FQSUtleS[A-Za-z0-9]([A-Za-z0-9+/]{100,260}={0,2})${R64}`),
  rule('Amazon Bedrock short-term key', 'bedrock-api-key-', `${L}bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t([A-Za-z0-9+/=%]{20,2000})`),
  rule('Contentful token', 'CFPAT-', `${L}CFPAT-([A-Za-z0-9_-]{43})${R}`),
  rule('Dynatrace token', 'dt0c01.', `${L}dt0c01\\.([A-Z0-9]{24}\\.[A-Z0-9]{64})${R}`),
  rule('EasyPost API key', 'EZAK|EZTK', `${L}EZ[AT]K([A-Za-z0-9]{54})${R}`),
  rule('Facebook access token', 'EAAM|EAAC', `${L}EAA[MC]([A-Za-z0-9]{100,400})${R}`),
  rule('Square access token', 'sq0atp-|sq0csp-', `${L}sq0(?:atp|csp)-([A-Za-z0-9_-]{22,43})${R}`),
  rule('Square production token', 'EAAA', `${L}EAAA([A-Za-z0-9_-]{60})${R}`),
  rule('Fly.io token', 'fo1_', `${L}fo1_([A-Za-z0-9_-]{43})${R}`),
  rule('Fly.io macaroon', 'fm1|fm2', `${L}fm[12][ar]?_([A-Za-z0-9+/]{100,1000}={0,3})${R64}`),
  rule('Frame.io token', 'fio-u-', `${L}fio-u-([A-Za-z0-9_=-]{64})${R}`),
  rule('Infracost API key', 'ico-', `(?<![A-Za-z0-9_.-])ico-([A-Za-z0-9]{32})${R}`),
  rule('MaxMind license key', '*_mmk', `_mmk(?<=${L}(?<pre>[A-Za-z0-9]{6}_(?<body>[A-Za-z0-9]{29}))_mmk)${R}`),
  rule('New Relic key', 'NRAK-|NRJS-|NRII-', `${L}NR(?:AK-([A-Z0-9]{27})|JS-([a-f0-9]{19})|II-([A-Za-z0-9-]{32}))${R}`),
  rule('Notion token', 'ntn_', `${L}ntn_(\\d{11}[A-Za-z0-9]{35})${R}`, (b) => /[A-Za-z]/.test(b)),
  rule('Octopus Deploy API key', 'API-', `${L}API-([A-Z0-9]{26})${R}`, hasDigit),
  rule('OpenShift token', 'sha256~', `${L}sha256~([A-Za-z0-9_-]{43})${R}`),
  rule('Perplexity API key', 'pplx-', `${L}pplx-([A-Za-z0-9]{48})${R}`),
  rule('PlanetScale token', 'pscale_', `${L}pscale_(?:tkn|pw|oauth)_([A-Za-z0-9_=.-]{32,64})${R}`),
  rule('Postman API key', 'PMAK-', `${L}PMAK-([a-f0-9]{24}-[a-f0-9]{34})${R}`),
  rule('Prefect API key', 'pnu_', `${L}pnu_([A-Za-z0-9]{36})${R}`),
  rule('Pulumi access token', 'pul-', `${L}pul-([a-f0-9]{40})${R}`),
  rule('ReadMe API key', 'rdme_', `${L}rdme_([a-z0-9]{70})${R}`),
  rule('SettleMint token', 'sm_pat_|sm_aat_|sm_sat_', `${L}sm_(?:pat|aat|sat)_([A-Za-z0-9]{16})${R}`),
  rule('LangSmith key', 'lsv2_', `${L}lsv2_(?:pt|sk)_([a-f0-9]{32}_[a-f0-9]{10})${R}`),
  rule('xAI API key', 'xai-', `${L}xai-([A-Za-z0-9]{80})${R}`),
  rule('Groq API key', 'gsk_', `${L}gsk_([A-Za-z0-9]{52})${R}`),
  rule('Replicate token', 'r8_', `${L}r8_([A-Za-z0-9]{37})${R}`),
  rule('Airtable token', 'pat', `${L}pat[A-Za-z0-9]{14}\\.([a-f0-9]{64})${R}`),
  rule('Supabase key', 'sbp_|sb_secret_', `${L}(?:sbp_([a-f0-9]{40})|sb_secret_([A-Za-z0-9_-]{31,64}))${R}`),
  rule('Figma token', 'figd_', `${L}figd_([A-Za-z0-9_-]{40})${R}`),
  rule('PostHog personal API key', 'phx_', `${L}phx_([A-Za-z0-9]{43})${R}`),
  rule('Dropbox token', 'sl.', `${L}sl\\.(?:u\\.)?([A-Za-z0-9_-]{130,1400})${R}`),
  rule('Harness token', 'pat.|sat.', `${L}(?:pat|sat)\\.[A-Za-z0-9_-]{22}\\.[0-9a-f]{24}\\.([A-Za-z0-9]{20})${R}`),
  rule('Firebase Cloud Messaging key', 'AAAA', `${L}AAAA[A-Za-z0-9_-]{7}:(APA91b[A-Za-z0-9_-]{134})${R}`),
  rule('Alibaba Cloud access key id', 'LTAI', `${L}LTAI([A-Za-z0-9]{20})${R}`),
  rule('Tencent Cloud secret id', 'AKID', `${L}AKID([A-Za-z0-9]{32})${R}`),
  rule('Cloudflare origin CA key', 'v1.0-', `${L}v1\\.0-([a-f0-9]{24}-[a-f0-9]{146})${R}`),
  rule('Netlify token', 'nfp_', `${L}nfp_([A-Za-z0-9]{36})${R}`),
  rule('Render API key', 'rnd_', `${L}rnd_([A-Za-z0-9]{32})${R}`),
  rule('Typeform token', 'tfp_', `${L}tfp_([A-Za-z0-9_.=-]{59})${R}`),
  rule('Mapbox secret token', 'sk.eyJ', `${L}sk\\.(eyJ[A-Za-z0-9_-]{50,}\\.[A-Za-z0-9_-]{20,})${R}`),
  rule('Duffel token', 'duffel_', `${L}duffel_(?:test|live)_([A-Za-z0-9_=-]{43})${R}`),
  rule('Flutterwave key', 'FLWPUBK_|FLWSECK_', `${L}FLW(?:PUB|SEC)K_TEST-([a-hA-H0-9]{32})-X${R}`),
  rule('Scalingo token', 'tk-us-', `${L}tk-us-([A-Za-z0-9_-]{48})${R}`),
  rule('Shippo token', 'shippo_', `${L}shippo_(?:live|test)_([a-f0-9]{40})${R}`),
];

export const PROVIDER_RULES: readonly TokenRule[] = [...OWN_KINDS, ...OTHER_PROVIDERS];

/** Every way a token starts, by its first character; rules found by an inner literal; rules that scan. */
const BY_FIRST = new Map<string, { literal: string; rule: TokenRule }[]>();
const INNER: { literal: string; rule: TokenRule }[] = [];
const SCANNING: TokenRule[] = [];
for (const r of PROVIDER_RULES) {
  if (r.literal === '*') {
    SCANNING.push(r);
  } else if (r.literal.startsWith('*')) {
    INNER.push({ literal: r.literal.slice(1), rule: r });
  } else {
    for (const literal of r.literal.split('|')) {
      BY_FIRST.set(literal[0], [...(BY_FIRST.get(literal[0]) ?? []), { literal, rule: r }]);
    }
  }
}

function isAlnum(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * All the ways a token starts, as one regex grouped by first character (`h(?:f_|vs\.|…)|n(?:pm_|…)|…`), which
 * the regex engine scans far faster than a loop over the characters would.
 */
const START = (() => {
  const alternatives = [...BY_FIRST].map(([first, starts]) => {
    const rests = [...new Set(starts.map((x) => x.literal.slice(1)))].sort((x, y) => y.length - x.length);
    return `${escapeRe(first)}(?:${rests.map(escapeRe).join('|')})`;
  });
  // a character that is not a letter or digit first: the engine rejects most positions on one test (each
  // rule's own lookbehind then says which characters may come before its tokens)
  return new RegExp(`(?:^|[^A-Za-z0-9])(?:${alternatives.join('|')})`, 'g');
})();

/** The inner literals, for one scan (each rule's regex then starts at its literal). */
const INNER_START = new RegExp(INNER.map((x) => escapeRe(x.literal)).join('|'), 'g');

export type TokenSink = (kind: RedactionKind, priority: number, start: number, end: number) => void;

function judge(r: TokenRule, m: RegExpExecArray, emit: TokenSink): void {
  const body = m.groups?.body ?? m.slice(1).find((g) => g !== undefined) ?? m[0];
  if (isFillerBody(body) || (r.check && !r.check(body, m))) {
    return;
  }
  const span = r.secretGroup !== undefined ? m.indices?.[r.secretGroup] : undefined;
  if (span) {
    emit(r.kind, r.priority, span[0], span[1]);
  } else {
    // inner-literal rules match from their literal and capture what comes before it in a lookbehind (`pre`)
    emit(r.kind, r.priority, m.indices?.groups?.pre?.[0] ?? m.index, m.index + m[0].length);
  }
}

/**
 * Spans of provider tokens in `text`: one regex pass finds where some token could start (a non-token
 * character, then a start literal), then that rule's sticky regex reads it; a second pass does the same for
 * the inner literals; the rules without a literal scan on their own.
 */
export function scanProviderTokens(text: string, emit: TokenSink): void {
  START.lastIndex = 0;
  let s: RegExpExecArray | null;
  while ((s = START.exec(text)) !== null) {
    const at = s.index === 0 && !isAlnum(text.charCodeAt(0)) ? 1 : s.index === 0 ? 0 : s.index + 1;
    START.lastIndex = at + 1; // a start may overlap the literal just found (`pat` and `pat.`; `…sk.eyJ` then `eyJ…`)
    for (const { literal, rule: r } of BY_FIRST.get(text[at]) ?? []) {
      if (text.startsWith(literal, at)) {
        r.re.lastIndex = at;
        const m = r.re.exec(text);
        if (m !== null) {
          judge(r, m, emit);
        }
      }
    }
  }
  INNER_START.lastIndex = 0;
  while ((s = INNER_START.exec(text)) !== null) {
    const at = s.index;
    INNER_START.lastIndex = at + 1;
    for (const { literal, rule: r } of INNER) {
      if (text.startsWith(literal, at)) {
        r.re.lastIndex = at;
        const m = r.re.exec(text);
        if (m !== null) {
          judge(r, m, emit);
        }
      }
    }
  }
  for (const r of SCANNING) {
    r.re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = r.re.exec(text)) !== null) {
      judge(r, m, emit);
    }
  }
}
