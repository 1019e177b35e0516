import type { OcrProgress } from '../core/documents/types';

/** A size as the progress line says it: "2.1 MB", "340 KB", "812 bytes". */
export function sizeLabel(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

/**
 * One extraction's progress as the notification and the chat's chip show it: "Uploading 2.1 MB…", then
 * "Recognising 12 pages… 14 s" (pages when known).
 */
export function progressText(progress: OcrProgress): string {
  if (progress.phase === 'uploading') return `Uploading ${sizeLabel(progress.totalBytes)}…`;
  const seconds = Math.floor(progress.elapsedMs / 1000);
  const pages = progress.pages !== undefined ? ` ${progress.pages} ${progress.pages === 1 ? 'page' : 'pages'}` : '';
  return `Recognising${pages}… ${seconds} s`;
}
