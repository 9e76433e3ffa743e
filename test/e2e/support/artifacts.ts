// Evidence of a failed end-to-end test, under test-results/e2e/<test>/: a screenshot and the console
// log of every open page, the text of the page, and the logs of the bot and the playground.

import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PlaygroundPage } from './playground-ui.js';
import { ROOT } from './processes.js';

export const RESULTS_DIR = path.join(ROOT, 'test-results', 'e2e');

function slug(title: string): string {
  return (
    title
      .toLowerCase()
      .replace(/[^a-z0-9а-яё]+/gi, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'test'
  );
}

/** Saves what there is to see; never throws (a broken page must not hide the original failure). Returns the paths. */
export async function saveFailureArtifacts(title: string, pages: PlaygroundPage[], logFiles: string[]): Promise<string[]> {
  const dir = path.join(RESULTS_DIR, slug(title));
  mkdirSync(dir, { recursive: true });
  const saved: string[] = [];
  for (const session of pages) {
    const base = path.join(dir, slug(session.name));
    try {
      await session.page.screenshot({ path: `${base}.png`, fullPage: true, timeout: 10_000 });
      saved.push(`${base}.png`);
    } catch (error) {
      saved.push(`(no screenshot of ${session.name}: ${(error as Error).message.split('\n')[0]})`);
    }
    writeFileSync(`${base}.console.log`, `${session.console.join('\n')}\n`);
    saved.push(`${base}.console.log`);
    writeFileSync(`${base}.page.txt`, await session.pageText());
    saved.push(`${base}.page.txt`);
  }
  for (const file of logFiles) {
    if (!existsSync(file)) continue;
    const target = path.join(dir, path.basename(file));
    copyFileSync(file, target);
    saved.push(target);
  }
  return saved;
}
