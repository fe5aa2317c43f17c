package io.sockmap4j.runtime.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code sockmap4j} command line, the entry point of the runtime's {@code -cli} jar: {@code
 * java -jar sockmap4j-runtime-<version>-cli.jar doctor}.
 *
 * <p>picocli is an optional dependency of the runtime: library users do not inherit it, and the cli
 * jar carries it (with JNA) inside.
 */
@Command(
    name = "sockmap4j",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Tools for sockmap4j, Java programs that splice sockets in the kernel.",
    subcommands = {DoctorCommand.class, CommandLine.HelpCommand.class})
public final class Main {

  private Main() {}

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code (no subcommand prints the usage, code 2). */
  static int run(String... args) {
    CommandLine commandLine = new CommandLine(new Main());
    if (args.length == 0) {
      commandLine.usage(commandLine.getErr());
      return CommandLine.ExitCode.USAGE;
    }
    return commandLine.execute(args);
  }

  /** The version from the jar manifest, where Maven's archiver puts the project version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"sockmap4j " + (version == null ? "(development build)" : version)};
    }
  }
}
