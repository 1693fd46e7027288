export interface Cli<O extends { readonly help: boolean }> {
  /** Reads argv and the environment; throws `usageError` naming the bad flag. */
  readonly parse: () => O;
  readonly usageError: new (message: string) => Error;
  readonly help: string;
  /** The script's work, once the options are good; resolves to the exit code. */
  readonly run: (options: O) => Promise<number>;
}

/**
 * The entry point of an npm script's front end: a usage error prints its message and
 * exits 2, --help prints the usage and exits 0, anything else thrown exits 1.
 */
export function runCli<O extends { readonly help: boolean }>(cli: Cli<O>): void {
  main(cli).then(
    // Exit explicitly: gRPC servers, channels and keep-alive sockets can hold the loop open.
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}

async function main<O extends { readonly help: boolean }>(cli: Cli<O>): Promise<number> {
  let options: O;
  try {
    options = cli.parse();
  } catch (err) {
    if (err instanceof cli.usageError) {
      console.error(`${err.message}\nRun with --help for the options.`);
      return 2;
    }
    throw err;
  }
  if (options.help) {
    console.log(cli.help);
    return 0;
  }
  return cli.run(options);
}
