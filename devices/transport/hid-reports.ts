/**
 * Byte stream ⇄ HID reports, the one publicly documented vendor scheme (德科/DK readers; see
 * ../../../shared/specs/id-card-sam.md, "USB variants"): fixed-size reports, byte 0 = payload length
 * (1..size-1), payload follows, padded with zeros. Other vendors' HID framings are not public.
 */
export function toHidReports(data: Uint8Array, reportSize = 64, reportId = 0): Buffer[] {
  const max = reportSize - 1;
  const reports: Buffer[] = [];
  for (let off = 0; off < data.length; off += max) {
    const part = data.subarray(off, off + max);
    const report = Buffer.alloc(reportSize + 1);
    report[0] = reportId; // node-hid wants the report id first
    report[1] = part.length;
    report.set(part, 2);
    reports.push(report);
  }
  return reports;
}

/** Payload of one incoming report (without report id), or null for an ACK/empty/invalid report. */
export function fromHidReport(report: Uint8Array): Buffer | null {
  const len = report[0];
  if (len === undefined || len === 0 || len === 0xff || len > report.length - 1) return null;
  return Buffer.from(report.subarray(1, 1 + len));
}
