/**
 * The Electron preload (sandboxed, context-isolated): exposes exactly one object,
 * `window.terminal`, that forwards contract calls over IPC and delivers contract events.
 * It never exposes ipcRenderer itself; unknown names are refused here and again in main.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, callNames, eventNames, type Envelope, type TerminalBridge } from './contract';

const knownCalls = new Set<string>(callNames);
const knownEvents = new Set<string>(eventNames);
const listeners = new Map<string, Set<(payload: unknown) => void>>();

ipcRenderer.on(IPC_EVENT_CHANNEL, (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
  if (typeof name !== 'string') return;
  for (const l of listeners.get(name) ?? []) {
    try {
      l(payload);
    } catch (error) {
      console.error('terminal event listener failed', error);
    }
  }
});

const bridge: TerminalBridge = {
  kind: 'electron',
  async invoke(name: string, input?: unknown): Promise<Envelope> {
    if (!knownCalls.has(name)) return { ok: false, error: { code: 'UNKNOWN_CALL', message: `unknown call: ${String(name).slice(0, 100)}` } };
    try {
      return (await ipcRenderer.invoke(IPC_CALL_CHANNEL, name, input)) as Envelope;
    } catch {
      return { ok: false, error: { code: 'BRIDGE_UNAVAILABLE', message: 'main process did not answer' } };
    }
  },
  on(event: string, listener: (payload: unknown) => void) {
    if (!knownEvents.has(event)) throw new Error(`unknown event: ${event}`);
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  },
};

contextBridge.exposeInMainWorld('terminal', bridge);
