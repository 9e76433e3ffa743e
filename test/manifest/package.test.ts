// The Teams app package: manifest template filled from the environment, validated offline against
// the official schema, icons checked, zip flat with exactly three files. No network, no spawning.

import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import JSZip from 'jszip';
import { PNG } from 'pngjs';
import {
  buildManifest,
  bundledSchemaVersions,
  checkIcons,
  deriveAppId,
  fillPlaceholders,
  ICON_SPECS,
  ICONS_DIR,
  LOCAL_APP_ID,
  LOCAL_BOT_ID,
  manifestRuleProblems,
  PackageError,
  packageApp,
  TEMPLATE_PATH,
  uuidV5,
  validateManifest,
  writePackage,
} from '../../manifest/package.js';
import { decodePng, renderIcon } from '../../manifest/icons.js';

const BOT_ID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const APP_ID = '9b2d7c1e-5a4f-4e3b-8c6d-1f0e2a3b4c5d';
const OWN_URLS = {
  DEVELOPER_WEBSITE_URL: 'https://partner.example.net',
  DEVELOPER_PRIVACY_URL: 'https://partner.example.net/privacy',
  DEVELOPER_TERMS_URL: 'https://partner.example.net/terms',
};
const COMMANDS = ['help', 'subscribe', 'unsubscribe', 'routes', 'settings', 'show', 'list', 'stats', 'my', 'status'];

type Json = Record<string, any>;

function clone<T>(value: T): T {
  return structuredClone(value);
}

describe('manifest: template and ids', () => {
  it('fills the bot id from MicrosoftAppId and derives a stable app id from it', () => {
    const built = buildManifest({ MicrosoftAppId: BOT_ID, ...OWN_URLS });
    const manifest = built.manifest as Json;
    expect(built.local).to.equal(false);
    expect(built.warnings).to.deep.equal([]);
    expect(manifest.bots[0].botId).to.equal(BOT_ID);
    expect(manifest.id).to.equal(deriveAppId(BOT_ID));
    expect(manifest.id).to.not.equal(BOT_ID);
    expect(buildManifest({ MicrosoftAppId: BOT_ID }).appId).to.equal(built.appId);
    expect(JSON.stringify(manifest)).to.not.include('${{');
  });

  it('a real bot id with the example developer URLs left in: a warning names the variables', () => {
    const built = buildManifest({ MicrosoftAppId: BOT_ID, DEVELOPER_WEBSITE_URL: OWN_URLS.DEVELOPER_WEBSITE_URL });
    expect(built.warnings).to.deep.equal([
      'DEVELOPER_PRIVACY_URL, DEVELOPER_TERMS_URL not set: the package names the example URLs (referral-desk.example.com); set your own',
    ]);
    expect(buildManifest({}).warnings.join('\n'), 'a local package is for looking at: no such warning').to.not.include('DEVELOPER_');
  });

  it('BOT_ID wins over MicrosoftAppId; TEAMS_APP_ID and TEAMS_APP_VERSION are taken as given', () => {
    const built = buildManifest({ MicrosoftAppId: LOCAL_APP_ID, BOT_ID, TEAMS_APP_ID: APP_ID, TEAMS_APP_VERSION: '2.3.4' });
    expect(built.botId).to.equal(BOT_ID);
    expect((built.manifest as Json).id).to.equal(APP_ID);
    expect((built.manifest as Json).version).to.equal('2.3.4');
  });

  it('without any id uses the fake local ids and warns', () => {
    const built = buildManifest({});
    expect(built.local).to.equal(true);
    expect(built.botId).to.equal(LOCAL_BOT_ID);
    expect(built.appId).to.equal(LOCAL_APP_ID);
    expect(built.warnings.join('\n')).to.match(/no MicrosoftAppId or BOT_ID/);
  });

  it('refuses a placeholder it has no value for', () => {
    expect(fillPlaceholders({ a: ['x ${{ BOT_ID }} y'] }, { BOT_ID: 'b' })).to.deep.equal({ a: ['x b y'] });
    expect(() => fillPlaceholders({ a: '${{NOPE}}' }, {})).to.throw(PackageError, '${{NOPE}}');
  });

  it('derives app ids as RFC 4122 version-5 UUIDs', () => {
    // The RFC's own example: the DNS namespace and "www.example.com".
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).to.equal('2ed6657d-e927-568b-95e1-2665a8aea6a2');
    expect(deriveAppId(BOT_ID)).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deriveAppId(BOT_ID.toUpperCase())).to.equal(deriveAppId(BOT_ID));
  });

  it('is on the newest manifest schema bundled in @microsoft/app-manifest', () => {
    const template = JSON.parse(readFileSync(TEMPLATE_PATH, 'utf8')) as Json;
    const versions = bundledSchemaVersions();
    expect(versions).to.include(template.manifestVersion);
    expect(Number(template.manifestVersion.split('.')[1])).to.be.at.least(20);
    expect(template.$schema).to.equal(`https://developer.microsoft.com/json-schemas/teams/v${template.manifestVersion}/MicrosoftTeams.schema.json`);
    expect(template.manifestVersion, `newest bundled is ${versions.at(-1)}`).to.equal(versions.at(-1));
  });

  it('is a bot-only app in team, personal and groupChat with one command list per scope', () => {
    const manifest = buildManifest({ MicrosoftAppId: BOT_ID }).manifest as Json;
    const bot = manifest.bots[0];
    expect(manifest.bots).to.have.length(1);
    expect(bot.scopes).to.have.members(['team', 'personal', 'groupChat']);
    expect(manifest).to.not.have.any.keys('staticTabs', 'configurableTabs', 'composeExtensions', 'webApplicationInfo', 'validDomains');
    for (const scope of ['team', 'personal', 'groupChat']) {
      const lists = bot.commandLists.filter((list: Json) => list.scopes.includes(scope));
      expect(lists, scope).to.have.length(1);
      expect(lists[0].scopes).to.deep.equal([scope]);
      const titles = lists[0].commands.map((command: Json) => command.title);
      expect(titles, scope).to.have.members(COMMANDS);
      for (const command of lists[0].commands) expect(command.description, command.title).to.be.a('string').and.not.be.empty;
    }
    expect(manifest.description.short.length).to.be.at.most(80);
    expect(manifest.description.full)
      .to.match(/accept/i)
      .and.match(/decline/i)
      .and.match(/subscribe/);
  });
});

