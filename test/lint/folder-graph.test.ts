// The dependency direction of docs/architecture.md is the code's: the folders of bot/ import each
// other exactly as eslint.config.js's FOLDER_IMPORTS allows and as the diagram draws, both read here
// from the files themselves, so an import the diagram lacks fails this test.

import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { ROOT } from '../support/start-service.js';

const LINT_CONFIG = '../../eslint.config.js';
const { FOLDER_IMPORTS } = (await import(LINT_CONFIG)) as { FOLDER_IMPORTS: Record<string, string[]> };
const FOLDERS = Object.keys(FOLDER_IMPORTS);
const IMPORT = /^(?:import|export)[^'"]*?from '(\.[^']+)'/gm;

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(path.join(ROOT, dir), { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? sourceFiles(path.join(dir, entry.name)) : Promise.resolve(entry.name.endsWith('.ts') ? [path.join(dir, entry.name)] : []),
    ),
  );
  return nested.flat();
}

const folderOf = (file: string) => FOLDERS.find((folder) => file.startsWith(`${folder}/`));

/** "from → to" for each import between two folders of bot/, with one file that makes it. */
async function importedEdges(): Promise<Map<string, string>> {
  const edges = new Map<string, string>();
  for (const file of await sourceFiles('bot')) {
    const from = folderOf(file);
    if (!from) continue;
    for (const match of (await readFile(path.join(ROOT, file), 'utf8')).matchAll(IMPORT)) {
      const to = folderOf(path.join(path.dirname(file), match[1]!));
      if (to && to !== from && !edges.has(`${from} → ${to}`)) edges.set(`${from} → ${to}`, file);
    }
  }
  return edges;
}

/** The edges between folders of bot/ in the "Dependency direction" diagram. */
async function drawnEdges(): Promise<Set<string>> {
  const doc = await readFile(path.join(ROOT, 'docs/architecture.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Dependency direction'));
  const diagram = section.slice(section.indexOf('```mermaid'), section.indexOf('```', section.indexOf('```mermaid') + 3));
  const names = new Map([...diagram.matchAll(/(\w+)\["(bot\/[\w-]+)\//g)].map((match) => [match[1]!, match[2]!]));
  const edges = new Set<string>();
  for (const [, from, to] of diagram.matchAll(/(\w+) --> (\w+)/g)) {
    if (names.has(from!) && names.has(to!)) edges.add(`${names.get(from!)} → ${names.get(to!)}`);
  }
  return edges;
}

const allowedEdges = () => new Set(Object.entries(FOLDER_IMPORTS).flatMap(([from, to]) => to.map((target) => `${from} → ${target}`)));

describe('lint: the folder graph is the diagram', () => {
  it('every import between folders of bot/ is allowed by FOLDER_IMPORTS and drawn in docs/architecture.md', async () => {
    const drawn = await drawnEdges();
    const allowed = allowedEdges();
    for (const [edge, file] of await importedEdges()) {
      expect(allowed.has(edge), `${file}: ${edge} is not in FOLDER_IMPORTS (eslint.config.js)`).to.equal(true);
      expect(drawn.has(edge), `${file}: ${edge} is missing from the diagram in docs/architecture.md#dependency-direction`).to.equal(true);
    }
  });

  it('the diagram draws exactly what FOLDER_IMPORTS allows, and no two folders import each other', async () => {
    expect([...(await drawnEdges())].sort()).to.deep.equal([...allowedEdges()].sort());
    for (const edge of allowedEdges()) {
      const [from, to] = edge.split(' → ');
      expect(allowedEdges().has(`${to} → ${from}`), `${edge} both ways`).to.equal(false);
    }
  });
});
