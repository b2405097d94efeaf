/** SAM command set (CMD, PARA). Source: ../../../shared/specs/id-card-sam.md, "Commands". */
export const SamCommand = {
  reset: { cmd: 0x10, para: 0xff, ok: [0x90] },
  status: { cmd: 0x11, para: 0xff, ok: [0x90] },
  samId: { cmd: 0x12, para: 0xff, ok: [0x90] },
  findCard: { cmd: 0x20, para: 0x01, ok: [0x9f] },
  selectCard: { cmd: 0x20, para: 0x02, ok: [0x90] },
  readBase: { cmd: 0x30, para: 0x01, ok: [0x90] },
  readAdditionalAddress: { cmd: 0x30, para: 0x03, ok: [0x90, 0x91] },
  readManagementNumber: { cmd: 0x30, para: 0x05, ok: [0x90] },
  readBaseWithFingerprint: { cmd: 0x30, para: 0x10, ok: [0x90] },
  setMaxRfBytes: { cmd: 0x61, para: 0xff, ok: [0x90] },
} as const satisfies Record<string, { cmd: number; para: number; ok: readonly number[] }>;

export type SamCommandName = keyof typeof SamCommand;

export function commandName(cmd: number, para: number): SamCommandName | undefined {
  for (const [name, c] of Object.entries(SamCommand)) {
    if (c.cmd === cmd && c.para === para) return name as SamCommandName;
  }
  return undefined;
}
