// The meaning of Teams connector errors for the outbox (bot/teams/send-errors.ts).

import { expect } from 'chai';
import { describeFailure, SendTimeoutError } from '../../../bot/outbox/messenger.js';
import { classifySendError } from '../../../bot/teams/send-errors.js';

describe('outbox error classification', () => {
  const rest = (statusCode: number, code: string, headers: Record<string, string> = {}) =>
    Object.assign(new Error(`${code} message`), { name: 'RestError', statusCode, code, response: { headers: { get: (name: string) => headers[name] } } });

  it('403 BotNotInConversationRoster / ConversationBlockedByUser and 404 ConversationNotFound: gone, never retried', () => {
    expect(classifySendError(rest(403, 'BotNotInConversationRoster')).kind).to.equal('gone');
    expect(classifySendError(rest(403, 'ConversationBlockedByUser')).kind).to.equal('gone');
    expect(classifySendError(rest(404, 'ConversationNotFound')).kind).to.equal('gone');
  });

  it('429 (with Retry-After), 412, 408, 5xx, 401: retried', () => {
    expect(classifySendError(rest(429, 'TooManyRequests', { 'retry-after': '2' }))).to.deep.include({ kind: 'retry', retryAfterMs: 2000 });
    expect(classifySendError(rest(503, 'ServiceUnavailable', { 'retry-after-ms': '250' }))).to.deep.include({ kind: 'retry', retryAfterMs: 250 });
    for (const status of [412, 408, 500, 502, 504, 401]) expect(classifySendError(rest(status, 'X')).kind, String(status)).to.equal('retry');
  });

  it('timeouts and connection errors: retried', () => {
    expect(classifySendError(new SendTimeoutError(15_000)).kind).to.equal('retry');
    expect(classifySendError(Object.assign(new Error('socket hang up'), { name: 'RestError', code: 'ECONNRESET' })).kind).to.equal('retry');
    expect(classifySendError(Object.assign(new Error('aborted'), { name: 'AbortError' })).kind).to.equal('retry');
    expect(classifySendError(Object.assign(new Error('x'), { code: 'REQUEST_SEND_ERROR' })).kind).to.equal('retry');
  });

  it('other 4xx (a bad request, a deleted message, a 403 for another reason): fatal, parked at once', () => {
    expect(classifySendError(rest(400, 'BadArgument')).kind).to.equal('fatal');
    expect(classifySendError(rest(404, 'NotFound')).kind).to.equal('fatal');
    expect(classifySendError(rest(403, 'Forbidden')).kind).to.equal('fatal');
    expect(classifySendError(Object.assign(new Error('no id'), { code: 'NoActivityId' })).kind).to.equal('fatal');
  });

  it('reads the Teams code from the body when the error has none, and describes failures without secrets', () => {
    const error = Object.assign(new Error('Forbidden'), { statusCode: 403, details: { error: { code: 'BotNotInConversationRoster' } } });
    const failure = classifySendError(error);
    expect(failure.kind).to.equal('gone');
    expect(describeFailure(failure)).to.equal('403 BotNotInConversationRoster: Forbidden');
  });
});
