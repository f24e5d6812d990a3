/**
 * Where a command writes and what it reads its settings from. The process's own by
 * default; tests pass their own to run commands in-process and read what they said.
 */
export interface CliIo {
  /** A line of the command's answer (stdout). */
  out(line: string): void;
  /** A line of progress or failure (stderr). */
  err(line: string): void;
  /** Raw output, such as an exported file (stdout). */
  write(chunk: string): void;
}

export interface CliContext {
  io: CliIo;
  env: NodeJS.ProcessEnv;
}

export const PROCESS_IO: CliIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  write: (chunk) => void process.stdout.write(chunk),
};

/** Exit codes: 0 done, 1 failed (the message says why), 2 not a command line we understand. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
