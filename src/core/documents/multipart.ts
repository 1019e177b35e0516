/**
 * A pure multipart/form-data body builder (RFC 7578), for the OCR tool's upload: text fields and files, in the
 * order given. The boundary is random unless given (tests give one); names and file names are quoted with
 * `"`, CR and LF percent-encoded as browsers do, so no field can forge a header or a part.
 */
import { randomBytes } from 'node:crypto';

export type MultipartField =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly filename: string; readonly contentType: string; readonly data: Uint8Array };

/** `"`, CR and LF in a quoted header parameter, as the WHATWG form encoder writes them. */
function quoted(value: string): string {
  return `"${value.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22')}"`;
}

/** A content type that cannot carry a header break (anything odd becomes application/octet-stream). */
function safeContentType(type: string): string {
  return /^[\w.+-]+\/[\w.+-]+$/.test(type) ? type : 'application/octet-stream';
}

const encoder = new TextEncoder();

export function multipartBody(fields: readonly MultipartField[], boundary?: string): { readonly contentType: string; readonly body: Uint8Array } {
  const b = boundary ?? `----DeepSeekAssistant${randomBytes(16).toString('hex')}`;
  if (!/^[0-9A-Za-z'()+_,./:=?-]{1,70}$/.test(b)) {
    throw new Error(`Invalid multipart boundary: ${b}`);
  }
  const parts: Uint8Array[] = [];
  for (const field of fields) {
    if ('data' in field) {
      parts.push(encoder.encode(
        `--${b}\r\nContent-Disposition: form-data; name=${quoted(field.name)}; filename=${quoted(field.filename)}\r\n` +
          `Content-Type: ${safeContentType(field.contentType)}\r\n\r\n`,
      ));
      parts.push(field.data);
      parts.push(encoder.encode('\r\n'));
    } else {
      parts.push(encoder.encode(`--${b}\r\nContent-Disposition: form-data; name=${quoted(field.name)}\r\n\r\n${field.value.replace(/\r?\n/g, '\r\n')}\r\n`));
    }
  }
  parts.push(encoder.encode(`--${b}--\r\n`));
  const body = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    body.set(part, at);
    at += part.length;
  }
  return { contentType: `multipart/form-data; boundary=${b}`, body };
}
