// The Slack app manifest (manifests/slack/manifest.json) for the Azure Bot Service Slack channel: its structure
// follows Slack's app manifest reference, the URLs are the ones Azure Bot Service documents, and every bot event it
// subscribes to has the scopes Slack requires for it — plus the two scopes the bot's identity mapping needs.
// Offline: Slack's own validator (apps.manifest.validate) needs a token and the network, so the rules are here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const slackDir = resolve(here, '../../manifests/slack');
const text = readFileSync(join(slackDir, 'manifest.json'), 'utf8');
const manifest = JSON.parse(text);

const HANDLE_PLACEHOLDER = '{YOUR_BOT_HANDLE}';

// Slack's event reference: the bot scope(s) each event needs. member_*_channel needs channels:read for public
// channels and groups:read for private ones; the bot works in both.
const EVENT_SCOPES = {
  app_mention: ['app_mentions:read'],
  'message.channels': ['channels:history'],
  'message.groups': ['groups:history'],
  'message.im': ['im:history'],
  'message.mpim': ['mpim:history'],
  member_joined_channel: ['channels:read', 'groups:read'],
  member_left_channel: ['channels:read', 'groups:read'],
};

// What the Azure docs "Connect a bot to Slack" and this bot ask for.
const REQUIRED_SCOPES = [
  'app_mentions:read', 'channels:history', 'channels:read', 'chat:write', 'groups:history', 'im:history',
  'im:read', 'im:write', 'mpim:history', 'users:read', 'users:read.email', 'team:read',
];
const REQUIRED_EVENTS = ['app_mention', 'message.channels', 'message.groups', 'message.im', 'message.mpim', 'member_joined_channel'];

// Scopes that imply another (Slack refuses users:read.email without users:read).
const IMPLIED = { 'users:read.email': 'users:read' };

const TOP_LEVEL = ['_metadata', 'display_information', 'features', 'oauth_config', 'settings', 'functions', 'workflows', 'outgoing_domains', 'types', 'datastores'];

function assertOnlyKeys(object, allowed, where) {
  for (const key of Object.keys(object)) {
    assert.ok(allowed.includes(key), `${where}.${key} is not a key Slack's manifest knows (allowed: ${allowed.join(', ')})`);
  }
}

function assertHttpsUrl(value, where) {
  assert.equal(typeof value, 'string', `${where} is a string`);
  const url = new URL(value.replace(HANDLE_PLACEHOLDER, 'ContosoSupportBot'));
  assert.equal(url.protocol, 'https:', `${where} is https`);
}

test('manifest is JSON in Slack\'s manifest format (schema version 1 or 2)', () => {
  assertOnlyKeys(manifest, TOP_LEVEL, 'manifest');
  const { _metadata: meta } = manifest;
  assert.ok(meta, '_metadata is present');
  assert.ok([1, 2].includes(meta.major_version), `_metadata.major_version is 1 or 2, not ${meta.major_version}`);
  if (meta.minor_version !== undefined) assert.ok(Number.isInteger(meta.minor_version) && meta.minor_version >= 0, 'minor_version is a whole number');
  assert.ok(text.endsWith('\n'), 'the file ends with a newline');
});

test('display information fits Slack\'s limits', () => {
  const info = manifest.display_information;
  assertOnlyKeys(info, ['name', 'description', 'long_description', 'background_color'], 'display_information');
  assert.ok(info.name.length >= 1 && info.name.length <= 35, 'name is 1–35 characters');
  assert.ok(!info.description || info.description.length <= 140, 'description is at most 140 characters');
  assert.ok(!info.long_description || (info.long_description.length >= 175 && info.long_description.length <= 4000), 'long_description is 175–4000 characters');
  assert.match(info.background_color ?? '#000000', /^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, 'background_color is a hex colour');
});

