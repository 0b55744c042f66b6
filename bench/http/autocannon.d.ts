/**
 * Types for the part of autocannon 8's programmatic API the harness uses (the package
 * ships none). See its README, "API" and "Results".
 */
declare module 'autocannon' {
  namespace autocannon {
    interface Options {
      url: string;
      method?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
      connections?: number;
      pipelining?: number;
      /** Seconds. */
      duration?: number;
      /** Seconds before a request counts as timed out. */
      timeout?: number;
      title?: string;
    }

    /** An hdr-histogram summary: min, max, mean and percentiles. */
    interface Histogram {
      min: number;
      max: number;
      average: number;
      stddev: number;
      p50: number;
      p90: number;
      p99: number;
      total: number;
    }

    interface Result {
      /** Completed requests per second sample; `total` is all completed requests. */
      requests: Histogram & { sent: number };
      /** Milliseconds, 2xx responses only. */
      latency: Histogram;
      throughput: Histogram;
      /** Seconds actually run. */
      duration: number;
      errors: number;
      timeouts: number;
      non2xx: number;
      mismatches: number;
      statusCodeStats: Record<string, { count: number }>;
    }

    /** An event emitter that is also thenable (it has `then`, not `catch`). */
    interface Instance extends PromiseLike<Result> {
      stop(): void;
    }
  }

  function autocannon(options: autocannon.Options): autocannon.Instance;

  export = autocannon;
}
