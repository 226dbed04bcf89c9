/**
 * Writes report files where the flags say (`--markdown`, `--html`, `--junit`), creating folders.
 * A file that cannot be written is an error naming its flag; `prepareReportFiles` finds that out
 * before a command changes anything.
 */
import { accessSync, constants, existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { SwitchyardError } from "../../model/errors";

/** A report file could not be written: the message names the flag and the file. */
export class ReportFileError extends SwitchyardError {}

const reason = (error: unknown) => (error as NodeJS.ErrnoException).code ?? (error as Error).message;

function refuse(flag: string, file: string, why: string): never {
  throw new ReportFileError(`${flag} ${file}: cannot write the report there (${why})`, `give ${flag} a file in a folder you can write to`);
}

/** Creates the file's folder and checks that the file can be written, without writing it. */
export function prepareReportFile(flag: string, file: string): void {
  if (!file.trim()) refuse(flag, JSON.stringify(file), "no file name");
  const target = path.resolve(file);
  try {
    mkdirSync(path.dirname(target), { recursive: true });
    if (existsSync(target)) {
      if (statSync(target).isDirectory()) refuse(flag, file, "it is a folder");
      accessSync(target, constants.W_OK);
    } else {
      accessSync(path.dirname(target), constants.W_OK);
    }
  } catch (error) {
    if (error instanceof ReportFileError) throw error;
    refuse(flag, file, reason(error));
  }
}

export function writeReportFile(flag: string, file: string, text: string): void {
  prepareReportFile(flag, file);
  try {
    writeFileSync(path.resolve(file), text);
  } catch (error) {
    refuse(flag, file, reason(error));
  }
}
