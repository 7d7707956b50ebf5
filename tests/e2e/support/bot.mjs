// Starts the built SupportBot for an end-to-end test file and stops it afterwards.
//
// Builds nothing: run `dotnet build bot` (from the repository root) first.
//   SUPPORTBOT_CONFIGURATION=Debug|Release  which bot/bin/<configuration>/net10.0 build to run (default Debug)
//   SUPPORTBOT_DLL=<path>                   run this SupportBot.Bot.dll instead
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { before, after } from 'node:test';

export const repoRoot = path.resolve(import.meta.dirname, '..', '..', '..');

const READY_LINE = /SupportBot is ready: open (http:\/\/\S+)/;
const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;
const MAX_OUTPUT_LINES = 4000;

export function botDllPath() {
  if (process.env.SUPPORTBOT_DLL) {
    return path.resolve(process.env.SUPPORTBOT_DLL);
  }
  const configuration = process.env.SUPPORTBOT_CONFIGURATION || 'Debug';
  if (!/^(Debug|Release)$/.test(configuration)) {
    throw new Error(`SUPPORTBOT_CONFIGURATION must be Debug or Release, not '${configuration}'`);
  }
  return path.join(repoRoot, 'bot', 'bin', configuration, 'net10.0', 'SupportBot.Bot.dll');
}

export class BotProcess {
  /** @param {Record<string, string>} [env] settings for this bot (e.g. Tickets__Teams__ServiceUrl), on top of the defaults */
  constructor(env = {}) {
    this.extraEnv = env;
    this.baseUrl = null;
    this.child = null;
    this.exited = null; // promise that settles when the process exits
    this.exitInfo = null;
    this.lines = [];
  }

  record(stream, line) {
    this.lines.push(`[${stream}] ${line}`);
    if (this.lines.length > MAX_OUTPUT_LINES) {
      this.lines.splice(0, this.lines.length - MAX_OUTPUT_LINES);
    }
  }

  /** The bot's stdout/stderr so far (last `maxLines` lines), for failure messages. */
  output(maxLines = 200) {
    const shown = this.lines.slice(-maxLines);
    const omitted = this.lines.length - shown.length;
    return (omitted > 0 ? `… ${omitted} earlier lines omitted …\n` : '') + shown.join('\n');
  }

  /** Appends the bot's output to a message, for assertion/timeout errors. */
  describe(message) {
    const status = this.exitInfo ? `\n(the bot process exited: ${this.exitInfo})` : '';
    return `${message}${status}\n--- SupportBot output ---\n${this.output() || '(none)'}\n--- end of SupportBot output ---`;
  }

  async start() {
    const dll = botDllPath();
    if (!fs.existsSync(dll)) {
      throw new Error(`SupportBot is not built: ${dll} does not exist. Run 'dotnet build bot' in ${repoRoot} first ` +
        '(or set SUPPORTBOT_DLL / SUPPORTBOT_CONFIGURATION).');
    }

    const env = { ...process.env, ASPNETCORE_ENVIRONMENT: 'Development', DOTNET_NOLOGO: '1', ...this.extraEnv };
    delete env.ASPNETCORE_URLS;
    delete env.URLS;

    const args = [dll, '--urls', 'http://127.0.0.1:0', '--contentRoot', path.join(repoRoot, 'bot')];
    this.record('test', `starting: dotnet ${args.join(' ')}`);
    const child = spawn('dotnet', args, { cwd: path.join(repoRoot, 'bot'), env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    // If this test process dies without running the after hook, don't leave the bot behind.
    const killOnExit = () => { try { process.kill(child.pid, 'SIGKILL'); } catch { /* already gone */ } };
    process.once('exit', killOnExit);

    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = signal ? `signal ${signal}` : `exit code ${code}`;
        process.removeListener('exit', killOnExit);
        resolve(this.exitInfo);
      });
    });

    let onReady;
    const ready = new Promise((resolve) => { onReady = resolve; });
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      this.record('stdout', line);
      const match = READY_LINE.exec(line);
      if (match && !this.baseUrl) {
        onReady(match[1].replace(/\/+$/, ''));
      }
    });
    readline.createInterface({ input: child.stderr }).on('line', (line) => this.record('stderr', line));

    let timer;
    const failure = new Promise((_, reject) => {
      child.once('error', (err) => reject(new Error(this.describe(`could not start 'dotnet': ${err.message}`))));
      this.exited.then(() => reject(new Error(this.describe('SupportBot exited before printing its ready line'))));
      timer = setTimeout(() => reject(new Error(this.describe(
        `SupportBot did not print "SupportBot is ready: open http://…" within ${READY_TIMEOUT_MS / 1000} s`))), READY_TIMEOUT_MS);
    });

    try {
      this.baseUrl = await Promise.race([ready, failure]);
    } catch (err) {
      await this.stop();
      throw err;
    } finally {
      clearTimeout(timer);
    }
    failure.catch(() => { /* later exits are reported through describe() */ });
    this.record('test', `ready at ${this.baseUrl}`);
    return this.baseUrl;
  }

  /** SIGTERM by PID, then SIGKILL if still running after 5 s. */
  async stop() {
    const child = this.child;
    if (!child || this.exitInfo) {
      return;
    }
    try { process.kill(child.pid, 'SIGTERM'); } catch { return; }
    let timer;
    const killed = new Promise((resolve) => {
      timer = setTimeout(() => {
        this.record('test', `still running ${STOP_GRACE_MS / 1000} s after SIGTERM: SIGKILL`);
        try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ }
        resolve();
      }, STOP_GRACE_MS);
    });
    await Promise.race([this.exited, killed]);
    await this.exited;
    clearTimeout(timer);
  }
}

/**
 * Registers before/after hooks for the current test file: the bot starts once before its tests and
 * is stopped after them. Returns the BotProcess; its baseUrl is set once the before hook has run.
 */
export function useBot(env = {}) {
  const bot = new BotProcess(env);
  before(() => bot.start(), { timeout: READY_TIMEOUT_MS + 15_000 });
  after(() => bot.stop(), { timeout: STOP_GRACE_MS + 10_000 });
  return bot;
}

/** Waits for `predicate()` to return a truthy value, polling; fails with `message()` after `timeoutMs`. */
export async function waitFor(predicate, { timeoutMs = 30_000, intervalMs = 100, message = () => 'condition not met' } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) {
      return value;
    }
    if (Date.now() >= deadline) {
      throw new Error(`${message()} (waited ${timeoutMs / 1000} s)`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
