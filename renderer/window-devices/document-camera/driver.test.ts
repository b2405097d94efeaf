import { describe, expect, it } from 'vitest';
import { cameraErrorOf, openDocumentCamera } from './driver';

const named = (name: string) => Object.assign(new Error(`${name} happened`), { name });
const media = (over: Partial<MediaDevices>): MediaDevices => over as MediaDevices;

describe('document camera driver: opening the camera', () => {
  it('says which way opening failed: unsupported, denied, missing, busy', async () => {
    await expect(openDocumentCamera({ driver: 'uvc' }, undefined)).rejects.toMatchObject({ code: 'CAMERA_UNSUPPORTED' });
    for (const [name, code] of [
      ['NotAllowedError', 'CAMERA_DENIED'],
      ['SecurityError', 'CAMERA_DENIED'],
      ['NotFoundError', 'CAMERA_MISSING'],
      ['OverconstrainedError', 'CAMERA_MISSING'],
      ['NotReadableError', 'CAMERA_BUSY'],
    ] as const) {
      await expect(openDocumentCamera({ driver: 'uvc' }, media({ getUserMedia: () => Promise.reject(named(name)) }))).rejects.toMatchObject({ code, message: expect.stringContaining(name) });
    }
    expect(cameraErrorOf('weird').code).toBe('CAMERA_MISSING');
  });

  it('asks for video only, the configured size, and the camera whose label matches', async () => {
    const asked: MediaStreamConstraints[] = [];
    const stream = {} as MediaStream;
    const m = media({
      enumerateDevices: () => Promise.resolve([
        { kind: 'audioinput', label: 'Mic', deviceId: 'a' },
        { kind: 'videoinput', label: 'Integrated Webcam', deviceId: 'w' },
        { kind: 'videoinput', label: 'USB Document Camera (1234:5678)', deviceId: 'doc' },
      ] as MediaDeviceInfo[]),
      getUserMedia: (c?: MediaStreamConstraints) => {
        asked.push(c!);
        return Promise.resolve(stream);
      },
    });
    expect(await openDocumentCamera({ driver: 'uvc', deviceLabel: 'Document Camera', width: 2592, height: 1944 }, m)).toBe(stream);
    expect(asked[0]).toEqual({ audio: false, video: { width: { ideal: 2592 }, height: { ideal: 1944 }, deviceId: { exact: 'doc' } } });
    await openDocumentCamera({ driver: 'uvc' }, m);
    expect(asked[1]).toEqual({ audio: false, video: {} });
  });

  it('finds the configured camera when labels are hidden until the first permission', async () => {
    let granted = false;
    const asked: MediaStreamConstraints[] = [];
    const stopped: string[] = [];
    const streamOf = (id: string) => ({ getVideoTracks: () => [{ getSettings: () => ({ deviceId: id }) }], getTracks: () => [{ stop: () => stopped.push(id) }] }) as unknown as MediaStream;
    const m = media({
      enumerateDevices: () => Promise.resolve([
        { kind: 'videoinput', label: granted ? 'Integrated Webcam' : '', deviceId: 'w' },
        { kind: 'videoinput', label: granted ? 'USB Document Camera' : '', deviceId: 'doc' },
      ] as MediaDeviceInfo[]),
      getUserMedia: (c?: MediaStreamConstraints) => {
        asked.push(c!);
        granted = true;
        const v = c!.video as { deviceId?: { exact: string } };
        return Promise.resolve(streamOf(v.deviceId?.exact ?? 'w'));
      },
    });
    const s = await openDocumentCamera({ driver: 'uvc', deviceLabel: 'Document Camera', width: 1280 }, m);
    expect(s.getVideoTracks()[0]!.getSettings().deviceId).toBe('doc');
    expect(asked).toEqual([{ audio: false, video: { width: { ideal: 1280 } } }, { audio: false, video: { width: { ideal: 1280 }, deviceId: { exact: 'doc' } } }]);
    expect(stopped).toEqual(['w']); // the default camera opened to see the labels is let go
    // the default camera is the configured one: kept, not opened twice
    granted = false;
    asked.length = 0;
    const kept = await openDocumentCamera({ driver: 'uvc', deviceLabel: 'Webcam' }, m);
    expect(kept.getVideoTracks()[0]!.getSettings().deviceId).toBe('w');
    expect(asked).toHaveLength(1);
  });
});
