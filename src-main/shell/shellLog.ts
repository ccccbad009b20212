/**
 * The logging the shell needs: pino's Logger fits it, and tests pass a recorder. Log ids,
 * channels, counts and codes; never file contents or payloads.
 */
export interface ShellLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}
