// Data directories readable by their owner only: the platform's and the hub's PGlite
// directory, the demo platform's, the terminal's data directory and logs. Directories 0700, files 0600:
// a restrictive umask for what the process creates from now on, and a pass over what exists (older
// versions created 0755/0644, and PGlite's WASM file system sets 0666 on the files it unpacks).
import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/** Folders never to close or walk, whatever a configuration says: /, the home folder, and shared ones (sticky, like /tmp). */
function shared(p: string, mode: number, isDir: boolean): boolean {
  if (!isDir) return false;
  const abs = path.resolve(p);
  return abs === path.parse(abs).root || abs === path.resolve(homedir()) || (mode & 0o1000) !== 0;
}

/** Group and other get nothing on what this process creates. No-op where it cannot (a worker thread: the process's main thread sets it). */
export function restrictUmask(): void {
  try {
    process.umask(0o077);
  } catch {
    /* worker threads may not change the umask */
  }
}

/**
 * Creates `dir` (0700) if needed and takes group and other permissions off it and everything under
 * it (symbolic links are left alone, never followed). A shared folder (/, the home folder, a sticky
 * one like /tmp) is neither changed nor walked: a data folder pointed at one must not close it for
 * everyone. Answers how many modes it changed.
 */
export function privateTree(dir: string): number {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let changed = 0;
  const stack = [dir];
  while (stack.length > 0) {
    const p = stack.pop()!;
    let st;
    try {
      st = lstatSync(p);
    } catch {
      continue; // removed meanwhile
    }
    if (st.isSymbolicLink() || shared(p, st.mode, st.isDirectory())) continue;
    const mode = st.mode & 0o7777;
    if (mode & 0o077) {
      try {
        chmodSync(p, mode & ~0o077);
        changed++;
      } catch {
        /* not ours (e.g. a mount point): leave it */
      }
    }
    if (st.isDirectory()) {
      let names: string[] = [];
      try {
        names = readdirSync(p);
      } catch {
        continue;
      }
      for (const n of names) stack.push(path.join(p, n));
    }
  }
  return changed;
}
