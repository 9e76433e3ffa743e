// Where things live inside the data directory: file names for open records, archive segments and
// the bot-wide state.

import { createHash } from 'node:crypto';
import path from 'node:path';

export const STATE_FILE = 'state.json';
export const OPEN_DIR = 'open';
export const ARCHIVE_DIR = 'archive';

/**
 * An open record's file: a hash of the id, so any id (slashes, unicode, length) makes a safe name.
 * The hash is of the id's UTF-8 bytes, which stand for one id only when it is well-formed: UTF-8
 * turns every lone surrogate into U+FFFD, so "a\uD800" and "a\uDBFF" would share a file.
 */
export function openFileName(id: string): string {
  if (!id.isWellFormed()) throw new Error(`referral id ${JSON.stringify(id)} is not well-formed Unicode and cannot be stored`);
  return `${createHash('sha256').update(id, 'utf8').digest('hex').slice(0, 32)}.json`;
}

export const OPEN_FILE_PATTERN = /^[0-9a-f]{32}\.json$/;

export function segmentFileName(segment: number): string {
  return `segment-${String(segment).padStart(6, '0')}.json`;
}

/** What a segment holds, in short (archive-segments.ts): read at start instead of the segment. */
export function summaryFileName(segment: number): string {
  return `segment-${String(segment).padStart(6, '0')}.summary.json`;
}

const SEGMENT_FILE_PATTERN = /^segment-(\d{6,})\.json$/;

/** The segment number of a segment file name, or undefined for any other name. */
export function segmentNumber(fileName: string): number | undefined {
  const match = SEGMENT_FILE_PATTERN.exec(fileName);
  return match ? Number(match[1]) : undefined;
}

export interface Layout {
  dataDir: string;
  stateFile: string;
  openDir: string;
  archiveDir: string;
}

export function layoutOf(dataDir: string): Layout {
  const root = path.resolve(dataDir);
  return {
    dataDir: root,
    stateFile: path.join(root, STATE_FILE),
    openDir: path.join(root, OPEN_DIR),
    archiveDir: path.join(root, ARCHIVE_DIR),
  };
}
