/**
 * Runs one verb through commander: builds the program with just that verb, maps commander's
 * usage errors to exit 2 and our typed errors to their exit codes.
 */
import { Command, CommanderError } from "commander";
import { VERSION } from "../version.js";
import { CliError } from "./errors.js";
import type { VerbEntry } from "./verbs.js";

export async function runVerb(verb: VerbEntry, argv: string[]): Promise<number> {
  const program = new Command("portcullis")
    .version(VERSION)
    .showSuggestionAfterError(true)
    .configureHelp({ showGlobalOptions: false });
  const mod = await verb.load();
  mod.register(program);
  const exitOverride = (cmd: Command) => {
    cmd.exitOverride();
    for (const sub of cmd.commands) exitOverride(sub);
  };
  exitOverride(program);
  process.exitCode = 0;
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (
        err.code === "commander.helpDisplayed" ||
        err.code === "commander.version" ||
        err.code === "commander.help"
      ) {
        return 0;
      }
      // commander already printed the message to stderr
      return 2;
    }
    if (err instanceof CliError) {
      process.stderr.write(`portcullis ${verb.name}: ${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
  return typeof process.exitCode === "number" ? process.exitCode : 0;
}
