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
});
