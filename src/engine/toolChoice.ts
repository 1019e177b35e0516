import type { ToolChoice } from '../api/types';

/**
 * The `tool_choice` a request can carry. DeepSeek's thinking mode refuses `required` and a named function (400
 * "Thinking mode does not support this tool_choice"): a thinking request gets `auto` instead, and `downgraded`
 * says so, for the log. `auto` and `none` pass everywhere.
 */
export function toolChoiceFor(choice: ToolChoice | undefined, thinking: boolean): { readonly choice: ToolChoice | undefined; readonly downgraded: boolean } {
  if (choice === undefined || !thinking || choice === 'auto' || choice === 'none') return { choice, downgraded: false };
  return { choice: 'auto', downgraded: true };
}

/** How a choice is named in the log and in Show Last Request. */
export function describeToolChoice(choice: ToolChoice): string {
  return typeof choice === 'string' ? choice : `function ${choice.name}`;
}
