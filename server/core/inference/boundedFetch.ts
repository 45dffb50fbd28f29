// Response bodies from an endpoint are read up to a cap: an endpoint that sends without end (a
// bug, a hostile server) would otherwise grow the process until it dies (the CLI reached 3 GB).
// The body is passed through as it arrives (streaming answers stay streamed) and fails with a
// clear error at the first byte past the cap.

/** Most bytes one response body may have (a streamed answer counts all its events). */
export const MAX_RESPONSE_BODY_BYTES = 64 * 1024 * 1024;

export class ResponseTooLargeError extends Error {
  override readonly name = 'ResponseTooLargeError';
  constructor(readonly limit: number) {
    super(`the endpoint's response is larger than ${limit / (1024 * 1024)} MiB, more than Hallucination Lab reads; it was cut off`);
  }
}

/** `inner` with every response body limited to `maxBytes`. */
export function boundedFetch(inner: typeof fetch, maxBytes = MAX_RESPONSE_BODY_BYTES): typeof fetch {
  return async (input, init) => {
    const response = await inner(input, init);
    if (!response.body) return response;
    let seen = 0;
    const limited = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          seen += chunk.byteLength;
          if (seen > maxBytes) controller.error(new ResponseTooLargeError(maxBytes));
          else controller.enqueue(chunk);
        },
      }),
    );
    return new Response(limited, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}