test('the app has a bot user and a messages tab people can write in', () => {
  const { bot_user: bot, app_home: home } = manifest.features;
  assert.ok(bot, 'features.bot_user is present (Azure Bot Service talks as the bot user)');
  assert.ok(bot.display_name.length >= 1 && bot.display_name.length <= 80, 'bot display name is 1–80 characters');
  assert.match(bot.display_name, /^[a-z0-9][a-z0-9._ -]*$/i, 'bot display name has only letters, digits, spaces, dots, dashes, underscores');
  assert.equal(typeof bot.always_online, 'boolean');
  assert.equal(home.messages_tab_enabled, true, 'the Messages tab is on');
  assert.equal(home.messages_tab_read_only_enabled, false, 'users may send messages from the Messages tab');
});

test('OAuth redirects to Azure Bot Service and asks for every scope the bot needs', () => {
  const { redirect_urls: redirects, scopes } = manifest.oauth_config;
  assert.deepEqual(redirects, ['https://slack.botframework.com/'], 'the redirect URL is Azure Bot Service\'s');
  assertOnlyKeys(scopes, ['bot', 'user'], 'oauth_config.scopes');
  const bot = scopes.bot;
  assert.ok(Array.isArray(bot) && bot.length > 0, 'bot scopes are listed');
  assert.equal(new Set(bot).size, bot.length, 'no scope is listed twice');
  for (const scope of bot) assert.match(scope, /^[a-z_]+(:[a-z_.]+)+$/, `${scope} looks like a Slack scope`);
  for (const scope of REQUIRED_SCOPES) assert.ok(bot.includes(scope), `bot scope ${scope} is requested`);
  for (const [scope, implied] of Object.entries(IMPLIED)) {
    if (bot.includes(scope)) assert.ok(bot.includes(implied), `${scope} needs ${implied}`);
  }
  assert.equal(scopes.user, undefined, 'no user-token scopes: the bot acts only as itself');
});

test('events go to Azure Bot Service, and each one has the scopes Slack requires for it', () => {
  const events = manifest.settings.event_subscriptions;
  assert.equal(events.request_url, `https://slack.botframework.com/api/Events/${HANDLE_PLACEHOLDER}`);
  assertHttpsUrl(events.request_url, 'event_subscriptions.request_url');
  assert.equal(text.split(HANDLE_PLACEHOLDER).length - 1, 1, 'the bot handle placeholder appears exactly once');
  for (const event of REQUIRED_EVENTS) assert.ok(events.bot_events.includes(event), `subscribed to ${event}`);
  assert.equal(new Set(events.bot_events).size, events.bot_events.length, 'no event is listed twice');
  for (const event of events.bot_events) {
    const needed = EVENT_SCOPES[event];
    assert.ok(needed, `${event} is an event this test knows the scopes of`);
    for (const scope of needed) assert.ok(manifest.oauth_config.scopes.bot.includes(scope), `${event} needs ${scope}`);
  }
});

test('button clicks go to Azure Bot Service; no socket mode, no token rotation', () => {
  const { interactivity, socket_mode_enabled: socket, token_rotation_enabled: rotation, org_deploy_enabled: org } = manifest.settings;
  assert.equal(interactivity.is_enabled, true, 'interactivity is on (Block Kit buttons)');
  assert.equal(interactivity.request_url, 'https://slack.botframework.com/api/Actions');
  // Azure Bot Service receives events over HTTPS and keeps the bot token it was given at install.
  assert.equal(socket, false, 'socket mode is off');
  assert.equal(rotation, false, 'token rotation is off');
  assert.equal(typeof org, 'boolean');
});

test('the manifest holds no secrets', () => {
  assert.doesNotMatch(text, /xox[abposr]-/, 'no Slack token');
  assert.doesNotMatch(text, /"(client_secret|signing_secret|verification_token)"/, 'no app credentials');
});

test('the README says how to fill in the bot handle and where the credentials go', () => {
  const readme = readFileSync(join(slackDir, 'README.md'), 'utf8');
  assert.ok(readme.includes(HANDLE_PLACEHOLDER), 'it names the placeholder');
  for (const word of ['Client ID', 'Client Secret', 'Signing Secret', 'Slack:BotToken', 'Slack:TeamId']) {
    assert.ok(readme.includes(word), `it mentions ${word}`);
  }
});
