/**
 * Privacy redaction for prompts (`deepseek.privacy.redact`): secrets and personal data are replaced with
 * stable placeholders before a request leaves the machine and restored locally in the answer.
 */
export {
  DETECTORS,
  REDACTION_KINDS,
  type Detection,
  type Detector,
  type RedactionKind,
} from './detectors';
export {
  DEFAULT_MAX_ENTRIES,
  RedactionSummary,
  Redactor,
  createStreamRestorer,
  type RedactionCount,
  type RedactionFinding,
  type RedactionResult,
  type RedactorOptions,
  type StreamRestorer,
} from './redactor';
export { isPlaceholder, placeholderPattern, PLACEHOLDER_CLOSE, PLACEHOLDER_OPEN } from './placeholder';
export { luhnValid, ibanValid } from './checksums';
export { shannonEntropy, looksRandom } from './entropy';
