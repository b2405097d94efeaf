/**
 * The sync fuzzer's terminal that is the real app: the browser host process (main's services, its
 * own data folder) and Debian Chromium running the renderer's store (Dexie/IndexedDB, encryption,
 * replication through the real bridge over the host's WebSocket). The world (fuzz/fuzzer.ts) drives
 * it as it drives the in-process terminals; a restart is a SIGKILL of Chromium and of the host, a
 * re-enrollment is the operator's: stop the host, give it a new one-time code, start it again.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorldTerminal, WorldTerminalFactory } from '../fuzz/fuzzer';
import { callStore, launchChromium, launchHost, openStorePage, type KillableChromium, type KillableHost } from './store-chromium';

const DB = 'fuzz';

async function until<T>(what: string, f: () => Promise<T | null | undefined | false>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown = null;
  for (;;) {
    try {
      const v = await f();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`chromium terminal: ${what} not within ${ms} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const chromiumTerminal: WorldTerminalFactory = async ({ platformUrl, enrollCode, name, staff }) => {
  // A counter PC: the clerk app's host, with the station's clerk signed in (attachments need a staff session).
  const config = (code: string) => ({ role: 'clerk', platform: { url: platformUrl, enrollCode: code } });
  let host: KillableHost = await launchHost({ config: config(enrollCode), role: 'clerk' });
  const dataDir = host.dataDir;
  const port = host.port;
  let chrome: KillableChromium = await launchChromium();
  const profile = chrome.userDataDir;
  let terminalId = '';

  const open = async () => {
    await openStorePage(chrome.page, host.url, DB);
    terminalId = await until('enrollment', () => callStore(chrome.page, 'fuzzTerminalId'));
    await signIn();
  };
  const signIn = () => until('staff sign-in', async () => (await callStore(chrome.page, 'fuzzSignIn', staff.id, staff.pin)) === 'active', 30_000);
  const store = () => chrome.page;
  await open();

  const t: WorldTerminal = {
    name,
    dataDirs: [dataDir, profile],
    get terminalId() {
      return terminalId;
    },
    bridgeFaults: null,
    createDraft: (input, at) => callStore(store(), 'fuzzCreate', input, at.toISOString()),
    appIds: (statuses) => callStore(store(), 'fuzzAppIds', statuses),
    app: (id) => callStore(store(), 'fuzzApp', id),
    updateForm: (id, patch, at) => callStore(store(), 'fuzzUpdateForm', id, patch as never, at.toISOString()),
    setStatus: (id, status, at) => callStore(store(), 'fuzzSetStatus', id, status, at.toISOString()),
    saveCorrection: (id, patch, at) => callStore(store(), 'fuzzSaveCorrection', id, patch as never, at.toISOString()),
    async putAttachment(bytes, fileName) {
      try {
        return await callStore(store(), 'fuzzPutAttachment', bytes.toString('base64'), fileName);
      } catch (e) {
        // The clerk app locks the session after inactivity: the clerk signs in again, as at the counter.
        if (!/NOT_SIGNED_IN|STAFF_LOCKED|not signed in|locked/i.test(String(e))) throw e;
        await signIn();
        return callStore(store(), 'fuzzPutAttachment', bytes.toString('base64'), fileName);
      }
    },
    insertEvaluation: (doc) => callStore(store(), 'fuzzInsertEvaluation', doc),
    docs: (c) => callStore(store(), 'fuzzDocs', c),
    pending: () => callStore(store(), 'pending'),
    resync() {
      void callStore(store(), 'fuzzResync').catch(() => undefined);
    },
    quarantined: (c, id) => callStore(store(), 'fuzzQuarantined', c, id),
    openRefusal: (id) => callStore(store(), 'fuzzOpenRefusal', id),
    lookupOlder: (id) => callStore(store(), 'fuzzLookupOlder', id),
    async startSync() {
      // The store replicates by itself once main is enrolled (renderer/db/terminal-store.ts).
      await until('replication', () => callStore(store(), 'replicating'));
    },
    async restart() {
      // Both processes die at once, mid-whatever; the same profile and data folder come back.
      await Promise.all([chrome.kill(), host.kill('SIGKILL')]);
      host = await launchHost({ dataDir, port, role: 'clerk' });
      chrome = await launchChromium(profile);
      await open();
    },
    async reenroll(code) {
      await Promise.all([chrome.kill(), host.kill('SIGTERM')]);
      rmSync(join(dataDir, 'sync', 'enrollment.json'), { force: true });
      writeFileSync(join(dataDir, 'terminal.config.json'), JSON.stringify(config(code)));
      host = await launchHost({ dataDir, port, role: 'clerk' });
      chrome = await launchChromium(profile);
      await open();
    },
    async close() {
      await Promise.allSettled([chrome.kill(), host.kill('SIGKILL')]);
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(profile, { recursive: true, force: true });
    },
  };
  return t;
};
