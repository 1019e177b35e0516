import type { StreamEvent } from '../api/types';

/**
 * The request moved to another provider. `midAnswer`: output had started streaming from `from`; what arrived
 * stays shown (and billed, marked as an estimate when the provider reported no usage) and the answer restarts
 * on `to`. Without it, nothing had been shown yet and the answer simply comes from `to`.
 */
export interface ProviderSwitchEvent {
  readonly type: 'provider';
  readonly from: string;
  readonly to: string;
  readonly midAnswer: boolean;
  /** In a few words, e.g. "the stream broke mid-answer", "its balance is empty, 402". */
  readonly why: string;
  /** The failure's user-facing message on `from`. */
  readonly message: string;
}

/** What a surface's `onEvent` receives: streamed text (placeholders restored) and provider switches. */
export type EngineEvent = StreamEvent | ProviderSwitchEvent;
