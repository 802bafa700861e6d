/** Where a program writes: `out` for its result, `err` for everything else. Each call is one line or more, without the final newline. */
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** The process's standard output and error. */
export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** A {@link CliIo} that keeps what is written, for tests and for callers that show it elsewhere. */
export interface MemoryIo {
  readonly io: CliIo;
  /** Everything written to `out`, one line per call, each ending with a newline. */
  readonly out: () => string;
  /** Everything written to `err`, the calls joined with newlines (no final newline). */
  readonly err: () => string;
}

/** A new {@link MemoryIo}. */
export function memoryIo(): MemoryIo {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { out: (line) => out.push(line), err: (line) => err.push(line) },
    out: () => out.map((line) => `${line}\n`).join(""),
    err: () => err.join("\n"),
  };
}
