/**
 * A strict, binary-safe `multipart/form-data` parser (RFC 7578) for the OCR route: the boundary from the
 * content type (quoted or not), CRLF delimiters, `name` and `filename` (quoted, escaped, or RFC 5987
 * `filename*`) from each part's Content-Disposition, and its Content-Type.
 */

export interface FormPart {
  readonly name: string;
  readonly filename?: string;
  readonly contentType?: string;
  readonly data: Buffer;
}

/** A body that is not valid multipart, with the message the API answers (400). */
export class MultipartError extends Error {}

export function parseMultipart(body: Buffer, contentType: string | undefined): FormPart[] {
  if (!contentType || !/^\s*multipart\/form-data\s*(;|$)/i.test(contentType)) {
    throw new MultipartError(`Expected a multipart/form-data body, got ${contentType ? `content type ${contentType}` : 'no content type'}`);
  }
  const param = /;\s*boundary=(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(contentType);
  const boundary = param?.[1]?.replace(/\\(.)/g, '$1') ?? param?.[2];
  if (!boundary || boundary.length > 70) {
    throw new MultipartError('Malformed multipart body: the content type has no valid boundary');
  }
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  let at = body.indexOf(delimiter);
  if (at < 0) throw new MultipartError('Malformed multipart body: the boundary does not occur in the body');
  const parts: FormPart[] = [];
  for (;;) {
    at += delimiter.length;
    if (body.subarray(at, at + 2).toString('latin1') === '--') return parts; // The close delimiter.
    at = skipLinearWhitespace(body, at);
    if (body.subarray(at, at + 2).toString('latin1') !== '\r\n') {
      throw new MultipartError('Malformed multipart body: a boundary line does not end with CRLF');
    }
    at += 2;
    const headerEnd = body.indexOf('\r\n\r\n', at, 'latin1');
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n', 'latin1'), delimiter]), at);
    if (next < 0) throw new MultipartError('Malformed multipart body: it ends before the closing boundary');
    if (headerEnd < 0 || headerEnd > next) throw new MultipartError('Malformed multipart body: a part has no blank line after its headers');
    const headers = readHeaders(body.subarray(at, headerEnd).toString('utf8'));
    const disposition = headers.get('content-disposition');
    if (!disposition || !/^\s*form-data\s*(;|$)/i.test(disposition)) {
      throw new MultipartError('Malformed multipart body: a part has no Content-Disposition: form-data header');
    }
    const name = dispositionParam(disposition, 'name');
    if (name === undefined) throw new MultipartError('Malformed multipart body: a part has no name');
    const filename = dispositionParam(disposition, 'filename');
    const type = headers.get('content-type')?.trim();
    parts.push({ name, ...(filename !== undefined ? { filename } : {}), ...(type ? { contentType: type } : {}), data: body.subarray(headerEnd + 4, next) });
    at = next + 2;
  }
}

function skipLinearWhitespace(body: Buffer, at: number): number {
  while (body[at] === 0x20 || body[at] === 0x09) at++;
  return at;
}

function readHeaders(text: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MultipartError(`Malformed multipart body: bad part header "${line.slice(0, 60)}"`);
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

/** A Content-Disposition parameter: `key*=UTF-8''…` wins over `key="…"` / `key=token`. */
function dispositionParam(disposition: string, key: string): string | undefined {
  const extended = new RegExp(`;\\s*${key}\\*\\s*=\\s*([^';]*)'[^']*'([^;\\s]*)`, 'i').exec(disposition);
  if (extended) {
    try {
      return decodeURIComponent(extended[2]);
    } catch {
      throw new MultipartError(`Malformed multipart body: ${key}* is not valid percent-encoding`);
    }
  }
  const plain = new RegExp(`;\\s*${key}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]+))`, 'i').exec(disposition);
  if (!plain) return undefined;
  return plain[1] !== undefined ? plain[1].replace(/\\(.)/g, '$1') : plain[2];
}
