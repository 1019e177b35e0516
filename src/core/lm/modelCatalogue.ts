/**
 * The models DeepSeek Assistant offers VS Code's chat and `vscode.lm`: our roles on DeepSeek's ids. Flash
 * without thinking (the chat role), Flash thinking and Pro thinking (the reasoner role on each). The ids come
 * from what `/models` lists when it was read, else from the roles' settings (and Pro only on DeepSeek's own
 * endpoint, where it is known to exist). Pure: no vscode.
 */
import { canonicalModelId, modelInfo, sameModel, type ModelRole } from '../models';

export interface CatalogueEntry {
  /** Unique among ours; stable for the same ids (VS Code remembers the user's pick by it). */
  readonly id: string;
  /** "DeepSeek Flash", "DeepSeek Flash (thinking)", "DeepSeek Pro (thinking)". */
  readonly name: string;
  /** Our role: it decides the thinking switch and effort. */
  readonly role: ModelRole;
  /** DeepSeek's id the request goes out with. */
  readonly model: string;
}

export interface CatalogueInput {
  /** The chat role's id now (models.chat, healed). */
  readonly chatModel: string;
  /** The reasoner role's id now (models.reasoner, healed). */
  readonly reasonerModel: string;
  /** What `/models` listed for this key, when it was read. */
  readonly listed?: readonly string[];
  /** Whether the endpoint is DeepSeek's own (api.deepseek.com). */
  readonly deepseekEndpoint: boolean;
}

const THINKING_SUFFIX = '#thinking';

/** "deepseek-flash" → "DeepSeek Flash", "deepseek-v4-pro" → "DeepSeek Pro", another id as it is. */
export function displayName(model: string): string {
  const id = canonicalModelId(model).toLowerCase();
  if (modelInfo(id).family === 'v4') {
    if (/flash/.test(id)) return 'DeepSeek Flash';
    if (/pro/.test(id)) return 'DeepSeek Pro';
  }
  return model.trim();
}

/** The V4-family Pro id: the one `/models` lists, else the reasoner's when it is Pro, else DeepSeek's on its own endpoint. */
function proModel(input: CatalogueInput): string | undefined {
  const isPro = (id: string) => modelInfo(id).family === 'v4' && /pro/i.test(id);
  if (input.listed) return [...input.listed].filter(isPro).sort()[0];
  if (isPro(input.reasonerModel)) return input.reasonerModel.trim();
  return input.deepseekEndpoint ? 'deepseek-v4-pro' : undefined;
}

export function lmCatalogue(input: CatalogueInput): CatalogueEntry[] {
  const chat = input.chatModel.trim();
  const entries: CatalogueEntry[] = [
    { id: chat, name: displayName(chat), role: 'chat', model: chat },
    { id: `${chat}${THINKING_SUFFIX}`, name: `${displayName(chat)} (thinking)`, role: 'reasoner', model: chat },
  ];
  // The reasoner's own id when it is neither Flash nor Pro (a self-hosted reasoning model).
  const reasoner = input.reasonerModel.trim();
  const pro = proModel(input);
  if (pro && !sameModel(pro, chat)) {
    entries.push({ id: `${pro}${THINKING_SUFFIX}`, name: `${displayName(pro)} (thinking)`, role: 'reasoner', model: pro });
  }
  if (!sameModel(reasoner, chat) && (pro === undefined || !sameModel(reasoner, pro))) {
    entries.push({ id: `${reasoner}${THINKING_SUFFIX}`, name: `${displayName(reasoner)} (thinking)`, role: 'reasoner', model: reasoner });
  }
  return entries;
}