describe('manifest: schema validation (offline)', () => {
  // Each validation compiles the official schema (about half a second): keep their number small.
  it('passes the official schema', async () => {
    expect(await validateManifest(buildManifest({ MicrosoftAppId: BOT_ID }).manifest)).to.deep.equal([]);
  });

  it("reports the schema's messages for a broken manifest: bots[0].botId removed, a scope 'nope'", async () => {
    const manifest = clone(buildManifest({ MicrosoftAppId: BOT_ID }).manifest) as Json;
    delete manifest.bots[0].botId;
    manifest.bots[0].scopes[1] = 'nope';
    const errors = (await validateManifest(manifest)).join('\n');
    expect(errors).to.include("/bots/0 must have required property 'botId'");
    expect(errors).to.include('/bots/0/scopes/1 must be equal to one of the allowed values');
  });

  it('reports a missing command list for a scope (a rule of this app, not of the schema)', () => {
    const manifest = clone(buildManifest({ MicrosoftAppId: BOT_ID }).manifest) as Json;
    expect(manifestRuleProblems(manifest)).to.deep.equal([]);
    manifest.bots[0].commandLists = manifest.bots[0].commandLists.filter((list: Json) => !list.scopes.includes('personal'));
    expect(manifestRuleProblems(manifest).join('\n')).to.include('exactly one list for scope "personal"');
  });
});

