/**
 * Runs one verb through commander: builds the program with just that verb, maps commander's
 * usage errors to exit 2 and our typed errors to their exit codes.
 */
import { Command, CommanderError } from "commander";
import { VERSION } from "../version.js";
import { CliError } from "./errors.js";
import { describeFsError } from "./files.js";
import type { VerbEntry } from "./verbs.js";

export async function runVerb(verb: VerbEntry, argv: string[]): Promise<number> {
  const program = new Command("portcullis")
    .version(VERSION)
    .showSuggestionAfterError(true)
    .configureHelp({ showGlobalOptions: false });
  const mod = await verb.load();
  mod.register(program);
  // Which (sub)command ran, for error messages: "portcullis policy validate: …".
  let commandPath = verb.name;
  program.hook("preAction", (_program, action) => {
    commandPath = commandPathOf(action, program) || verb.name;
  });
  const configure = (cmd: Command) => {
    cmd.exitOverride();
    cmd.showHelpAfterError(
      `(run 'portcullis ${commandPathOf(cmd, program) || verb.name} --help' for usage and examples)`,
    );
    for (const sub of cmd.commands) configure(sub);
  };
  configure(program);
  process.exitCode = 0;
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version") return 0;
      // "commander.help": a verb with subcommands was given none; commander printed its help to
      // stderr. Anything else is a usage error commander already printed.
      return 2;
    }
    if (err instanceof CliError) {
      process.stderr.write(`portcullis ${commandPath}: ${err.message}\n`);
      return err.exitCode;
    }
    // A file named on the command line that a verb read or wrote without its own check: still
    // bad input (exit 2), said in words rather than as an internal error.
    const fsErr = err as NodeJS.ErrnoException;
    if (fsErr && typeof fsErr.path === "string" && typeof fsErr.syscall === "string" && fsErr.code) {
      process.stderr.write(`portcullis ${commandPath}: ${fsErr.path}: ${describeFsError(fsErr)}\n`);
      return 2;
    }
    throw err;
  }
  return typeof process.exitCode === "number" ? process.exitCode : 0;
}

/** "policy validate" for the validate subcommand of policy (the program itself excluded). */
function commandPathOf(cmd: Command, program: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c && c !== program; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}
