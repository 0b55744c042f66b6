import { runApp } from 'weft';
import { createSampleApp } from './app.js';

// runApp: startup, listen, SIGINT/SIGTERM → graceful shutdown, exit code 0 (1 after a failed startup).
// It takes the factory, as a process manager would: the app is built inside the runner.
void runApp(createSampleApp, {
  host: process.env.HOST ?? '127.0.0.1',
  port: Number(process.env.PORT ?? 8080),
  shutdownTimeout: 10_000,
});
