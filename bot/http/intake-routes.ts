// The intake API: POST /api/referrals takes in one RFI; GET reads one referral or lists them.

import type { Request, Response, Server } from 'restify';
import { toApiReferral } from '../../referrals/api-view.js';
import { RFI_MAX_DEPTH } from '../../referrals/rfi-schema.js';
import { STATUSES, SUBSTATUSES, type Status, type Substatus } from '../../referrals/model.js';
import type { CommandDeps } from '../use-cases/apply-command.js';
import { takeInReferral } from '../use-cases/take-in-referral.js';
import { sendError } from './errors.js';
import { intakeAuth } from './intake-auth.js';
import { jsonBody } from './body-reader.js';

export const INTAKE_MAX_BYTES = 256 * 1024;

function queryValue(req: Request, name: string): string | undefined {
  const value = (req.query as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function mountIntakeRoutes(server: Server, deps: CommandDeps, apiKey: string): void {
  const auth = intakeAuth(apiKey);

  server.post(
    '/api/referrals',
    auth,
    jsonBody({ maxBytes: INTAKE_MAX_BYTES, maxDepth: RFI_MAX_DEPTH, compressed: true }),
    async (req: Request, res: Response) => {
      const result = await takeInReferral(deps, req.body);
      if (result.outcome === 'invalid') {
        sendError(res, 400, 'the referral is invalid', { details: result.problems });
        return;
      }
      res.send(result.outcome === 'created' ? 201 : 200, toApiReferral(result.referral));
    },
  );

  server.get('/api/referrals/:id', auth, async (req: Request, res: Response) => {
    const id = String(req.params?.id ?? '');
    const record = await deps.store.get(id);
    if (!record) {
      sendError(res, 404, `no referral with id "${id}"`);
      return;
    }
    res.send(200, toApiReferral(record.referral));
  });

  server.get('/api/referrals', auth, async (req: Request, res: Response) => {
    const status = queryValue(req, 'status');
    const substatus = queryValue(req, 'substatus');
    const details = [];
    if (status !== undefined && !(STATUSES as readonly string[]).includes(status)) {
      details.push({ path: 'status', message: `must be one of ${STATUSES.join(', ')}` });
    }
    if (substatus !== undefined && !(SUBSTATUSES as readonly string[]).includes(substatus)) {
      details.push({ path: 'substatus', message: `must be one of ${SUBSTATUSES.join(', ')}` });
    }
    if (details.length > 0) {
      sendError(res, 400, 'invalid query', { details });
      return;
    }
    const referrals = await deps.store.list({
      ...(status && { status: status as Status }),
      ...(substatus && { substatus: substatus as Substatus }),
    });
    res.send(200, { items: referrals.map(toApiReferral) });
  });
}
