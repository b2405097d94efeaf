/**
 * A child process tied to this process's lifetime, even when this process is SIGKILLed (Node has no
 * PR_SET_PDEATHSIG). The command runs under a small POSIX-shell watchdog in its own session and
 * process group (`detached`): the watchdog holds the read end of a pipe whose write end only this
 * process has; when this process dies, however it dies, the pipe reaches EOF and the watchdog sends
 * SIGTERM to the command, then SIGKILL to the whole group after `graceMs`. Normal stops signal the
 * group directly. Used for socat pty pairs, the speech engine and the Chromium the host opens.
 *
 * Windows has no `sh`: there the command is spawned directly (no watchdog; Windows tears the console's
 * children down with it in the usual kiosk set-up).
 */
import { spawn, type ChildProcess, type StdioNull, type StdioPipe } from 'node:child_process';

/**
 * fd 3 = the lifeline (our stdin); the command gets /dev/null as stdin and no fd 3. The watcher
 * blocks reading the lifeline; on EOF it stops the command and, if it lingers, the group.
 * The shell itself waits for the command and exits with its status.
 */
const WATCHDOG = [
  'exec 3<&0 </dev/null',
  '"$@" 3<&- &',
  'c=$!',
  '{ while read -r _ <&3; do :; done; kill -TERM "$c" 2>/dev/null; i=0; while kill -0 "$c" 2>/dev/null && [ "$i" -lt "$G" ]; do sleep 0.1; i=$((i+1)); done; kill -KILL 0; } 3<&3 &',
  'w=$!',
  'exec 3<&-',
  'wait "$c"; s=$?',
  'kill "$w" 2>/dev/null',
  'exit "$s"',
].join('\n');

export interface TiedOptions {
  /** stdout/stderr handling (stdin is always the lifeline). */
  stdout?: StdioPipe | StdioNull;
  stderr?: StdioPipe | StdioNull;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** After the lifeline breaks: how long the command gets to exit on SIGTERM before the group is killed. */
  graceMs?: number;
}

export interface TiedProcess {
  readonly child: ChildProcess;
  /** Process group id (= the watchdog's pid) on POSIX; null on Windows. */
  readonly pgid: number | null;
  /** SIGTERM to the group, SIGKILL after `timeoutMs`; resolves when the watchdog has exited. */
  stop(timeoutMs?: number): Promise<void>;
  /** SIGKILL to the whole group, now. */
  kill(): void;
}

export function spawnTied(command: string, args: readonly string[], options: TiedOptions = {}): TiedProcess {
  const stdio: ['pipe', StdioPipe | StdioNull, StdioPipe | StdioNull] = ['pipe', options.stdout ?? 'ignore', options.stderr ?? 'ignore'];
  if (process.platform === 'win32') {
    const child = spawn(command, [...args], { stdio, env: options.env, cwd: options.cwd, windowsHide: true });
    const kill = () => void child.kill('SIGKILL');
    return { child, pgid: null, kill, stop: (timeoutMs = 2000) => stopChild(child, () => child.kill('SIGTERM'), kill, timeoutMs) };
  }
  const graceTicks = String(Math.max(1, Math.round((options.graceMs ?? 2000) / 100)));
  const child = spawn('/bin/sh', ['-c', WATCHDOG, 'tied', ...[command, ...args]], {
    stdio,
    detached: true,
    env: { ...(options.env ?? process.env), G: graceTicks },
    cwd: options.cwd,
  });
  // The lifeline carries no data; an EPIPE when the watchdog is gone is expected.
  child.stdin?.on('error', () => undefined);
  const pgid = child.pid ?? null;
  const signal = (sig: NodeJS.Signals) => {
    if (pgid === null) return;
    try {
      process.kill(-pgid, sig);
    } catch {
      // the group is gone
    }
  };
  return {
    child,
    pgid,
    kill: () => signal('SIGKILL'),
    stop: (timeoutMs = 2000) => stopChild(child, () => signal('SIGTERM'), () => signal('SIGKILL'), timeoutMs),
  };
}

async function stopChild(child: ChildProcess, term: () => void, kill: () => void, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    kill(); // stragglers of the group, if any
    return;
  }
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      kill();
      resolve();
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      kill();
      resolve();
    });
    term();
  });
}
