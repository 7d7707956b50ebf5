// The Microsoft Teams app package (manifests/teams): the manifest validates offline against the
// schema bundled in @microsoft/app-manifest, the icons are the sizes Teams requires, and
// package.sh builds a sideloadable zip with the bot's Microsoft App ID filled in.
// Needs no built bot and no network.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync, mkdtempSync, rmSync, mkdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { inflateSync, inflateRawSync } from 'node:zlib';
import appManifest from '@microsoft/app-manifest';

const { AppManifestUtils } = appManifest;
const here = dirname(fileURLToPath(import.meta.url));
const teamsDir = resolve(here, '../../manifests/teams');
const manifestPath = join(teamsDir, 'manifest.json');
const packageScript = join(teamsDir, 'package.sh');
const PLACEHOLDER = '00000000-0000-0000-0000-000000000000';
const APP_ID = '1b2c3d4e-1111-2222-3333-123456789abc';
const SCOPES = ['personal', 'team', 'groupChat'];
const COMMANDS = ['help', 'status', 'talk to a person', 'is outlook down?', 'install visio', 'reset my password'];

const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));

// --- PNG decoding (8-bit RGBA, non-interlaced is all we need) ---
function readPng(buf) {
  assert.deepEqual([...buf.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  let pos = 8;
  let ihdr;
  const idat = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      ihdr = { width: data.readUInt32BE(0), height: data.readUInt32BE(4), bitDepth: data[8], colorType: data[9], interlace: data[12] };
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  assert.ok(ihdr, 'IHDR chunk');
  return { ...ihdr, idat: Buffer.concat(idat) };
}

function rgbaPixels({ width, height, bitDepth, colorType, interlace, idat }) {
  assert.equal(bitDepth, 8, 'bit depth 8');
  assert.equal(colorType, 6, 'colour type 6 (RGBA)');
  assert.equal(interlace, 0, 'non-interlaced');
  const raw = inflateSync(idat);
  const bpp = 4;
  const stride = width * bpp;
  assert.equal(raw.length, height * (stride + 1), 'decoded image data length');
  const out = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? out[y * stride + i - bpp] : 0;
      const b = y > 0 ? out[(y - 1) * stride + i] : 0;
      const c = i >= bpp && y > 0 ? out[(y - 1) * stride + i - bpp] : 0;
      let pred;
      switch (filter) {
        case 0: pred = 0; break;
        case 1: pred = a; break;
        case 2: pred = b; break;
        case 3: pred = (a + b) >> 1; break;
        case 4: {
          const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
          pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default: assert.fail(`unknown PNG filter ${filter}`);
      }
      out[y * stride + i] = (line[i] + pred) & 0xff;
    }
  }
  return out;
}

// --- Minimal zip reader (central directory; stored or deflated entries) ---
function readZip(buf) {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(eocd >= 0, 'zip end-of-central-directory record');
  const count = buf.readUInt16LE(eocd + 10);
  let pos = buf.readUInt32LE(eocd + 16);
  const entries = new Map();
  for (let i = 0; i < count; i++) {
    assert.equal(buf.readUInt32LE(pos), 0x02014b50, 'central directory header');
    const method = buf.readUInt16LE(pos + 10);
    const compSize = buf.readUInt32LE(pos + 20);
    const nameLen = buf.readUInt16LE(pos + 28), extraLen = buf.readUInt16LE(pos + 30), commentLen = buf.readUInt16LE(pos + 32);
    const local = buf.readUInt32LE(pos + 42);
    const name = buf.toString('utf8', pos + 46, pos + 46 + nameLen);
    const dataStart = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(dataStart, dataStart + compSize);
    entries.set(name, method === 0 ? Buffer.from(data) : inflateRawSync(data));
    pos += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

function runPackage({ args = [], env = {}, path } = {}) {
  const out = mkdtempSync(join(tmpdir(), 'teams-pkg-'));
  const baseEnv = { ...process.env };
  delete baseEnv.MICROSOFT_APP_ID;
  const res = spawnSync('bash', [packageScript, ...args], {
    encoding: 'utf8',
    env: { ...baseEnv, TEAMS_PACKAGE_OUT: out, ...(path ? { PATH: path } : {}), ...env },
  });
  return { ...res, out, zip: join(out, 'SupportBot.zip') };
}

function assertPackage(res) {
  try {
    assert.equal(res.status, 0, `package.sh failed:\n${res.stdout}\n${res.stderr}`);
    const entries = readZip(readFileSync(res.zip));
    assert.deepEqual([...entries.keys()].sort(), ['color.png', 'manifest.json', 'outline.png']);
    const packed = JSON.parse(entries.get('manifest.json').toString('utf8'));
    assert.equal(packed.bots[0].botId, APP_ID);
    assert.ok(!entries.get('manifest.json').toString('utf8').includes(PLACEHOLDER), 'placeholder left in the packaged manifest');
    assert.deepEqual({ ...packed, bots: undefined }, { ...manifest, bots: undefined }, 'only botId changes');
    assert.ok(entries.get('color.png').equals(readFileSync(join(teamsDir, 'color.png'))));
    assert.ok(entries.get('outline.png').equals(readFileSync(join(teamsDir, 'outline.png'))));
    return packed;
  } finally {
    rmSync(res.out, { recursive: true, force: true });
  }
}

test('manifest uses a schema bundled with @microsoft/app-manifest (validation stays offline)', () => {
  const suffix = AppManifestUtils.getLocalSchemaSuffix(manifest.$schema);
  assert.ok(suffix, `no local mapping for ${manifest.$schema}`);
  const require = createRequire(import.meta.url);
  const pkgDir = dirname(require.resolve('@microsoft/app-manifest/package.json'));
  const schemaFile = join(pkgDir, 'build', suffix);
  assert.ok(existsSync(schemaFile), `bundled schema missing: ${schemaFile}`);
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8'));
  assert.equal(schema.properties.manifestVersion.const ?? schema.properties.manifestVersion.enum?.[0], manifest.manifestVersion);
});

test('manifest validates against its Teams schema with zero errors', async () => {
  const errors = await AppManifestUtils.validateAgainstSchema(structuredClone(manifest));
  assert.deepEqual(errors, [], `schema errors:\n${errors.join('\n')}`);
});

test('the validator really rejects a broken manifest (guards against a silent pass)', async () => {
  const broken = structuredClone(manifest);
  broken.bots[0].botId = 'not-a-guid';
  broken.bots[0].scopes.push('everywhere');
  const errors = await AppManifestUtils.validateAgainstSchema(broken);
  assert.ok(errors.length >= 2, `expected errors, got ${JSON.stringify(errors)}`);
});

test('manifest identity, developer and bot settings', () => {
  assert.equal(manifest.version, '1.0.0');
  assert.match(manifest.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.notEqual(manifest.id, PLACEHOLDER);
  assert.equal(manifest.name.short, 'SupportBot');
  assert.equal(manifest.name.full, 'SupportBot — IT help desk');
  assert.equal(manifest.developer.name, 'Contoso IT');
  for (const key of ['websiteUrl', 'privacyUrl', 'termsOfUseUrl']) {
    assert.match(manifest.developer[key], /^https:\/\/support\.contoso\.example(\/|$)/, key);
  }
  assert.equal(manifest.accentColor, '#0B5CAD');
  assert.deepEqual(manifest.permissions, ['identity', 'messageTeamMembers']);
  assert.deepEqual(manifest.validDomains, []);
  assert.equal(manifest.bots.length, 1);
  const [bot] = manifest.bots;
  assert.equal(bot.botId, PLACEHOLDER, 'the repo keeps the placeholder; package.sh fills in the real App ID');
  assert.equal(bot.supportsFiles, false);
  assert.equal(bot.isNotificationOnly, false);
});

test('bot has personal, team and groupChat scopes, each with the full command list', () => {
  const [bot] = manifest.bots;
  for (const scope of SCOPES) assert.ok(bot.scopes.includes(scope), `bot scope ${scope}`);
  for (const scope of bot.scopes) {
    const lists = bot.commandLists.filter((l) => l.scopes.includes(scope));
    assert.equal(lists.length, 1, `exactly one command list for ${scope}`);
    assert.deepEqual(lists[0].commands.map((c) => c.title), COMMANDS, `commands for ${scope}`);
    for (const c of lists[0].commands) assert.ok(c.description?.length > 0, `description for ${c.title}`);
  }
});

test('colour icon is a 192x192 PNG', () => {
  assert.equal(manifest.icons.color, 'color.png');
  const png = readPng(readFileSync(join(teamsDir, manifest.icons.color)));
  assert.equal(png.width, 192);
  assert.equal(png.height, 192);
  const px = rgbaPixels(png);
  // opaque everywhere, accent blue in the corner
  for (let i = 3; i < px.length; i += 4) assert.equal(px[i], 255, 'colour icon must be opaque');
  assert.deepEqual([...px.subarray(0, 3)], [0x0b, 0x5c, 0xad]);
});

test('outline icon is a 32x32 RGBA PNG with only white or transparent pixels', () => {
  assert.equal(manifest.icons.outline, 'outline.png');
  const png = readPng(readFileSync(join(teamsDir, manifest.icons.outline)));
  assert.equal(png.width, 32);
  assert.equal(png.height, 32);
  const px = rgbaPixels(png);
  let white = 0, transparent = 0;
  for (let i = 0; i < px.length; i += 4) {
    const [r, g, b, a] = px.subarray(i, i + 4);
    if (a === 0) transparent++;
    else if (r === 255 && g === 255 && b === 255 && a === 255) white++;
    else assert.fail(`pixel ${i / 4} is rgba(${r},${g},${b},${a}); only white or fully transparent allowed`);
  }
  assert.ok(white > 0, 'outline has a white shape');
  assert.ok(transparent > 0, 'outline has a transparent background');
  assert.deepEqual([...px.subarray(0, 4)], [0, 0, 0, 0], 'corner is transparent');
});

test('package.sh with an App ID argument builds the zip with exactly the three files', () => {
  assertPackage(runPackage({ args: [APP_ID] }));
});

test('package.sh takes the App ID from MICROSOFT_APP_ID', () => {
  assertPackage(runPackage({ env: { MICROSOFT_APP_ID: APP_ID } }));
});

test('package.sh falls back to python3 zipfile when zip is not installed', (t) => {
  const py = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
  if (py.status !== 0) return t.skip('python3 not available');
  const bin = mkdtempSync(join(tmpdir(), 'teams-nozip-'));
  try {
    const tools = ['bash', 'dirname', 'mktemp', 'rm', 'sed', 'cp', 'mkdir', 'grep'];
    for (const tool of tools) {
      const p = spawnSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
      assert.ok(p, `${tool} not found`);
      symlinkSync(p, join(bin, tool));
    }
    symlinkSync(py.stdout.trim(), join(bin, 'python3'));
    const res = runPackage({ args: [APP_ID], path: bin });
    assertPackage(res);
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
});

test('package.sh refuses without an App ID, and with one that is not a GUID', () => {
  const missing = runPackage();
  try {
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /Microsoft App ID is missing/);
    assert.ok(!existsSync(missing.zip), 'no zip when the App ID is missing');
  } finally {
    rmSync(missing.out, { recursive: true, force: true });
  }
  for (const bad of ['not-a-guid', '1b2c3d4e-1111-2222-3333-123456789abcX', PLACEHOLDER]) {
    const res = runPackage({ args: [bad] });
    try {
      assert.notEqual(res.status, 0, `accepted ${bad}`);
      assert.match(res.stderr, /not a GUID|placeholder/, `message for ${bad}`);
      assert.ok(!existsSync(res.zip), `no zip for ${bad}`);
    } finally {
      rmSync(res.out, { recursive: true, force: true });
    }
  }
});
