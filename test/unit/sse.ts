/** Test helper: reads a server-sent-event stream the way a client would, keeping comments visible. */
export interface SseEvents {
  readonly comments: string[];
  readonly data: string[];
}

export async function readSse(response: Response): Promise<SseEvents> {
  const text = await response.text();
  const comments: string[] = [];
  const data: string[] = [];
  for (const block of text.split('\n\n')) {
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) comments.push(line.slice(1).trim());
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
  }
  return { comments, data };
}

export function jsonChunks(events: SseEvents): Record<string, any>[] {
  return events.data.filter((d) => d !== '[DONE]').map((d) => JSON.parse(d) as Record<string, any>);
}

/** The parsed JSON body of a response (loosely typed: tests assert on its shape). */
export async function json(response: Response | Promise<Response>): Promise<any> {
  return (await response).json();
}
