import { runApp } from 'weft';
import { createSampleApp } from './app.js';

// runApp: startup, listen, SIGINT/SIGTERM → graceful shutdown, exit code 0 (1 after a failed startup).
// It takes the factory, as a process manager would: the app is built inside the runner.
runApp(createSampleApp, {
  host: process.env.HOST ?? '127.0.0.1',
  port: Number(process.env.PORT ?? 8080),
  shutdownTimeout: 10_000,
}).catch(() => {
  // already logged (to stderr when even the logger cannot be made: a bad LOG_LEVEL); process.exitCode is 1
});
