// The station queue's endpoints (sync/README.md §11), executed by QueueService (./service.ts):
//   POST /api/v1/queue/commands  terminal token; issue, call, transfer… (one command, replay-safe)
//   POST /api/v1/queue/lease     terminal token; a block of numbers for a kiosk while the hub is down
//   GET  /api/v1/queue/state     terminal token; the station's queue today
import type { FastifyInstance } from 'fastify';
import { paths } from '../../protocol/index';
import type { Auth } from '../auth/callers';
import type { QueueService } from './service';

/** A command is a few hundred bytes. */
const QUEUE_BODY_LIMIT = 16 * 1024;

export function registerQueue(app: FastifyInstance, deps: { queue: QueueService; auth: Pick<Auth, 'terminal'> }): void {
  const { queue, auth } = deps;
  app.post(paths.queueCommands, { bodyLimit: QUEUE_BODY_LIMIT }, async (req) => queue.command(await auth.terminal(req), req.body));
  app.post(paths.queueLease, { bodyLimit: QUEUE_BODY_LIMIT }, async (req) => queue.lease(await auth.terminal(req), req.body));
  app.get(paths.queueState, async (req) => queue.state((await auth.terminal(req)).stationId));
}
