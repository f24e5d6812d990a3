/** A backup cannot be made or restored; the message says what to do. Its own module so the CLI's error mapper loads nothing else. */
export class BackupError extends Error {}
