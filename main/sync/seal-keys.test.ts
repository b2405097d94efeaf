// 电子印章 at the terminal's main: enrollment brings the seal certificate for the key main made (the
// private key only in the secret store); a terminal enrolled without one asks at its next start; a
// certificate for another key or another root is refused.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type Platform } from '../../sync/server/platform';
import { TerminalConfig } from '../core/config';
import { createEventHub } from '../core/events';
import { createLogger } from '../core/log';
import { createSyncFeature } from './feature';
import { fileSecretStore } from './secrets';
import { SealKeys } from './seal-keys';
import { certificateSignedBy, issueSealCertificate, makeSealRequest, newSm2KeyPair, SEAL_ROOT_PATH } from '../../sync/protocol/seal';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'seal-keys-'));
  dirs.push(d);
  return d;
};

describe('the terminal’s seal key and certificate', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform({ seedDemo: true });
  }, 180_000);
  afterAll(async () => {
    await platform.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('enrollment certifies the key main made; the private key is only in the secret store', async () => {
    const dataDir = tmp();
    const lines: string[] = [];
    const log = createLogger({ level: 'debug', stderr: false, sink: (l) => lines.push(l) });
    const config = TerminalConfig.parse({ role: 'clerk', platform: { url: platform.url, enrollCode: await platform.createEnrollCode('360121201') } });
    const f = createSyncFeature({ config, log, events: createEventHub(log), dataDir, host: 'browser' }, { backoff: { baseMs: 50, maxMs: 200 }, timeoutMs: 30_000 });
    await f.start();
    await f.ready();
    try {
      const signer = await f.seals.signer();
      expect(signer?.certificate, lines.filter((l) => /seal|enroll/.test(l)).join('\n')).toMatchObject({ stationId: '360121201', terminalId: f.state().terminalId });
      const root = ((await (await fetch(platform.url + SEAL_ROOT_PATH)).json()) as { rootPublicKey: string }).rootPublicKey;
      expect(await f.seals.rootPublicKey()).toBe(root);
      expect(certificateSignedBy(signer!.certificate, root)).toBe(true);
      // seal.json is public data only: the private key is nowhere in plain files
      const files = readdirSync(join(dataDir, 'sync')).map((n) => readFileSync(join(dataDir, 'sync', n), 'latin1')).join('\n');
      expect(files).toContain(signer!.certificate.publicKey);
      expect(files).not.toContain(signer!.privateKey);
    } finally {
      await f.close();
    }
  }, 120_000);

  it('refuses a certificate for another key or one that does not chain to the root given with it', async () => {
    const d = tmp();
    const secrets = fileSecretStore(join(d, 'secrets'));
    const keys = new SealKeys(async () => secrets, join(d, 'seal.json'));
    const mine = await keys.request();
    const root = newSm2KeyPair();
    const fields = { serial: 'ab'.repeat(16), stationId: '360121201', stationName: '演示站', sealName: '便民服务专用章', terminalId: 'T-1', notBefore: new Date(Date.now() - 1000).toISOString(), notAfter: new Date(Date.now() + 60 * 86_400_000).toISOString() };
    const other = makeSealRequest(newSm2KeyPair().privateKey);
    await expect(keys.adopt('p', { certificate: issueSealCertificate({ ...fields, publicKey: other.publicKey }, root.privateKey), rootPublicKey: root.publicKey })).rejects.toThrow(/not for this terminal's key/);
    await expect(keys.adopt('p', { certificate: issueSealCertificate({ ...fields, publicKey: mine.publicKey }, root.privateKey), rootPublicKey: newSm2KeyPair().publicKey })).rejects.toThrow(/does not chain/);
    await expect(keys.adopt('p', { garbage: true })).rejects.toThrow(/malformed/);
    expect(await keys.signer()).toBeNull();
    await keys.adopt('p', { certificate: issueSealCertificate({ ...fields, publicKey: mine.publicKey }, root.privateKey), rootPublicKey: root.publicKey });
    expect((await keys.signer())?.certificate.publicKey).toBe(mine.publicKey);
    expect(await keys.needsCertificate('p', '360121201')).toBe(false);
    expect(await keys.needsCertificate('p', '360121100')).toBe(true);
    expect(await keys.needsCertificate('q', '360121201')).toBe(true);
    // 30 days before the end it asks for a new one
    expect(await keys.needsCertificate('p', '360121201', new Date(Date.now() + 40 * 86_400_000))).toBe(true);
    // the trusted root does not change under the same platform
    const root2 = newSm2KeyPair();
    await expect(keys.adopt('p', { certificate: issueSealCertificate({ ...fields, publicKey: mine.publicKey }, root2.privateKey), rootPublicKey: root2.publicKey })).rejects.toThrow(/another root/);
  });
});
