import type { Logger } from 'weft';

/** One call to a {@link RecordingLogger}. */
export interface LogRecord {
  level: 'error' | 'warn' | 'info' | 'debug';
  obj: Record<string, unknown>;
  msg: string | undefined;
}

/** A weft Logger that keeps what it is given, for assertions. */
export class RecordingLogger implements Logger {
  readonly records: LogRecord[] = [];

  error(obj: object, msg?: string): void {
    this.records.push({ level: 'error', obj: obj as Record<string, unknown>, msg });
  }

  warn(obj: object, msg?: string): void {
    this.records.push({ level: 'warn', obj: obj as Record<string, unknown>, msg });
  }

  info(obj: object, msg?: string): void {
    this.records.push({ level: 'info', obj: obj as Record<string, unknown>, msg });
  }

  debug(obj: object, msg?: string): void {
    this.records.push({ level: 'debug', obj: obj as Record<string, unknown>, msg });
  }

  messages(level?: LogRecord['level']): string[] {
    return this.records.filter((r) => level === undefined || r.level === level).map((r) => r.msg ?? '');
  }
}
