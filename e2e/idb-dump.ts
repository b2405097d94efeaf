/**
 * Every record of every IndexedDB database of the page, as text (one line per object store), to
 * search for values that must not be stored in the clear. Self-contained on purpose: it runs in the
 * page, passed to `page.evaluate` or bundled into the injected store page.
 */
export async function dumpIndexedDb(): Promise<string> {
  const out: string[] = [];
  for (const info of await indexedDB.databases()) {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open(info.name!);
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    for (const name of Array.from(db.objectStoreNames)) {
      const all = await new Promise<unknown[]>((resolve, reject) => {
        const r = db.transaction(name, 'readonly').objectStore(name).getAll();
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      out.push(`${info.name}/${name}: ${JSON.stringify(all)}`);
    }
    db.close();
  }
  return out.join('\n');
}
