/**
 * The API's one error type: what a request did wrong (4xx) or cannot have now (503), with the message
 * the client gets as `{"error": "<message>"}` (index.ts answers it). SQL over HTTP's refusals and its
 * "database unavailable" are of this type too (sql/validate.ts, sql/execute.ts).
 */
export class HttpError extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 429 | 503,
    message: string,
  ) {
    super(message);
  }
}