describe('manifest: icons', () => {
  it('color is 192×192, outline 32×32 white on transparent', () => {
    expect(checkIcons()).to.deep.equal([]);
    const outline = decodePng(readFileSync(path.join(ICONS_DIR, 'outline.png')));
    expect([outline.width, outline.height]).to.deep.equal([32, 32]);
    const color = decodePng(readFileSync(path.join(ICONS_DIR, 'color.png')));
    expect([color.width, color.height]).to.deep.equal([192, 192]);
  });

  it('the committed PNGs are what the SVG sources render to (npm run icons)', () => {
    for (const spec of Object.values(ICON_SPECS)) {
      const committed = decodePng(readFileSync(path.join(ICONS_DIR, spec.file)));
      const rendered = decodePng(renderIcon(spec));
      expect([rendered.width, rendered.height]).to.deep.equal([committed.width, committed.height]);
      // Allow ±3 per channel: anti-aliasing may round differently on another CPU architecture.
      let differing = 0;
      for (let i = 0; i < committed.data.length; i++) if (Math.abs(committed.data[i]! - rendered.data[i]!) > 3) differing++;
      expect(differing, `${spec.file} differs from ${spec.source}: run npm run icons`).to.equal(0);
    }
  });

  describe('catches bad icons', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'rd-icons-'));
      for (const spec of Object.values(ICON_SPECS)) copyFileSync(path.join(ICONS_DIR, spec.file), path.join(dir, spec.file));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    function writePng(file: string, size: number, paint: (x: number, y: number) => [number, number, number, number]): void {
      const png = new PNG({ width: size, height: size });
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) png.data.set(paint(x, y), (y * size + x) * 4);
      }
      writeFileSync(path.join(dir, file), PNG.sync.write(png));
    }

    it('a wrong size', () => {
      writePng('color.png', 96, () => [59, 75, 200, 255]);
      expect(checkIcons(dir).join('\n')).to.include('color.png is 96×96 pixels; Teams needs 192×192');
    });

    it('a coloured outline', () => {
      writePng('outline.png', 32, (x, y) => (x > 8 && x < 24 && y > 8 && y < 24 ? [59, 75, 200, 255] : [0, 0, 0, 0]));
      expect(checkIcons(dir).join('\n')).to.include('outline.png must be white on transparent');
    });

    it('an outline without a transparent background', () => {
      writePng('outline.png', 32, () => [255, 255, 255, 255]);
      expect(checkIcons(dir).join('\n')).to.include('outline.png must have a transparent background');
    });

    it('packaging refuses them', async () => {
      writePng('outline.png', 32, () => [0, 0, 0, 255]);
      const outFile = path.join(dir, 'app.zip');
      const error = await packageApp({ MicrosoftAppId: BOT_ID }, { outFile, iconsDir: dir }).catch((caught: unknown) => caught);
      expect(error).to.be.instanceOf(PackageError);
      expect((error as Error).message).to.include('the app icons are not what Teams accepts');
    });
  });
});

describe('manifest: the app package', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'rd-package-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('zips manifest.json and the two icons flat, and nothing else', async () => {
    const outFile = path.join(dir, 'referral-desk.zip');
    const result = await packageApp({ MicrosoftAppId: BOT_ID, TEAMS_APP_ID: APP_ID }, { outFile });
    expect(result.outFile).to.equal(outFile);
    const zip = await JSZip.loadAsync(readFileSync(outFile));
    expect(Object.keys(zip.files).sort()).to.deep.equal(['color.png', 'manifest.json', 'outline.png']);
    for (const entry of Object.values(zip.files)) expect(entry.dir, entry.name).to.equal(false);

    const manifest = JSON.parse(await zip.file('manifest.json')!.async('string')) as Json;
    expect(manifest.id).to.equal(APP_ID);
    expect(manifest.bots[0].botId).to.equal(BOT_ID);
    expect(manifest.icons).to.deep.equal({ color: 'color.png', outline: 'outline.png' });
    expect(manifest).to.deep.equal(result.manifest); // the manifest packageApp validated
    for (const spec of Object.values(ICON_SPECS)) {
      const bytes = await zip.file(spec.file)!.async('nodebuffer');
      expect(bytes.equals(readFileSync(path.join(ICONS_DIR, spec.file))), spec.file).to.equal(true);
    }
  });

  it('gives the same zip for the same inputs', async () => {
    const { manifest } = buildManifest({ MicrosoftAppId: BOT_ID });
    const a = await writePackage(manifest, path.join(dir, 'a.zip'));
    const b = await writePackage(manifest, path.join(dir, 'b.zip'));
    expect(a.equals(b)).to.equal(true);
  });

  it('fails with the schema message and writes nothing for a bad bot id', async () => {
    const outFile = path.join(dir, 'bad.zip');
    const error = await packageApp({ BOT_ID: 'not-a-guid' }, { outFile }).catch((caught: unknown) => caught);
    expect(error).to.be.instanceOf(PackageError);
    expect((error as PackageError).message).to.include('does not pass the Teams manifest schema v1.');
    expect((error as PackageError).problems.join('\n')).to.match(/\/bots\/0\/botId must match pattern/);
    expect(() => readFileSync(outFile)).to.throw();
  });
});
