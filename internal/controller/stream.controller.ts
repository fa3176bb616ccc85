import type { Request, Response, Router } from 'express';
import { inject, injectable } from 'inversify';
import { ValidationError } from '../../lib/domain/errors';
import { StreamHub, type StreamClient } from '../service/stream-hub';
import { API_PREFIX, type Controller } from './controller';
import { idParam } from './params';

function lastEventId(req: Request): number | null {
  // Browsers send the header on reconnect; the query parameter serves a first connect that resumes.
  const raw = req.headers['last-event-id'] ?? req.query.last_event_id;
  if (raw === undefined || raw === '') return null;
  if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw)) throw ValidationError.field('Last-Event-ID', 'must be an id this stream sent');
  return Number(raw);
}

function sseClient(res: Response): StreamClient {
  return {
    send: (type, data, id) => {
      res.write(`${id === undefined ? '' : `id: ${id}\n`}event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    comment: (text) => {
      res.write(`: ${text}\n\n`);
    },
    close: () => res.end(),
  };
}

/** GET /events/:id/stream: Server-Sent Events of seat changes, availability and sold-out, public. */
@injectable()
export class StreamController implements Controller {
  constructor(@inject(StreamHub) private readonly hub: StreamHub) {}

  register(router: Router): void {
    router.get(`${API_PREFIX}/events/:id/stream`, async (req, res) => {
      const eventId = idParam(req, 'id', 'Event');
      const resumeFrom = lastEventId(req);
      const client = sseClient(res);
      let detach: (() => void) | null = null;
      let gone = false;
      res.on('close', () => {
        gone = true;
        detach?.();
      });
      // Headers are committed only once the event is known, so a bad id still gets a problem+json 404.
      detach = await this.hub.open(eventId, {
        send: (type, data, id) => {
          if (!res.headersSent) this.begin(res);
          client.send(type, data, id);
        },
        comment: client.comment,
        close: client.close,
      }, resumeFrom);
      if (gone) detach();
      else if (!res.headersSent) this.begin(res);
    });
  }

  private begin(res: Response): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      // Tell nginx-style proxies not to buffer the stream.
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 2000\n\n');
  }
}
