/** Tests only: the demo platform on a free port, and a client enrolled at a station of it. */
import { PlatformClient } from '../../sync/client/transport';
import { startPlatform, type Platform } from '../../sync/server/platform';

export async function enrolledDemoPlatform(stationId = '360121201'): Promise<{ platform: Platform; client: PlatformClient; token: string }> {
  const platform = await startPlatform({ port: 0, seedDemo: true });
  const client = new PlatformClient({ baseUrl: platform.url });
  const { token } = await client.enroll(await platform.createEnrollCode(stationId));
  client.token = token;
  return { platform, client, token };
}
